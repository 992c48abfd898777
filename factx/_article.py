"""Article: the text once, with paragraphs, sentences, quotations and boilerplate by offsets.

Everything later refers to the article by character offsets into ``Article.text``.
Boilerplate detection is language-neutral: the body is the largest run of prose paragraphs
(long, punctuated); isolated prose between short lines (teasers in "related articles" lists),
captions and page furniture are not body, and no fact may rest on them. Paragraphs (or single
sentences) that address the model instead of reporting news are cut out first (``_hostile``):
they are "hostile" blocks, never numbered, never sent to a model, never evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from . import _hostile, _lang, _quotes
from .exceptions import InputError

_WORD = re.compile(r"\w+", re.UNICODE)
# Caption and furniture markers seen across languages ("Foto: AFP", "Photo: Reuters").
_CAPTION = re.compile(
    r"\b(foto|photo|image|gambar|ilustrasi|bild|credit|kredit|sumber foto)\s*:", re.IGNORECASE
)
# Photo captions by their shape: the agencies' "FILE –" prefix, or a short line that ends in
# ", <full date>." (AP/Reuters/VOA style: "Lavrov speaks in Islamabad, April 7, 2021.").
# A short line ending in ", <full date>." whose word before the date is a name or place
# ("Lavrov, 7 April 2021.", "Moskow, Rusia, 18 Maret 2021."), never a weekday ("signed on
# Tuesday, March 18, 2025." is a sentence).
_CAPTION_SHAPE = re.compile(
    r"^\s*(?:FILE(?: PHOTO)?|FOTO(?: ARSIP)?|ARSIP)\s*[-–—:]|"
    r"(?P<word>[A-Z][\w.'’]*),\s*(?:\d{1,2}\s+\w+\.?\s+\d{4}|[A-Z]\w+\.?\s+\d{1,2},\s+\d{4})"
    r"\.?\s*$"
)
_WEEKDAYS = {
    w.casefold()
    for w in "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Senin Selasa Rabu Kamis "
    "Jumat Jum'at Sabtu Minggu Ahad".split()
}
_FURNITURE = re.compile(
    r"^\s*(\[[^\]]*\]|baca juga|read also|read more|related|lihat juga|simak juga|advertisement"
    r"|iklan|komentar|comments?|share|bagikan|tags?)\b",
    re.IGNORECASE,
)
_END_PUNCT = tuple('.!?"”’)»:;…')
_SENTENCE_END = tuple('.!?…"”’»」')
_ABBREV = re.compile(
    r"(?:\b[A-Z]|\bSt|\bDr|\bMr|\bMrs|\bMs|\bJr|\bSr|\bGen|\bNo|\bJl|\bProf|\bHon|\bRev|\bvs"
    r"|\bU\.S|\be\.g|\bi\.e|\bdll|\bdsb|\bsbb)\.$"
)


@dataclass(frozen=True)
class Block:
    """A paragraph (one line of the input, or part of one) and whether it is article body.

    ``reasons`` are the signals that made a "hostile" block hostile.
    """

    index: int
    start: int
    end: int
    text: str
    kind: str  # "body" | "caption" | "boilerplate" | "hostile"
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    block: int


@dataclass(frozen=True)
class Quotation:
    """A quotation-mark span in the body: ``start:end`` is the inner text, marks excluded.

    ``continues``: the quotation runs on into the next paragraph (printed with an opening
    mark at the start of each paragraph and a closing mark only at the end); its speaker is
    the one the run's last part names.
    """

    index: int
    start: int
    end: int
    text: str
    sentence: int
    continues: bool = False

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.text))


@dataclass
class Article:
    """An article's text with its structure located by offsets."""

    text: str
    published: date | None = None
    source: str | None = None
    blocks: list[Block] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    quotations: list[Quotation] = field(default_factory=list)
    language: str | None = None  # ISO 639-1, detected from the body or given

    @property
    def lex(self) -> _lang.Lexicon:
        """The words of the article's language (empty when factx has no file for it)."""
        return _lang.lexicon(self.language)

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        published: date | str | None = None,
        source: str | None = None,
        language: str | None = None,
    ) -> Article:
        """Segment ``text``; ``language`` (ISO 639-1) is detected from the body when not given.

        Raises:
            InputError: the text is empty, blank or looks binary.
        """
        if not isinstance(text, str):
            raise InputError(f"article text must be str, not {type(text).__name__}")
        if not text.strip():
            raise InputError("article is empty")
        if "\x00" in text or _control_ratio(text) > 0.05:
            raise InputError("article looks binary (control characters)")
        from ._normalize import parse_date_iso, publication_date

        pub: date | None
        if isinstance(published, str):
            pub = parse_date_iso(published)
            if pub is None:
                raise InputError(f"published {published!r} is not an ISO date (YYYY-MM-DD)")
        else:
            pub = published
        art = cls(text=text, source=source)
        art.blocks = _blocks(text)
        body = [b for b in art.blocks if b.kind == "body"]
        spans = _quotes.block_spans(text, [(b.start, b.end) for b in body])
        art.sentences = _sentences(text, body, spans)
        art.quotations = _quotations(text, art.sentences, spans)
        art.language = language or _lang.detect(" ".join(s.text for s in art.sentences))
        first_body = next((b.start for b in art.blocks if b.kind == "body"), 0)
        # Hostile text is blanked: it must not set the date the article is read against.
        header = _blank(text[: max(first_body, 300)][:2000], art.hostile_blocks)
        art.published = pub or publication_date(header)
        return art

    @property
    def body_sentences(self) -> list[Sentence]:
        return self.sentences

    def sentence_at(self, offset: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        return None

    def in_body(self, start: int, end: int) -> bool:
        """True when ``start:end`` lies inside one body paragraph."""
        return any(b.kind == "body" and b.start <= start and end <= b.end for b in self.blocks)

    @property
    def hostile_blocks(self) -> list[Block]:
        """Text addressing the model rather than reporting news, kept away from it."""
        return [b for b in self.blocks if b.kind == "hostile"]

    def numbered(self) -> str:
        """Body sentences as ``[n] text`` lines: what models see and point at."""
        return "\n".join(f"[{s.index}] {s.text}" for s in self.sentences)


def _blank(text: str, blocks: list[Block]) -> str:
    """``text`` with the given blocks' characters replaced by spaces (offsets kept)."""
    chars = list(text)
    for b in blocks:
        chars[b.start : b.end] = " " * len(chars[b.start : b.end])
    return "".join(chars)


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    return bad / max(1, len(sample))


def _is_prose(line: str) -> bool:
    words = len(_WORD.findall(line))
    return words >= 25 or (words >= 8 and line.rstrip().endswith(_END_PUNCT))


def _is_sentence(line: str) -> bool:
    """A line that reads as a sentence: four words or more, a capital or quotation mark
    first, sentence punctuation last (teasers and menu items rarely end so)."""
    stripped = line.strip()
    if len(_WORD.findall(stripped)) < 4 or not stripped.endswith(_SENTENCE_END):
        return False
    first = stripped[0]
    if not (first.isupper() or first in _quotes.MARKS):
        return False
    long_words: list[str] = [w for w in _WORD.findall(stripped) if len(w) > 3]
    capitalised = sum(w[0].isupper() for w in long_words)
    return capitalised <= 0.6 * len(long_words)  # not a Title Case Headline


def _is_caption(line: str) -> bool:
    if _CAPTION.search(line):
        return True
    m = _CAPTION_SHAPE.search(line)
    if m is None or len(_WORD.findall(line)) > 40:
        return False
    return (m.group("word") or "").casefold() not in _WEEKDAYS


def _lines(text: str) -> list[tuple[int, int]]:
    """Non-blank lines, stripped, as offsets."""
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


@dataclass(frozen=True)
class _Segment:
    """A line, or the part of a line around hostile sentences, with its line's traits."""

    start: int
    end: int
    line: str
    hostile: _hostile.HostileRange | None = None


def _segments(text: str) -> list[_Segment]:
    """Lines in order, with hostile stretches cut out of them as segments of their own."""
    lines = _lines(text)
    ranges = _hostile.hostile_ranges(text, lines, _split)
    out: list[_Segment] = []
    for s, e in lines:
        line = text[s:e]
        pos = s
        for r in (r for r in ranges if s <= r.start and r.end <= e):
            if r.start > pos and text[pos : r.start].strip():
                out.append(_Segment(*_strip(text, pos, r.start), line))
            out.append(_Segment(r.start, r.end, line, r))
            pos = r.end
        if pos < e and text[pos:e].strip():
            out.append(_Segment(*_strip(text, pos, e), line))
    return out


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _blocks(text: str) -> list[Block]:
    segments = _segments(text)
    # Hostile text is invisible to the body detection: the article is segmented as if it
    # were not there, so an injected paragraph cannot change what counts as body.
    kept = [g for g in segments if g.hostile is None]
    caption = [_is_caption(g.line) for g in kept]
    # A line repeated next to itself (caption and its alt text) is a caption too.
    bare = [_CAPTION_SHAPE.sub("", g.line).strip().casefold() for g in kept]
    for i in range(1, len(kept)):
        if bare[i] and bare[i] == bare[i - 1] and len(_WORD.findall(kept[i].line)) >= 4:
            caption[i] = caption[i - 1] = True
    furniture = [bool(_FURNITURE.match(g.line)) for g in kept]
    prose = [_is_prose(g.line) and not caption[i] and not furniture[i] for i, g in enumerate(kept)]
    # Clusters of prose lines where consecutive prose lines are at most one line apart.
    # Captions inside the article (a photo and its alt text) do not count as distance.
    clusters: list[list[int]] = []
    for i, ok in enumerate(prose):
        if not ok:
            continue
        if clusters and i - clusters[-1][-1] - sum(caption[clusters[-1][-1] + 1 : i]) <= 2:
            clusters[-1].append(i)
        else:
            clusters.append([i])

    def weight(c: list[int]) -> int:
        return sum(len(kept[i].line) for i in c)

    body: set[int] = set()
    if clusters:
        best = max(weight(c) for c in clusters)
        for c in clusters:
            if weight(c) == best or (len(c) >= 2 and weight(c) >= 0.25 * best):
                # The whole run between the first and last prose line is body, short lines
                # included (a one-line quote, a short paragraph), except captions/furniture.
                body.update(range(c[0], c[-1] + 1))
                # A short paragraph that is a sentence ('"A new era," Xi said.') right before
                # or after the run is body too: what a block is decides, not its length.
                for step, edge in ((1, c[-1]), (-1, c[0])):
                    i = edge + step
                    while 0 <= i < len(kept) and not (caption[i] or furniture[i]):
                        if not _is_sentence(kept[i].line):
                            break
                        body.add(i)
                        i += step
    kinds = []
    for i, g in enumerate(kept):
        if caption[i]:
            kinds.append("caption")
        elif i in body and not furniture[i] and len(_WORD.findall(text[g.start : g.end])) >= 2:
            kinds.append("body")
        else:
            kinds.append("boilerplate")
    blocks = []
    rest = iter(kinds)
    for i, g in enumerate(segments):
        if g.hostile is not None:
            kind, reasons = "hostile", g.hostile.score.reasons
        else:
            kind, reasons = next(rest), ()
        blocks.append(Block(i, g.start, g.end, text[g.start : g.end], kind, reasons))
    return blocks


def _sentences(
    text: str, body: list[Block], spans: list[list[_quotes.QuoteSpan]]
) -> list[Sentence]:
    out: list[Sentence] = []
    for blk, quoted in zip(body, spans, strict=True):
        for s, e in _split(text, blk.start, blk.end, [(q.start, q.end) for q in quoted]):
            out.append(
                Sentence(index=len(out) + 1, start=s, end=e, text=text[s:e], block=blk.index)
            )
    return out


def _split(
    text: str, start: int, end: int, protected: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Sentence boundaries inside ``start:end``, never inside a quotation (``protected``:
    the paragraph's quotation spans; found here when not given)."""
    if protected is None:
        protected = [(q.start, q.end) for q in _quotes.paragraph_spans(text, start, end)]
    cuts = []
    i = start
    while i < end:
        inside = next((e for s, e in protected if s <= i < e), None)
        if inside is not None:
            i = inside
            if text[i - 2 : i - 1] not in (".", "!", "?"):
                continue  # no sentence ends with this quotation
            j = i  # '“Stop.” He left.': a cut may follow the closing mark
        elif text[i] in ".!?":
            j = i + 1
        else:
            i += 1
            continue
        while j < end and text[j] in '.!?”"’)»':
            j += 1
        if j < end and text[j] == " ":
            k = j
            while k < end and text[k] == " ":
                k += 1
            nxt = text[k] if k < end else ""
            if (nxt.isupper() or nxt.isdigit() or nxt in _quotes.MARKS or nxt == "(") and (
                not _ABBREV.search(text[max(start, j - 7) : j].rstrip('”"’)»'))
            ):
                cuts.append((j, k))
                i = k
                continue
        i = max(j, i + 1)
    out, s = [], start
    for j, k in cuts:
        out.append((s, j))
        s = k
    out.append((s, end))
    return [(a, b) for a, b in out if b > a]


def _quotations(
    text: str, sentences: list[Sentence], spans: list[list[_quotes.QuoteSpan]]
) -> list[Quotation]:
    """Top-level quotations of the body, their marks excluded, each in the sentence where it
    opens."""
    out: list[Quotation] = []
    for q in (q for quoted in spans for q in quoted):
        s0, e0 = q.inner
        while s0 < e0 and text[s0].isspace():
            s0 += 1
        while e0 > s0 and text[e0 - 1].isspace():
            e0 -= 1
        sent = _sentence_of(sentences, s0)
        if e0 > s0 and sent is not None:
            out.append(Quotation(len(out) + 1, s0, e0, text[s0:e0], sent, q.continues))
    return out


def _sentence_of(sentences: list[Sentence], offset: int) -> int | None:
    for s in sentences:
        if s.start <= offset < s.end:
            return s.index
    return None
