"""Events: the facts of many articles grouped by the real-world event they report.

``factx extract`` gives facts per article; here the facts of a corpus that report the same
visit, agreement, statement or quote become one :class:`Event` with every article that reports
it (:class:`Source`), the consensus value of each field and the sources that disagree, a status
history, and a confidence that grows with independent sources. The rules are in
``docs/EVENTS.md``; in short:

- **Actors** get corpus-wide keys (:class:`factx._actorkeys.ActorTable`): ``Sergey Lavrov``,
  ``Sergei Lavrov``, ``Lavrov`` and ``Лавров`` are ``sergey_lavrov@RUS``.
- **Visits** join on visitor key + destination country and overlapping date windows (the
  facts' dates, else a window around publication by status); undated facts join only on the
  same city.
- **Agreements** join on party overlap + subject similarity + date windows.
- **Statements** join on speaker key + content similarity + date windows; **quotes** on speaker
  key + text similarity (fragments count) + date windows.
- Two facts of one article never join (the extractor already merged them), except a quote
  repeated word for word (a headline or deck). A fact joins a group only if it conflicts with
  no member (a date window that does not overlap, another city of an undated visit, the same
  article).

Deterministic: the same records, in any order, give the same events and ids.

::

    from factx.events import events
    for ev in events(records):            # ArticleFacts or their dicts (factx extract's JSONL)
        print(ev.kind, ev.actor.name if ev.actor else None, ev.date, len(ev.sources))
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from .models import ArticleFacts, Span

__all__ = [
    "KINDS",
    "Actor",
    "Event",
    "EventKind",
    "FieldConsensus",
    "Link",
    "Options",
    "Source",
    "StatusChange",
    "Value",
    "actor_table",
    "events",
]

EventKind = Literal["visit", "agreement", "statement", "quote"]
KINDS: dict[str, EventKind] = {
    "visits": "visit",
    "agreements": "agreement",
    "statements": "statement",
    "quotes": "quote",
}
"""The fact lists of an ``ArticleFacts`` record and the kind of event each gives."""

_STATUS_RANK = {
    "planned": 0,
    "ongoing": 1,
    "completed": 2,
    "cancelled": 3,
    "proposed": 0,
    "agreed": 1,
    "signed": 2,
    "in_force": 3,
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


_M = TypeVar("_M", bound=BaseModel)


class Actor(_Model):
    """A person, office, group or state with its corpus-wide key."""

    key: str = Field(description="Stable key: 'sergey_lavrov@RUS', or an ISO3 code for a state.")
    name: str = Field(description="Display name: the most frequent form in the corpus.")
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-3, when known.")


class Source(_Model):
    """One article's report of the event: which fact, and where in the article."""

    article: str = Field(description="Article id (the record's 'source').")
    url: str | None = None
    published: str | None = None
    title: str | None = None
    fact_id: str = Field(description="'<article>#<list>/<index>', e.g. 'a.txt#visits/0'.")
    fact: dict[str, Any] = Field(description="The fact as extracted.")
    evidence: list[Span] = Field(default_factory=list)


class Value(_Model):
    """A value of a field and the facts that give it."""

    value: Any
    sources: list[str] = Field(description="Fact ids.")


class FieldConsensus(_Model):
    """The value most sources give, and the values that disagree with it."""

    value: Any = None
    sources: list[str] = Field(default_factory=list, description="Fact ids that support it.")
    dissent: list[Value] = Field(default_factory=list)


class StatusChange(_Model):
    """One report of the event's status, in publication order."""

    status: str
    published: str | None = None
    fact_id: str


class Link(_Model):
    """Why two facts were joined (the rule and what it compared)."""

    a: str
    b: str
    rule: str
    score: float
    detail: str


