"""Extract the facts of one article and print them as JSON.

    python examples/01_one_article.py                                   # seed 000, default backend
    python examples/01_one_article.py article.txt --backend openai:gpt-4o-mini
    python examples/01_one_article.py --backend fake                    # offline, rule-based

The default backend is ``FACTX_BACKEND`` if set, else the embedded model (``local`` extra).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _demo import SEEDS, backend_from

import factx


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Extract the facts of one article.")
    parser.add_argument("path", nargs="?", type=Path, default=SEEDS / "000_b1cba7760af5b319.txt")
    parser.add_argument("--backend", help="e.g. openai:gpt-4o-mini, local, fake")
    parser.add_argument("--strategy", default="auto", choices=["auto", "single", "staged"])
    args = parser.parse_args(argv)

    try:
        extractor = factx.Extractor(backend_from(args.backend), strategy=args.strategy)
        facts = extractor.extract(args.path.read_text(encoding="utf-8"), source=args.path.name)
    except factx.FactxError as e:  # config, input, model or server trouble: one clear line
        print(f"error: {e}", file=sys.stderr)
        return 1

    print(facts.model_dump_json(indent=2))
    for q in facts.quotes:  # every fact points back into the article by offsets
        span = q.evidence[0]
        print(f"{q.speaker or '?'}: {q.text!r} @ {span.start}:{span.end}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
