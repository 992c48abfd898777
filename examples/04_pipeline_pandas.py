"""Facts of many articles as one pandas DataFrame: one row per fact, evidence offsets included.

    python examples/04_pipeline_pandas.py seeds --backend fake
    python examples/04_pipeline_pandas.py seeds --backend openai:gpt-4o-mini --csv facts.csv

pandas comes with the ``dev`` extra (``pip install pandas``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from _demo import SEEDS, backend_from

import factx

COLUMNS = ["source", "kind", "who", "what", "date", "start", "end", "evidence"]


def rows(facts: factx.ArticleFacts) -> list[dict[str, Any]]:
    """Flatten one article's facts: who did what, when, and where the article says so."""
    out: list[dict[str, Any]] = []

    def add(kind: str, who: str | None, what: str | None, date: str | None, fact: Any) -> None:
        span = fact.evidence[0] if fact.evidence else None
        out.append(
            {
                "source": facts.source,
                "kind": kind,
                "who": who,
                "what": what,
                "date": date,
                "start": span.start if span else None,
                "end": span.end if span else None,
                "evidence": span.text if span else None,
            }
        )

    for v in facts.visits:
        where = ", ".join(x for x in (v.destination.city, v.destination.country) if x)
        add("visit", v.visitor.name, where, v.start_date, v)
    for a in facts.agreements:
        add("agreement", " / ".join(p.name for p in a.parties), a.subject, a.date, a)
    for s in facts.statements:
        add("statement", s.speaker.name, s.content, s.date, s)
    for q in facts.quotes:
        add("quote", q.speaker, q.text, facts.published, q)
    return out


def to_frame(all_facts: list[factx.ArticleFacts]) -> pd.DataFrame:
    return pd.DataFrame([r for f in all_facts for r in rows(f)], columns=COLUMNS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Facts of a folder as a pandas DataFrame.")
    parser.add_argument("folder", nargs="?", type=Path, default=SEEDS)
    parser.add_argument("--backend", help="e.g. openai:gpt-4o-mini, local, fake")
    parser.add_argument("--csv", type=Path, help="also write the table here")
    args = parser.parse_args(argv)

    try:
        extractor = factx.Extractor(backend_from(args.backend))
    except factx.ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    all_facts = []
    for path in sorted(args.folder.glob("*.txt")):
        try:
            all_facts.append(extractor.extract(path.read_text(encoding="utf-8"), source=path.name))
        except factx.FactxError as e:
            print(f"{path.name}: {e}", file=sys.stderr)

    df = to_frame(all_facts)
    print(df.groupby(["source", "kind"]).size().unstack(fill_value=0).to_string())
    print()
    print(df[df.kind == "quote"].groupby("who").size().sort_values(ascending=False).to_string())
    if args.csv:
        df.to_csv(args.csv, index=False)
        print(f"\nwrote {len(df)} rows to {args.csv}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
