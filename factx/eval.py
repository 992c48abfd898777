"""Score factx predictions against a gold file.

The rules are written up in ``docs/EVAL.md``. In short, per article and per kind of fact,
predictions and gold facts are paired one-to-one by an optimal assignment (Hungarian
algorithm) over the pairs that satisfy the kind's match rule; required gold facts are matched
first, then optional ones, then the best-fitting pairs. Unpaired predictions are false
positives, unpaired required gold facts are false negatives, and a prediction paired with an
optional gold fact counts as neither.

Usage::

    factx eval --gold seeds/seeds.gold.jsonl predictions.jsonl --articles seeds/ [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeAlias

from pydantic import BaseModel, Field, ValidationError

from .exceptions import FactxError
from .models import Agreement, ArticleFacts, Quote, Span, Statement, Visit

__all__ = [
    "KINDS",
    "AttributeScore",
    "EvalInputError",
    "EvalReport",
    "FactError",
    "Failure",
    "KindScore",
    "MacroScore",
    "evaluate",
    "main",
    "name_matches",
    "quote_token_f1",
    "to_iso3",
]

KINDS: tuple[str, ...] = ("visits", "agreements", "statements", "quotes")
"""The four kinds of fact, in report order."""

QUOTE_F1_THRESHOLD = 0.5
"""Minimum token F1 between predicted and gold quote text for a quote match."""

_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "visits": ("start_date", "end_date", "status", "destination_city"),
    "agreements": ("status", "date"),
    "statements": ("date",),
    "quotes": (),
}

PredFact: TypeAlias = Visit | Agreement | Statement | Quote
GoldFact: TypeAlias = dict[str, Any]


class EvalInputError(FactxError, ValueError):
    """A gold or prediction file cannot be read (missing, malformed JSON, wrong shape)."""


# --------------------------------------------------------------------------------------------
# Report models
# --------------------------------------------------------------------------------------------


class KindScore(BaseModel):
    """Counts and scores for one kind of fact (or pooled over all kinds)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    optional_matched: int = Field(
        default=0, description="Predictions paired with optional gold facts (neither TP nor FP)."
    )
    precision: float = 1.0
    recall: float = 1.0
    f1: float = 1.0

    def finalise(self) -> KindScore:
        """Recompute precision, recall and F1 from the counts; returns ``self``."""
        self.precision, self.recall, self.f1 = prf(self.tp, self.fp, self.fn)
        return self


class MacroScore(BaseModel):
    """Unweighted means of the per-kind scores over the four kinds."""

    precision: float
    recall: float
    f1: float


class AttributeScore(BaseModel):
    """How often one attribute is right on matched (TP) pairs."""

    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        """``correct / total``, or ``None`` when there was nothing to check."""
        return self.correct / self.total if self.total else None


class FactError(BaseModel):
    """One false positive or false negative, for error analysis."""

    kind: str
    doc: str
    type: Literal["false_positive", "false_negative"]
    key: dict[str, Any] = Field(description="The fact's key fields.")
    evidence: list[str] = Field(default_factory=list)


class Failure(BaseModel):
    """An article whose extraction failed (an error record in the predictions)."""

    doc: str
    type: str | None = None
    message: str | None = None


