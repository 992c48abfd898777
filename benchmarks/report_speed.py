"""Time the HTML report on many synthetic articles (default 1,000) and print the numbers.

    python benchmarks/report_speed.py [--articles 1000] [--out out/report_bench]

Each synthetic article is about 4,000 characters with 12 facts (visits, agreements, statements
and quotes, some spans nested in others); one in 50 is an error record.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from factx import report

SENTENCE = (
    "Menteri Luar Negeri Sergey Lavrov tiba di Islamabad pada hari Rabu untuk pembicaraan "
    'dua hari, dan ia berkata, "Kami siap bekerja sama dengan Pakistan dalam bidang energi," '
    "kepada wartawan di bandara. "
)


def synthetic(n: int) -> tuple[str, dict[str, Any]]:
    """Article ``n``: its text and its ``factx extract`` record."""
    text = f"Artikel {n}.\n\n" + "\n\n".join(SENTENCE * 2 for _ in range(10))
    facts: dict[str, Any] = {"visits": [], "agreements": [], "statements": [], "quotes": []}
    pos = 0
    for i in range(6):
        start = text.index("Menteri", pos)
        end = text.index(" kepada", start)
        q_start = text.index("Kami", start)
        q_end = text.index(",", q_start)
        pos = end
        span = {"text": text[start:end], "start": start, "end": end}
        quote = {"text": text[q_start:q_end], "start": q_start, "end": q_end}
        if i % 2 == 0:
            facts["statements"].append(
                {"speaker": {"name": "Sergey Lavrov"}, "content": "ready", "evidence": [span]}
            )
        else:
            facts["visits"].append(
                {"visitor": {"name": "Sergey Lavrov"}, "destination": {"country": "PAK"},
                 "status": "ongoing", "evidence": [span]}
            )  # fmt: skip
        facts["quotes"].append({"speaker": "Sergey Lavrov", "text": quote["text"],
                                "evidence": [quote]})  # fmt: skip
    return text, {"source": f"articles/{n:05d}.txt", "title": f"Artikel {n}", **facts}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--out", help="report folder (default: a temporary folder)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "articles").mkdir()
        with (work / "pred.jsonl").open("w", encoding="utf-8") as fh:
            for n in range(args.articles):
                text, rec = synthetic(n)
                (work / "articles" / f"{n:05d}.txt").write_text(text, encoding="utf-8")
                if n % 50 == 49:
                    rec = {"source": rec["source"], "error": {"type": "X", "message": "boom"}}
                fh.write(json.dumps(rec) + "\n")
        out = Path(args.out) if args.out else work / "report"
        t0 = time.perf_counter()
        entries, skipped = report.read_predictions(work / "pred.jsonl")
        t1 = time.perf_counter()
        result = report.write_report(
            entries, out, texts=report.ArticleDirectory(work / "articles"), skipped=skipped
        )
        t2 = time.perf_counter()
        size = sum(p.stat().st_size for p in result.pages)
        facts = sum(len(getattr(e.facts, k)) for e in entries if e.facts for k in report.KINDS)
        print(f"articles: {result.articles} ({result.failed} failed), facts: {facts}")
        print(f"read predictions: {t1 - t0:.2f} s")
        print(
            f"write report:     {t2 - t1:.2f} s ({(t2 - t1) / len(entries) * 1000:.1f} ms/article)"
        )
        print(f"index: {result.index.stat().st_size / 1024:.0f} KiB, "
              f"pages: {len(result.pages)} totalling {size / 1024 / 1024:.1f} MiB "
              f"(mean {size / max(len(result.pages), 1) / 1024:.0f} KiB)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
