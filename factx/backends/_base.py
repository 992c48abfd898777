"""The backend protocol: one structured call in, one validated object (or a reason) out."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

from ..models import Usage

T = TypeVar("T", bound=BaseModel)

Message = dict[str, str]


@dataclass
class Reply(Generic[T]):
    """What a backend returns for one structured call.

    Either ``value`` is a validated instance of the response model, or ``error`` says why the
    model's output was not valid (bad JSON, schema violation). Transport failures are not
    replies: backends raise :class:`factx.exceptions.BackendError` for those.

    ``finish_reason`` is the server's (``"stop"``, ``"length"`` when the answer ran into
    ``max_tokens``), when the backend knows it; None otherwise (factx then tells a cut answer
    by its JSON stopping early).
    """

    value: T | None
    raw: str | None
    usage: Usage = field(default_factory=Usage)
    error: str | None = None
    finish_reason: str | None = None


@runtime_checkable
class Backend(Protocol):
    """Anything that answers a structured question.

    Implementations: :class:`OpenAIBackend` (any OpenAI-compatible server),
    :class:`LocalBackend` (the embedded llama.cpp model), :class:`FakeBackend` (tests).

    Optional attribute: ``max_concurrency`` (int), the most articles the batch engine may
    have in flight on this backend whatever ``--concurrency`` says (1 for an in-process model).
    """

    model: str
    #: "small" models get the staged pipeline of focused questions, "large" ones one call.
    tier: str

    async def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int | None = None
    ) -> Reply[T]:
        """Ask ``messages`` and parse the answer into ``response_model``.

        Raises:
            BackendError: the server failed after transport retries.
        """
        ...


_SCHEMAS: weakref.WeakKeyDictionary[type[BaseModel], dict[str, Any]] = weakref.WeakKeyDictionary()


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """JSON Schema of a response model, as sent to servers that constrain output with it.

    Computed once per model class (generating it costs milliseconds, more than the rest of a
    call's client work); entries go away with their class, so per-question models built with
    ``create_model`` do not accumulate. The returned dict is shared: do not mutate it.
    """
    schema = _SCHEMAS.get(model)
    if schema is None:
        schema = _SCHEMAS[model] = model.model_json_schema()
    return schema