class Event(_Model):
    """One real-world visit, agreement, statement or quote, with every article reporting it."""

    id: str = Field(description="'ev_' + 16 hex digits of the SHA-1 of the sorted fact ids.")
    kind: EventKind
    actor: Actor | None = Field(
        default=None, description="Visitor, speaker, or the first party of an agreement."
    )
    target: Actor | None = Field(
        default=None,
        description="The host state of a visit, the second party of an agreement.",
    )
    parties: list[Actor] = Field(default_factory=list, description="Agreements: all parties.")
    date: str | None = Field(default=None, description="Consensus date (visits: start date).")
    end_date: str | None = None
    reported: str | None = Field(default=None, description="Earliest publication date.")
    status: str | None = None
    text: str | None = Field(
        default=None,
        description="Subject (agreement), content (statement), words (quote), purpose (visit).",
    )
    fields: dict[str, FieldConsensus] = Field(default_factory=dict)
    status_history: list[StatusChange] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    n_sources: int = Field(default=0, description="Distinct articles.")
    n_independent: int = Field(
        default=0, description="Distinct outlets (URL host, else article), copies counted once."
    )
    confidence: float = 0.0
    links: list[Link] = Field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """Thresholds of the merge rules (defaults documented in docs/EVENTS.md)."""

    before_days: int = 31
    """An undated past fact (completed visit, signed agreement, statement, quote) lies within
    this many days before its article's publication."""
    ahead_days: int = 365
    """An undated future fact (planned visit, proposed agreement) lies within this many days
    after publication."""
    slack_days: int = 1
    """Two date windows overlap when they come within this many days of each other."""
    subject_similarity: float = 60.0
    """Agreements: minimum rapidfuzz token_set_ratio of the folded subjects."""
    statement_similarity: float = 60.0
    """Statements: minimum token_set_ratio of the folded contents."""
    quote_similarity: float = 70.0
    """Quotes: minimum token_set_ratio of the folded texts (a fragment of two or more words
    contained in the other scores 100)."""
    party_overlap: float = 0.5
    """Agreements: minimum Jaccard overlap of the party keys."""


# --------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------


@dataclass
class _Fact:
    id: str
    kind: EventKind
    group: str
    index: int
    article: str
    url: str | None
    title: str | None
    published: str | None
    pub: date | None
    data: dict[str, Any]
    actor: str | None = None
    parties: frozenset[str] = frozenset()
    dest: str | None = None
    city: str | None = None
    window: tuple[int, int] | None = None
    explicit: bool = False
    text: str = ""
    status: str | None = None


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _interval(value: Any) -> tuple[int, int] | None:
    """``(first day, last day)`` as ordinals of an ISO date at any precision."""
    if not isinstance(value, str):
        return None
    m = _DATE.match(value.strip())
    if not m:
        return None
    try:
        year = int(m.group(1))
        if m.group(3):
            d = date(year, int(m.group(2)), int(m.group(3)))
            return d.toordinal(), d.toordinal()
        if m.group(2):
            month = int(m.group(2))
            first = date(year, month, 1)
            nxt = date(year + (month == 12), month % 12 + 1, 1)
            return first.toordinal(), nxt.toordinal() - 1
        return date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    except ValueError:
        return None


def _pub_date(value: Any) -> date | None:
    span = _interval(value)
    return date.fromordinal(span[0]) if span else None


_DIRECTION = {
    "planned": "future",
    "cancelled": "future",
    "proposed": "future",
    "ongoing": "now",
    "completed": "past",
    "agreed": "past",
    "signed": "past",
    "in_force": "past",
}


def _inferred(pub: date | None, direction: str, opt: Options) -> tuple[int, int] | None:
    if pub is None:
        return None
    p = pub.toordinal()
    if direction == "future":
        return p, p + opt.ahead_days
    if direction == "now":
        return p - 3, p + 1
    if direction == "past":
        return p - opt.before_days, p
    return p - opt.before_days, p + opt.ahead_days


def _window(
    start: Any, end: Any, pub: date | None, direction: str, opt: Options
) -> tuple[tuple[int, int] | None, bool]:
    a, b = _interval(start), _interval(end)
    if a and b:
        return (min(a[0], b[0]), max(a[1], b[1])), True
    if a or b:
        return (a or b), True
    return _inferred(pub, direction, opt), False


def _fold(text: str | None) -> str:
    from ._actorkeys import fold

    return fold(text) if text else ""


def _name_of(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) and value.strip() else None


