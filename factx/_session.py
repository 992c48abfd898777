"""One article's conversation with a backend: shared prefix, re-asks, usage and budget."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from . import _prompts
from ._article import Article
from .backends import Backend, Message
from .exceptions import BudgetExceededError, ExtractionError
from .models import Usage

T = TypeVar("T", bound=BaseModel)
Check = Callable[[T], list[str]]


@dataclass
class Settings:
    """Knobs of one extraction.

    Attributes:
        max_reasks: re-asks after a validation/grounding failure, per question. Each costs one
            more model call with the failure reason.
        max_tokens_per_article: prompt+completion tokens after which the article fails with
            BudgetExceededError (None: no cap).
        strategy: "auto" (the backend's tier decides), "single" (one call per article) or
            "staged" (small focused questions: more calls, far better with small models).
    """

    max_reasks: int = 2
    max_tokens_per_article: int | None = 200_000
    strategy: str = "auto"


class Session:
    """Asks questions about one article; the article is the first thing in every prompt."""

    def __init__(self, backend: Backend, article: Article, settings: Settings) -> None:
        self.backend = backend
        self.article = article
        self.settings = settings
        self.usage = Usage(model=backend.model)
        self.warnings: list[str] = []
        self._prefix = _prompts.article_block(article.numbered())
        if article.published:
            self._prefix += f"\nPublished: {article.published.isoformat()}"

    def messages(self, question: str) -> list[Message]:
        return [
            {"role": "system", "content": _prompts.SYSTEM},
            {"role": "user", "content": f"{self._prefix}\n\n{question}"},
        ]

    async def ask(
        self,
        question: str,
        response_model: type[T],
        *,
        check: Check[T] | None = None,
        max_tokens: int | None = None,
    ) -> T:
        """Ask, validate, ground; re-ask with the reason on failure.

        Raises:
            ExtractionError: still invalid after ``max_reasks`` re-asks.
            BudgetExceededError: the article's token cap was reached.
            BackendError: transport failure (never turned into a re-ask).
        """
        base = self.messages(question)
        messages = base
        errors: list[str] = []
        raw: str | None = None
        for attempt in range(self.settings.max_reasks + 1):
            if attempt:
                self.usage.reasks += 1
            reply = await self.backend.complete(messages, response_model, max_tokens=max_tokens)
            self.usage.add(reply.usage)
            self._enforce_budget(raw=reply.raw, errors=errors)
            raw = reply.raw
            if reply.value is None:
                errors = [reply.error or "the answer did not match the schema"]
            else:
                errors = check(reply.value) if check else []
                if not errors:
                    return reply.value
            # Only the latest failure goes back: re-asks stay bounded in size.
            messages = [
                *base,
                {"role": "assistant", "content": raw or ""},
                {
                    "role": "user",
                    "content": _prompts.REASK.format(errors="\n".join(f"- {e}" for e in errors)),
                },
            ]
        raise ExtractionError(
            f"{response_model.__name__}: answer still invalid after "
            f"{self.settings.max_reasks} re-asks",
            attempts=self.settings.max_reasks + 1,
            last_raw=raw,
            errors=errors,
            usage=self.usage,
        )

    def _enforce_budget(self, *, raw: str | None, errors: list[str]) -> None:
        cap = self.settings.max_tokens_per_article
        spent = self.usage.prompt_tokens + self.usage.completion_tokens
        if cap is not None and spent > cap:
            raise BudgetExceededError(
                f"token cap of {cap} reached ({spent} tokens spent)",
                attempts=self.usage.calls,
                last_raw=raw,
                errors=errors,
                usage=self.usage,
            )
