"""Long articles: chunk boundaries and overlap, offsets, merging, usage, size cap (offline)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from factx import Extractor
from factx._article import Article
from factx._batch import extract_many
from factx._chunk import Chunk, merge, plan_chunks, sub_article
from factx.backends import FakeBackend
from factx.exceptions import BudgetExceededError, ConfigError, InputError
from factx.models import Destination, Person, Span, Statement, Visit

_NUMBERED = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)


def paragraph(i: int, mark: bool = False) -> str:
    tag = f" Menteri itu MARK{i} mengumumkan program baru." if mark else ""
    return (
        f"Paragraf nomor {i} melaporkan bahwa menteri luar negeri bertemu duta besar di Jakarta "
        f"pada hari Senin untuk membahas kerja sama ekonomi.{tag} Pertemuan itu berlangsung "
        "selama dua jam dan dihadiri pejabat senior dari kedua negara."
    )


def long_article(paragraphs: int, mark_every: int = 3) -> str:
    return "\n\n".join(paragraph(i, mark=i % mark_every == 0) for i in range(paragraphs))


def numbered(messages: list[Any]) -> dict[int, str]:
    return {int(n): s for n, s in _NUMBERED.findall(messages[-1]["content"])}


def mark_responder(messages: list[Any], model: Any) -> dict[str, Any]:
    """One statement per sentence carrying a MARK, citing that sentence."""
    statements = [
        {"speaker": "Menteri", "content": re.search(r"MARK\d+", s).group(0), "sentences": [n]}
        for n, s in numbered(messages).items()
        if "MARK" in s
    ]
    return {"visits": [], "agreements": [], "statements": statements, "quotes": []}


def check_cover(text: str, chunks: list[Chunk], max_chars: int, overlap: int) -> None:
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    for c in chunks:
        assert 0 < c.end - c.start <= max_chars
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert a.start < b.start <= a.end  # no gap, always forward
        assert a.end - b.start <= overlap


# ----------------------------------------------------------------------------- boundaries


def test_short_article_is_one_chunk() -> None:
    article = Article.parse(long_article(3))
    assert plan_chunks(article, 40_000, 500) == [Chunk(0, len(article.text))]


def test_chunks_cover_the_text_cut_at_paragraphs_with_paragraph_overlap() -> None:
    article = Article.parse(long_article(60))
    chunks = plan_chunks(article, 2000, 500)
    check_cover(article.text, chunks, 2000, 500)
    starts = {s.start for s in article.sentences}
    paragraph_starts = {b.start for b in article.blocks if b.kind == "body"}
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert a.end in paragraph_starts  # cut between paragraphs
        assert b.start in starts and b.start < a.end  # a real overlap, starting a sentence
    # Every body sentence lies whole inside at least one chunk.
    for s in article.sentences:
        assert any(c.start <= s.start and s.end <= c.end for c in chunks)


def test_a_sentence_longer_than_a_chunk_is_cut_at_whitespace() -> None:
    words = " ".join(f"kata{i}" for i in range(3000))  # ~25,000 chars, no full stop
    text = paragraph(0) + "\n\n" + words + " selesai.\n\n" + paragraph(1)
    article = Article.parse(text)
    chunks = plan_chunks(article, 4000, 300)
    check_cover(text, chunks, 4000, 300)
    inside = [c for c in chunks if c.start > len(paragraph(0)) and c.end < len(text) - 300]
    assert inside and all(text[c.end - 1] == " " for c in inside)


def test_text_without_any_boundary_is_cut_hard_and_covered() -> None:
    text = paragraph(0) + "\n" + "x" * 50_000
    chunks = plan_chunks(Article.parse(text), 5000, 500)
    check_cover(text, chunks, 5000, 500)


def test_bad_chunk_settings_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="max_chunk_chars"):
        Extractor(FakeBackend([]), max_chunk_chars=10)
    with pytest.raises(ConfigError, match="chunk_overlap"):
        Extractor(FakeBackend([]), max_chunk_chars=2000, chunk_overlap=1500)


def test_sub_article_keeps_structure_at_shifted_offsets() -> None:
    text = long_article(20).replace(
        "Menteri itu", "\u201cKami siap bekerja,\u201d kata menteri itu"
    )
    article = Article.parse(text)
    chunk = plan_chunks(article, 1500, 400)[1]
    part = sub_article(article, chunk)
    assert part.text == text[chunk.start : chunk.end]
    assert [s.index for s in part.sentences] == list(range(1, len(part.sentences) + 1))
    for s in part.sentences:
        assert part.text[s.start : s.end] == s.text
        assert text[s.start + chunk.start : s.end + chunk.start] == s.text
        assert part.in_body(s.start, s.end)
    assert part.quotations
    for q in part.quotations:
        assert part.text[q.start : q.end] == q.text == "Kami siap bekerja,"
        sentence = part.sentences[q.sentence - 1]
        assert sentence.start <= q.start < sentence.end


# ----------------------------------------------------------------------------- extraction


def test_long_article_facts_have_article_offsets_and_no_overlap_duplicates() -> None:
    text = long_article(60)
    backend = FakeBackend(responder=mark_responder)
    ex = Extractor(backend, strategy="single", max_chunk_chars=2000, chunk_overlap=500)
    facts = ex.extract(text)
    chunks = plan_chunks(Article.parse(text), 2000, 500)
    assert len(backend.calls) == len(chunks) >= 8
    marks = sorted(re.findall(r"MARK\d+", text))
    assert sorted(s.content for s in facts.statements) == marks  # each once, none lost
    for s in facts.statements:
        (span,) = s.evidence
        assert text[span.start : span.end] == span.text
        assert s.content in span.text
    # Some marked sentences lay in an overlap: seen twice, reported once.
    sightings = sum(
        "MARK" in sentence for msgs, _ in backend.calls for sentence in numbered(msgs).values()
    )
    assert sightings > len(marks)


def test_usage_is_summed_over_chunks() -> None:
    text = long_article(40)
    backend = FakeBackend(responder=mark_responder)
    facts = Extractor(backend, strategy="single", max_chunk_chars=2000).extract(text)
    prompt = sum(sum(len(m["content"]) // 4 for m in msgs) for msgs, _ in backend.calls)
    assert facts.usage.calls == len(backend.calls) > 1
    assert facts.usage.prompt_tokens == prompt


def test_token_cap_covers_the_whole_article() -> None:
    text = long_article(40)
    backend = FakeBackend(responder=mark_responder)
    ex = Extractor(backend, strategy="single", max_chunk_chars=2000, max_tokens_per_article=1500)
    with pytest.raises(BudgetExceededError) as info:
        ex.extract(text)
    assert 1 < len(backend.calls) < len(plan_chunks(Article.parse(text), 2000, 500))
    assert info.value.usage is not None and info.value.usage.calls == len(backend.calls)


def test_staged_strategy_runs_per_chunk_too() -> None:
    text = long_article(30)

    def responder(messages: list[Any], model: Any) -> dict[str, Any]:
        fields = model.model_fields
        if "people" in fields:
            return {"people": [], "organisations": []}
        return {name: None for name in fields}  # no candidate question is expected

    backend = FakeBackend(responder=responder, tier="small")
    facts = Extractor(backend, max_chunk_chars=2000).extract(text)
    entity_calls = [c for c in backend.calls if "people" in c[1].model_fields]
    assert len(entity_calls) == len(plan_chunks(Article.parse(text), 2000, 500))
    assert facts.usage.calls == len(backend.calls)


def test_fact_straddling_a_cut() -> None:
    """A visit told in two sentences of neighbouring paragraphs. With an overlap that holds
    both, one chunk sees it whole: one visit with both sentences. Without overlap, each chunk
    sees half: two visits, each with its own sentence (documented in factx._chunk)."""
    paras = [paragraph(i) for i in range(12)]
    paras[5] += " Presiden VISIT-A berangkat ke Moskwa."
    paras[6] = "Presiden VISIT-B tiba di Moskwa pada Selasa. " + paras[6]
    text = "\n\n".join(paras)

    def responder(messages: list[Any], model: Any) -> dict[str, Any]:
        cited = [n for n, s in numbered(messages).items() if "VISIT-" in s]
        visits = [{"visitor": "Presiden", "sentences": cited}] if cited else []
        return {"visits": visits, "agreements": [], "statements": [], "quotes": []}

    cut = text.index(paras[6])
    for overlap, expected in ((600, [2]), (0, [1, 1])):
        ex = Extractor(
            FakeBackend(responder=responder),
            strategy="single",
            max_chunk_chars=cut + 100,
            chunk_overlap=overlap,
        )
        facts = ex.extract(text)
        assert [len(v.evidence) for v in facts.visits] == expected


def test_merge_keeps_the_fuller_twin_and_separate_facts_of_one_chunk() -> None:
    def visit(*spans: tuple[int, int]) -> Visit:
        return Visit(
            visitor=Person(name="X"),
            destination=Destination(),
            evidence=[Span(text="t" * (e - s), start=s, end=e) for s, e in spans],
        )

    def statement(s: int, e: int) -> Statement:
        evidence = [Span(text="t" * (e - s), start=s, end=e)]
        return Statement(speaker=Person(name="X"), content="c", evidence=evidence)

    merged = merge(
        [
            (0, {"visits": [visit((10, 20))], "statements": [statement(0, 5), statement(0, 5)]}),
            (1, {"visits": [visit((10, 20), (30, 40))], "statements": [statement(0, 5)]}),
        ]
    )
    assert [[(s.start, s.end) for s in v.evidence] for v in merged["visits"]] == [
        [(10, 20), (30, 40)]
    ]
    assert len(merged["statements"]) == 2  # same chunk: both kept; the repeat absorbed


# ----------------------------------------------------------------------------- big input


def test_one_megabyte_article_is_chunked_and_nothing_is_dropped() -> None:
    text = long_article(4500, mark_every=50)
    assert len(text) > 1_000_000
    backend = FakeBackend(responder=mark_responder)
    ex = Extractor(backend, strategy="single", max_tokens_per_article=None)
    facts = ex.extract(text)
    assert len(backend.calls) > 25
    seen: set[str] = set()
    for messages, _ in backend.calls:
        sentences = numbered(messages)
        assert sum(len(s) for s in sentences.values()) <= ex.max_chunk_chars
        seen.update(sentences.values())
    assert {s.text for s in Article.parse(text).sentences} <= seen  # every sentence sent
    assert sorted(s.content for s in facts.statements) == sorted(re.findall(r"MARK\d+", text))


def test_one_megabyte_article_within_the_default_budget_fails_clearly() -> None:
    text = long_article(4500)
    ex = Extractor(FakeBackend(responder=mark_responder), strategy="single")
    with pytest.raises(BudgetExceededError, match="token cap of 200000"):
        ex.extract(text)


# ----------------------------------------------------------------------------- size cap


def test_article_over_the_size_cap_is_an_input_error() -> None:
    ex = Extractor(FakeBackend(responder=mark_responder), max_article_chars=1000)
    with pytest.raises(InputError, match="over the limit of 1,000"):
        ex.extract(long_article(10))


def test_size_cap_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTX_MAX_CHARS", "1234")
    assert Extractor(FakeBackend([])).max_article_chars == 1234
    assert Extractor(FakeBackend([]), max_article_chars=99).max_article_chars == 99
    monkeypatch.setenv("FACTX_MAX_CHARS", "lots")
    with pytest.raises(ConfigError, match="FACTX_MAX_CHARS"):
        Extractor(FakeBackend([]))
    monkeypatch.delenv("FACTX_MAX_CHARS")
    assert Extractor(FakeBackend([])).max_article_chars == 2_000_000


def test_batch_turns_an_oversized_article_into_an_error_record() -> None:
    ex = Extractor(FakeBackend(responder=mark_responder), strategy="single", max_article_chars=2000)

    async def run() -> list[dict[str, Any]]:
        return [r async for r in extract_many([long_article(2), long_article(20)], ex)]

    records = {r["source"]: r for r in asyncio.run(run())}
    assert records["0"].get("error") is None
    assert records["1"]["error"]["type"] == "InputError"
    assert "over the limit of 2,000" in records["1"]["error"]["message"]


def test_default_chunk_size_follows_the_context_window() -> None:
    small = FakeBackend([])
    small.n_ctx = 8192  # type: ignore[attr-defined]
    assert Extractor(small).max_chunk_chars == 12_288
    assert Extractor(FakeBackend([])).max_chunk_chars == 40_000