def _country_of(value: Any) -> str | None:
    if isinstance(value, Mapping):
        c = value.get("country")
        return c.upper() if isinstance(c, str) and c.strip() else None
    return None


def _as_dict(record: ArticleFacts | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(record, BaseModel):
        return record.model_dump(mode="json")
    return record


def _article_id(rec: Mapping[str, Any], n: int) -> str:
    for key in ("source", "id", "doc", "path", "url"):
        value = rec.get(key)
        if isinstance(value, str) and value:
            return value
    return f"record-{n}"


def _mentions(
    recs: Sequence[tuple[str, Mapping[str, Any]]],
) -> Iterable[tuple[str, str | None]]:
    for _, rec in recs:
        for v in rec.get("visits") or ():
            yield from _person_mention(v.get("visitor"))
            if isinstance(v.get("inviter"), str):
                yield v["inviter"], None
        for a in rec.get("agreements") or ():
            for p in a.get("parties") or ():
                yield from _person_mention(p)
        for s in rec.get("statements") or ():
            yield from _person_mention(s.get("speaker"))
        for q in rec.get("quotes") or ():
            yield from _person_mention(q.get("speaker"))


def _person_mention(value: Any) -> Iterable[tuple[str, str | None]]:
    name = _name_of(value)
    if name:
        yield name, _country_of(value)


def _records(
    records: Iterable[ArticleFacts | Mapping[str, Any]],
) -> list[tuple[str, Mapping[str, Any]]]:
    """Success records, the last one per article id (as for a resumed ``factx extract``)."""
    out: dict[str, Mapping[str, Any]] = {}
    for n, rec in enumerate(records):
        d = _as_dict(rec)
        if not isinstance(d, Mapping):
            continue
        article = _article_id(d, n)
        out.pop(article, None)
        if not d.get("error"):
            out[article] = d
    return list(out.items())


class _Prepared(list):  # type: ignore[type-arg]
    """Records already passed through :func:`_records`."""


def actor_table(records: Iterable[ArticleFacts | Mapping[str, Any]]) -> Any:
    """The :class:`~factx._actorkeys.ActorTable` of a corpus: keys and aliases of its actors.

    ``actor_table(records).aliases()`` maps each key to the forms of the name and their counts.
    """
    from ._actorkeys import ActorTable

    recs = records if isinstance(records, _Prepared) else _records(records)
    return ActorTable(_mentions(recs))


def _facts(recs: Sequence[tuple[str, Mapping[str, Any]]], table: Any, opt: Options) -> list[_Fact]:
    facts: list[_Fact] = []
    for article, rec in recs:
        published = rec.get("published") if isinstance(rec.get("published"), str) else None
        pub = _pub_date(published)
        url = rec.get("url")
        title = rec.get("title")
        for group, kind in KINDS.items():
            for i, data in enumerate(rec.get(group) or ()):
                if not isinstance(data, Mapping):
                    continue
                f = _Fact(id=f"{article}#{group}/{i}", kind=kind, group=group, index=i,
                          article=article, url=url, title=title, published=published, pub=pub,
                          data=dict(data))  # fmt: skip
                _describe(f, table, opt)
                facts.append(f)
    return facts


def _describe(f: _Fact, table: Any, opt: Options) -> None:
    d = f.data
    status = d.get("status") if isinstance(d.get("status"), str) else None
    f.status = status
    if f.kind == "visit":
        f.actor = table.key(_name_of(d.get("visitor")))
        dest = d.get("destination") or {}
        if isinstance(dest, Mapping):
            c = dest.get("country")
            f.dest = c.upper() if isinstance(c, str) and c.strip() else None
            f.city = _fold(dest.get("city")) or None
        f.window, f.explicit = _window(
            d.get("start_date"), d.get("end_date"), f.pub, _DIRECTION.get(status or "", ""), opt
        )
        f.text = _fold(d.get("purpose"))
    elif f.kind == "agreement":
        keys = {table.key(_name_of(p)) for p in d.get("parties") or ()}
        f.parties = frozenset(k for k in keys if k)
        f.window, f.explicit = _window(
            d.get("date"), None, f.pub, _DIRECTION.get(status or "", ""), opt
        )
        f.text = _fold(d.get("subject"))
    elif f.kind == "statement":
        f.actor = table.key(_name_of(d.get("speaker")))
        f.window, f.explicit = _window(d.get("date"), None, f.pub, "past", opt)
        f.text = _fold(d.get("content"))
    else:
        f.actor = table.key(_name_of(d.get("speaker")))
        f.window, f.explicit = _window(None, None, f.pub, "past", opt)
        f.text = _fold(d.get("text"))


# --------------------------------------------------------------------------------------------
# Pair rules
# --------------------------------------------------------------------------------------------


@dataclass
class _Pair:
    a: int
    b: int
    score: float
    rule: str
    detail: str


def _overlap(a: tuple[int, int], b: tuple[int, int], slack: int) -> bool:
    return a[0] - slack <= b[1] and b[0] - slack <= a[1]


@functools.lru_cache(maxsize=65536)
def _show(w: tuple[int, int] | None) -> str:
    if w is None:
        return "undated"
    a, b = date.fromordinal(w[0]), date.fromordinal(w[1])
    return a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}"


