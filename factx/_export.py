"""``factx export``: the facts of an output as a table, one row per fact.

Reads what ``factx extract`` wrote (JSONL or a JSON array; the last record per ``source`` wins,
as after a resumed run) and writes CSV, Parquet or JSONL rows (:data:`COLUMNS`) without
extracting anything again and without Ray. Error and budget-skipped records have no facts: they
go to a separate JSONL file (``errors=``) or are left out and counted.

Types: ``index``, ``start`` and ``end`` are integers (null when a fact has no evidence),
``partial`` a boolean, everything else text; ``evidence``, ``parties`` and ``counterparts``
are JSON lists (``evidence``: every span as ``{"start", "end", "text"}``). In Parquet these
are typed columns (``int64``, ``bool``, ``string``); CSV cells a spreadsheet would run as a
formula are prefixed with ``'``, as in ``factx extract -o out.csv``.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from ._io import neutralise_cell
from .exceptions import ConfigError, InputError, MissingExtraError
from .models import Agreement, ArticleFacts, Person, Quote, Statement, Visit

__all__ = [
    "COLUMNS",
    "FORMATS",
    "ExportResult",
    "export",
    "fact_rows",
    "format_of",
    "read_records",
]

FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl"}

#: Column name -> type ("int", "bool" or "str").
COLUMNS: dict[str, str] = {
    "source": "str",
    "url": "str",
    "title": "str",
    "published": "str",
    "language": "str",
    "kind": "str",
    "index": "int",
    "actor": "str",
    "actor_role": "str",
    "actor_country": "str",
    "parties": "str",
    "destination_city": "str",
    "destination_country": "str",
    "start_date": "str",
    "end_date": "str",
    "date": "str",
    "status": "str",
    "subject": "str",
    "content": "str",
    "text": "str",
    "purpose": "str",
    "cue": "str",
    "inviter": "str",
    "counterparts": "str",
    "evidence": "str",
    "start": "int",
    "end": "int",
    "partial": "bool",
    "model": "str",
    "strategy": "str",
}

_KIND = {"visits": "visit", "agreements": "agreement", "statements": "statement", "quotes": "quote"}


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_records(path: str | os.PathLike[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The final record per ``source`` of a ``factx extract`` output, and the problems met.

    JSONL (one record per line; a line that is not a JSON object with a ``source`` is a
    problem, skipped) or one JSON array. The last record per source wins, in the order of the
    final records.

    Raises:
        InputError: the file cannot be read, is not UTF-8, is an invalid JSON array, or holds
            no record at all while some lines were unreadable (e.g. a CSV).
    """
    where = os.fspath(path)
    problems: list[str] = []
    raw: list[tuple[str, Any]] = []
    try:
        with open(where, encoding="utf-8-sig") as fh:
            head = fh.read(4096)
            fh.seek(0)
            if head.lstrip().startswith("["):
                try:
                    array = json.load(fh)
                except json.JSONDecodeError as e:
                    raise InputError(f"{where}: invalid JSON at line {e.lineno}: {e.msg}") from None
                if not isinstance(array, list):
                    raise InputError(f"{where}: not a JSON array of records")
                raw = [(f"{where}#{i}", rec) for i, rec in enumerate(array, 1)]
            else:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        raw.append((f"{where}:{n}", json.loads(line)))
                    except json.JSONDecodeError as e:
                        problems.append(f"{where}:{n}: not JSON ({e.msg}); skipped")
    except OSError as e:
        raise InputError(f"{where}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{where}: not valid UTF-8 (offset {e.start})") from None
    records: dict[str, dict[str, Any]] = {}
    for at, rec in raw:
        source = rec.get("source") if isinstance(rec, dict) else None
        if not isinstance(source, str) or not source:
            problems.append(f"{at}: not a record with a 'source'; skipped")
            continue
        records.pop(source, None)  # keep the order of the final records
        records[source] = rec
    if not records and problems:
        raise InputError(
            f"{where}: no factx records in it (it should be the JSONL or JSON output of "
            f"'factx extract'); first problem: {problems[0]}"
        )
    return list(records.values()), problems


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _actor(person: Person) -> dict[str, Any]:
    return {"actor": person.name, "actor_role": person.role, "actor_country": person.country}


