"""A model that answers nothing: the emptiest valid answer to any pydantic response model.

Used by ``quality.py --ablation`` to measure what the rules find on their own: every question
the pipeline asks gets an answer that validates but says nothing (no entities, the "none" /
"unknown" choice, no parties), so whatever facts come out were found by code.

The emptiest value of a field, by its type:

- optional (``X | None``): None;
- list, set, tuple, dict: empty (or the emptiest items when a ``min_length`` demands some);
- enum: the member whose value is ``"none"``, else ``"unknown"``, else the first member;
- ``Literal[...]``: ``"none"``, else ``"unknown"``, else the first option;
- str: ``""`` (padded to a ``min_length``); int/float: 0 (or the lower bound); bool: False;
- a nested model: its own emptiest answer.
"""

from __future__ import annotations

import enum
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from factx.backends import FakeBackend

__all__ = ["EMPTY_CHOICES", "null_answer", "null_backend", "null_responder"]

#: Enum values and Literal options preferred, in this order, as "no answer".
EMPTY_CHOICES = ("none", "unknown")

_SEQUENCES = (list, set, frozenset, tuple)


def null_answer(model: type[BaseModel]) -> dict[str, Any]:
    """The emptiest JSON answer that ``model`` accepts (a dict of JSON values)."""
    return {name: _null(f.annotation, f.metadata) for name, f in model.model_fields.items()}


def null_responder(messages: list[Any], response_model: type[BaseModel]) -> dict[str, Any]:
    """A :class:`~factx.backends.FakeBackend` responder giving :func:`null_answer`."""
    return null_answer(response_model)


def null_backend(tier: str = "small") -> FakeBackend:
    """A fake backend that answers every question with nothing (staged pipeline by default)."""
    return FakeBackend(responder=null_responder, tier=tier, model="null")


def _choice(values: list[Any]) -> Any:
    for empty in EMPTY_CHOICES:
        for v in values:
            if isinstance(v, str) and v.casefold() == empty:
                return v
    return values[0]


def _bound(metadata: list[Any], cls: type, attr: str) -> Any:
    for m in metadata:
        if isinstance(m, cls):
            return getattr(m, attr)
    return None


def _null(annotation: Any, metadata: list[Any] | None = None) -> Any:
    metadata = list(metadata or [])
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        for x in extra:
            if isinstance(x, FieldInfo):
                metadata += x.metadata
            else:
                metadata.append(x)
        return _null(inner, metadata)
    if annotation is None or annotation is type(None) or annotation is Any:
        return None
    if origin is Union or origin is types.UnionType:
        args = get_args(annotation)
        if type(None) in args:
            return None
        return _null(args[0], metadata)
    if origin is Literal:
        return _choice(list(get_args(annotation)))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _choice([m.value for m in annotation])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return null_answer(annotation)
    min_len = _bound(metadata, annotated_types.MinLen, "min_length") or 0
    if origin in _SEQUENCES or annotation in _SEQUENCES:
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        if origin is tuple and args and len(get_args(annotation)) == len(args):
            return [_null(a) for a in args]  # a fixed-length tuple
        return [_null(args[0] if args else Any) for _ in range(min_len)]
    if origin is dict or annotation is dict:
        return {}
    if annotation is bool:
        return False
    if annotation in (int, float):
        low = _bound(metadata, annotated_types.Ge, "ge")
        above = _bound(metadata, annotated_types.Gt, "gt")
        if low is None and above is not None:
            low = above + 1 if annotation is int else above + 1e-9
        value = max(0, low) if low is not None else 0
        return annotation(value)
    if annotation is str:
        return "x" * min_len
    raise TypeError(f"no empty answer for a field of type {annotation!r}")