def _conflict(a: _Fact, b: _Fact, opt: Options, *, same_article_ok: bool = False) -> str | None:
    """Why ``a`` and ``b`` cannot be one event, or None."""
    if a.article == b.article and not same_article_ok:
        return "same article"
    if a.window and b.window and not _overlap(a.window, b.window, opt.slack_days):
        return f"dates {_show(a.window)} and {_show(b.window)} do not overlap"
    if a.kind == "visit" and (a.window is None or b.window is None):
        if a.city and b.city and a.city != b.city:
            return f"undated and cities differ ({a.city} / {b.city})"
    return None


def _date_note(a: _Fact, b: _Fact) -> tuple[float, str]:
    """Score bonus and wording for two overlapping windows (explicit dates count more)."""
    n = int(a.explicit) + int(b.explicit)
    how = ("both inferred from publication", "one dated, one from publication", "both dated")[n]
    return 0.5 * n, f"dates overlap ({_show(a.window)} / {_show(b.window)}; {how})"


def _visit_pair(a: _Fact, b: _Fact, opt: Options) -> tuple[float, str, str] | None:
    if a.article == b.article or _conflict(a, b, opt):
        return None
    where = f"visitor {a.actor}, destination {a.dest or a.city}"
    if a.window and b.window:
        bonus, note = _date_note(a, b)
        city = 0.5 if a.city and a.city == b.city else 0.0
        return 2.0 + bonus + city, "visit.same-visitor-destination-dates", f"{where}; {note}"
    if a.city and a.city == b.city:
        return 1.0, "visit.undated-same-city", f"{where}; a fact is undated; same city {a.city}"
    return None


_FAR = 10**9


class _Arrays:
    """Per-fact windows and article numbers as numpy arrays, for whole-block pair masks."""

    def __init__(self, facts: list[_Fact]) -> None:
        import numpy as np

        self.lo = np.array([f.window[0] if f.window else -_FAR for f in facts], dtype=np.int64)
        self.hi = np.array([f.window[1] if f.window else _FAR for f in facts], dtype=np.int64)
        numbers: dict[str, int] = {}
        self.art = np.array([numbers.setdefault(f.article, len(numbers)) for f in facts])

    def candidates(
        self,
        members: list[int],
        opt: Options,
        *,
        scores: Any = None,
        threshold: float = 0.0,
        same_article: bool = False,
    ) -> list[tuple[int, int, float]]:
        """Pairs (i < j by position in ``members``) whose windows overlap, from different
        articles (unless ``same_article``), and whose score reaches ``threshold``."""
        import numpy as np

        idx = np.array(members)
        lo, hi, art = self.lo[idx], self.hi[idx], self.art[idx]
        mask = (lo[:, None] - opt.slack_days <= hi[None, :]) & (
            lo[None, :] - opt.slack_days <= hi[:, None]
        )
        if not same_article:
            mask &= art[:, None] != art[None, :]
        if scores is not None:
            mask &= scores >= threshold
        mask = np.triu(mask, 1)
        xs, ys = np.nonzero(mask)
        if scores is None:
            return [
                (members[x], members[y], 0.0) for x, y in zip(xs.tolist(), ys.tolist(), strict=True)
            ]
        vals = scores[xs, ys].tolist()
        return [
            (members[x], members[y], float(v))
            for x, y, v in zip(xs.tolist(), ys.tolist(), vals, strict=True)
        ]


