"""Scoring event merges against a merge gold, and fact gold turned into prediction records.

A **merge gold** (``benchmarks/events_gold.jsonl``) has one line per real-world event::

    {"event": "seeds/lavrov-pakistan-2021-04", "kind": "visits",
     "facts": [{"doc": "001_505f7a10906b88f1.txt", "index": 0, "start": 120, "end": 260}, ...],
     "note": "..."}

A fact is named by its article (``doc``, compared by file name), its list (``kind``) and its
index in that article's list of the *fact gold* (``seeds/seeds.gold.jsonl``), with the offsets
of its first evidence span in the article. Every fact the gold scores is in exactly one line.

Scoring (``docs/EVENTS.md``, "Measuring"): each predicted fact is aligned to a gold fact of the
same article and list, first by the same index when their evidence overlaps (or either has no
offsets), then by the largest evidence overlap among gold facts not yet taken; predicted facts
that align to no gold fact are left out. Over the aligned facts:

- **pairwise** precision / recall / F1 over pairs of facts: a pair is predicted when both facts
  are in one predicted event, gold when both are in one gold event;
- **B-cubed** precision / recall / F1 (Bagga & Baldwin 1998): per fact, the share of its
  predicted event that is in its gold event, and the reverse, averaged over facts.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from .events import KINDS, Event
from .exceptions import FactxError

__all__ = [
    "EventScore",
    "MergeGoldError",
    "load_merge_gold",
    "records_from_gold",
    "score_events",
]


class MergeGoldError(FactxError, ValueError):
    """A merge gold or fact gold file cannot be read."""


def _base(name: str) -> str:
    return os.path.basename(name.replace("\\", "/"))


# --------------------------------------------------------------------------------------------
# Fact gold -> prediction records
# --------------------------------------------------------------------------------------------


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) and value.strip() else None


def _spans(article: str | None, evidence: Iterable[str]) -> list[dict[str, Any]]:
    from .eval import locate

    out = []
    for text in evidence:
        hits = locate(article, text) if article else []
        if hits:
            start, end = hits[0]
            out.append({"text": article[start:end] if article else text, "start": start,
                        "end": end})  # fmt: skip
        else:
            out.append({"text": text, "start": 0, "end": 0})
    return out


def _read_jsonl(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise MergeGoldError(f"cannot read {path}: {e.strerror or e}") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise MergeGoldError(f"{path}:{n}: not JSON ({e.msg})") from None
        if not isinstance(rec, dict):
            raise MergeGoldError(f"{path}:{n}: not a JSON object")
        out.append(rec)
    return out


def records_from_gold(
    gold: str | os.PathLike[str] | Sequence[Mapping[str, Any]],
    articles: str | os.PathLike[str] | None = None,
) -> list[dict[str, Any]]:
    """Turn a fact gold (``seeds/seeds.gold.jsonl`` format) into ``factx extract`` records.

    Every gold fact, optional ones included, keeps its list and index, so fact ids of the
    records (``<doc>#visits/0``) name the gold facts. A speaker or visitor list (a joint
    statement) becomes its first member; a party that is a three-letter upper-case code gets
    that code as its country. Evidence strings are located in the article (``articles``: the
    folder of the ``doc`` files; default the gold file's folder) to give offsets; one not found
    gets offsets 0, 0.
    """
    if isinstance(gold, (str, os.PathLike)):
        rows = _read_jsonl(gold)
        folder: Path | None = Path(articles) if articles else Path(gold).parent
    else:
        rows = [dict(r) for r in gold]
        folder = Path(articles) if articles else None
    out = []
    for rec in rows:
        doc = rec.get("doc")
        if not isinstance(doc, str):
            raise MergeGoldError("a gold record has no 'doc'")
        text = None
        if folder is not None and (folder / doc).is_file():
            text = (folder / doc).read_text(encoding="utf-8")
        out.append(_record(rec, doc, text))
    return out


def _record(rec: Mapping[str, Any], doc: str, text: str | None) -> dict[str, Any]:
    def ev(f: Mapping[str, Any]) -> list[dict[str, Any]]:
        return _spans(text, f.get("evidence") or [])

    visits = [
        {
            "visitor": {"name": _first(v.get("visitor")) or "?"},
            "destination": {
                "country": v.get("destination_country"),
                "city": v.get("destination_city"),
            },
            "start_date": v.get("start_date"),
            "end_date": v.get("end_date"),
            "inviter": _first(v.get("inviter")),
            "status": v.get("status"),
            "evidence": ev(v),
        }  # fmt: skip
        for v in rec.get("visits") or []
    ]
    agreements = [
        {
            "parties": [
                {"name": p, "country": p if len(p) == 3 and p.isalpha() and p.isupper() else None}
                for p in a.get("parties") or []
                if isinstance(p, str)
            ],
            "subject": a.get("subject") or "",
            "status": a.get("status"),
            "date": a.get("date"),
            "evidence": ev(a),
        }
        for a in rec.get("agreements") or []
    ]
    statements = [
        {
            "speaker": {"name": _first(s.get("speaker")) or "?"},
            "content": s.get("content") or "",
            "date": s.get("date"),
            "evidence": ev(s),
        }
        for s in rec.get("statements") or []
    ]
    quotes = [
        {"speaker": _first(q.get("speaker")), "text": q.get("text") or "", "evidence": ev(q)}
        for q in rec.get("quotes") or []
    ]
    return {
        "source": doc,
        "published": rec.get("published"),
        "visits": visits,
        "agreements": agreements,
        "statements": statements,
        "quotes": quotes,
    }


# --------------------------------------------------------------------------------------------
# Merge gold
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldFact:
    doc: str
    kind: str
    index: int
    start: int | None = None
    end: int | None = None


@dataclass
class MergeGold:
    events: dict[str, list[GoldFact]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def label(self) -> dict[tuple[str, str, int], str]:
        return {(f.doc, f.kind, f.index): ev for ev, fs in self.events.items() for f in fs}


def load_merge_gold(
    gold: str | os.PathLike[str] | Sequence[Mapping[str, Any]],
    *,
    prefix: str | None = None,
) -> MergeGold:
    """Read a merge gold; ``prefix`` keeps only events whose name starts with it."""
    rows = _read_jsonl(gold) if isinstance(gold, (str, os.PathLike)) else list(gold)
    out = MergeGold()
    seen: dict[tuple[str, str, int], str] = {}
    for n, row in enumerate(rows, 1):
        name, kind, facts = row.get("event"), row.get("kind"), row.get("facts")
        if not isinstance(name, str) or kind not in KINDS or not isinstance(facts, list):
            raise MergeGoldError(f"merge gold line {n}: needs 'event', 'kind' and 'facts'")
        if prefix and not name.startswith(prefix):
            continue
        if name in out.events:
            raise MergeGoldError(f"merge gold line {n}: event {name!r} twice")
        members = []
        for f in facts:
            gf = GoldFact(_base(str(f["doc"])), str(kind), int(f["index"]), f.get("start"),
                          f.get("end"))  # fmt: skip
            key = (gf.doc, gf.kind, gf.index)
            if key in seen:
                raise MergeGoldError(f"merge gold line {n}: {key} is also in {seen[key]!r}")
            seen[key] = name
            members.append(gf)
        out.events[name] = members
        if isinstance(row.get("note"), str):
            out.notes[name] = row["note"]
    return out


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------


@dataclass
class PRF:
    precision: float
    recall: float
    f1: float

    def to_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def _prf(p: float, r: float) -> PRF:
    return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class EventScore:
    """Pairwise and B-cubed scores of predicted events against a merge gold."""

    facts: int
    gold_events: int
    predicted_events: int
    gold_pairs: int
    predicted_pairs: int
    correct_pairs: int
    pairwise: PRF
    bcubed: PRF
    unaligned_gold: int
    per_kind: dict[str, EventScore] = field(default_factory=dict)
    false_merges: list[tuple[str, str]] = field(default_factory=list)
    missed_merges: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "facts": self.facts,
            "gold_events": self.gold_events,
            "predicted_events": self.predicted_events,
            "gold_pairs": self.gold_pairs,
            "predicted_pairs": self.predicted_pairs,
            "correct_pairs": self.correct_pairs,
            "pairwise": self.pairwise.to_dict(),
            "bcubed": self.bcubed.to_dict(),
            "unaligned_gold": self.unaligned_gold,
            "per_kind": {k: v.to_dict() for k, v in self.per_kind.items()},
            "false_merges": [list(p) for p in self.false_merges],
            "missed_merges": [list(p) for p in self.missed_merges],
        }

    def format_table(self, *, show_errors: bool = False) -> str:
        """The scores as a text table, in ``factx eval``'s layout."""
        head = f"{'kind':<12}{'facts':>6}{'gold ev':>8}{'pred ev':>8}{'pairs g/p/ok':>14}"
        head += f"{'pair P':>8}{'pair R':>8}{'pair F1':>8}{'B3 P':>7}{'B3 R':>7}{'B3 F1':>7}"
        lines = [head, "-" * len(head)]

        def row(name: str, s: EventScore) -> str:
            pairs = f"{s.gold_pairs}/{s.predicted_pairs}/{s.correct_pairs}"
            return (
                f"{name:<12}{s.facts:>6}{s.gold_events:>8}{s.predicted_events:>8}{pairs:>14}"
                f"{s.pairwise.precision:>8.3f}{s.pairwise.recall:>8.3f}{s.pairwise.f1:>8.3f}"
                f"{s.bcubed.precision:>7.3f}{s.bcubed.recall:>7.3f}{s.bcubed.f1:>7.3f}"
            )

        for kind, s in self.per_kind.items():
            lines.append(row(kind, s))
        lines.append("-" * len(head))
        lines.append(row("all", self))
        if self.unaligned_gold:
            lines.append(f"gold facts with no predicted fact: {self.unaligned_gold}")
        if show_errors:
            for a, b in self.false_merges:
                lines.append(f"false merge:  {a}  +  {b}")
            for a, b in self.missed_merges:
                lines.append(f"missed merge: {a}  +  {b}")
        return "\n".join(lines)


def _overlap(a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> int | None:
    if None in a or None in b or a == (0, 0) or b == (0, 0):
        return None
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))  # type: ignore[type-var, operator]


