"""Long articles: split into overlapping chunks, extract each, merge the facts.

An article longer than ``max_chars`` characters is cut into windows of at most ``max_chars``
characters of the original text. Cuts fall at paragraph starts when one lies in the second half
of the window, else at sentence starts, else after a line break or at whitespace in the second
half (a single sentence longer than the window, or page furniture), else anywhere. Each window
after the first starts up to ``overlap`` characters before the previous one ended, at the
earliest paragraph (else sentence) start in that stretch, so a fact that spans a cut is seen
whole in one of the two chunks when its sentences lie within the overlap.

The article is segmented once (:meth:`Article.parse` on the whole text, so which paragraphs are
body is decided with the whole page in view); each chunk is that structure restricted to its
window and shifted to start at 0, so the pipeline runs on it unchanged. Facts come back with
evidence shifted to article offsets. A fact found in two chunks (same kind, overlapping
evidence, from different chunks) is kept once: the version with more evidence, the other's
extra spans added. Facts whose evidence is farther apart than the overlap can straddle a cut
that no chunk sees across: each chunk reports what it sees, so such a fact may come out as two
facts, each with part of the evidence.

Usage (calls, tokens, re-asks) and warnings are shared by all chunks, so the token cap of
:class:`~factx._session.Settings` holds for the whole article; a chunk with a failed question
makes the whole article partial.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ._article import Article, Block, Quotation, Sentence
from ._session import Session
from .models import Span

Plan = Callable[[Session], Awaitable[dict[str, list[Any]]]]
Facts = dict[str, list[Any]]

_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Chunk:
    """A window ``start:end`` of the article text."""

    start: int
    end: int


def plan_chunks(article: Article, max_chars: int, overlap: int) -> list[Chunk]:
    """Windows covering the whole text, each at most ``max_chars`` long, consecutive ones
    overlapping by at most ``overlap`` characters.

    Raises:
        ValueError: ``max_chars`` < 1000 or ``overlap`` not in ``[0, max_chars // 2]``.
    """
    if max_chars < 1000:
        raise ValueError(f"max_chars must be at least 1000, not {max_chars}")
    if not 0 <= overlap <= max_chars // 2:
        raise ValueError(f"overlap must be between 0 and max_chars // 2, not {overlap}")
    text = article.text
    if len(text) <= max_chars:
        return [Chunk(0, len(text))]
    paragraphs = _paragraph_starts(article)
    sentences = sorted(s.start for s in article.sentences)
    chunks: list[Chunk] = []
    pos = end = 0
    while pos + max_chars < len(text):
        end = _cut(text, pos, pos + max_chars, max(pos, end), paragraphs, sentences)
        chunks.append(Chunk(pos, end))
        pos = _next_start(text, pos, end, overlap, paragraphs, sentences)
    chunks.append(Chunk(pos, len(text)))
    return chunks


def _paragraph_starts(article: Article) -> list[int]:
    """Offsets of the first sentence of each body paragraph, sorted."""
    firsts: dict[int, int] = {}
    for s in article.sentences:
        firsts.setdefault(s.block, s.start)
    return sorted(firsts.values())


def _last_in(points: list[int], lo: int, hi: int) -> int | None:
    """The largest point p with lo < p <= hi."""
    i = bisect.bisect_right(points, hi)
    return points[i - 1] if i and points[i - 1] > lo else None


def _first_in(points: list[int], lo: int, hi: int) -> int | None:
    """The smallest point p with lo <= p < hi."""
    i = bisect.bisect_left(points, lo)
    return points[i] if i < len(points) and points[i] < hi else None


def _cut(
    text: str, pos: int, limit: int, floor: int, paragraphs: list[int], sentences: list[int]
) -> int:
    """Where the window starting at ``pos`` ends (exclusive): after ``floor`` (the previous
    window's end, so windows advance), at most ``limit``."""
    half = pos + (limit - pos) // 2
    for found in (_last_in(paragraphs, half, limit), _last_in(sentences, floor, limit)):
        if found is not None:
            return found
    line = text.rfind("\n", half, limit)  # e.g. between lines of page furniture
    if line >= 0:
        return line + 1
    return max((m.end() for m in _SPACE.finditer(text, half, limit)), default=limit)


def _next_start(
    text: str, pos: int, end: int, overlap: int, paragraphs: list[int], sentences: list[int]
) -> int:
    """Where the window after ``pos:end`` starts: up to ``overlap`` characters before ``end``."""
    lo = max(pos + 1, end - overlap)
    for found in (_first_in(paragraphs, lo, end), _first_in(sentences, lo, end)):
        if found is not None:
            return found
    m = _SPACE.search(text, lo, end)
    return m.end() if m and m.end() < end else end


def sub_article(article: Article, chunk: Chunk) -> Article:
    """The article's structure inside ``chunk``, with offsets relative to ``chunk.start``.

    Blocks and sentences cut by the window are clipped to it; quotations are kept when whole.
    """
    a, b = chunk.start, chunk.end
    text = article.text[a:b]
    blocks: list[Block] = []
    for blk in article.blocks:
        if blk.start < b and blk.end > a:
            start, end = max(blk.start, a) - a, min(blk.end, b) - a
            blocks.append(Block(blk.index, start, end, text[start:end], blk.kind))
    sentences: list[Sentence] = []
    renumber: dict[int, int] = {}
    for s in article.sentences:
        if s.start >= b or s.end <= a:
            continue
        start, end = _strip(text, max(s.start, a) - a, min(s.end, b) - a)
        if end > start:
            renumber[s.index] = len(sentences) + 1
            sentences.append(Sentence(len(sentences) + 1, start, end, text[start:end], s.block))
    quotations = [
        Quotation(0, q.start - a, q.end - a, q.text, renumber[q.sentence], q.continues)
        for q in article.quotations
        if a <= q.start and q.end <= b and q.sentence in renumber
    ]
    quotations = [
        Quotation(i, q.start, q.end, q.text, q.sentence, q.continues)
        for i, q in enumerate(quotations, 1)
    ]
    return Article(
        text=text,
        published=article.published,
        source=article.source,
        blocks=blocks,
        sentences=sentences,
        quotations=quotations,
        language=article.language,
    )


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


async def run_chunked(session: Session, plan: Plan, chunks: list[Chunk]) -> Facts:
    """Run ``plan`` on each chunk of ``session.article`` in turn; merged facts in article
    offsets. Chunks without body sentences cost no call.

    Raises:
        Whatever ``plan`` raises (ExtractionError, BudgetExceededError, BackendError): one
        chunk's failure fails the article, as a failure of a short article would.
    """
    found: list[tuple[int, Facts]] = []
    for n, chunk in enumerate(chunks):
        part = sub_article(session.article, chunk)
        if not part.sentences:
            continue
        sub = Session(session.backend, part, session.settings)
        sub.usage = session.usage  # one budget and one usage record for the whole article
        sub.warnings = session.warnings
        facts = await plan(sub)
        session.partial = session.partial or sub.partial
        found.append(
            (n, {kind: [_shift(f, chunk.start) for f in fs] for kind, fs in facts.items()})
        )
    return merge(found)


def _shift(fact: Any, offset: int) -> Any:
    evidence = [
        Span(text=s.text, start=s.start + offset, end=s.end + offset) for s in fact.evidence
    ]
    return fact.model_copy(update={"evidence": evidence})


def _overlap(x: list[Span], y: list[Span]) -> bool:
    return any(p.start < q.end and q.start < p.end for p in x for q in y)


def merge(found: list[tuple[int, Facts]]) -> Facts:
    """Facts of all chunks, in chunk order, each fact found again in an overlap kept once.

    A fact is a repeat when an earlier chunk gave a fact of the same kind whose evidence
    overlaps its own; each kept fact absorbs at most one repeat per later chunk. Of the two,
    the one with more evidence spans stays (the chunk that saw more of it; the earlier on a
    tie), with the other's extra spans added. Facts of one chunk are never merged with each
    other (two statements may rest on one sentence).
    """
    kept: dict[str, list[tuple[int, Any]]] = {}
    for n, facts in found:
        for kind, items in facts.items():
            bucket = kept.setdefault(kind, [])
            taken: set[int] = set()
            for fact in items:
                twin = next(
                    (
                        i
                        for i, (m, other) in enumerate(bucket)
                        if m < n and i not in taken and _overlap(other.evidence, fact.evidence)
                    ),
                    None,
                )
                if twin is None:
                    bucket.append((n, fact))
                else:
                    taken.add(twin)
                    bucket[twin] = (bucket[twin][0], _combine(bucket[twin][1], fact))
    return {kind: [fact for _, fact in bucket] for kind, bucket in kept.items()}


def _combine(first: Any, again: Any) -> Any:
    best, other = (again, first) if len(again.evidence) > len(first.evidence) else (first, again)
    spans = {(s.start, s.end): s for s in [*best.evidence, *other.evidence]}
    if len(spans) == len(best.evidence):
        return best
    return best.model_copy(update={"evidence": sorted(spans.values(), key=lambda s: s.start)})