def _similar_pairs(
    facts: list[_Fact], arrays: _Arrays, members: list[int], threshold: float, opt: Options
) -> list[tuple[int, int, float]]:
    """Pairs of ``members`` with overlapping windows whose texts reach ``threshold``."""
    from rapidfuzz import fuzz, process

    quotes = facts[members[0]].kind == "quote"
    cands = arrays.candidates(members, opt, same_article=quotes)
    if not cands:
        return []
    scores = process.cpdist(
        [facts[i].text for i, _, _ in cands],
        [facts[j].text for _, j, _ in cands],
        scorer=fuzz.token_set_ratio,
        score_cutoff=threshold,
        workers=1,
    ).tolist()
    return [(i, j, float(v)) for (i, j, _), v in zip(cands, scores, strict=True) if v >= threshold]


def _contained_words(a: str, b: str) -> bool:
    """The shorter text's words (two or more) are all in the longer text."""
    wa, wb = a.split(), b.split()
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return len(short) >= 2 and set(short) <= set(long_)


def _text_pair(a: _Fact, b: _Fact, score: float, opt: Options) -> tuple[float, str, str] | None:
    kind = a.kind
    if a.article == b.article:
        if kind != "quote" or not (a.text == b.text or _contained_words(a.text, b.text)):
            return None
        if _conflict(a, b, opt, same_article_ok=True):
            return None
        return 3.0, "quote.repeated-in-article", f"speaker {a.actor}; the same words twice"
    if _conflict(a, b, opt):
        return None
    if kind == "quote":
        words_a, words_b = a.text.split(), b.text.split()
        if min(len(words_a), len(words_b)) < 2:
            return None
    bonus, note = _date_note(a, b) if a.window and b.window else (0.0, "a fact is undated")
    what = {"statement": "content", "quote": "text", "agreement": "subject"}[kind]
    who = (
        f"speaker {a.actor}"
        if kind != "agreement"
        else "parties " + "+".join(sorted(a.parties & b.parties))
    )
    rule = {
        "statement": "statement.same-speaker-content",
        "quote": "quote.same-speaker-text",
        "agreement": "agreement.same-parties-subject",
    }[kind]
    return 1.0 + score / 100 + bonus, rule, f"{who}; {what} similarity {score:.0f}; {note}"


def _pairs(facts: list[_Fact], opt: Options) -> list[_Pair]:
    pairs: list[_Pair] = []
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        if f.kind == "visit" and f.actor and (f.dest or f.city):
            blocks[("visit", f.actor, f.dest or f"city:{f.city}")].append(i)
        elif f.kind in ("statement", "quote") and f.actor and f.text:
            blocks[(f.kind, f.actor)].append(i)
        elif f.kind == "agreement" and f.parties and f.text:
            parties = sorted(f.parties)
            if len(parties) == 1:
                blocks[("agreement", parties[0])].append(i)
            for x, p in enumerate(parties):  # two agreements to join share two parties
                for q in parties[x + 1 :]:
                    blocks[("agreement", p, q)].append(i)
    arrays = _Arrays(facts)
    seen: set[tuple[int, int]] = set()
    for key in sorted(blocks):
        members = blocks[key]
        if len(members) < 2:
            continue
        kind = key[0]
        if kind == "visit":
            for i, j, _ in arrays.candidates(members, opt):
                hit = _visit_pair(facts[i], facts[j], opt)
                if hit:
                    pairs.append(_Pair(i, j, *hit))
            continue
        threshold = {
            "statement": opt.statement_similarity,
            "quote": opt.quote_similarity,
            "agreement": opt.subject_similarity,
        }[kind]
        for i, j, score in _similar_pairs(facts, arrays, members, threshold, opt):
            if (i, j) in seen:
                continue
            seen.add((i, j))
            a, b = facts[i], facts[j]
            if kind == "agreement" and not _parties_match(a, b, opt):
                continue
            hit = _text_pair(a, b, score, opt)
            if hit:
                pairs.append(_Pair(i, j, *hit))
    pairs.sort(key=lambda p: (-p.score, facts[p.a].id, facts[p.b].id))
    return pairs


