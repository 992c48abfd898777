"""Events as rows: CAMEO-coded ICEWS-style rows, PLOVER records, flat event rows; writers.

The mappings are documented in ``docs/EVENTS.md`` ("Export"). CAMEO codes and their texts
follow the CAMEO codebook 1.1b3 (Schrodt, March 2012); PLOVER records follow the JSON data
fields of the PLOVER manual, draft 0.7b1 (Open Event Data Alliance, 2021).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any
from urllib.parse import urlsplit

from .events import Actor, Event, Source

__all__ = [
    "CAMEO_TEXT",
    "ICEWS_COLUMNS",
    "cameo_codes",
    "cameo_rows",
    "event_rows",
    "plover_records",
    "plover_rows",
    "write_rows",
]

CAMEO_TEXT: dict[str, str] = {
    "010": "Make statement, not specified below",
    "012": "Make pessimistic comment",
    "013": "Make optimistic comment",
    "018": "Make empathetic comment",
    "019": "Express accord",
    "030": "Express intent to cooperate, not specified below",
    "031": "Express intent to engage in material cooperation, not specified below",
    "032": "Express intent to engage in diplomatic cooperation (such as policy support)",
    "033": "Express intent to provide material aid, not specified below",
    "036": "Express intent to meet or negotiate",
    "037": "Express intent to settle dispute",
    "042": "Make a visit",
    "043": "Host a visit",
    "051": "Praise or endorse",
    "057": "Sign formal agreement",
}
"""The CAMEO codes factx gives, with the codebook's wording."""

ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Target Name",
    "Target Country",
    "Story ID",
    "Sentence",
    "Publisher",
    "City",
    "Country",
    # factx's own columns
    "factx Event ID",
    "Source Country Code",
    "Target Country Code",
    "Status",
    "Sources",
    "Confidence",
)
"""Columns of the CAMEO rows: ICEWS's names where ICEWS has the column, then factx's."""

# First match wins; patterns are tried on the English subject/content (casefolded).
_AGREEMENT_CODES: tuple[tuple[str, str], ...] = (
    ("033", r"\b(aid|assistance|humanitarian|donat\w*|grants?|scholarships?)\b"),
    ("036", r"\b(talks|negotiat\w*|dialogues?|meet\w*|consultations?|summits?|visits?)\b"),
    ("037", r"\b(peace|ceasefire|truce|settle\w*|disputes?)\b"),
    (
        "031",
        r"\b(militar\w*|defen[cs]e|security|exercises?|trade|econom\w*|energy|invest\w*|"
        r"pipelines?|infrastructure|industr\w*|fisher\w*|radars?)\b",
    ),  # fmt: skip
    ("032", r"\b(relations|diplomatic|embass\w*|ambassadors?|partnership|support)\b"),
)
_STATEMENT_CODES: tuple[tuple[str, str], ...] = (
    ("018", r"\b(condolences?|sympath\w*)\b"),
    ("051", r"\b(thank\w*|prais\w*|congratulat\w*|commend\w*|welcom\w*)\b"),
    ("012", r"\b(concerns?|concerned|worr\w*|regret\w*|deplor\w*|pessimis\w*)\b"),
    ("013", r"\b(hop\w*|optimis\w*|looks? forward|confident)\b"),
    ("019", r"\b(agreed|agrees|share[sd]? (?:the |a )?(?:view|vision)|similar approach\w*)\b"),
)


def _first_match(table: Sequence[tuple[str, str]], text: str | None, default: str) -> str:
    low = (text or "").casefold()
    for code, pattern in table:
        if re.search(pattern, low):
            return code
    return default


def cameo_codes(ev: Event) -> list[tuple[str, Actor | None, Actor | None]]:
    """The CAMEO rows of an event: (code, source actor, target actor).

    Visit: 042 (visitor → host) and 043 (host → visitor); planned: 036; cancelled: none.
    Agreement: signed or in force 057; otherwise 03x by the subject's words (033 aid, 036
    talks, 037 peace, 031 material cooperation, 032 diplomatic cooperation, else 030).
    Statement: 010 unless the content's words give 018, 051, 012, 013 or 019. Quote: 010.
    """
    if ev.kind == "visit":
        if ev.status == "cancelled":
            return []
        if ev.status == "planned":
            return [("036", ev.actor, ev.target)]
        return [("042", ev.actor, ev.target), ("043", ev.target, ev.actor)]
    if ev.kind == "agreement":
        if ev.status in ("signed", "in_force"):
            return [("057", ev.actor, ev.target)]
        return [(_first_match(_AGREEMENT_CODES, ev.text, "030"), ev.actor, ev.target)]
    if ev.kind == "statement":
        return [(_first_match(_STATEMENT_CODES, ev.text, "010"), ev.actor, None)]
    return [("010", ev.actor, None)]