class EvalReport(BaseModel):
    """Everything :func:`evaluate` found."""

    per_kind: dict[str, KindScore]
    micro: KindScore
    macro: MacroScore
    attributes: dict[str, dict[str, AttributeScore]]
    errors: list[FactError] = Field(default_factory=list)
    failures: list[Failure] = Field(default_factory=list)
    missing: list[str] = Field(
        default_factory=list, description="Gold docs with no prediction record at all."
    )
    warnings: list[str] = Field(default_factory=list)
    docs: int = Field(default=0, description="Number of gold documents scored.")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (attribute accuracies included)."""
        data = self.model_dump(mode="json")
        for kind, attrs in self.attributes.items():
            for name, score in attrs.items():
                data["attributes"][kind][name]["accuracy"] = score.accuracy
        return data

    def format_table(self, show_errors: bool = False) -> str:
        """Human-readable report.

        Args:
            show_errors: Also list every false positive and false negative.

        Returns:
            The report as text (no trailing newline).
        """
        lines = [f"factx eval: {self.docs} gold documents"]
        header = (
            f"{'kind':<12}{'gold':>6}{'pred':>6}{'TP':>6}{'FP':>6}{'FN':>6}{'opt':>6}"
            f"{'P':>8}{'R':>8}{'F1':>8}"
        )
        lines += ["", header, "-" * len(header)]
        for name, s in [*self.per_kind.items(), ("micro", self.micro)]:
            if name == "micro":
                lines.append("-" * len(header))
            gold = s.tp + s.fn
            pred = s.tp + s.fp + s.optional_matched
            lines.append(
                f"{name:<12}{gold:>6}{pred:>6}{s.tp:>6}{s.fp:>6}{s.fn:>6}{s.optional_matched:>6}"
                f"{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}"
            )
        m = self.macro
        lines.append(f"{'macro':<12}{'':>36}{m.precision:>8.3f}{m.recall:>8.3f}{m.f1:>8.3f}")
        attr_lines = []
        for kind, attrs in self.attributes.items():
            for name, a in attrs.items():
                acc = "-" if a.accuracy is None else f"{a.accuracy:.1%}"
                attr_lines.append(f"  {kind + '.' + name:<28}{a.correct:>4}/{a.total:<4}{acc:>8}")
        if attr_lines:
            lines += ["", "attribute accuracy on matched pairs:", *attr_lines]
        if self.failures:
            lines += ["", f"failures ({len(self.failures)}, counted as predicted-empty):"]
            lines += [f"  {f.doc}: {f.type or 'error'}: {f.message or ''}" for f in self.failures]
        if self.missing:
            lines += ["", f"no predictions ({len(self.missing)}, counted as predicted-empty):"]
            lines += [f"  {d}" for d in self.missing]
        if show_errors:
            lines += ["", f"errors ({len(self.errors)}):"]
            for e in self.errors:
                tag = "FP" if e.type == "false_positive" else "FN"
                key = ", ".join(f"{k}={_short(v)}" for k, v in e.key.items())
                lines.append(f"  [{tag}] {e.type} {e.kind} {e.doc}: {key}")
                for ev in e.evidence:
                    lines.append(f"         evidence: {_short(ev, 120)}")
        return "\n".join(lines)


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts.

    P = TP/(TP+FP), R = TP/(TP+FN). With no predictions, P is 1.0 when there was also
    nothing to find and 0.0 otherwise; with nothing to find, R is 1.0 when nothing was
    predicted and 0.0 otherwise. F1 is the harmonic mean, 0.0 when P+R is 0.

    Args:
        tp: True positives.
        fp: False positives.
        fn: False negatives.

    Returns:
        ``(precision, recall, f1)``.
    """
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# --------------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------------

_QUOTE_DASH = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'",
        "\u201b": "'", "\u2032": "'", "\u2010": "-", "\u2011": "-", "\u2012": "-",
        "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    }
)  # fmt: skip


def _norm_char(ch: str) -> str:
    return ch.translate(_QUOTE_DASH)


def _soft_normalise(text: str) -> tuple[str, list[int]]:
    """Map quote marks and dashes to ASCII and collapse whitespace runs to one space.

    Returns the normalised text and, for each of its characters, the index of the original
    character it came from.
    """
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space:
                out.append(" ")
                index.append(i)
            in_space = True
            continue
        in_space = False
        out.append(_norm_char(ch))
        index.append(i)
    return "".join(out), index


def _find_all(haystack: str, needle: str) -> list[int]:
    found: list[int] = []
    start = haystack.find(needle)
    while start != -1:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


def locate(article: str, text: str) -> list[tuple[int, int]]:
    """Every place ``text`` occurs in ``article``, as ``(start, end)`` offsets.

    Exact occurrences are tried first; if there are none, both sides are normalised (quote
    marks, dashes, whitespace runs) and the hits are mapped back to original offsets.

    Args:
        article: The article text.
        text: The string to look for.

    Returns:
        The spans, in order; empty when the text cannot be found.
    """
    if not text:
        return []
    hits = _find_all(article, text)
    if hits:
        return [(h, h + len(text)) for h in hits]
    needle, _ = _soft_normalise(text.strip())
    if not needle:
        return []
    hay, index = _soft_normalise(article)
    return [(index[h], index[h + len(needle) - 1] + 1) for h in _find_all(hay, needle)]


def _text_key(text: str) -> str:
    """Casefolded, quote/dash/whitespace-normalised text for text-only evidence matching."""
    norm, _ = _soft_normalise(unicodedata.normalize("NFKC", text).casefold())
    return norm.strip(" .,;:\"'")