def _parties_match(a: _Fact, b: _Fact, opt: Options) -> bool:
    common = len(a.parties & b.parties)
    union = len(a.parties | b.parties)
    return common >= min(2, len(a.parties), len(b.parties)) and common / union >= opt.party_overlap


# --------------------------------------------------------------------------------------------
# Clustering
# --------------------------------------------------------------------------------------------


def _cluster(facts: list[_Fact], opt: Options) -> tuple[list[list[int]], list[list[_Pair]]]:
    """Join facts pair by pair (best pairs first); a join that would put two conflicting facts
    into one group is skipped."""
    group = list(range(len(facts)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(facts))}
    links: dict[int, list[_Pair]] = defaultdict(list)
    for pair in _pairs(facts, opt):
        ga, gb = group[pair.a], group[pair.b]
        if ga == gb:
            continue
        if any(
            _conflict(
                facts[x],
                facts[y],
                opt,
                same_article_ok=pair.rule == "quote.repeated-in-article"
                and {x, y} == {pair.a, pair.b},
            )
            for x in members[ga]
            for y in members[gb]
        ):
            continue
        keep, drop = min(ga, gb), max(ga, gb)
        for x in members[drop]:
            group[x] = keep
        members[keep].extend(members.pop(drop))
        links[keep].extend(links.pop(drop, []))
        links[keep].append(pair)
    roots = sorted(members)
    return [sorted(members[r]) for r in roots], [links.get(r, []) for r in roots]


# --------------------------------------------------------------------------------------------
# Consensus
# --------------------------------------------------------------------------------------------


def _pub_key(f: _Fact) -> str:
    return f.published or ""


def _new(cls: type[BaseModel], **values: Any) -> dict[str, Any]:
    """The fields of a ``cls`` as a dict; the whole event is validated once, at the end
    (one pydantic call per event instead of one per nested object)."""
    return values


def _consensus(values: list[tuple[str, Any, Any]], *, dates: bool = False) -> dict[str, Any]:
    """``values``: (fact id, comparable value, shown value); None values are skipped."""
    given = [(fid, cmp, shown) for fid, cmp, shown in values if cmp not in (None, "", [])]
    if not given:
        return _new(FieldConsensus, value=None, sources=[], dissent=[])
    by_value: dict[Any, list[str]] = defaultdict(list)
    shown_of: dict[Any, Any] = {}
    for fid, cmp, shown in given:
        by_value[cmp].append(fid)
        shown_of.setdefault(cmp, shown)

    def compatible(u: Any, v: Any) -> bool:
        return dates and isinstance(u, str) and isinstance(v, str) and v.startswith(u)

    def support(v: Any) -> list[str]:
        return sorted(f for u, fs in by_value.items() if u == v or compatible(u, v) for f in fs)

    best = sorted(by_value, key=lambda v: (-len(support(v)), -len(str(v)), str(v)))[0]
    dissent = [
        _new(Value, value=shown_of[v], sources=sorted(fs))
        for v, fs in sorted(by_value.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))
        if v != best and not compatible(v, best)
    ]
    return _new(FieldConsensus, value=shown_of[best], sources=support(best), dissent=dissent)


