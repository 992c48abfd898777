"""Throughput of the Ray engine against the plain async engine, same fake server, one run.

    python benchmarks/ray_throughput.py [--n 2000] [--latency 1.0] [--concurrency 64]
                                        [--workers 2] [--batch-size 64]

A loopback OpenAI-compatible server (``tests/_fakeserver.py``, its own process, no faults)
answers every request after ``--latency`` seconds. Both engines keep ``--concurrency`` articles
in flight in total (Ray: ``--workers`` actors x 2 concurrent batches x concurrency/(2*workers)
articles each), so the ideal rate of both is concurrency / latency. Timed: the async engine
from first item to last record; Ray from ``extract_dataset`` to the last row on the driver
(actor start-up included, ``ray.init`` reported apart: a cluster is normally already up).
Needs the ``ray`` extra.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factx import Extractor  # noqa: E402
from factx._batch import BatchStats, extract_many  # noqa: E402
from factx._io import InputItem  # noqa: E402
from tests._fakeserver import article  # noqa: E402

BACKEND = "openai-compatible:fake-model"


def start_server(latency: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests._fakeserver", "--latency", str(latency)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def run_async(n: int, url: str, concurrency: int) -> tuple[float, int]:
    extractor = Extractor(BACKEND, base_url=url, strategy="single")
    items = [InputItem(f"a{i}", text=article(i)) for i in range(n)]
    stats = BatchStats()

    async def go() -> int:
        return sum([1 async for _ in extract_many(items, extractor, concurrency=concurrency,
                                                  stats=stats)])  # fmt: skip

    t = time.perf_counter()
    count = asyncio.run(go())
    wall = time.perf_counter() - t
    assert count == n and stats.failed == 0, stats.summary()
    return wall, count


def run_ray(
    n: int, url: str, concurrency: int, workers: int, batch_size: int
) -> tuple[float, float, float, float, int]:
    import ray

    import factx.ray

    t = time.perf_counter()
    ray.init(
        num_cpus=os.cpu_count() or 2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}},  # this checkout's factx
    )
    ray.data.DataContext.get_current().enable_progress_bars = False
    init = time.perf_counter() - t
    try:
        ds = ray.data.from_items([{"id": f"a{i}", "text": article(i)} for i in range(n)])
        calls = 2
        t = time.perf_counter()
        out = factx.ray.extract_dataset(
            ds,
            backend=BACKEND,
            base_url=url,
            strategy="single",
            concurrency=workers,
            calls_per_worker=calls,
            max_in_flight=max(1, concurrency // (workers * calls)),
            batch_size=batch_size,
        )
        count = failed = 0
        first, first_rows = 0.0, 0
        for batch in out.iter_batches(batch_format="pyarrow", batch_size=None):
            if not count:
                first, first_rows = time.perf_counter() - t, batch.num_rows
            count += batch.num_rows
            failed += batch.num_rows - batch.column("error_type").null_count
        wall = time.perf_counter() - t
    finally:
        ray.shutdown()
    assert count == n and failed == 0, f"{count} rows, {failed} failed"
    steady = (count - first_rows) / (wall - first) if wall > first else 0.0
    return init, first, steady, wall, count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="articles")
    ap.add_argument("--latency", type=float, default=1.0, help="server seconds per answer")
    ap.add_argument("--concurrency", type=int, default=64, help="articles in flight in total")
    ap.add_argument("--workers", type=int, default=2, help="Ray actors")
    ap.add_argument("--batch-size", type=int, default=64, help="rows per Ray batch")
    args = ap.parse_args(argv)

    proc, url = start_server(args.latency)
    try:
        ideal = args.concurrency / args.latency
        a_wall, _ = run_async(args.n, url, args.concurrency)
        init, first, steady, r_wall, _ = run_ray(
            args.n, url, args.concurrency, args.workers, args.batch_size
        )
    finally:
        proc.terminate()
        proc.wait()
    a_rate, r_rate = args.n / a_wall, args.n / r_wall
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{args.n} articles, {args.latency:g} s latency, {args.concurrency} in flight "
          f"(ideal {ideal:.1f}/s); Ray: {args.workers} workers, "
          f"batches of {args.batch_size}")  # fmt: skip
    print(f"async engine : {a_wall:7.1f} s  {a_rate:6.1f} articles/s  "
          f"({a_rate / ideal:.0%} of ideal)")  # fmt: skip
    print(f"ray engine   : {r_wall:7.1f} s  {r_rate:6.1f} articles/s  "
          f"({r_rate / ideal:.0%} of ideal)  + ray.init {init:.1f} s")  # fmt: skip
    print(f"ray / async  : {r_rate / a_rate:.2f}")
    print(f"ray: first batch back after {first:.1f} s (worker start-up + one batch), then "
          f"{steady:.1f} articles/s ({steady / ideal:.0%} of ideal)")  # fmt: skip
    print(f"machine load (1-min load average) at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
