"""Run a backend over seeds/, score it against the gold, print per-kind P/R/F1 with cost.

    python benchmarks/quality.py --backend local [--out out/seeds.local.jsonl] [--only 000]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

from factx import Extractor, FactxError
from factx.eval import evaluate

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--backend", default="local")
    ap.add_argument("--strategy", default="auto")
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--out", default=str(ROOT / "out" / "quality.jsonl"))
    ap.add_argument("--only", nargs="*", help="doc name prefixes to run")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args(argv)

    seeds = Path(args.seeds)
    gold = [json.loads(line) for line in (seeds / "seeds.gold.jsonl").open()]
    if args.only:
        gold = [g for g in gold if any(g["doc"].startswith(p) for p in args.only)]
    extractor = Extractor(args.backend, strategy=args.strategy)
    t0 = time.perf_counter()
    if hasattr(extractor.backend, "llama"):
        extractor.backend.llama()  # model load is excluded from per-article times
    load_s = time.perf_counter() - t0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    records, seconds, tokens = [], [], []
    for g in gold:
        text = (seeds / g["doc"]).read_text(encoding="utf-8")
        t = time.perf_counter()
        try:
            facts = extractor.extract(text, source=g["doc"], published=g.get("published"))
            rec = facts.model_dump(mode="json")
            tokens.append(facts.usage.prompt_tokens + facts.usage.completion_tokens)
        except FactxError as e:
            rec = {"source": g["doc"], "error": {"type": type(e).__name__, "message": str(e)}}
        seconds.append(time.perf_counter() - t)
        records.append(rec)
        n = {k: len(rec.get(k, [])) for k in ("visits", "agreements", "statements", "quotes")}
        print(f"{g['doc']}: {seconds[-1]:.1f}s {n} {rec.get('error', '')}", file=sys.stderr)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    report = evaluate(gold, records, articles=seeds)
    print(report.format_table(show_errors=args.show_errors))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"backend={args.backend} strategy={extractor.strategy} articles={len(gold)} "
        f"load={load_s:.1f}s median={statistics.median(seconds):.1f}s/article "
        f"max={max(seconds):.1f}s tokens/article={statistics.mean(tokens or [0]):.0f} "
        f"peak_rss={peak:.0f}MiB machine={platform.machine()} cpus={__import__('os').cpu_count()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