def normalise_name(name: str) -> str:
    """Casefold a name and reduce punctuation and whitespace runs to single spaces.

    Args:
        name: A person, organisation or country name.

    Returns:
        The normalised name, e.g. ``"kementerian luar negeri fo"``.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def quote_token_f1(predicted: str, gold: str) -> float:
    """Bag-of-tokens F1 between two texts (casefolded, punctuation stripped).

    Args:
        predicted: Predicted text.
        gold: Gold text.

    Returns:
        F1 in ``[0, 1]``; 1.0 when both have no tokens.
    """
    p, g = Counter(_tokens(predicted)), Counter(_tokens(gold))
    if not p and not g:
        return 1.0
    common = sum((p & g).values())
    if common == 0:
        return 0.0
    precision = common / sum(p.values())
    recall = common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


# --------------------------------------------------------------------------------------------
# Names, people and countries
# --------------------------------------------------------------------------------------------


class _People:
    """A doc's ``people`` table: canonical name -> aliases, all normalised."""

    def __init__(self, table: dict[str, list[str]] | None) -> None:
        self.exact: dict[str, set[str]] = {}
        self.aliases: list[tuple[tuple[str, ...], str]] = []
        for canonical, aliases in (table or {}).items():
            canon = normalise_name(canonical)
            for alias in {canonical, *aliases}:
                key = normalise_name(alias)
                if not key:
                    continue
                self.exact.setdefault(key, set()).add(canon)
                self.aliases.append((tuple(key.split()), canon))

    def resolve_exact(self, name: str) -> set[str]:
        """Canonical names of which ``name`` is the canonical name or an alias."""
        return set(self.exact.get(normalise_name(name), set()))

    def resolve(self, name: str) -> set[str]:
        """Canonical names ``name`` refers to (exact alias, else contained alias)."""
        exact = self.resolve_exact(name)
        if exact:
            return exact
        tokens = tuple(normalise_name(name).split())
        best: dict[str, int] = {}
        for alias, canon in self.aliases:
            if _contains_seq(tokens, alias):
                best[canon] = max(best.get(canon, 0), len(alias))
        if not best:
            return set()
        top = max(best.values())
        winners = [c for c, n in best.items() if n == top]
        return {winners[0]} if len(winners) == 1 else set()


def _contains_seq(tokens: tuple[str, ...], seq: tuple[str, ...]) -> bool:
    n = len(seq)
    return 0 < n <= len(tokens) and any(
        tokens[i : i + n] == seq for i in range(len(tokens) - n + 1)
    )


def name_matches(
    predicted: str | None,
    gold: str | Sequence[str] | None,
    people: dict[str, list[str]] | None = None,
) -> bool:
    """Whether a predicted person/organisation name matches a gold name (or any of a list).

    Args:
        predicted: The predicted name, or ``None``.
        gold: A gold name, a list of names (any one counts), or ``None``.
        people: The doc's ``people`` table (canonical name -> aliases).

    Returns:
        ``True`` on a match. ``None`` matches ``None`` only.
    """
    return _name_matches(predicted, gold, _People(people))


def _name_matches(predicted: str | None, gold: str | Sequence[str] | None, people: _People) -> bool:
    if gold is None or (not isinstance(gold, str) and len(gold) == 0):
        return predicted is None
    if predicted is None or not predicted.strip():
        return False
    golds = [gold] if isinstance(gold, str) else list(gold)
    pred_norm = normalise_name(predicted)
    pred_canon: set[str] | None = None
    for g in golds:
        if g is None:
            continue
        if normalise_name(g) == pred_norm:
            return True
        gold_canon = people.resolve_exact(g)
        if gold_canon:
            if pred_canon is None:
                pred_canon = people.resolve(predicted)
            if gold_canon & pred_canon:
                return True
    return False


# Languages whose country names count when scoring (the languages of the development sets);
# names come from the library's own tables (``factx._normalize.country_code``), so scoring and
# extraction share one mapping.
_EVAL_LANGS: tuple[str, ...] = (
    "en", "id", "ms", "nl", "de", "fr", "es", "it", "pt", "pl", "tr", "vi",
)  # fmt: skip


