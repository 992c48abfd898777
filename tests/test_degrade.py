"""A question that fails degrades its article instead of failing it (issue #19).

The entities answer of a long article ran past its token limit, came back cut on every re-ask
and failed the whole article. Now: the limit is sized from the schema, a re-ask after a cut
answer asks with more tokens (or for a shorter list), the complete items of a cut list are
kept, and when a question still fails the article comes back ``partial`` with a warning
naming the question. The article here is invented for these tests.
"""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from factx import BudgetExceededError, Extractor
from factx._batch import BatchStats, extract_many
from factx._io import InputItem
from factx.backends import FakeBackend, Reply
from factx.backends._base import schema_of
from factx.cli import main

TEXT = (
    "Foreign Minister Anna Weber arrived in Oslo on Monday for two days of talks on fishing "
    "rights in the northern seas.\n\n"
    "\u201cWe have come to listen to our partners before we decide anything,\u201d Weber said at "
    "the airport.\n\n"
    "Lars Holm, who chairs the Nordic Fisheries Council, welcomed the visit and the timing "
    "of the talks.\n\n"
    "\u201cThis is a good week for the people of the coast,\u201d Holm said.\n\n"
    "Weber told reporters that her government wanted a fair share of the catch for both fleets.\n"
)
WEBER_QUOTE = "We have come to listen to our partners before we decide anything,"
HOLM_QUOTE = "This is a good week for the people of the coast,"
WHOLE = {"people": ["Anna Weber", "Lars Holm"], "organisations": ["Nordic Fisheries Council"]}
CUT_EMPTY = '{"people": ["Anna Web'  # cut before any name was complete
BROKEN = "\nThe talks were marked BROKEN by the wire service that first reported them.\n"
CUT_AFTER_HOLM = '{"people": ["Anna Weber", "Lars Holm", "Nordic Fish'


def answers(entities: Any) -> Any:
    """Valid answers to every staged question; ``entities`` for the list of actors."""

    def responder(messages: list[dict[str, str]], model: Any) -> Any:
        name = model.__name__
        if name == "_Entities":
            return entities(messages) if callable(entities) else entities
        if name == "QuoteSpeaker":
            return {"speaker": "unknown"}
        if name == "StatementSpeaker":
            return {"speaker": "none"}
        if name == "Visitor":
            return {"visitor": "none"}
        return {"parties": [], "what": "", "status": "agreed"}

    return responder


def article_of(messages: list[dict[str, str]]) -> str:
    return messages[1]["content"]  # the user turn: the article, then the question


def staged(fake: Any, **kw: Any) -> Extractor:
    return Extractor(fake, strategy="staged", **kw)


def entity_calls(fake: FakeBackend) -> list[Any]:
    return [c for c in fake.calls if c.response_model.__name__ == "_Entities"]


def quotes(facts: Any) -> set[tuple[str | None, str]]:
    return {(q.speaker, q.text) for q in facts.quotes}


class CuttingBackend:
    """A backend whose answers stop at ``max_tokens * chars_per_token`` characters, as a
    server's do at its token limit (finish_reason "length")."""

    tier = "small"
    model = "cutting-fake"

    def __init__(self, fake: FakeBackend, chars_per_token: float) -> None:
        self.fake = fake
        self.chars_per_token = chars_per_token

    async def complete(self, messages: Any, response_model: Any, *, max_tokens: Any = None) -> Any:
        reply = await self.fake.complete(messages, response_model, max_tokens=max_tokens)
        room = int((max_tokens or 10**9) * self.chars_per_token)
        if reply.raw is None or len(reply.raw) <= room:
            return reply
        return Reply(value=None, raw=reply.raw[:room], usage=reply.usage, finish_reason="length")


# ----------------------------------------------------------------------------- degrade


def test_cut_entities_answer_gives_a_partial_record_with_the_other_facts() -> None:
    fake = FakeBackend(responder=answers(CUT_EMPTY), tier="small")
    facts = staged(fake).extract(TEXT, published="2024-05-06")

    assert facts.partial is True
    (warning,) = facts.warnings
    assert warning.startswith("the list of people and organisations could not be read: ")
    assert "cut off at the length limit" in warning
    assert "_Entities" not in warning
    # Without the model's list, code still finds the titled minister and what she did.
    assert ("Anna Weber", WEBER_QUOTE) in quotes(facts)
    assert [v.visitor.name for v in facts.visits] == ["Anna Weber"]
    assert [s.speaker.name for s in facts.statements] == ["Anna Weber"]
    for q in facts.quotes:
        span = q.evidence[0]
        assert TEXT[span.start : span.end] == span.text
    assert facts.model_dump(mode="json")["partial"] is True


def test_whole_answers_give_a_complete_record() -> None:
    facts = staged(FakeBackend(responder=answers(WHOLE), tier="small")).extract(TEXT)
    assert facts.partial is False and facts.warnings == []
    assert ("Lars Holm", HOLM_QUOTE) in quotes(facts)


