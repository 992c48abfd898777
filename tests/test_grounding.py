"""Grounding: locating snippets by offsets into the original text, and checking spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from factx import Span
from factx._article import Article
from factx._ground import Grounder, fold, span_of

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

TEXT = (
    "Judul Berita Hari Ini\n"
    "Foto: Reuters — the minister said the talks were constructive and long overdue indeed.\n"
    "JAKARTA – The minister said the talks were “constructive — and long overdue,” adding that "
    "both sides   would meet again in   March next year in the capital city of Jakarta.\n"
    'Dr. Smith told reporters: "We are ready. We wait! What else?" and then he left the '
    "building quietly. The next sentence begins here with more words.\n"
    "Officials from both governments said that the talks were constructive, and they expect "
    "a treaty to be signed soon.\n"
)


@pytest.fixture(scope="module")
def article() -> Article:
    return Article.parse(TEXT)


@pytest.fixture(scope="module")
def grounder(article: Article) -> Grounder:
    return Grounder(article)


def assert_at_offsets(span: Span | None, text: str = TEXT) -> Span:
    assert span is not None
    assert text[span.start : span.end] == span.text
    return span


# ----------------------------------------------------------------------------- locate


def test_exact_match(grounder: Grounder) -> None:
    span = assert_at_offsets(grounder.locate("adding that both sides"))
    assert span.start == TEXT.index("adding that both sides")


def test_surrounding_whitespace_is_ignored(grounder: Grounder) -> None:
    span = assert_at_offsets(grounder.locate("  adding that both sides \n"))
    assert span.text == "adding that both sides"


def test_straight_quotes_and_hyphen_match_curly_quotes_and_dash(grounder: Grounder) -> None:
    span = assert_at_offsets(grounder.locate('"constructive - and long overdue,"'))
    assert span.text == "constructive — and long overdue,"  # original characters


def test_curly_quotes_match_straight_quotes(grounder: Grounder) -> None:
    span = assert_at_offsets(grounder.locate("“We are ready. We wait!”"))
    assert span.text == "We are ready. We wait!"


def test_en_dash_matches_hyphen(grounder: Grounder) -> None:
    span = assert_at_offsets(grounder.locate("JAKARTA - The minister"))
    assert span.text == "JAKARTA – The minister"


def test_collapsed_whitespace_maps_back_to_original_offsets(grounder: Grounder) -> None:
    span = assert_at_offsets(grounder.locate("both sides would meet again in March"))
    assert span.text == "both sides   would meet again in   March"
    assert span.start == TEXT.index("both sides   would")


def test_newline_in_snippet_matches_spaces(grounder: Grounder) -> None:
    span = assert_at_offsets(grounder.locate("both sides\nwould meet"))
    assert span.text == "both sides   would meet"


def test_case_is_folded(grounder: Grounder) -> None:
    span = assert_at_offsets(grounder.locate("THE CAPITAL CITY OF JAKARTA"))
    assert span.text == "the capital city of Jakarta"


def test_not_found_and_empty(grounder: Grounder) -> None:
    assert grounder.locate("nothing like this appears") is None
    assert grounder.locate("") is None
    assert grounder.locate("   ") is None


def test_body_occurrence_beats_caption(grounder: Grounder, article: Article) -> None:
    caption_at = TEXT.index("the talks were constructive and long")
    span = assert_at_offsets(grounder.locate("the talks were constructive", near=caption_at))
    assert article.in_body(span.start, span.end)
    assert span.start == TEXT.index("the talks were constructive,")


def test_nearest_occurrence_wins(grounder: Grounder) -> None:
    first = TEXT.index("The minister said")
    second = TEXT.index("Officials from both")
    assert assert_at_offsets(grounder.locate("the talks were", near=first)).start < second
    assert assert_at_offsets(grounder.locate("the talks were", near=len(TEXT))).start > second


def test_fold_keeps_a_map_to_the_original() -> None:
    original = "a “b”  —\u00a0c\n\nD"
    folded = fold(original)
    assert folded.text == 'a "b" - c d'
    assert len(folded.origin) == len(folded.text)
    for i, ch in enumerate(folded.text):
        if ch not in ' "-':
            assert original[folded.origin[i]].casefold() == ch


def test_locate_in_real_seed() -> None:
    text = (SEEDS / "000_b1cba7760af5b319.txt").read_text(encoding="utf-8")
    article = Article.parse(text)
    grounder = Grounder(article)
    # The article writes “tegas”; a model typically answers with straight quotes.
    span = assert_at_offsets(grounder.locate('pernyataannya yang "tegas" terhadap'), text)
    assert span.text == "pernyataannya yang “tegas” terhadap"
    assert article.in_body(span.start, span.end)


# ----------------------------------------------------------------------------- check


def test_check_accepts_a_located_span(grounder: Grounder) -> None:
    span = grounder.locate("both sides would meet again")
    assert span is not None
    assert grounder.check(span) is None


def test_check_rejects_wrong_offsets(grounder: Grounder) -> None:
    good = assert_at_offsets(grounder.locate("adding that both sides"))
    shifted = Span(text=good.text, start=good.start + 1, end=good.end + 1)
    problem = grounder.check(shifted)
    assert problem is not None and "not at offsets" in problem
    wrong_text = Span(text="adding that all sides!", start=good.start, end=good.end)
    assert grounder.check(wrong_text) is not None


def test_check_rejects_out_of_range_and_empty_spans(grounder: Grounder) -> None:
    assert grounder.check(Span(text="x", start=len(TEXT), end=len(TEXT) + 1)) is not None
    assert grounder.check(Span(text="", start=5, end=5)) is not None
    assert grounder.check(Span(text="", start=6, end=5)) is not None


def test_check_rejects_spans_outside_the_body(grounder: Grounder) -> None:
    for outside in ("Judul Berita Hari Ini", "Foto: Reuters"):
        start = TEXT.index(outside)
        problem = grounder.check(span_of(grounder.article, start, start + len(outside)))
        assert problem is not None and "not in the article body" in problem


def test_check_rejects_spans_across_paragraphs(grounder: Grounder) -> None:
    start = TEXT.index("more words.")
    end = TEXT.index("Officials from") + len("Officials from")
    span = span_of(grounder.article, start, end)
    assert "\n" in span.text
    assert grounder.check(span) is not None


def test_check_rejects_related_articles_in_real_seed() -> None:
    text = (SEEDS / "003_11419a4754fb116b.txt").read_text(encoding="utf-8")
    grounder = Grounder(Article.parse(text))
    span = assert_at_offsets(grounder.locate("berikan dulu pada ibuku"), text)  # found...
    problem = grounder.check(span)  # ...but it is not evidence
    assert problem is not None and "not in the article body" in problem


def test_span_of() -> None:
    article = Article.parse(TEXT)
    start = TEXT.index("Officials")
    assert span_of(article, start, start + 9) == Span(text="Officials", start=start, end=start + 9)