def _align(predicted: Sequence[Event], gold: MergeGold) -> tuple[dict[str, tuple[str, str]], int]:
    """Predicted fact id -> (gold event, gold fact id), and how many gold facts were left."""
    gold_by_doc: dict[tuple[str, str], list[GoldFact]] = defaultdict(list)
    label = gold.label()
    for fs in gold.events.values():
        for f in fs:
            gold_by_doc[(f.doc, f.kind)].append(f)
    pred_by_doc: dict[tuple[str, str], list[tuple[str, int, tuple[int | None, int | None]]]]
    pred_by_doc = defaultdict(list)
    for ev in predicted:
        for src in ev.sources:
            kind, _, number = src.fact_id.rpartition("#")[2].partition("/")
            ev_span: tuple[int | None, int | None] = (
                (src.evidence[0].start, src.evidence[0].end) if src.evidence else (None, None)
            )
            pred_by_doc[(_base(src.article), kind)].append((src.fact_id, int(number), ev_span))
    out: dict[str, tuple[str, str]] = {}
    taken: set[tuple[str, str, int]] = set()
    for key, preds in sorted(pred_by_doc.items()):
        golds = {g.index: g for g in gold_by_doc.get(key, [])}
        rest = []
        for fid, idx, span in sorted(preds, key=lambda p: p[1]):
            g = golds.get(idx)
            if g is not None and _overlap(span, (g.start, g.end)) != 0:
                taken.add((g.doc, g.kind, g.index))
                out[fid] = (label[(g.doc, g.kind, g.index)], f"{g.doc}#{g.kind}/{g.index}")
            else:
                rest.append((fid, idx, span))
        for fid, _idx, span in rest:
            best = None
            for g in golds.values():
                if (g.doc, g.kind, g.index) in taken:
                    continue
                ov = _overlap(span, (g.start, g.end))
                if ov and (best is None or ov > best[0]):
                    best = (ov, g)
            if best is not None:
                g = best[1]
                taken.add((g.doc, g.kind, g.index))
                out[fid] = (label[(g.doc, g.kind, g.index)], f"{g.doc}#{g.kind}/{g.index}")
    unaligned = sum(len(fs) for fs in gold.events.values()) - len(taken)
    return out, unaligned


