"""Structured answers: how many tokens one may need, whether it was cut, what a cut one keeps.

- :func:`token_bound` sizes a question's ``max_tokens`` from its response model: the tokens of
  the longest answer the schema admits (lists bounded by ``maxItems``, strings by
  ``maxLength``, enums by their longest option), or None when the schema sets no bound.
- :func:`is_cut` tells an answer that ran past its token limit (JSON that stops inside a
  string, list or object) from one that is merely wrong.
- :func:`salvage` keeps the complete items of a cut list answer: ``{"people": ["A", "B", "C``
  becomes ``{"people": ["A", "B"]}``, validated against the response model.
- :func:`shorter` is the response model with every top-level list bound halved, for a re-ask
  that cannot be given more tokens.
"""

from __future__ import annotations

import json
import math
from typing import Any

from pydantic import BaseModel, Field, ValidationError, create_model

from .backends._base import schema_of

# Characters of answer text per token, assumed when sizing a limit. Names and short phrases
# in Latin script take 2.5-4 characters a token (the entities answer of issue #19 was cut at
# 655 characters by 250 tokens); other scripts can take fewer, which the re-ask after a cut
# answer covers by doubling the limit.
CHARS_PER_TOKEN = 2.0
# Tokens a number, boolean or null can take (numbers have no bound in JSON Schema).
_SCALAR_TOKENS = 8
# The largest limit factx derives or grows to on its own.
MAX_ANSWER_TOKENS = 2048


def _text_tokens(chars: int) -> int:
    return math.ceil(chars / CHARS_PER_TOKEN)


def token_estimate(text: str) -> int:
    """Tokens ``text`` takes, at :data:`CHARS_PER_TOKEN` characters a token."""
    return _text_tokens(len(text))


def token_bound(model: type[BaseModel]) -> int | None:
    """Tokens the longest valid answer to ``model`` needs, or None if the schema admits
    answers of any length (a list without ``max_length``, a string without ``max_length``).

    An estimate, not a count: text at :data:`CHARS_PER_TOKEN` characters a token, one token
    for each quotation mark, bracket, comma and colon, and one of whitespace per list item and
    object member. Capped at :data:`MAX_ANSWER_TOKENS`.
    """
    schema = schema_of(model)
    try:
        bound = _bound(schema, schema.get("$defs", {}), depth=0)
    except _Unbounded:
        return None
    return min(bound, MAX_ANSWER_TOKENS)


class _Unbounded(Exception):
    pass


def _bound(node: Any, defs: dict[str, Any], depth: int) -> int:
    if depth > 20 or not isinstance(node, dict):
        raise _Unbounded  # recursive or malformed schema
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name not in defs:
            raise _Unbounded
        return _bound(defs[name], defs, depth + 1)
    for key in ("anyOf", "oneOf"):
        if key in node:
            return max(_bound(option, defs, depth + 1) for option in node[key])
    if "allOf" in node:
        return min(_bound(part, defs, depth + 1) for part in node["allOf"])
    if "const" in node:
        return _literal(node["const"])
    if "enum" in node:
        return max(_literal(v) for v in node["enum"])
    kind = node.get("type")
    if isinstance(kind, list):
        return max(_bound({**node, "type": k}, defs, depth + 1) for k in kind)
    if kind == "string":
        if "maxLength" not in node:
            raise _Unbounded
        return 2 + _text_tokens(int(node["maxLength"]))
    if kind == "array":
        if "maxItems" not in node:
            raise _Unbounded
        item = _bound(node.get("items", {}), defs, depth + 1) if node["maxItems"] else 0
        return 2 + int(node["maxItems"]) * (item + 2)  # the item, its comma, whitespace
    if kind == "object" or "properties" in node:
        total = 2
        for key, value in node.get("properties", {}).items():
            total += 2 + _text_tokens(len(key)) + 3 + _bound(value, defs, depth + 1)
        return total
    if kind in ("integer", "number", "boolean", "null"):
        return _SCALAR_TOKENS
    raise _Unbounded  # no type: anything goes


def _literal(value: Any) -> int:
    text = json.dumps(value, ensure_ascii=False)
    return 2 + _text_tokens(len(text))


# ----------------------------------------------------------------------------- cut answers