def _status(group: list[_Fact]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    reports = [f for f in group if f.status]
    history = [
        _new(StatusChange, status=f.status or "", published=f.published, fact_id=f.id)
        for f in sorted(
            reports, key=lambda f: (_pub_key(f), _STATUS_RANK.get(f.status or "", 9), f.id)
        )  # fmt: skip
    ]
    if not reports:
        return _new(FieldConsensus, value=None, sources=[], dissent=[]), history
    latest = history[-1]["status"]
    agree = sorted(f.id for f in reports if f.status == latest)
    others: dict[str, list[str]] = defaultdict(list)
    for f in reports:
        if f.status != latest:
            others[f.status or ""].append(f.id)
    dissent = [_new(Value, value=s, sources=sorted(ids)) for s, ids in sorted(others.items())]
    return _new(FieldConsensus, value=latest, sources=agree, dissent=dissent), history


def _medoid(group: list[_Fact], raw: list[str | None]) -> str | None:
    """The text most like the others (ties: the longest, then the first)."""
    from rapidfuzz import fuzz

    texts = [(f, r) for f, r in zip(group, raw, strict=True) if r]
    if not texts:
        return None
    if len(texts) == 1:
        return texts[0][1]
    scored = []
    for f, r in texts:
        total = sum(fuzz.token_set_ratio(f.text, g.text) for g, _ in texts if g is not f)
        scored.append((-total, -len(r or ""), f.id, r))
    return sorted(scored)[0][3]


def _outlet(f: _Fact) -> str:
    if isinstance(f.url, str) and f.url:
        host = urlsplit(f.url).netloc.lower()
        if host.startswith("www."):
            host = host[4:]
        if host:
            return host
    return f.article


def _independent(group: list[_Fact]) -> int:
    """Distinct outlets, where articles that give the same evidence words count once."""
    outlets = sorted({_outlet(f) for f in group})
    parent = {o: o for o in outlets}

    def find(o: str) -> str:
        while parent[o] != o:
            o = parent[o]
        return o

    seen: dict[str, str] = {}
    for f in group:
        for span in f.data.get("evidence") or ():
            text = _fold(span.get("text") if isinstance(span, Mapping) else None)
            if len(text.split()) < 8:
                continue
            other = seen.setdefault(text, _outlet(f))
            ra, rb = find(other), find(_outlet(f))
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return len({find(o) for o in outlets})


def _actor(table: Any, key: str | None) -> dict[str, Any] | None:
    if not key:
        return None
    return _new(Actor, key=key, name=table.name(key), country=table.country(key))


def _state(code: str | None) -> dict[str, Any] | None:
    from ._actorkeys import country_name

    if not code:
        return None
    return _new(Actor, key=code, name=country_name(code) or code, country=code)


def _source(f: _Fact) -> dict[str, Any]:
    evidence: list[Span | dict[str, Any]] = []
    for span in f.data.get("evidence") or ():
        if isinstance(span, Span):
            evidence.append(span)
        elif (
            isinstance(span, Mapping)
            and isinstance(span.get("text"), str)
            and isinstance(span.get("start"), int)
            and isinstance(span.get("end"), int)
            and span["start"] >= 0
            and span["end"] >= 0
        ):
            evidence.append(_new(Span, text=span["text"], start=span["start"], end=span["end"]))
    return _new(
        Source,
        article=f.article,
        url=f.url if isinstance(f.url, str) else None,
        published=f.published,
        title=f.title if isinstance(f.title, str) else None,
        fact_id=f.id,
        fact=f.data,
        evidence=evidence,
    )


def _event(group: list[_Fact], pairs: list[_Pair], facts: list[_Fact], table: Any) -> Event:
    kind = group[0].kind
    group = sorted(group, key=lambda f: (_pub_key(f), f.id))
    ids = sorted(f.id for f in group)
    digest = hashlib.sha1("\n".join(ids).encode("utf-8")).hexdigest()[:16]
    fields: dict[str, dict[str, Any]] = {}
    e: dict[str, Any] = {"id": f"ev_{digest}", "kind": kind}
    d = [f.data for f in group]
    if kind == "visit":
        e["actor"] = _actor(table, Counter(f.actor for f in group).most_common(1)[0][0])
        fields["destination.country"] = _consensus([(f.id, f.dest, f.dest) for f in group])
        e["target"] = _state(fields["destination.country"]["value"])
        fields["destination.city"] = _consensus(
            [
                (f.id, f.city, (x.get("destination") or {}).get("city"))
                for f, x in zip(group, d, strict=True)
            ]
        )
        for name in ("start_date", "end_date"):
            fields[name] = _consensus(
                [(f.id, x.get(name), x.get(name)) for f, x in zip(group, d, strict=True)],
                dates=True,
            )
        fields["inviter"] = _consensus(
            [
                (
                    f.id,
                    table.key(x.get("inviter")) if isinstance(x.get("inviter"), str) else None,
                    x.get("inviter"),
                )
                for f, x in zip(group, d, strict=True)
            ]
        )
        e["date"], e["end_date"] = fields["start_date"]["value"], fields["end_date"]["value"]
        e["text"] = _medoid(group, [x.get("purpose") for x in d])
    elif kind == "agreement":
        votes: Counter[str] = Counter()
        for f in group:
            votes.update(f.parties)
        parties = [k for k, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))]
        e["parties"] = [a for a in (_actor(table, k) for k in parties) if a]
        e["actor"] = e["parties"][0] if e["parties"] else None
        e["target"] = e["parties"][1] if len(e["parties"]) > 1 else None
        fields["date"] = _consensus(
            [(f.id, x.get("date"), x.get("date")) for f, x in zip(group, d, strict=True)],
            dates=True,
        )
        e["date"] = fields["date"]["value"]
        e["text"] = _medoid(group, [x.get("subject") for x in d])
    else:
        e["actor"] = _actor(table, Counter(f.actor for f in group).most_common(1)[0][0])
        if kind == "statement":
            fields["date"] = _consensus(
                [(f.id, x.get("date"), x.get("date")) for f, x in zip(group, d, strict=True)],
                dates=True,
            )
            e["date"] = fields["date"]["value"]
            e["text"] = _medoid(group, [x.get("content") for x in d])
        else:
            texts = sorted((x.get("text") or "" for x in d), key=lambda t: (-len(t), t))
            e["text"] = texts[0] or None
    if kind in ("visit", "agreement"):
        fields["status"], e["status_history"] = _status(group)
        e["status"] = fields["status"]["value"]
    e["fields"] = fields
    e["sources"] = [_source(f) for f in group]
    e["reported"] = min((f.published for f in group if f.published), default=None)
    e["n_sources"] = len({f.article for f in group})
    e["n_independent"] = _independent(group)
    checked = [
        c for name, c in fields.items() if c.get("sources") and name not in ("status", "inviter")
    ]
    agreement = (
        sum(len(c["sources"]) / (len(c["sources"]) + sum(len(v["sources"]) for v in c["dissent"]))
            for c in checked) / len(checked)
        if checked else 1.0
    )  # fmt: skip
    e["confidence"] = round((1 - 0.5 ** e["n_independent"]) * agreement, 3)
    e["links"] = [
        _new(Link, a=facts[p.a].id, b=facts[p.b].id, rule=p.rule, score=round(p.score, 3),
             detail=p.detail)
        for p in pairs
    ]  # fmt: skip
    return Event.model_validate(e)