def _fact_fields(fact: Visit | Agreement | Statement | Quote) -> dict[str, Any]:
    if isinstance(fact, Visit):
        return {
            **_actor(fact.visitor),
            "destination_city": fact.destination.city,
            "destination_country": fact.destination.country,
            "start_date": fact.start_date,
            "end_date": fact.end_date,
            "status": fact.status,
            "purpose": fact.purpose,
            "inviter": fact.inviter,
            "counterparts": _json(fact.counterparts),
        }
    if isinstance(fact, Agreement):
        countries = [p.country for p in fact.parties if p.country]
        return {
            "actor": "; ".join(p.name for p in fact.parties) or None,
            "actor_country": "; ".join(countries) or None,
            "parties": _json([p.model_dump(mode="json") for p in fact.parties]),
            "date": fact.date,
            "status": fact.status,
            "subject": fact.subject,
        }
    if isinstance(fact, Statement):
        return {**_actor(fact.speaker), "date": fact.date, "content": fact.content}
    return {"actor": fact.speaker, "text": fact.text, "cue": fact.cue}


def fact_rows(facts: ArticleFacts) -> Iterator[dict[str, Any]]:
    """One row (:data:`COLUMNS`, missing values None) per fact of ``facts``."""
    article = {
        "source": facts.source,
        "url": facts.url,
        "title": facts.title,
        "published": facts.published,
        "language": facts.language,
        "partial": facts.partial,
        "model": (facts.provenance.model if facts.provenance else None) or facts.usage.model,
        "strategy": facts.provenance.strategy if facts.provenance else None,
    }
    for kind in ("visits", "agreements", "statements", "quotes"):
        for i, fact in enumerate(getattr(facts, kind)):
            spans = [{"start": s.start, "end": s.end, "text": s.text} for s in fact.evidence]
            row = dict.fromkeys(COLUMNS)
            row.update(article)
            row.update(_fact_fields(fact))
            row.update(
                kind=_KIND[kind],
                index=i,
                evidence=_json(spans),
                start=spans[0]["start"] if spans else None,
                end=spans[0]["end"] if spans else None,
            )
            yield row


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    """What :func:`export` did.

    Attributes:
        rows: facts written (one row each).
        articles: success records read.
        empty: success records without facts (no row).
        errors: error records (written to ``errors`` when given, else left out).
        skipped: budget-skipped records (idem).
        problems: lines that were not records, and records that were not ArticleFacts.
    """

    output: str
    rows: int = 0
    articles: int = 0
    empty: int = 0
    errors: int = 0
    skipped: int = 0
    errors_file: str | None = None
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.articles} articles"]
        if self.empty:
            parts.append(f"{self.empty} without facts")
        text = f"exported {self.rows} facts ({', '.join(parts)}) to {self.output}"
        failed = []
        if self.errors:
            failed.append(f"{self.errors} error record{'s' if self.errors != 1 else ''}")
        if self.skipped:
            failed.append(f"{self.skipped} skipped record{'s' if self.skipped != 1 else ''}")
        if failed:
            if self.errors_file:
                text += f"; {' and '.join(failed)} written to {self.errors_file}"
            else:
                text += f"; {' and '.join(failed)} left out (--errors FILE keeps them)"
        if self.problems:
            text += f"; {len(self.problems)} unreadable records skipped"
        return text


