"""Helpers shared by the examples: an offline rule-based "model" and backend selection.

``--backend fake`` in every example uses :func:`fake_backend`: a :class:`factx.backends.FakeBackend`
whose answers come from a few regular expressions instead of a model. It answers the
single-call question (quotes and reported speech), so examples run without a network, a key
or the embedded model. Its answers are crude; they are there to show the plumbing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from factx.backends import Backend, FakeBackend, Message

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

_LINE = re.compile(r"^\[(\d+)\] (.+)$", re.MULTILINE)
_QUOTED = re.compile(r"“([^“”]+)”|\"([^\"]+)\"")
_NAME = r"([A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})"
# "kata Lavrov", "kata sekretaris pers AS Jen Psaki", "said Foreign Minister Sergey Lavrov"
_SAID_AFTER = re.compile(r"\b(?:kata|ujar|tutur|said)\s+(?:[a-z]+\s+){0,3}" + _NAME)
_SAID_BEFORE = re.compile(_NAME + r"\s+(?:mengatakan|menyatakan|menegaskan|said|says)\b")
_SINGLE_FIELDS = {"visits", "agreements", "statements", "quotes"}


def sentences(messages: list[Message]) -> list[tuple[int, str]]:
    """The numbered article sentences ``[n] text`` that factx puts in the prompt."""
    prompt = next(m["content"] for m in messages if m["role"] == "user")
    return [(int(n), text) for n, text in _LINE.findall(prompt)]


def answer(messages: list[Message], response_model: type[BaseModel]) -> dict[str, Any]:
    """A rule-based answer to factx's single-call question."""
    if set(response_model.model_fields) != _SINGLE_FIELDS:
        raise NotImplementedError(
            f"the demo backend only answers the single-call question, not "
            f"{response_model.__name__}; use strategy='single'"
        )
    quotes: list[dict[str, Any]] = []
    statements: list[dict[str, Any]] = []
    for n, text in sentences(messages):
        found = False
        for m in _QUOTED.finditer(text):
            words = (m.group(1) or m.group(2)).strip()
            if len(words.split()) < 3 or "‹" in words or "›" in words:
                continue  # scare quotes, or text the prompt had to escape
            found = True
            after = _SAID_AFTER.search(text, m.end())
            before = _SAID_BEFORE.search(text[: m.start()])
            speaker = after or before
            quotes.append(
                {
                    "speaker": speaker.group(1) if speaker else None,
                    "text": words,
                    "cue": speaker.group(0).split()[0] if after else None,
                    "sentence": n,
                }
            )
        said = _SAID_BEFORE.search(text)
        if said and not found:
            statements.append(
                {
                    "speaker": said.group(1),
                    "content": text[said.end() :].strip(" ,.")[:200],
                    "sentences": [n],
                }
            )
    return {"quotes": quotes, "statements": statements, "visits": [], "agreements": []}


def fake_backend() -> FakeBackend:
    """An offline backend answering with :func:`answer`."""
    return FakeBackend(responder=answer, model="demo-rules")


def backend_from(name: str | None) -> str | Backend | None:
    """``"fake"`` -> the offline demo backend; anything else is left to factx to resolve
    (``None``: ``FACTX_BACKEND``, else the embedded ``local`` model)."""
    return fake_backend() if name == "fake" else name