def _country_name(code: str | None) -> str | None:
    from ._actorkeys import country_name

    return country_name(code)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host or None


def _sentence(src: Source) -> str | None:
    return src.evidence[0].text if src.evidence else None


def _event_date(ev: Event) -> str | None:
    return ev.date or ev.reported


def cameo_rows(events: Iterable[Event], *, per_source: bool = False) -> list[dict[str, Any]]:
    """ICEWS-style rows, one per CAMEO code of each event (or per code and source)."""
    rows = []
    for ev in events:
        city = ev.fields.get("destination.city")
        for code, src, tgt in cameo_codes(ev):
            base = {
                "Event ID": f"{ev.id}-{code}",
                "Event Date": _event_date(ev),
                "Source Name": src.name if src else None,
                "Source Country": _country_name(src.country) if src else None,
                "Event Text": CAMEO_TEXT[code],
                "CAMEO Code": code,
                "Target Name": tgt.name if tgt else None,
                "Target Country": _country_name(tgt.country) if tgt else None,
                "Story ID": None,
                "Sentence": None,
                "Publisher": None,
                "City": city.value if city else None,
                "Country": _country_name(ev.target.country)
                if ev.kind == "visit" and ev.target
                else None,
                "factx Event ID": ev.id,
                "Source Country Code": src.country if src else None,
                "Target Country Code": tgt.country if tgt else None,
                "Status": ev.status,
                "Sources": ev.n_sources,
                "Confidence": ev.confidence,
            }
            chosen = ev.sources if per_source else ev.sources[:1]
            for s in chosen:
                row = dict(base)
                row.update({"Story ID": s.article, "Sentence": _sentence(s),
                            "Publisher": _host(s.url)})  # fmt: skip
                if per_source:
                    row["Publication Date"] = s.published
                    row["Fact ID"] = s.fact_id
                rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# PLOVER
# --------------------------------------------------------------------------------------------


def _plover_actor(a: Actor) -> dict[str, Any]:
    return {"code": a.country, "actor_text": a.name, "identifier_id": a.key,
            "identifier_text": a.name}  # fmt: skip


def _day(value: str | None) -> tuple[str | None, str | None]:
    """A PLOVER ``date`` (YYYY-MM-DD: the first day of a coarser date) and its precision."""
    if not value:
        return None, None
    parts = value[:10].split("-")
    if len(parts) == 3:
        return value[:10], "day"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-01", "month"
    return f"{parts[0]}-01-01", "year"


def plover_records(events: Iterable[Event]) -> list[dict[str, Any]]:
    """PLOVER records (JSON data fields of the manual, draft 0.7b1) of visits and agreements.

    Visit: ``CONSULT``, mode ``visit``, the visitor as ``source`` and the host state as
    ``recipient``; context ``future`` when planned, ``negation`` when cancelled. Agreement:
    ``SUPPORT`` when signed or in force (the manual: "ratify, sign, or finalize an
    agreement"), else ``AGREE``; all parties are ``source`` (reciprocal), no recipient.
    Statements and quotes give none: PLOVER dropped CAMEO's 01 comments.
    """
    out = []
    for ev in events:
        if ev.kind not in ("visit", "agreement"):
            continue
        day, precision = _day(_event_date(ev))
        end, _ = _day(ev.end_date)
        rec: dict[str, Any] = {"id": ev.id, "date": day, "date_precision": precision}
        if end:
            rec["enddate"] = end
        if ev.kind == "visit":
            rec["event"] = ["CONSULT"]
            rec["mode"] = ["visit"]
            rec["context"] = {"planned": ["future"], "cancelled": ["negation"]}.get(
                ev.status or "", []
            )
            rec["source"] = [_plover_actor(ev.actor)] if ev.actor else []
            rec["recipient"] = [_plover_actor(ev.target)] if ev.target else []
        else:
            rec["event"] = ["SUPPORT" if ev.status in ("signed", "in_force") else "AGREE"]
            rec["mode"] = []
            rec["context"] = []
            rec["source"] = [_plover_actor(a) for a in ev.parties]
            rec["recipient"] = []
        rec["quad_code"] = 1  # verbal cooperation: AGREE, CONSULT, SUPPORT
        rec["event_text"] = [t for t in (_sentence(s) for s in ev.sources) if t]
        rec["cite_info"] = [
            {"citation": s.article, "url": s.url, "title": s.title, "publication": _host(s.url)}
            for s in ev.sources
        ]
        rec["coder"] = f"factx {_version()}"
        rec["comment"] = f"factx {ev.kind}" + (f", status {ev.status}" if ev.status else "")
        rec["confidence"] = ev.confidence
        rec["n_sources"] = ev.n_sources
        out.append(rec)
    return out