def test_other_failed_questions_warn_in_plain_words_and_mark_partial() -> None:
    base = answers({"people": ["Anna Weber"], "organisations": []})

    def responder(messages: Any, model: Any) -> Any:
        if model.__name__ == "QuoteSpeaker":
            return {"speaker": "Somebody Else"}  # never one of the choices
        return base(messages, model)

    facts = staged(FakeBackend(responder=responder, tier="small")).extract(TEXT)
    assert facts.partial is True
    (warning,) = facts.warnings
    assert warning.startswith("who said the quotation in sentence 4 could not be read: ")
    assert "(3 attempts)" in warning
    assert "QuoteSpeaker" not in warning and "skipped a question" not in warning
    assert ("Anna Weber", WEBER_QUOTE) in quotes(facts)  # the other quote is kept


# ----------------------------------------------------------------------------- re-asks


def test_reask_after_a_cut_answer_asks_with_more_tokens() -> None:
    fake = FakeBackend(responder=answers(CUT_EMPTY), tier="small")
    staged(fake).extract(TEXT)

    calls = entity_calls(fake)
    assert len(calls) == 3
    limits = [c.max_tokens for c in calls]
    assert limits[0] is not None and limits[0] > 250  # sized from the schema, not fixed
    assert limits[0] < limits[1] < limits[2] <= 2048
    reask = calls[1].messages[-1]["content"]
    assert "cut off" in reask and "shorter" in reask
    assert calls[1].messages[-2] == {"role": "assistant", "content": CUT_EMPTY}


def test_reask_that_cannot_get_more_tokens_asks_for_a_shorter_list() -> None:
    fake = FakeBackend(responder=answers(CUT_EMPTY), tier="small")
    staged(fake, max_reasks=4).extract(TEXT)

    calls = entity_calls(fake)
    requests = [
        (c.max_tokens, json.dumps(schema_of(c.response_model), sort_keys=True)) for c in calls
    ]
    assert len(requests) == 5
    # never the same request twice in a row
    assert all(a != b for a, b in zip(requests, requests[1:], strict=False))
    bounds = [schema_of(c.response_model)["properties"]["people"]["maxItems"] for c in calls]
    assert bounds == [12, 12, 12, 6, 3]
    assert calls[3].max_tokens == calls[2].max_tokens == 2048
    assert "at most 6 in people" in calls[3].messages[-1]["content"]


def test_more_tokens_get_the_whole_list() -> None:
    many = {
        "people": ["Anna Weber", "Lars Holm", *[f"Invented Person No {i:02d}" for i in range(10)]],
        "organisations": ["Nordic Fisheries Council", *[f"Invented Agency {i}" for i in range(7)]],
    }
    assert len(json.dumps(many)) > 706 // 2  # past the first limit at 2 tokens a character
    fake = FakeBackend(responder=answers(many), tier="small")
    facts = staged(CuttingBackend(fake, chars_per_token=0.5)).extract(TEXT)

    assert facts.partial is False and facts.warnings == []
    assert ("Lars Holm", HOLM_QUOTE) in quotes(facts)
    limits = [c.max_tokens for c in entity_calls(fake)]
    assert len(limits) == 2 and limits[1] == 2 * limits[0]


def test_token_cap_still_ends_the_article_during_a_grown_reask() -> None:
    probe = FakeBackend(responder=answers(CUT_EMPTY), tier="small")
    staged(probe, max_reasks=0).extract(TEXT)
    first_call = sum(len(m["content"]) // 4 for m in probe.calls[0].messages) + len(CUT_EMPTY) // 4

    fake = FakeBackend(responder=answers(CUT_EMPTY), tier="small")
    with pytest.raises(BudgetExceededError):
        staged(fake, max_tokens_per_article=int(first_call * 1.5)).extract(TEXT)
    calls = entity_calls(fake)
    assert len(fake.calls) == len(calls) == 2
    assert calls[1].max_tokens > calls[0].max_tokens


# ----------------------------------------------------------------------------- salvage


def test_salvage_keeps_the_complete_items_of_a_cut_list() -> None:
    fake = FakeBackend(responder=answers(CUT_AFTER_HOLM), tier="small")
    facts = staged(fake).extract(TEXT)

    assert facts.partial is True
    (warning,) = facts.warnings
    assert warning.startswith("the list of people and organisations was cut off")
    assert "kept its 2 complete items" in warning
    # Lars Holm has no title: only the kept list names him as the second quote's speaker.
    assert quotes(facts) == {("Anna Weber", WEBER_QUOTE), ("Lars Holm", HOLM_QUOTE)}


def test_salvage_parser() -> None:
    from factx._answers import is_cut, salvage
    from factx._pipeline import _Entities, _SAll

    kept = salvage('{"people": ["A \\"B\\" C", "Dee", "E', _Entities)
    assert kept is not None
    value, n = kept
    assert (value.people, value.organisations, n) == (['A "B" C', "Dee"], [], 2)

    kept = salvage('{"people": ["Ann"], "organisations": ["Ox", "Yale Un', _Entities)
    assert kept is not None and kept[0].organisations == ["Ox"] and kept[1] == 2

    # An object cut inside a list keeps only the objects before it, never part of one.
    cut = (
        '{"visits": [], "quotes": [{"speaker": "Ann", "text": "Yes we can", "sentence": 2}, '
        '{"speaker": "Bo", "text": "No'
    )
    kept = salvage(cut, _SAll)
    assert kept is not None and [q.speaker for q in kept[0].quotes] == ["Ann"]
    assert salvage(cut.replace('"sentence": 2', '"sent'), _SAll) is None

    assert salvage(CUT_EMPTY, _Entities) is None  # nothing complete
    assert salvage('{"people": ["Ann"], "organisations": []}', _Entities) is None  # not cut
    assert is_cut(CUT_AFTER_HOLM) and is_cut('{"n": 12') and not is_cut('{"n": 12}')
    assert not is_cut('{"people": ["Ann"]]') and not is_cut("")


def test_token_bound_comes_from_the_schema() -> None:
    from factx._answers import token_bound
    from factx._pipeline import _Entities, _SAll

    bound = token_bound(_Entities)
    assert bound is not None and 250 < bound <= 2048
    assert token_bound(_SAll) is None  # unbounded strings and lists: the backend decides
    props = schema_of(_Entities)["properties"]
    assert props["people"]["items"]["maxLength"] == 60


# ----------------------------------------------------------------------------- backends


def _cut_server_reply(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", "mock"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": CUT_AFTER_HOLM},
                    "finish_reason": "length",
                }
            ],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
        },
    )