def format_of(path: str, fmt: str | None = None) -> str:
    """``csv``, ``parquet`` or ``jsonl`` for an output path (or the ``fmt`` given).

    Raises:
        ConfigError: the extension is none of .csv, .parquet, .jsonl and no ``fmt`` was given.
    """
    if fmt is not None:
        if fmt not in FORMATS.values():
            raise ConfigError(f"unknown export format {fmt!r} (csv, parquet or jsonl)")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ConfigError(
            f"cannot tell the format of {path!r} from its extension: use .csv, .parquet or "
            ".jsonl (or --format)"
        )
    return FORMATS[suffix]


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtraError("parquet", "pyarrow") from None
    return pa, pq


def export(
    predictions: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    errors: str | os.PathLike[str] | None = None,
) -> ExportResult:
    """Write the facts of ``predictions`` to ``output``, one row per fact.

    Args:
        predictions: a ``factx extract`` output (JSONL or JSON array).
        output: ``.csv``, ``.parquet`` or ``.jsonl`` (or any name with ``fmt``); written to a
            temporary file renamed into place.
        fmt: ``csv``, ``parquet`` or ``jsonl`` (default: from ``output``'s extension).
        errors: JSONL file for the error and skipped records (default: left out, counted).

    Raises:
        ConfigError: unknown format; MissingExtraError (a ConfigError) for Parquet without
            pyarrow.
        InputError: ``predictions`` cannot be read or holds no records.
        OSError: an output cannot be written.
    """
    out = os.fspath(output)
    kind = format_of(out, fmt)
    arrow = _pyarrow() if kind == "parquet" else None  # before reading anything
    records, problems = read_records(predictions)
    result = ExportResult(
        output=out, problems=problems, errors_file=os.fspath(errors) if errors else None
    )
    rows: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for rec in records:
        if rec.get("error") is not None or rec.get("skipped") is not None:
            if rec.get("error") is not None:
                result.errors += 1
            else:
                result.skipped += 1
            failed.append(rec)
            continue
        try:
            facts = ArticleFacts.model_validate(rec)
        except ValidationError as e:
            first = e.errors(include_url=False)[0]
            loc = ".".join(str(x) for x in first["loc"]) or "(root)"
            problems.append(f"{rec['source']}: not an ArticleFacts record: {loc}: {first['msg']}")
            continue
        result.articles += 1
        before = len(rows)
        rows.extend(fact_rows(facts))
        if len(rows) == before:
            result.empty += 1
    result.rows = len(rows)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    if kind == "parquet":
        _write_parquet(rows, out, arrow)
    else:
        with _Atomic(out, newline="" if kind == "csv" else None) as fh:
            if kind == "csv":
                _write_csv(rows, fh)
            else:
                for row in rows:
                    fh.write(_json(row) + "\n")
    if errors:
        with _Atomic(os.fspath(errors)) as fh:
            for rec in failed:
                fh.write(_json(rec) + "\n")
    return result


def _write_csv(rows: list[dict[str, Any]], fh: IO[str]) -> None:
    writer = csv.writer(fh)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row[c] is None else neutralise_cell(row[c]) for c in COLUMNS])


def _write_parquet(rows: list[dict[str, Any]], out: str, arrow: Any) -> None:
    pa, pq = arrow
    types = {"int": pa.int64(), "bool": pa.bool_(), "str": pa.string()}
    schema = pa.schema([pa.field(name, types[t]) for name, t in COLUMNS.items()])
    table = pa.Table.from_pydict({c: [row[c] for row in rows] for c in COLUMNS}, schema=schema)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{os.path.basename(out)}.",
        suffix=".tmp",
        dir=os.path.dirname(os.path.abspath(out)),
    )
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class _Atomic:
    """A text file written to a temporary name and renamed over ``path`` when the block ends
    without an exception (removed otherwise)."""

    def __init__(self, path: str, newline: str | None = None) -> None:
        self.path = path
        self.newline = newline

    def __enter__(self) -> IO[str]:
        fd, self.tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(self.path)}.",
            suffix=".tmp",
            dir=os.path.dirname(os.path.abspath(self.path)),
        )
        self.fh = open(fd, "w", encoding="utf-8", newline=self.newline)
        return self.fh

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.fh.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
