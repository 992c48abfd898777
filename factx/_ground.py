"""Grounding: find what a model quoted in the article, by offsets into the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ._article import Article
from .models import Span

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                         "‚": "'", "‹": "'", "›": "'", "`": "'", "–": "-", "—": "-", "‑": "-",
                         "−": "-", "\u00a0": " "})  # fmt: skip


@dataclass(frozen=True)
class _Folded:
    """Text with quote marks, dashes and whitespace folded, and a map back to offsets."""

    text: str
    origin: list[int]  # origin[i] = offset in the original text of folded char i


def fold(text: str) -> _Folded:
    out: list[str] = []
    origin: list[int] = []
    prev_space = False
    for i, c in enumerate(text.translate(_QUOTES)):
        if c.isspace():
            if prev_space:
                continue
            c, prev_space = " ", True
        else:
            prev_space = False
        out.append(c.casefold() if len(c.casefold()) == 1 else c)
        origin.append(i)
    return _Folded("".join(out), origin)


class Grounder:
    """Locates snippets in one article (the folded text is built once, when first needed)."""

    def __init__(self, article: Article) -> None:
        self.article = article

    @cached_property
    def _folded(self) -> _Folded:
        # Built on first need only: exact matches and ``check`` never use it, and folding is
        # a per-character loop (the main client CPU cost per article in batch runs).
        return fold(self.article.text)

    def locate(self, snippet: str, *, near: int = 0) -> Span | None:
        """Where ``snippet`` occurs: exactly, or after folding quote marks, dashes, spaces, case.

        With several occurrences, the one in the article body nearest to ``near`` wins.
        """
        text = self.article.text
        snippet = snippet.strip()
        if not snippet:
            return None
        hits = [m.start() for m in re.finditer(re.escape(snippet), text)]
        spans = [(s, s + len(snippet)) for s in hits]
        if not spans:
            f = fold(snippet).text.strip().strip("\"'").strip()
            if len(f) < 2:
                return None
            for m in re.finditer(re.escape(f), self._folded.text):
                a = self._folded.origin[m.start()]
                b = self._folded.origin[m.end() - 1] + 1
                spans.append((a, b))
        if not spans:
            return None
        body = [sp for sp in spans if self.article.in_body(*sp)] or spans
        s, e = min(body, key=lambda sp: abs(sp[0] - near))
        return Span(text=text[s:e], start=s, end=e)

    def check(self, span: Span) -> str | None:
        """Why ``span`` is not valid evidence, or None when it is."""
        text = self.article.text
        if (
            not (0 <= span.start < span.end <= len(text))
            or text[span.start : span.end] != span.text
        ):
            return f"evidence {span.text[:60]!r} is not at offsets {span.start}:{span.end}"
        if not self.article.in_body(span.start, span.end):
            return (
                f"evidence {span.text[:60]!r} is not in the article body (it lies in page "
                "furniture: captions, menus, related-article lists or ads, or in text that "
                "addresses the model instead of reporting news)"
            )
        return None


def span_of(article: Article, start: int, end: int) -> Span:
    return Span(text=article.text[start:end], start=start, end=end)
