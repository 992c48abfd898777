"""A language without a data file still gets facts: the model finds the candidate sentences.

Swedish has no file in factx/lang/ (if one is added, pick another language here): no cue word
is known, so the rules alone find nothing but quotations, and every other fact comes from the
model's answers to constrained questions whose options come from the article.
"""

from __future__ import annotations

from typing import Any

from factx import Extractor
from factx._lang import available
from factx.backends import FakeBackend

TEXT = (
    "STOCKHOLM — Utrikesminister Karin Holm reste på måndagen till Berlin för samtal om "
    "energi och säkerhet med sin tyska kollega.\n"
    "Holm sade till journalister att samarbetet mellan länderna har blivit starkare under "
    "det senaste året.\n"
    "”Vi vill bygga en gemensam marknad för el i norra Europa”, sade Holm efter mötet.\n"
    "De två ministrarna undertecknade också ett avtal om forskning i Berlin på måndagen.\n"
)


def _answer(messages: list[dict[str, str]], model: type) -> dict[str, Any]:
    fields = model.model_fields
    if "people" in fields:
        return {"people": ["Karin Holm"], "organisations": []}
    if "speech" in fields:  # the candidate sentences: speech, travel, agreement
        return {"speech": [2], "travel": [1], "agreement": []}
    if "destination" in fields:  # the sentence names two places: which is the destination
        return {"visitor": "Karin Holm", "destination": "Berlin"}
    if "visitor" in fields:
        return {"visitor": "Karin Holm"}
    if "speaker" in fields:
        return {"speaker": "Karin Holm"}
    raise AssertionError(f"unexpected question {model.__name__}")


def test_swedish_has_no_data_file() -> None:
    assert "sv" not in available()


def test_model_found_sentences_give_facts_in_a_language_without_data() -> None:
    backend = FakeBackend(responder=_answer, tier="small")
    facts = Extractor(backend, strategy="staged").extract(TEXT, published="2024-05-06")
    assert facts.language == "sv"
    assert [(v.visitor.name, v.destination.country) for v in facts.visits] == [
        ("Karin Holm", "DEU")
    ]
    assert [s.speaker.name for s in facts.statements] == ["Karin Holm"]
    assert [(q.speaker, q.text) for q in facts.quotes] == [
        ("Karin Holm", "Vi vill bygga en gemensam marknad för el i norra Europa")
    ]
    for fact in [*facts.visits, *facts.statements, *facts.quotes]:
        for span in fact.evidence:
            assert TEXT[span.start : span.end] == span.text
    asked = [m.__name__ for _, m in backend.calls]
    assert "Candidates" in asked


def test_without_the_model_only_quotations_remain() -> None:
    def nothing(messages: list[dict[str, str]], model: type) -> dict[str, Any]:
        fields = model.model_fields
        if "people" in fields:
            return {"people": [], "organisations": []}
        if "speech" in fields:
            return {"speech": [], "travel": [], "agreement": []}
        return {next(iter(fields)): "unknown"}

    facts = Extractor(FakeBackend(responder=nothing, tier="small"), strategy="staged").extract(
        TEXT, published="2024-05-06"
    )
    assert facts.visits == [] and facts.statements == [] and facts.agreements == []
