"""Quotation spans by how quotations are really printed, in any script.

Newspapers print quotations in many conventions: “English”, „German“, „Polish”, «French»,
»Danish«, »Swedish», ”Kompas and Finnish” (the same mark on both sides), "typewriter",
‘British’, 「Japanese」 and 『nested Japanese』. A quotation that runs over several
paragraphs opens each paragraph with a mark and closes only at the end. These are marks, not
words of a language, so one table serves every language.

A mark opens only where a word can start (after a space, a bracket or the paragraph start,
before a non-space) and closes only where a word can end; a quotation never crosses a
paragraph unless the next paragraph opens with a mark (the multi-paragraph convention). An
opening mark that finds no closing mark in its paragraph is stray and ignored, so a missing
or stray mark cannot swallow the rest of the article.
"""

from __future__ import annotations

from dataclasses import dataclass

# Each opening mark and the marks that may close it.
PAIRS: dict[str, str] = {
    "“": "”",  # English, Dutch, Indonesian...; “ typed for ” is handled below
    "„": "“”",  # German, Czech („…“); Polish, Hungarian, Romanian („…”)
    "«": "»",  # French, Russian, Italian, Spanish, Turkish...
    "»": "«»",  # Danish, German (»…«); Swedish, Finnish (»…»)
    "‹": "›",
    "›": "‹›",
    "「": "」",  # Chinese, Japanese
    "『": "』",
    "﹁": "﹂",
    '"': '"',
    "”": "”",  # Kompas and Swedish/Finnish print style: the same mark both sides
    "‘": "’",
    "‚": "‘’",
}
MARKS = frozenset(PAIRS) | frozenset("".join(PAIRS.values()))
_LEAD = " \t-–—•*"  # what may precede a paragraph's opening mark
_BRACKETS = frozenset("「」『』﹁﹂")  # unambiguous: no word-boundary test (CJK has no spaces)
_SPACED = frozenset("«»‹›")
_THIN = frozenset(" \u00a0\u202f\u2009")


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation: ``start:end`` with its marks, ``inner`` without them."""

    start: int  # the opening mark
    end: int  # after the closing mark, or the paragraph end when no mark closes it here
    closed: bool = True  # a closing mark ends it (False: runs to the paragraph end)
    continues: bool = False  # runs on into the next paragraph

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - 1 if self.closed else self.end


_ENDS_QUOTE = (",", ".", "!", "?", "…")


def _after_punctuation(text: str, i: int, a: int) -> bool:
    """The mark at ``i`` is a right double quotation mark after a comma or sentence end
    (spaces between allowed): in print styles that open with ” too, one set there closes
    ('..., ”katanya', '...,”ujar'). Other marks open after a comma ('said, "the ...')."""
    return text[i] == "”" and text[a:i].rstrip(" ").endswith(_ENDS_QUOTE)


def _can_open(text: str, i: int, a: int, b: int) -> bool:
    if text[i] in _BRACKETS:
        return True
    if _after_punctuation(text, i, a) and i + 1 < b and text[i + 1].islower():
        return False  # '..., ”katanya': a closing mark set against the next word
    k = i + 1
    if text[i] in _SPACED and k < b and text[k] in _THIN:
        k += 1  # « C’est ... »: French sets guillemets off with a (thin) space
    if k >= b or text[k].isspace():
        return False
    return i == a or not text[i - 1].isalnum()


def _can_close(text: str, j: int, a: int, b: int) -> bool:
    if text[j] in _BRACKETS or _after_punctuation(text, j, a):
        return True  # a quotation ends with its comma or full stop: '...,”ujar X', '..., ”kata X'
    k = j - 1
    if text[j] in _SPACED and k > a and text[k] in _THIN:
        k -= 1
    if k < a or text[k].isspace():
        return False
    return j + 1 >= b or not text[j + 1].isalnum()


def _at_start(text: str, a: int, i: int) -> bool:
    return not text[a:i].strip(_LEAD)


def _find_close(text: str, i: int, a: int, b: int) -> int | None:
    """The mark closing the quotation opened at ``i``, or None."""
    c = text[i]
    closers = PAIRS[c]
    depth = 0
    j = i + 1
    while j < b:
        d = text[j]
        if d in closers and _can_close(text, j, a, b):
            if depth == 0:
                return j
            depth -= 1
        elif d == c and c not in closers and _can_open(text, j, a, b):
            if text[a:j].rstrip().endswith((",", ".", "!", "?")):
                return j  # a closing mark typed as an opening one: '..., “Menteri said'
            depth += 1  # a nested quotation in the same marks
        j += 1
    return None


def paragraph_spans(
    text: str, a: int, b: int, *, continued: bool = False, runs_on: bool = False
) -> list[QuoteSpan]:
    """Top-level quotations in the paragraph ``text[a:b]``.

    ``continued``: the previous paragraph's quotation runs on into this one; ``runs_on``: the
    next paragraph opens with a mark. A quotation that opens the paragraph and finds no
    closing mark runs to the paragraph's end when either holds (a multi-paragraph quotation,
    or its last part with the final mark missing); any other unclosed mark is stray.
    """
    out: list[QuoteSpan] = []
    i = a
    while i < b:
        if text[i] in PAIRS and _can_open(text, i, a, b):
            j = _find_close(text, i, a, b)
            if j is not None:
                if j > i + 1:
                    out.append(QuoteSpan(i, j + 1))
                i = j + 1
                continue
            if _at_start(text, a, i) and (runs_on or continued):
                out.append(QuoteSpan(i, _rstrip(text, i, b), closed=False, continues=runs_on))
                break
        i += 1
    return out


def opens_with_mark(text: str, a: int, b: int) -> bool:
    """True when the paragraph ``text[a:b]`` starts with an opening quotation mark."""
    head = text[a:b].lstrip(_LEAD)
    return len(head) > 1 and head[0] in PAIRS and not head[1].isspace()


def block_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[list[QuoteSpan]]:
    """Quotations of consecutive paragraphs, one list per paragraph; a quotation that runs
    over several paragraphs is one span per paragraph, each but the last ``continues``."""
    found: list[list[QuoteSpan]] = []
    continued = False
    for k, (a, b) in enumerate(paragraphs):
        runs_on = k + 1 < len(paragraphs) and opens_with_mark(text, *paragraphs[k + 1])
        spans = paragraph_spans(text, a, b, continued=continued, runs_on=runs_on)
        continued = bool(spans) and spans[-1].continues
        found.append(spans)
    return found


def _rstrip(text: str, a: int, b: int) -> int:
    while b > a + 1 and text[b - 1].isspace():
        b -= 1
    return b