def _score(
    items: list[tuple[str, str, str]], unaligned: int
) -> tuple[EventScore, list[tuple[str, str]], list[tuple[str, str]]]:
    """``items``: (fact id, predicted event, gold event)."""
    pred: dict[str, list[str]] = defaultdict(list)
    gold: dict[str, list[str]] = defaultdict(list)
    of = {}
    for fid, p, g in items:
        pred[p].append(fid)
        gold[g].append(fid)
        of[fid] = (p, g)
    ids = sorted(of)
    gp = pp = ok = 0
    false_m: list[tuple[str, str]] = []
    missed: list[tuple[str, str]] = []
    for a, b in combinations(ids, 2):
        same_p, same_g = of[a][0] == of[b][0], of[a][1] == of[b][1]
        gp += same_g
        pp += same_p
        ok += same_p and same_g
        if same_p and not same_g:
            false_m.append((a, b))
        if same_g and not same_p:
            missed.append((a, b))
    pw = _prf(ok / pp if pp else 1.0, ok / gp if gp else 1.0)
    if ids:
        bp = sum(
            len(set(pred[of[f][0]]) & set(gold[of[f][1]])) / len(pred[of[f][0]]) for f in ids
        ) / len(ids)
        br = sum(
            len(set(pred[of[f][0]]) & set(gold[of[f][1]])) / len(gold[of[f][1]]) for f in ids
        ) / len(ids)
    else:
        bp = br = 1.0
    score = EventScore(
        facts=len(ids), gold_events=len(gold), predicted_events=len(pred), gold_pairs=gp,
        predicted_pairs=pp, correct_pairs=ok, pairwise=pw, bcubed=_prf(bp, br),
        unaligned_gold=unaligned,
    )  # fmt: skip
    return score, false_m, missed


def score_events(predicted: Sequence[Event], gold: MergeGold) -> EventScore:
    """Pairwise and B-cubed scores of ``predicted`` against ``gold``, overall and per kind."""
    aligned, unaligned = _align(predicted, gold)
    items = []
    shown: dict[str, str] = {}
    for ev in predicted:
        for src in ev.sources:
            if src.fact_id in aligned:
                gold_event, gold_fact = aligned[src.fact_id]
                items.append((src.fact_id, ev.id, gold_event))
                shown[src.fact_id] = gold_fact
    total, false_m, missed = _score(items, unaligned)
    total.false_merges = [(shown[a], shown[b]) for a, b in false_m]
    total.missed_merges = [(shown[a], shown[b]) for a, b in missed]
    for group in KINDS:
        sub = [it for it in items if it[0].rpartition("#")[2].startswith(group + "/")]
        gold_n = sum(len(fs) for fs in gold.events.values() if fs and fs[0].kind == group)
        aligned_n = len(sub)
        total.per_kind[group] = _score(sub, gold_n - aligned_n)[0]
    return total
