"""Extract every article of a folder concurrently, printing one JSON line per article.

    python examples/02_folder_async.py seeds --backend openai:gpt-4o-mini --concurrency 8
    python examples/02_folder_async.py --backend fake

One :class:`factx.Extractor` serves all articles (the backend is set up once); a semaphore
bounds how many requests are in flight. A failed article is reported and the rest go on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from _demo import SEEDS, backend_from

import factx


async def extract_folder(
    paths: list[Path], extractor: factx.Extractor, concurrency: int = 4
) -> list[dict[str, Any]]:
    """One summary row per article, in the order of ``paths``."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(path: Path) -> dict[str, Any]:
        async with semaphore:
            try:
                facts = await extractor.aextract(path.read_text(encoding="utf-8"), source=path.name)
            except factx.FactxError as e:
                return {"source": path.name, "error": f"{type(e).__name__}: {e}"}
        return {
            "source": facts.source,
            "published": facts.published,
            "visits": len(facts.visits),
            "agreements": len(facts.agreements),
            "statements": len(facts.statements),
            "quotes": len(facts.quotes),
            "calls": facts.usage.calls,
            "tokens": facts.usage.prompt_tokens + facts.usage.completion_tokens,
        }

    return list(await asyncio.gather(*(one(p) for p in paths)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Extract a folder of articles concurrently.")
    parser.add_argument("folder", nargs="?", type=Path, default=SEEDS)
    parser.add_argument("--pattern", default="*.txt")
    parser.add_argument("--backend", help="e.g. openai:gpt-4o-mini, local, fake")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args(argv)

    paths = sorted(args.folder.glob(args.pattern))
    if not paths:
        print(f"error: no {args.pattern} files in {args.folder}", file=sys.stderr)
        return 1
    try:
        extractor = factx.Extractor(backend_from(args.backend))
    except factx.ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    rows = asyncio.run(extract_folder(paths, extractor, args.concurrency))
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    failed = sum("error" in r for r in rows)
    print(f"{len(rows) - failed} articles done, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
