"""The model that answers nothing (``benchmarks/_null.py``, for ``quality.py --ablation``)."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, Field, create_model

from benchmarks._null import null_answer, null_backend
from factx import ArticleFacts, Extractor
from factx._pipeline import _SAll

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def valid(model: type[BaseModel]) -> BaseModel:
    """The null answer, validated the way FakeBackend validates it (from its JSON)."""
    return model.model_validate_json(json.dumps(null_answer(model)))


def test_enums_prefer_none_then_unknown_then_the_first_member() -> None:
    with_none = enum.Enum("A", {"v0": "Joko Widodo", "v1": "unknown", "v2": "none"}, type=str)
    with_unknown = enum.Enum("B", {"v0": "Joko Widodo", "v1": "unknown"}, type=str)
    neither = enum.Enum("C", {"v0": "Joko Widodo", "v1": "Anwar Ibrahim"}, type=str)
    model = create_model("M", a=(with_none, ...), b=(with_unknown, ...), c=(neither, ...))
    assert null_answer(model) == {"a": "none", "b": "unknown", "c": "Joko Widodo"}
    assert valid(model).a.value == "none"  # type: ignore[attr-defined]


def test_literals_optionals_lists_strings_and_numbers() -> None:
    class Inner(BaseModel):
        name: str
        n: int = Field(ge=3)

    class Outer(BaseModel):
        status: Literal["proposed", "agreed"]
        choice: Literal["yes", "unknown"]
        maybe: Literal["planned", "ongoing"] | None = None
        when: str | None
        items: list[str] = Field(default_factory=list)
        at_least_one: list[Inner] = Field(min_length=1)
        pair: tuple[int, str]
        table: dict[str, int]
        flag: bool
        score: float
        title: str = Field(min_length=2)
        inner: Inner

    answer = null_answer(Outer)
    assert answer == {
        "status": "proposed",
        "choice": "unknown",
        "maybe": None,
        "when": None,
        "items": [],
        "at_least_one": [{"name": "", "n": 3}],
        "pair": [0, ""],
        "table": {},
        "flag": False,
        "score": 0.0,
        "title": "xx",
        "inner": {"name": "", "n": 3},
    }
    valid(Outer)


def test_the_single_strategy_answer_is_empty() -> None:
    assert valid(_SAll).model_dump() == {
        "visits": [],
        "agreements": [],
        "statements": [],
        "quotes": [],
    }


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_staged_pipeline_gets_a_valid_answer_to_every_question(seed: str) -> None:
    backend = null_backend()
    ex = Extractor(backend, strategy="staged")
    text = (SEEDS / seed).read_bytes().decode("utf-8-sig")
    facts = ex.extract(text, source=seed)

    ArticleFacts.model_validate(facts.model_dump(mode="json"))
    assert backend.calls, "the staged pipeline asked nothing"
    for _, response_model in backend.calls:
        valid(response_model)
    assert facts.usage.calls == len(backend.calls)
    assert facts.usage.reasks == 0  # no answer was rejected and asked again
    assert not [w for w in facts.warnings if w.startswith("skipped a question")]


def test_the_seeds_exercise_every_kind_of_staged_question() -> None:
    """So the test above covers every response model the staged pipeline creates."""
    asked: set[str] = set()
    for path in sorted(SEEDS.glob("*.txt")):
        backend = null_backend()
        Extractor(backend, strategy="staged").extract(path.read_text(encoding="utf-8"))
        asked |= {model.__name__ for _, model in backend.calls}
    assert asked == {
        "_Entities",
        "QuoteSpeaker",
        "StatementSpeaker",
        "Visitor",
        "AgreementAnswer",
    }
