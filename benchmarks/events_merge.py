"""Score factx's event merges against the merge gold and print the tables.

    python benchmarks/events_merge.py [--diplomacy ../shared/devsets/diplomacy] [--show-errors]

The input is the fact gold turned into ``factx extract`` records (no model runs): the seed
gold, the diplomacy development set's gold when it is there, and both together. So this
measures the merge rules alone, on perfect facts; see ``benchmarks/EVENTS_GOLD.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from factx._eventeval import load_merge_gold, records_from_gold, score_events
from factx.events import events

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--diplomacy", type=Path, default=ROOT.parent / "shared/devsets/diplomacy")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args(argv)
    gold = ROOT / "benchmarks" / "events_gold.jsonl"
    seeds = records_from_gold(ROOT / "seeds" / "seeds.gold.jsonl", ROOT / "seeds")
    runs = [("seeds", seeds, "seeds/")]
    if (args.diplomacy / "gold.jsonl").is_file():
        dip = records_from_gold(args.diplomacy / "gold.jsonl", args.diplomacy / "articles")
        runs += [("diplomacy", dip, "diplomacy/"), ("seeds + diplomacy", seeds + dip, None)]
    else:
        print(f"no diplomacy gold at {args.diplomacy}: seeds only", file=sys.stderr)
    for name, records, prefix in runs:
        score = score_events(events(records), load_merge_gold(gold, prefix=prefix))
        print(f"== {name}")
        print(score.format_table(show_errors=args.show_errors))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