class _Scan:
    """Structure of a JSON text read as far as it goes.

    ``cut``: the text stops inside a string or an open list/object (and nothing before was
    malformed). ``safe``: positions where the text can be cut and closed with brackets to give
    valid JSON that keeps only complete items: right after a complete element of a list of
    the outermost object (or of an outermost list), right after such a list opens, or right
    after a complete member of the outermost object.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.cut = False
        self.start = -1
        self.safe: list[tuple[int, str]] = []  # (end, closing brackets)
        self._scan()

    def _scan(self) -> None:
        text = self.text
        start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
        if start < 0:
            return
        self.start = start
        stack: list[str] = []  # "{" or "["
        expect_value = [False]  # per open object: the next string is a value, not a key
        i = start
        n = len(text)
        while i < n:
            c = text[i]
            if c in " \t\r\n":
                i += 1
                continue
            if c in "{[":
                stack.append(c)
                expect_value.append(False)
                i += 1
                if c == "[":
                    self._mark(i, stack)
                continue
            if c in "}]":
                if not stack or {"}": "{", "]": "["}[c] != stack[-1]:
                    return  # malformed: not a cut answer
                stack.pop()
                expect_value.pop()
                i += 1
                if not stack:
                    return  # complete
                self._value_done(i, stack, expect_value)
                continue
            if c == ",":
                i += 1
                continue
            if c == ":":
                if not stack or stack[-1] != "{":
                    return
                expect_value[-1] = True
                i += 1
                continue
            if c == '"':
                j = i + 1
                while j < n and text[j] != '"':
                    j += 2 if text[j] == "\\" else 1
                if j >= n:
                    self.cut = True  # stops inside a string
                    return
                i = j + 1
                if stack and stack[-1] == "{" and not expect_value[-1]:
                    continue  # a key: its value is still to come
                self._value_done(i, stack, expect_value)
                continue
            # number, true, false, null: complete only once something follows it
            j = i
            while j < n and text[j] not in ' \t\r\n,:]}"{[':
                j += 1
            if j >= n:
                self.cut = True
                return
            token = text[i:j]
            try:
                json.loads(token)
            except ValueError:
                return  # malformed
            i = j
            self._value_done(i, stack, expect_value)
        self.cut = bool(stack)

    def _value_done(self, end: int, stack: list[str], expect_value: list[bool]) -> None:
        if stack and stack[-1] == "{":
            expect_value[-1] = False
        self._mark(end, stack)

    def _mark(self, end: int, stack: list[str]) -> None:
        # Only whole items of the outermost lists count: a cut inside an item (an object in
        # a list, a list in such an object) drops the item rather than keep part of it.
        if not (len(stack) == 1 or stack[:2] == ["{", "["] and len(stack) == 2):
            return
        closers = "".join("}" if c == "{" else "]" for c in reversed(stack))
        self.safe.append((end, closers))


def is_cut(raw: str | None) -> bool:
    """Whether ``raw`` is JSON that stops early: inside a string, or with a list or object
    still open (as when an answer runs past its token limit)."""
    return bool(raw) and _Scan(raw or "").cut


def salvage(raw: str, model: type[BaseModel]) -> tuple[BaseModel, int] | None:
    """The complete items of a cut answer, as a valid ``model``, and how many list items
    were kept; None when nothing complete is left or what is left is not valid.

    Lists of the outermost object that the answer never reached are taken as empty when the
    model has such a list field.
    """
    scan = _Scan(raw)
    if not scan.cut:
        return None
    for end, closers in reversed(scan.safe):
        try:
            data = json.loads(raw[scan.start : end] + closers)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        kept = sum(len(v) for v in data.values() if isinstance(v, list))
        if not kept:
            return None  # nothing complete: not an answer
        for name, field in model.model_fields.items():
            key = field.alias or name
            if key not in data and _is_list(field.annotation):
                data[key] = []
        try:
            return model.model_validate(data), kept
        except ValidationError:
            continue  # e.g. a list of objects whose last kept one is invalid: cut earlier
    return None


def _is_list(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) is list or annotation is list


def list_bounds(model: type[BaseModel]) -> dict[str, int]:
    """``max_length`` of each top-level list field that has one."""
    out: dict[str, int] = {}
    for name, field in model.model_fields.items():
        if not _is_list(field.annotation):
            continue
        for meta in field.metadata:
            bound = getattr(meta, "max_length", None)
            if isinstance(bound, int):
                out[name] = bound
    return out


def shorter(model: type[BaseModel]) -> type[BaseModel] | None:
    """``model`` with each top-level list's ``max_length`` halved (at least 1), as a subclass
    (its answers are still instances of ``model``); None when no list bound can shrink."""
    bounds = {k: v for k, v in list_bounds(model).items() if v > 1}
    if not bounds:
        return None
    fields: dict[str, Any] = {}
    for name, bound in bounds.items():
        field = model.model_fields[name]
        extra: dict[str, Any] = {"max_length": max(1, bound // 2)}
        if field.description:
            extra["description"] = field.description
        if field.default_factory is not None:
            extra["default_factory"] = field.default_factory
        elif not field.is_required():
            extra["default"] = field.default
        fields[name] = (field.annotation, Field(**extra))
    return create_model(model.__name__, __base__=model, **fields)
