"""Results in a notebook (issue #15): a short ``repr`` and an HTML view with the evidence
highlighted, escaped and self-contained."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import factx
from factx.backends import FakeBackend
from factx.models import ArticleFacts, Quote, Span, Statement

TEXT = (
    "Menteri Luar Negeri Retno Marsudi berbicara di Jakarta pada hari Senin. "
    '"Kami <script>alert(1)</script> siap bekerja sama," kata Retno.'
)


def facts_with_quote() -> ArticleFacts:
    start = TEXT.index("Kami")
    end = TEXT.index(',"')
    quoted = TEXT[start:end]
    stmt_end = TEXT.index(".") + 1
    return ArticleFacts(
        source="a<b>.txt",
        language="id",
        quotes=[
            Quote(
                speaker="Retno <img src=x onerror=alert(2)>",
                text=quoted,
                cue="kata",
                evidence=[Span(text=quoted, start=start, end=end)],
            )
        ],
        statements=[
            Statement(
                speaker={"name": "Retno Marsudi"},
                content="spoke",
                evidence=[Span(text=TEXT[:stmt_end], start=0, end=stmt_end)],
            )
        ],
        warnings=["the list of people could not be read", "another"],
        partial=True,
    )


def test_repr_is_short_and_counts_per_kind() -> None:
    facts = facts_with_quote()
    text = repr(facts)
    assert text == (
        "ArticleFacts(source='a<b>.txt', language='id', visits=0, agreements=0, statements=1, "
        "quotes=1, partial=True, warnings=2)"
    )
    assert repr(ArticleFacts()) == (
        "ArticleFacts(source=None, language=None, visits=0, agreements=0, statements=0, quotes=0)"
    )


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.marks: list[str] = []
        self._in_mark = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag == "mark":
            self._in_mark += 1
            self.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark -= 1

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            self.marks[-1] += data


def test_html_view_highlights_the_evidence_in_the_article_escaped() -> None:
    facts = facts_with_quote()
    page = facts.to_html(TEXT)
    parsed = _Collect()
    parsed.feed(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not any(name.startswith("on") for name, _ in parsed.attrs)
    assert not any(name in ("src", "href") for name, _ in parsed.attrs)  # loads nothing
    assert not re.search(r"https?://|@import|url\(", page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # every span is a <mark> holding exactly the evidence text
    assert TEXT[: TEXT.index(".") + 1] in parsed.marks
    assert any(m.startswith("Kami <script>") for m in parsed.marks)
    assert "the list of people could not be read" in page
    assert page.startswith('<div class="factx-nb">') and "partial" in page


def test_extract_results_show_their_article_in_a_notebook() -> None:
    answer = {
        "visits": [],
        "agreements": [],
        "statements": [{"speaker": "Retno Marsudi", "content": "spoke", "sentences": [1]}],
        "quotes": [],
    }
    facts = factx.extract(TEXT, backend=FakeBackend(responder=lambda m, r: answer))
    page = facts._repr_html_()
    assert 'class="text"' in page and "<mark" in page
    # a record read back from JSON has no text: the cards still show each span, highlighted
    again = ArticleFacts.model_validate_json(facts.model_dump_json())
    assert again == facts
    other = again._repr_html_()
    assert 'class="text"' not in other and "<q>" in other


def test_a_span_that_does_not_match_the_text_is_flagged() -> None:
    facts = ArticleFacts(
        statements=[
            Statement(
                speaker={"name": "X"}, content="c", evidence=[Span(text="nope", start=0, end=4)]
            )
        ]
    )
    assert "Not highlighted" in facts.to_html(TEXT)