def _version() -> str:
    from ._version import __version__

    return __version__


def _join(values: Iterable[Any]) -> str | None:
    items = [str(v) for v in values if v not in (None, "")]
    return ";".join(items) if items else None


def plover_rows(events: Iterable[Event], *, per_source: bool = False) -> list[dict[str, Any]]:
    """PLOVER records flattened for CSV/Parquet (lists joined with ';')."""
    evs = {ev.id: ev for ev in events}
    rows = []
    for rec in plover_records(evs.values()):
        base = {
            "id": rec["id"],
            "date": rec["date"],
            "date_precision": rec["date_precision"],
            "enddate": rec.get("enddate"),
            "event": _join(rec["event"]),
            "mode": _join(rec["mode"]),
            "context": _join(rec["context"]),
            "quad_code": rec["quad_code"],
            "source_code": _join(a["code"] for a in rec["source"]),
            "source_actor_text": _join(a["actor_text"] for a in rec["source"]),
            "source_identifier_id": _join(a["identifier_id"] for a in rec["source"]),
            "recipient_code": _join(a["code"] for a in rec["recipient"]),
            "recipient_actor_text": _join(a["actor_text"] for a in rec["recipient"]),
            "recipient_identifier_id": _join(a["identifier_id"] for a in rec["recipient"]),
            "confidence": rec["confidence"],
            "n_sources": rec["n_sources"],
        }
        if not per_source:
            base["event_text"] = rec["event_text"][0] if rec["event_text"] else None
            base["story_ids"] = _join(c["citation"] for c in rec["cite_info"])
            base["urls"] = _join(c["url"] for c in rec["cite_info"])
            rows.append(base)
            continue
        for s in evs[rec["id"]].sources:
            row = dict(base)
            row.update({"story_id": s.article, "url": s.url, "publication_date": s.published,
                        "event_text": _sentence(s), "fact_id": s.fact_id})  # fmt: skip
            rows.append(row)
    return rows


def event_rows(events: Iterable[Event], *, per_source: bool = False) -> list[dict[str, Any]]:
    """Flat rows of the events themselves (one per event, or one per event and source)."""
    rows = []
    for ev in events:
        base = {
            "event_id": ev.id,
            "kind": ev.kind,
            "actor_key": ev.actor.key if ev.actor else None,
            "actor_name": ev.actor.name if ev.actor else None,
            "actor_country": ev.actor.country if ev.actor else None,
            "target_key": ev.target.key if ev.target else None,
            "target_name": ev.target.name if ev.target else None,
            "target_country": ev.target.country if ev.target else None,
            "parties": _join(a.key for a in ev.parties),
            "date": ev.date,
            "end_date": ev.end_date,
            "reported": ev.reported,
            "status": ev.status,
            "text": ev.text,
            "n_sources": ev.n_sources,
            "n_independent": ev.n_independent,
            "confidence": ev.confidence,
            "disputed": _join(name for name, c in ev.fields.items() if c.dissent),
        }
        if not per_source:
            base["sources"] = _join(s.article for s in ev.sources)
            rows.append(base)
            continue
        for s in ev.sources:
            row = dict(base)
            span = s.evidence[0] if s.evidence else None
            row.update({
                "article": s.article, "url": s.url, "published": s.published,
                "fact_id": s.fact_id, "evidence": span.text if span else None,
                "evidence_start": span.start if span else None,
                "evidence_end": span.end if span else None,
            })  # fmt: skip
            rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def _columns(rows: Sequence[dict[str, Any]], first: Sequence[str] = ()) -> list[str]:
    cols = list(first)
    for row in rows:
        for k in row:
            if k not in cols:
                cols.append(k)
    return cols


def write_rows(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    path: str | None,
    *,
    stream: IO[str] | None = None,
    columns: Sequence[str] = (),
) -> None:
    """Write ``rows`` as ``jsonl``, ``csv`` or ``parquet`` (pyarrow, extra ``parquet``)."""
    if fmt == "parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            from .exceptions import MissingExtraError

            raise MissingExtraError("parquet", "pyarrow") from None
        if not path:
            from .exceptions import ConfigError

            raise ConfigError("Parquet output needs -o FILE.parquet")
        cols = _columns(rows, columns)
        data = {c: [_cell(r.get(c)) for r in rows] for c in cols}
        pq.write_table(pa.table(data), path)
        return
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=_columns(rows, columns), lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: _cell(v) for k, v in r.items()})
        _emit(buf.getvalue(), path, stream)
        return
    _emit("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), path, stream)


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _emit(text: str, path: str | None, stream: IO[str] | None) -> None:
    if path and path != "-":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    elif stream is not None:
        stream.write(text)


ROWS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "events": event_rows,
    "cameo": cameo_rows,
    "plover": plover_rows,
}
