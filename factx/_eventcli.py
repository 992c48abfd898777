"""``factx events``: group the facts of many ``factx extract`` outputs into events.

::

    factx events PRED.jsonl... [-o OUT.jsonl|.csv|.parquet] [--format events|cameo|plover]
                 [--per-source] [--explain] [--kinds visits,quotes] [--aliases ALIASES.json]
                 [--gold MERGE_GOLD.jsonl [--json] [--show-errors]]

Exit codes: 0 done, 2 usage or input error (bad arguments, unreadable input, missing extra).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import IO, Any

from .exceptions import ConfigError, FactxError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="factx events",
        description="Group the facts of many articles (factx extract outputs) into events: "
        "one per real-world visit, agreement, statement or quote, with every article that "
        "reports it. Rules: docs/EVENTS.md.",
    )
    p.add_argument("predictions", nargs="+", metavar="PRED", help="JSONL (or JSON) outputs")
    p.add_argument(
        "-o", "--output", metavar="OUT", help="OUT.jsonl, OUT.csv or OUT.parquet (default stdout)"
    )
    p.add_argument(
        "--format",
        choices=("events", "cameo", "plover"),
        default="events",
        help="events: factx event records (default); cameo: ICEWS-style CAMEO-coded rows; "
        "plover: PLOVER records (visits and agreements)",
    )
    p.add_argument(
        "--output-format",
        choices=("jsonl", "csv", "parquet"),
        help="file type (default: from the -o extension, else jsonl)",
    )
    p.add_argument(
        "--per-source",
        action="store_true",
        help="one row per event and source (CSV/Parquet/JSONL rows instead of nested records)",
    )
    p.add_argument(
        "--explain", action="store_true", help="list on stderr the rule that joined each pair"
    )
    p.add_argument("--kinds", default="visits,agreements,statements,quotes", metavar="K,K")
    p.add_argument("--aliases", metavar="FILE", help="also write the actor alias table (JSON)")
    p.add_argument("--gold", metavar="MERGE_GOLD", help="score the events against a merge gold")
    p.add_argument("--gold-prefix", metavar="P", help="score only gold events named P...")
    p.add_argument("--json", action="store_true", help="with --gold: the scores as JSON")
    p.add_argument("--show-errors", action="store_true", help="with --gold: list wrong pairs")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    p.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    return p


def read_predictions(paths: Sequence[str]) -> list[dict[str, Any]]:
    """Records of JSONL/JSON files, in order (a later record for the same id wins later)."""
    out: list[dict[str, Any]] = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as e:
            raise ConfigError(f"cannot read {path}: {e.strerror or e}") from None
        if path.endswith(".json"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as e:
                raise ConfigError(f"{path}: not JSON ({e.msg})") from None
            rows = data if isinstance(data, list) else [data]
            out.extend(r for r in rows if isinstance(r, dict))
            continue
        lines = text.split("\n")
        if lines and not text.endswith("\n"):
            lines = lines[:-1] if len(lines) > 1 else lines  # a half-written last line
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise ConfigError(f"{path}:{n}: not JSON ({e.msg})") from None
            if isinstance(rec, dict):
                out.append(rec)
    return out


def _file_format(args: argparse.Namespace) -> str:
    if args.output_format:
        return str(args.output_format)
    if args.output:
        ext: str = os.path.splitext(args.output)[1].lower()
        if ext in (".csv", ".parquet"):
            return ext[1:]
    return "jsonl"


def explain(events: Sequence[Any], out: IO[str]) -> None:
    """Each event of two or more facts, and the rule that joined each pair."""
    for ev in events:
        if not ev.links:
            continue
        who = ev.actor.name if ev.actor else "?"
        to = f" -> {ev.target.name}" if ev.target else ""
        print(f"{ev.id} {ev.kind} {who}{to} ({len(ev.sources)} facts, {ev.n_sources} "
              f"articles)", file=out)  # fmt: skip
        for link in ev.links:
            print(f"  {link.a} + {link.b}: {link.rule} ({link.detail})", file=out)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 2
    try:
        return _run(args, out, err)
    except FactxError as e:
        if args.debug:
            raise
        print(f"factx: error: {' '.join(str(e).split())}", file=err)
        return 2


def _run(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from . import _eventexport as ex
    from .events import actor_table, events

    fmt = _file_format(args)
    if fmt == "parquet" and not args.output:
        raise ConfigError("Parquet output needs -o FILE.parquet")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            from .exceptions import MissingExtraError

            raise MissingExtraError("parquet", "pyarrow") from None
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    records = read_predictions(args.predictions)
    t0 = time.perf_counter()
    try:
        evs = events(records, kinds=kinds)
    except ValueError as e:
        raise ConfigError(str(e)) from None
    seconds = time.perf_counter() - t0
    if args.explain:
        explain(evs, err)
    if args.aliases:
        table = actor_table(records)
        data = {
            key: {"name": table.name(key), "country": table.country(key),
                  "aliases": {a.name: a.count for a in aliases}}
            for key, aliases in table.aliases().items()
        }  # fmt: skip
        with open(args.aliases, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
    scoring = args.gold is not None
    if args.output or not scoring:
        if args.format == "events" and fmt == "jsonl" and not args.per_source:
            rows = [ev.model_dump(mode="json") for ev in evs]
        elif args.format == "plover" and fmt == "jsonl" and not args.per_source:
            rows = ex.plover_records(evs)
        else:
            rows = ex.ROWS[args.format](evs, per_source=args.per_source)
        columns = ex.ICEWS_COLUMNS if args.format == "cameo" else ()
        ex.write_rows(rows, fmt, args.output, stream=out, columns=columns)
    if scoring:
        from ._eventeval import load_merge_gold, score_events

        score = score_events(evs, load_merge_gold(args.gold, prefix=args.gold_prefix))
        if args.json:
            out.write(json.dumps(score.to_dict(), indent=2) + "\n")
        else:
            out.write(score.format_table(show_errors=args.show_errors) + "\n")
    if not args.quiet:
        facts = sum(len(ev.sources) for ev in evs)
        multi = sum(1 for ev in evs if ev.n_sources > 1)
        print(f"factx: {facts} facts from {len(records)} records -> {len(evs)} events "
              f"({multi} reported by 2+ articles) in {seconds:.2f} s", file=err)  # fmt: skip
    return 0