def _order(ev: Event) -> tuple[str, str, str]:
    return (ev.date or ev.reported or "9999", ev.kind, ev.id)


def events(
    records: Iterable[ArticleFacts | Mapping[str, Any]],
    *,
    kinds: Iterable[str] = tuple(KINDS),
    options: Options | None = None,
) -> list[Event]:
    """Group the facts of many articles into events.

    Args:
        records: ``ArticleFacts`` records or their dicts (the lines of ``factx extract``'s
            JSONL); error records are skipped. A record's ``source`` is its article id.
        kinds: which fact lists to group (``visits``, ``agreements``, ``statements``,
            ``quotes``).
        options: merge thresholds (:class:`Options`).

    Returns:
        The events (singletons included), ordered by date (or first report), kind and id.
    """
    opt = options or Options()
    wanted = {k if k in KINDS else f"{k}s" for k in kinds}
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
    recs = _Prepared(_records(records))
    table = actor_table(recs)
    facts = [f for f in _facts(recs, table, opt) if f.group in wanted]
    facts.sort(key=lambda f: f.id)
    groups, links = _cluster(facts, opt)
    out = [
        _event([facts[i] for i in g], pairs, facts, table)
        for g, pairs in zip(groups, links, strict=True)
    ]
    return sorted(out, key=_order)
