"""A scripted backend for tests, shipped so users can test their own pipelines offline."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from ..models import Usage
from ._base import Message, Reply, T

Responder = Callable[[list[Message], type[BaseModel]], Any]


class Call(tuple):  # type: ignore[type-arg]
    """One recorded call: unpacks as ``(messages, response_model)``, as before, and carries
    the ``max_tokens`` it was asked with as an attribute."""

    max_tokens: int | None

    def __new__(
        cls, messages: list[Message], response_model: type[BaseModel], max_tokens: int | None
    ) -> Call:
        self = super().__new__(cls, (messages, response_model))
        self.max_tokens = max_tokens
        return self

    @property
    def messages(self) -> list[Message]:
        return self[0]  # type: ignore[no-any-return]

    @property
    def response_model(self) -> type[BaseModel]:
        return self[1]  # type: ignore[no-any-return]


class FakeBackend:
    """Answers from a script instead of a model.

    Args:
        responses: answers given in order (dicts, JSON strings or model instances); or
        responder: a function ``(messages, response_model) -> answer`` consulted for each call.
        tier: which pipeline the extractor picks for this backend ("small" or "large").

    Every call is recorded in ``calls`` as ``(messages, response_model)`` for assertions; each
    entry also has ``.max_tokens``, the limit the call was made with (see :class:`Call`).
    """

    provider = "fake"

    def __init__(
        self,
        responses: Sequence[Any] | None = None,
        *,
        responder: Responder | None = None,
        model: str = "fake",
        tier: str = "large",
    ) -> None:
        if (responses is None) == (responder is None):
            raise ValueError("give exactly one of responses= or responder=")
        self._responses = list(responses or [])
        self._responder = responder
        self.model = model
        self.tier = tier
        self.calls: list[Call] = []

    async def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int | None = None
    ) -> Reply[T]:
        self.calls.append(Call(list(messages), response_model, max_tokens))
        if self._responder is not None:
            answer = self._responder(messages, response_model)
        elif self._responses:
            answer = self._responses.pop(0)
        else:
            raise AssertionError("FakeBackend ran out of scripted responses")
        if isinstance(answer, BaseModel):
            raw = answer.model_dump_json()
        elif isinstance(answer, str):
            raw = answer
        else:
            raw = json.dumps(answer, ensure_ascii=False)
        usage = Usage(
            model=self.model,
            calls=1,
            attempts=1,
            prompt_tokens=sum(len(m["content"]) // 4 for m in messages),
            completion_tokens=len(raw) // 4,
        )
        try:
            value = response_model.model_validate_json(raw)
        except ValidationError as e:
            return Reply(value=None, raw=raw, usage=usage, error=_describe(e))
        return Reply(value=value, raw=raw, usage=usage)


def _describe(e: ValidationError) -> str:
    parts = []
    for err in e.errors(include_url=False):
        loc = ".".join(str(x) for x in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)