@lru_cache(maxsize=4096)
def to_iso3(value: str | None, *, code_field: bool = False) -> str | None:
    """Map a country name or code to its ISO 3166-1 alpha-3 code.

    Names (in any of the development sets' languages), capitals and big cities, metonyms
    (``Kremlin``) and demonyms go through the library's ``country_code`` (leniently: a scored
    value names a place, so a city name that is also a word counts). A short value is an
    abbreviation in any case (``AS``, ``us``, ``RRT``), an alpha-3 code when written in capitals
    or from a ``country`` field (``code_field``), or an alpha-2 code only from such a field.

    Args:
        value: A name or code, e.g. ``"Rusia"``, ``"RUS"``, ``"Amerika Serikat"``.
        code_field: The value is from a field meant to hold a code, so alpha-2 is allowed.

    Returns:
        The alpha-3 code, or ``None`` when the value is not a known country.
    """
    from ._normalize import _pycountry_codes, country_code

    if not value or not value.strip():
        return None
    raw = value.strip()
    bare = raw.replace(".", "")
    if bare.isascii() and bare.isalpha() and len(bare) <= 4:
        up = raw.upper()
        # an abbreviation, whatever its case; not an ISO code, which come below
        hit = country_code(up, langs=_EVAL_LANGS) if up in _abbreviations() else None
        if hit:
            return hit
        if len(bare) == 3 and (code_field or raw.isupper()):
            return _pycountry_codes().get(bare.upper())
        if len(bare) == 2:
            return _pycountry_codes().get(bare.upper()) if code_field else None
        if len(bare) <= 3:
            return None
    return country_code(raw, langs=_EVAL_LANGS, lenient=True)


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    from ._normalize import _COUNTRY_ABBR_BY_LANG

    return frozenset(a for lang in _EVAL_LANGS for a in _COUNTRY_ABBR_BY_LANG.get(lang, {}))


# --------------------------------------------------------------------------------------------
# Evidence
# --------------------------------------------------------------------------------------------


@dataclass
class _Evidence:
    """One evidence item: its text and where it lies (empty spans: text-only matching)."""

    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)


def _evidence_overlaps(pred: list[_Evidence], gold: list[_Evidence]) -> bool:
    for p in pred:
        for g in gold:
            if p.spans and g.spans:
                if any(ps < ge and gs < pe for ps, pe in p.spans for gs, ge in g.spans):
                    return True
            else:
                pk, gk = _text_key(p.text), _text_key(g.text)
                if pk and gk and (pk in gk or gk in pk):
                    return True
    return False


def _pred_evidence(spans: list[Span], article: str | None) -> list[_Evidence]:
    items = []
    for s in spans:
        if article is None:
            items.append(_Evidence(s.text))
        elif 0 <= s.start < s.end <= len(article) and article[s.start : s.end] == s.text:
            items.append(_Evidence(s.text, [(s.start, s.end)]))
        else:  # offsets wrong: find the text instead, else match by text only
            items.append(_Evidence(s.text, locate(article, s.text)))
    return items


# --------------------------------------------------------------------------------------------
# Per-kind rules
# --------------------------------------------------------------------------------------------


@dataclass
class _Doc:
    """One gold document, ready for matching."""

    name: str
    record: dict[str, Any]
    people: _People
    article: str | None
    gold_evidence: dict[str, list[list[_Evidence]]]


@dataclass
class _Pred:
    fact: PredFact
    evidence: list[_Evidence]


def _party_matches(party_gold: str, pred: Agreement, people: _People) -> bool:
    gold_iso = to_iso3(party_gold, code_field=True) if party_gold else None
    for p in pred.parties:
        if gold_iso is not None:
            isos = {to_iso3(p.country, code_field=True), to_iso3(p.name)}
            if gold_iso in isos:
                return True
        if _name_matches(p.name, party_gold, people):
            return True
    return False


def _same(a: Any, b: Any) -> bool:
    """Attribute equality: strings stripped and casefolded, ``None == None``."""
    if isinstance(a, str):
        a = a.strip().casefold() or None
    if isinstance(b, str):
        b = b.strip().casefold() or None
    return bool(a == b)


def _attr_values(kind: str, gold: GoldFact, pred: PredFact) -> dict[str, tuple[Any, Any]]:
    out: dict[str, tuple[Any, Any]] = {}
    for name in _ATTRIBUTES[kind]:
        if name == "destination_city" and isinstance(pred, Visit):
            out[name] = (gold.get(name), pred.destination.city)
        else:
            out[name] = (gold.get(name), getattr(pred, name))
    return out