@pytest.mark.parametrize("request_format", ["json_object", "json_schema"])
def test_server_answer_cut_at_max_tokens_is_a_reply_not_a_crash(
    server: Any, request_format: str
) -> None:
    from factx._pipeline import _Entities

    server.queue(_cut_server_reply)
    backend = server.backend(request_format=request_format)
    reply = asyncio.run(
        backend.complete([{"role": "user", "content": "x"}], _Entities, max_tokens=10)
    )
    assert reply.value is None and reply.finish_reason == "length"
    assert reply.raw == CUT_AFTER_HOLM
    assert server.requests[0]["max_tokens"] == 10


# ----------------------------------------------------------------------------- batch and CLI


def test_chunked_article_is_partial_when_one_chunk_question_fails() -> None:
    filler = "Officials in the harbour town said the fleets would meet again next year. " * 8
    text = f"{filler.strip()}\n\n{TEXT}"
    calls = {"n": 0}

    def entities(messages: Any) -> Any:
        calls["n"] += 1
        return CUT_EMPTY if "Weber" in article_of(messages) else WHOLE

    facts = staged(
        FakeBackend(responder=answers(entities), tier="small"), max_chunk_chars=1000
    ).extract(text)
    assert calls["n"] >= 4  # two chunks: one whole answer, three cut ones
    assert facts.partial is True
    assert any("people and organisations could not be read" in w for w in facts.warnings)


def test_batch_stats_count_partial_articles_apart_from_failed_ones() -> None:
    def entities(messages: Any) -> Any:
        return CUT_EMPTY if "BROKEN" in article_of(messages) else WHOLE

    ex = staged(FakeBackend(responder=answers(entities), tier="small"))
    items = [
        InputItem("whole", text=TEXT),
        InputItem("cut", text=TEXT + BROKEN),
        InputItem("empty", text="   "),
    ]
    stats = BatchStats()

    async def collect() -> list[dict[str, Any]]:
        return [r async for r in extract_many(items, ex, stats=stats)]

    records = {r["source"]: r for r in asyncio.run(collect())}
    assert records["cut"]["partial"] is True and records["whole"]["partial"] is False
    assert (stats.done, stats.succeeded, stats.partial, stats.complete, stats.failed) == (
        3,
        2,
        1,
        1,
        1,
    )
    summary = stats.summary()
    assert "1 partial" in summary and "1 complete" in summary and "1 failed" in summary
    assert "1 partial" in stats.progress_line()


def test_cli_summary_reports_partial_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FACTX_CACHE_DIR", str(tmp_path / ".cache"))
    Path("in").mkdir()
    Path("in/a.txt").write_text(TEXT, encoding="utf-8")
    Path("in/b.txt").write_text(TEXT + BROKEN, encoding="utf-8")

    def entities(messages: Any) -> Any:
        return CUT_EMPTY if "BROKEN" in article_of(messages) else WHOLE

    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["extract", "in", "-o", "out.jsonl", "--strategy", "staged"],
        backend=FakeBackend(responder=answers(entities), tier="small"),
        stdout=out,
        stderr=err,
    )
    assert code == 0  # partial articles are done, not failed
    records = {
        r["source"]: r
        for r in map(json.loads, Path("out.jsonl").read_text(encoding="utf-8").splitlines())
    }
    assert records["in/b.txt"]["partial"] is True and records["in/a.txt"]["partial"] is False
    assert "1 partial" in err.getvalue() and "no failures" in err.getvalue()
