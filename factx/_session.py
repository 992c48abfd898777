"""One article's conversation with a backend: shared prefix, re-asks, usage and budget."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from . import _answers, _prompts
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
        #: some question failed or was answered only in part: facts may be missing
        self.partial = False
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
        label: str | None = None,
    ) -> T:
        """Ask, validate, ground; re-ask with the reason on failure.

        ``max_tokens`` defaults to the longest answer the schema admits
        (:func:`factx._answers.token_bound`), else the backend's own default. An answer cut
        off at that limit is re-asked with a changed request: twice the tokens (up to
        :data:`factx._answers.MAX_ANSWER_TOKENS`) or, once there, lists half as long, and the
        instruction to answer shorter (no re-ask when neither can change). When every answer
        fails and one was cut, the complete items of the cut answer with the most of them are
        kept if they validate and pass ``check``: the session then gets a warning (naming the
        question by ``label``) and is marked partial.

        Raises:
            ExtractionError: still invalid after ``max_reasks`` re-asks (and nothing to keep).
            BudgetExceededError: the article's token cap was reached.
            BackendError: transport failure (never turned into a re-ask).
        """
        base = self.messages(question)
        messages = base
        errors: list[str] = []
        raw: str | None = None
        limit = max_tokens if max_tokens is not None else _answers.token_bound(response_model)
        asked: type[BaseModel] = response_model
        cut_answers: list[str] = []
        attempts = 0
        for attempt in range(self.settings.max_reasks + 1):
            attempts = attempt + 1
            if attempt:
                self.usage.reasks += 1
            reply = await self.backend.complete(messages, asked, max_tokens=limit)
            self.usage.add(reply.usage)
            self._enforce_budget(raw=reply.raw, errors=errors)
            raw = reply.raw
            cut = reply.value is None and (reply.finish_reason == "length" or _answers.is_cut(raw))
            if reply.value is None:
                if cut:
                    errors = [_cut_reason(raw, limit)]
                else:
                    errors = [reply.error or "the answer did not match the schema"]
            else:
                errors = check(reply.value) if check else []  # type: ignore[arg-type]
                if not errors:
                    return reply.value  # type: ignore[return-value]
            # Only the latest failure goes back: re-asks stay bounded in size.
            reask = _prompts.REASK.format(errors="\n".join(f"- {e}" for e in errors))
            if cut:
                cut_answers.append(raw or "")
                # Never the same request again: more room for the answer, else a shorter one.
                grown = _grown(limit, reply.usage.completion_tokens, raw)
                halved = _answers.shorter(asked)
                if grown is not None:
                    limit = grown
                elif halved is not None:
                    asked = halved
                else:
                    break  # the same request again would get the same cut answer
                reask = _prompts.CUT.format(shorter=_shorter_hint(halved or asked))
            messages = [
                *base,
                {"role": "assistant", "content": raw or ""},
                {"role": "user", "content": reask},
            ]
        kept = self._salvage(cut_answers, response_model, check)
        if kept is not None:
            value, items = kept
            self.partial = True
            self.warnings.append(
                f"{label or 'the answer'} was cut off at the answer length limit and no "
                f"re-ask gave a whole valid answer; kept its {items} complete "
                f"{'item' if items == 1 else 'items'}"
            )
            return value
        raise ExtractionError(
            f"{response_model.__name__}: answer still invalid after {attempts - 1} re-asks",
            attempts=attempts,
            last_raw=raw,
            errors=errors,
            usage=self.usage,
        )

    @staticmethod
    def _salvage(
        answers: list[str], model: type[T], check: Check[T] | None
    ) -> tuple[T, int] | None:
        """The cut answer whose complete items are the most, if any is valid and passes."""
        best: tuple[T, int] | None = None
        for raw in answers:
            found = _answers.salvage(raw, model)
            if found is None or (best is not None and found[1] <= best[1]):
                continue
            value = found[0]
            if check is None or not check(value):  # type: ignore[arg-type]
                best = (value, found[1])  # type: ignore[assignment]
        return best

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


def _cut_reason(raw: str | None, limit: int | None) -> str:
    at = f"max_tokens={limit}" if limit is not None else "the backend's token limit"
    return (
        f"the answer was cut off at the length limit ({at}) after {len(raw or '')} characters, "
        "before its JSON was complete"
    )


def _grown(limit: int | None, used: int, raw: str | None) -> int | None:
    """Twice the limit a cut answer ran into, up to MAX_ANSWER_TOKENS; None if it cannot
    grow. Without a known limit, the cut answer's own length stands for it."""
    current = limit or used or _answers.token_estimate(raw or "")
    ceiling = max(_answers.MAX_ANSWER_TOKENS, limit or 0)
    grown = min(2 * current, ceiling)
    return grown if grown > current else None


def _shorter_hint(model: type[BaseModel]) -> str:
    bounds = _answers.list_bounds(model)
    if not bounds:
        return "shorter values"
    lists = ", ".join(f"{n} in {name}" for name, n in bounds.items())
    return f"the most important items first, at most {lists}, each as short as it can be"