def _pair_score(kind: str, doc: _Doc, gi: int, gold: GoldFact, pred: _Pred) -> float | None:
    """``None`` if the pair does not match under the kind's rule, else a fit in ``[0, 1]``.

    The fit only breaks ties between admissible pairings; it never decides a match.
    """
    fact = pred.fact
    gold_ev = doc.gold_evidence[kind][gi]
    overlap = _evidence_overlaps(pred.evidence, gold_ev)
    attrs = _attr_values(kind, gold, fact)
    attr_fit = sum(_same(g, p) for g, p in attrs.values()) / len(attrs) if attrs else 0.0
    if isinstance(fact, Quote):
        if not _name_matches(fact.speaker, gold.get("speaker"), doc.people):
            return None
        f1 = quote_token_f1(fact.text, str(gold.get("text") or ""))
        return f1 if f1 >= QUOTE_F1_THRESHOLD else None
    if isinstance(fact, Visit):
        if not _name_matches(fact.visitor.name, gold.get("visitor"), doc.people):
            return None
        gold_country = to_iso3(gold.get("destination_country"), code_field=True)
        pred_country = to_iso3(fact.destination.country, code_field=True)
        if gold_country is None:
            gold_country = (gold.get("destination_country") or "").strip().upper() or None
        if pred_country is None:
            pred_country = (fact.destination.country or "").strip().upper() or None
        if gold_country != pred_country:
            return None
        return 0.5 * attr_fit + 0.5 * overlap
    if isinstance(fact, Agreement):
        parties = [str(p) for p in gold.get("parties") or [] if p]
        if not overlap:
            return None
        if parties and not any(_party_matches(g, fact, doc.people) for g in parties):
            return None
        matched = sum(_party_matches(g, fact, doc.people) for g in parties)
        party_fit = matched / len(parties) if parties else 1.0
        return 0.5 * party_fit + 0.5 * attr_fit
    if isinstance(fact, Statement):
        if not overlap or not _name_matches(fact.speaker.name, gold.get("speaker"), doc.people):
            return None
        gold_content = str(gold.get("content") or "")
        return 0.5 * attr_fit + 0.5 * quote_token_f1(fact.content, gold_content)
    return None  # pragma: no cover


def _assign(weights: list[list[int]]) -> list[tuple[int, int]]:
    """Maximum-weight assignment (Hungarian algorithm), rows x columns, any shape.

    Returns ``(row, column)`` pairs with a positive weight.
    """
    rows = len(weights)
    cols = len(weights[0]) if rows else 0
    if rows == 0 or cols == 0:
        return []
    transpose = rows > cols
    if transpose:
        weights = [list(col) for col in zip(*weights, strict=True)]
        rows, cols = cols, rows
    cost = [[-w for w in row] for row in weights]
    inf = 1 << 200
    u = [0] * (rows + 1)
    v = [0] * (cols + 1)
    match = [0] * (cols + 1)  # match[j] = row (1-based) assigned to column j
    way = [0] * (cols + 1)
    for i in range(1, rows + 1):
        match[0] = i
        j0 = 0
        minv = [inf] * (cols + 1)
        used = [False] * (cols + 1)
        while True:
            used[j0] = True
            i0 = match[j0]
            delta = inf
            j1 = 0
            for j in range(1, cols + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(cols + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while True:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
            if j0 == 0:
                break
    pairs = []
    for j in range(1, cols + 1):
        i = match[j]
        if i and weights[i - 1][j - 1] > 0:
            pairs.append((j - 1, i - 1) if transpose else (i - 1, j - 1))
    return sorted(pairs)


def _match_kind(
    kind: str, doc: _Doc, golds: list[GoldFact], preds: list[_Pred]
) -> list[tuple[int, int]]:
    """Pair gold and predicted facts of one kind in one doc; returns ``(gold, pred)`` pairs.

    Weights are lexicographic: a pair with a required gold fact outweighs any number of pairs
    with optional ones, which outweigh any amount of fit.
    """
    n = max(len(golds), len(preds)) + 1
    fit_unit = 1000
    opt_weight = n * (fit_unit + 1)
    req_weight = n * (opt_weight + fit_unit + 1)
    weights = []
    for gi, g in enumerate(golds):
        row = []
        for p in preds:
            score = _pair_score(kind, doc, gi, g, p)
            if score is None:
                row.append(0)
            else:
                base = opt_weight if g.get("optional") else req_weight
                row.append(base + round(max(0.0, min(1.0, score)) * fit_unit))
        weights.append(row)
    return _assign(weights)


def _gold_key(kind: str, g: GoldFact) -> dict[str, Any]:
    keys = {
        "visits": ("visitor", "destination_country", "destination_city", "start_date", "status"),
        "agreements": ("parties", "subject", "status", "date"),
        "statements": ("speaker", "content", "date"),
        "quotes": ("speaker", "text"),
    }[kind]
    return {k: g.get(k) for k in keys}


def _pred_key(fact: PredFact) -> dict[str, Any]:
    if isinstance(fact, Visit):
        return {
            "visitor": fact.visitor.name,
            "destination_country": fact.destination.country,
            "destination_city": fact.destination.city,
            "start_date": fact.start_date,
            "status": fact.status,
        }
    if isinstance(fact, Agreement):
        return {
            "parties": [p.country or p.name for p in fact.parties],
            "subject": fact.subject,
            "status": fact.status,
            "date": fact.date,
        }
    if isinstance(fact, Statement):
        return {"speaker": fact.speaker.name, "content": fact.content, "date": fact.date}
    return {"speaker": fact.speaker, "text": fact.text}


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _basename(name: str) -> str:
    return re.split(r"[\\/]", name.strip())[-1]


def _read_jsonl(
    source: list[dict[str, Any]] | str | Path, what: str
) -> list[tuple[str, dict[str, Any]]]:
    """Records with a location label (``file:line`` or ``what record N``)."""
    if isinstance(source, list):
        out = []
        for i, rec in enumerate(source, 1):
            if not isinstance(rec, dict):
                raise EvalInputError(f"{what} record {i}: expected a JSON object")
            out.append((f"{what} record {i}", rec))
        return out
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise EvalInputError(f"cannot read {what} file {path}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise EvalInputError(f"{path}: {what} file is not UTF-8 (offset {exc.start})") from exc
    if text.lstrip().startswith("["):  # a JSON array (``factx extract -o out.json``)
        try:
            array = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EvalInputError(f"{path}: malformed JSON array in {what} file: {exc}") from exc
        if not isinstance(array, list):
            raise EvalInputError(f"{path}: expected a JSON array of objects in {what} file")
        return _read_jsonl(array, f"{path}: {what}")
    records = []
    # "\n" only: str.splitlines() also cuts at U+2028, U+0085... which JSON strings hold raw
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError) as exc:  # bad JSON, too deep, too many digits
            raise EvalInputError(f"{path}:{lineno}: malformed JSON in {what} file: {exc}") from exc
        if not isinstance(rec, dict):
            raise EvalInputError(f"{path}:{lineno}: expected a JSON object in {what} file")
        records.append((f"{path}:{lineno}", rec))
    return records


def _load_gold(
    gold: list[dict[str, Any]] | str | Path, articles: Path | None, warn: Callable[[str], None]
) -> list[_Doc]:
    docs: dict[str, _Doc] = {}
    for where, rec in _read_jsonl(gold, "gold"):
        doc_name = rec.get("doc")
        if not isinstance(doc_name, str) or not doc_name.strip():
            raise EvalInputError(f"{where}: gold record has no 'doc'")
        name = _basename(doc_name)
        for kind in KINDS:
            facts = rec.get(kind, [])
            if not isinstance(facts, list) or not all(isinstance(f, dict) for f in facts):
                raise EvalInputError(f"{where}: gold '{kind}' must be a list of objects")
        if name in docs:
            warn(f"gold doc {name} appears twice; using the last record")
        article = None
        if articles is not None:
            path = articles / name
            try:
                # Read as `factx extract` reads (BOM dropped, CRLF kept) so offsets agree.
                article = path.read_bytes().decode("utf-8-sig")
            except (OSError, UnicodeDecodeError):
                warn(f"article {path} not found; matching evidence by text only for {name}")
        gold_evidence: dict[str, list[list[_Evidence]]] = {}
        for kind in KINDS:
            per_fact = []
            for i, fact in enumerate(rec.get(kind, [])):
                items = []
                for ev in fact.get("evidence") or []:
                    spans = locate(article, str(ev)) if article is not None else []
                    if article is not None and not spans:
                        warn(
                            f"{name}: gold {kind}[{i}] evidence not found in the article, "
                            f"matching it by text only: {_short(str(ev), 60)!r}"
                        )
                    items.append(_Evidence(str(ev), spans))
                per_fact.append(items)
            gold_evidence[kind] = per_fact
        docs[name] = _Doc(name, rec, _People(rec.get("people")), article, gold_evidence)
    return list(docs.values())


def _last_per_source(
    records: list[tuple[str, dict[str, Any]]],
) -> list[tuple[str, dict[str, Any]]]:
    """The last record per ``source``, in the order of those records: a resumed ``factx
    extract`` run appends a retried article's new record after its old error record."""
    last: dict[Any, tuple[str, dict[str, Any]]] = {}
    for n, (where, rec) in enumerate(records):
        source = rec.get("source")
        key = source if isinstance(source, str) and source.strip() else ("no source", n)
        last.pop(key, None)
        last[key] = (where, rec)
    return list(last.values())


def _load_predictions(
    predictions: list[dict[str, Any]] | str | Path, warn: Callable[[str], None]
) -> tuple[dict[str, ArticleFacts], list[Failure]]:
    facts: dict[str, ArticleFacts] = {}
    failures: list[Failure] = []
    for where, rec in _last_per_source(_read_jsonl(predictions, "predictions")):
        source = rec.get("source")
        name = _basename(source) if isinstance(source, str) and source.strip() else None
        if rec.get("error") is not None or rec.get("skipped") is not None:
            err = rec["error"] if rec.get("error") is not None else rec["skipped"]
            err_type = err.get("type") if isinstance(err, dict) else None
            if rec.get("error") is None:  # not started (e.g. the cost budget was spent)
                reason = err.get("reason") if isinstance(err, dict) else None
                err_type = f"skipped ({reason})" if reason else "skipped"
            message = err.get("message") if isinstance(err, dict) else str(err)
            failures.append(
                Failure(
                    doc=name or f"<{where}>",
                    type=None if err_type is None else str(err_type),
                    message=None if message is None else str(message),
                )
            )
            if name is not None:
                facts[name] = ArticleFacts(source=source)
            continue
        try:
            parsed = ArticleFacts.model_validate(rec)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(x) for x in first["loc"])
            raise EvalInputError(
                f"{where}: not an ArticleFacts record ({exc.error_count()} errors; "
                f"first at {loc or '<root>'}: {first['msg']})"
            ) from exc
        if name is None:
            warn(f"{where}: prediction has no 'source'; ignored")
            continue
        if name in facts:
            warn(f"{where}: second prediction for {name}; using the last one")
        facts[name] = parsed
    return facts, failures


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


def _pred_facts(kind: str, facts: ArticleFacts) -> Sequence[PredFact]:
    if kind == "visits":
        return facts.visits
    if kind == "agreements":
        return facts.agreements
    if kind == "statements":
        return facts.statements
    return facts.quotes


def evaluate(
    gold: list[dict[str, Any]] | str | Path,
    predictions: list[dict[str, Any]] | str | Path,
    articles: str | Path | None = None,
) -> EvalReport:
    """Score predictions against gold.

    Warnings (gold evidence not found, predictions for unknown docs, ...) are printed to
    stderr and kept in ``report.warnings``.

    Args:
        gold: Gold records, or a path to the gold JSONL file.
        predictions: ``ArticleFacts`` records (or error records
            ``{"source": ..., "error": {"type": ..., "message": ...}}``; skipped records
            count as failures too), or the path of a ``factx extract`` output: JSONL (the last
            record per source wins) or a JSON array.
        articles: Directory holding the article files named by gold ``doc``. Defaults to the
            gold file's directory when ``gold`` is a path; with no articles, evidence is
            matched by text only.

    Returns:
        The report.

    Raises:
        EvalInputError: A file is missing, a line is not JSON, or a record has the wrong shape.
    """
    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(message)
        print(f"factx eval: warning: {message}", file=sys.stderr)

    if articles is None and not isinstance(gold, list):
        articles = Path(gold).parent
    article_dir = Path(articles) if articles is not None else None
    if article_dir is not None and not article_dir.is_dir():
        warn(f"articles directory {article_dir} not found; matching evidence by text only")
        article_dir = None

    docs = _load_gold(gold, article_dir, warn)
    predicted, failures = _load_predictions(predictions, warn)
    gold_names = {d.name for d in docs}
    for name in predicted:
        if name not in gold_names:
            warn(f"predictions for {name} ignored: not in the gold file")

    per_kind = {kind: KindScore() for kind in KINDS}
    attributes = {
        kind: {a: AttributeScore() for a in _ATTRIBUTES[kind]}
        for kind in KINDS
        if _ATTRIBUTES[kind]
    }
    errors: list[FactError] = []
    missing: list[str] = []
    for doc in docs:
        facts = predicted.get(doc.name)
        if facts is None:
            missing.append(doc.name)
            facts = ArticleFacts(source=doc.name)
        for kind in KINDS:
            golds: list[GoldFact] = list(doc.record.get(kind) or [])
            preds = [
                _Pred(f, _pred_evidence(f.evidence, doc.article)) for f in _pred_facts(kind, facts)
            ]
            pairs = _match_kind(kind, doc, golds, preds)
            score = per_kind[kind]
            matched_gold = {g for g, _ in pairs}
            matched_pred = {p for _, p in pairs}
            for gi, pi in pairs:
                if golds[gi].get("optional"):
                    score.optional_matched += 1
                    continue
                score.tp += 1
                for name, (gv, pv) in _attr_values(kind, golds[gi], preds[pi].fact).items():
                    attr = attributes[kind][name]
                    attr.total += 1
                    attr.correct += _same(gv, pv)
            for gi, g in enumerate(golds):
                if gi not in matched_gold and not g.get("optional"):
                    score.fn += 1
                    errors.append(
                        FactError(
                            kind=kind,
                            doc=doc.name,
                            type="false_negative",
                            key=_gold_key(kind, g),
                            evidence=[str(e) for e in g.get("evidence") or []],
                        )
                    )
            for pi, p in enumerate(preds):
                if pi not in matched_pred:
                    score.fp += 1
                    errors.append(
                        FactError(
                            kind=kind,
                            doc=doc.name,
                            type="false_positive",
                            key=_pred_key(p.fact),
                            evidence=[e.text for e in p.fact.evidence],
                        )
                    )
    for s in per_kind.values():
        s.finalise()
    micro = KindScore(
        tp=sum(s.tp for s in per_kind.values()),
        fp=sum(s.fp for s in per_kind.values()),
        fn=sum(s.fn for s in per_kind.values()),
        optional_matched=sum(s.optional_matched for s in per_kind.values()),
    ).finalise()
    macro = MacroScore(
        precision=sum(s.precision for s in per_kind.values()) / len(KINDS),
        recall=sum(s.recall for s in per_kind.values()) / len(KINDS),
        f1=sum(s.f1 for s in per_kind.values()) / len(KINDS),
    )
    return EvalReport(
        per_kind=per_kind,
        micro=micro,
        macro=macro,
        attributes=attributes,
        errors=errors,
        failures=failures,
        missing=missing,
        warnings=warnings,
        docs=len(docs),
    )


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factx eval",
        description="Score factx predictions (the JSONL or JSON output of 'factx extract') "
        "against a gold file.",
    )
    parser.add_argument(
        "predictions",
        type=Path,
        help="output of 'factx extract': JSONL (one record per article; the last record per "
        "source wins, as after a resumed run) or a JSON array",
    )
    parser.add_argument("--gold", type=Path, required=True, help="gold JSONL file")
    parser.add_argument(
        "--articles",
        type=Path,
        default=None,
        help="directory of the article files named by gold 'doc' (default: the gold file's "
        "directory)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--show-errors", action="store_true", help="list every false positive and false negative"
    )
    return parser


def main(argv: Iterable[str] | None = None) -> int:
    """Run ``factx eval``.

    Args:
        argv: Arguments after ``eval`` (default: ``sys.argv[1:]``).

    Returns:
        0 on success, 2 on bad arguments or unreadable/malformed input.
    """
    try:
        args = _parser().parse_args(None if argv is None else list(argv))
    except SystemExit as exc:  # --help or a usage error
        return exc.code if isinstance(exc.code, int) else 2
    try:
        report = evaluate(args.gold, args.predictions, args.articles)
    except EvalInputError as exc:
        print(f"factx eval: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.format_table(show_errors=args.show_errors))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
