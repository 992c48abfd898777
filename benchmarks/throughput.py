"""Batch throughput against a fake OpenAI-compatible server with a fixed latency.

    python benchmarks/throughput.py                      # N=2000, concurrency 64, 1.0 s
    python benchmarks/throughput.py -n 200 --latency 0.2 # quick run

The server (aiohttp, keep-alive) runs in a separate process, so its CPU is not counted as the
client's. It answers every ``/v1/chat/completions`` request after ``--latency`` seconds with a
valid answer to factx's single-call schema (one statement citing sentence 1), so one article
costs one model call and succeeds. In one run the script measures:

- ``factx``: :func:`factx._batch.extract_many` with ``strategy="single"`` over the
  ``openai-compatible:`` backend (the library's batch engine, the path ``factx extract`` uses);
- ``bare instructor``: ``instructor.from_openai(AsyncOpenAI(...))`` with a semaphore of the
  same concurrency, same server, same response model, one call per article;
- ``factx ... (httpx transport)``: factx again with openai's default httpx client, to show
  what the aiohttp transport (used when aiohttp is installed) saves.

It prints articles/s, the ideal rate (concurrency / (latency x calls per article)), the share
of it reached, client CPU milliseconds per model call (``time.process_time`` of this process)
and wall time. Failures are counted and make the exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# One grounded statement: every article has a body sentence 1, so the answer is always valid.
ANSWER = {
    "visits": [],
    "agreements": [],
    "statements": [{"speaker": "Juru bicara", "content": "Described the talks.", "sentences": [1]}],
    "quotes": [],
}

_PARAGRAPHS = [
    "Menteri Luar Negeri Retno Marsudi bertemu dengan mitranya di Jakarta pada hari Senin "
    "untuk membahas kerja sama ekonomi dan keamanan kawasan, kata juru bicara kementerian.",
    "Kedua pihak sepakat memperkuat perdagangan bilateral yang tahun lalu mencapai nilai "
    "{n} juta dolar AS, menurut data resmi yang dirilis pemerintah pekan lalu.",
    "\u201cKami berharap kunjungan ini membuka babak baru hubungan kedua negara,\u201d ujar "
    "menteri itu kepada wartawan setelah pertemuan yang berlangsung selama tiga jam.",
    "Pertemuan tersebut juga membahas rencana kunjungan presiden ke ibu kota mitra pada "
    "bulan depan, yang akan disertai penandatanganan sejumlah nota kesepahaman.",
    "Para pengamat menilai langkah itu sebagai sinyal penting di tengah ketegangan global, "
    "meskipun rincian kesepakatan belum diumumkan kepada publik hingga Selasa malam.",
]


def synthetic_article(n: int) -> str:
    """A ~1,100-character news article in Indonesian (distinct per ``n``)."""
    title = f"Pertemuan bilateral nomor {n} membahas kerja sama"
    return title + "\n\n" + "\n\n".join(p.format(n=n) for p in _PARAGRAPHS)


# --------------------------------------------------------------------------------- the server


def serve(latency: float) -> None:
    """Run the fake server on a free loopback port; print the port, then serve forever."""
    from aiohttp import web

    body_answer = json.dumps(ANSWER)

    async def completions(request: web.Request) -> web.Response:
        body = await request.json()
        await asyncio.sleep(latency)
        message: dict[str, Any] = {"role": "assistant", "content": body_answer}
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": name, "arguments": body_answer},
                    }
                ],
            }
        return web.json_response(
            {
                "id": "chatcmpl-bench",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", "bench"),
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 300, "completion_tokens": 30, "total_tokens": 330},
            }
        )

    async def main() -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", completions)
        runner = web.AppRunner(app, access_log=None, keepalive_timeout=75)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port = runner.addresses[0][1]
        print(port, flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


class Server:
    """The fake server in a child process (its CPU stays out of the client's numbers)."""

    def __init__(self, latency: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", "--latency", str(latency)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.strip():
            self.proc.kill()
            raise RuntimeError("the fake server did not start")
        self.base_url = f"http://127.0.0.1:{int(line)}/v1"

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


# --------------------------------------------------------------------------------- the engines


@dataclass
class Result:
    engine: str
    articles: int
    calls: int
    failures: int
    wall: float
    cpu: float

    def row(self, concurrency: int, latency: float) -> dict[str, Any]:
        calls_per_article = self.calls / max(1, self.articles)
        ideal = concurrency / (latency * max(1.0, calls_per_article))
        rate = (self.articles - self.failures) / self.wall
        return {
            "engine": self.engine,
            "articles": self.articles,
            "failures": self.failures,
            "calls/article": round(calls_per_article, 2),
            "articles/s": round(rate, 2),
            "ideal/s": round(ideal, 2),
            "% ideal": round(100 * rate / ideal, 1),
            "cpu ms/call": round(1000 * self.cpu / max(1, self.calls), 2),
            "wall s": round(self.wall, 2),
        }


async def run_factx(
    base_url: str, texts: list[str], concurrency: int, *, httpx: bool = False
) -> Result:
    from openai import DefaultAsyncHttpxClient

    from factx import Extractor
    from factx._batch import BatchStats, extract_many

    http_client = DefaultAsyncHttpxClient() if httpx else None
    extractor = Extractor(
        "openai-compatible:bench",
        base_url=base_url,
        api_key="not-needed",
        strategy="single",
        http_client=http_client,
    )
    stats = BatchStats(total=len(texts))
    calls = 0
    cpu0, t0 = time.process_time(), time.perf_counter()
    async for record in extract_many(texts, extractor, concurrency=concurrency, stats=stats):
        if record.get("error") is None:
            calls += record["usage"]["calls"]
        else:
            print(f"factx error: {record['error']}", file=sys.stderr)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    await extractor.aclose()  # while the loop runs
    if http_client is not None:
        await http_client.aclose()
    name = "factx extract_many" + (" (httpx transport)" if httpx else "")
    return Result(name, len(texts), calls, stats.failed, wall, cpu)


async def run_factx_httpx(base_url: str, texts: list[str], concurrency: int) -> Result:
    """factx with openai's default httpx client instead of the aiohttp one."""
    return await run_factx(base_url, texts, concurrency, httpx=True)


async def run_bare(base_url: str, texts: list[str], concurrency: int) -> Result:
    import instructor
    from openai import AsyncOpenAI

    from factx._pipeline import _SAll  # the same response model factx asks for

    openai_client = AsyncOpenAI(base_url=base_url, api_key="not-needed", max_retries=0)
    client = instructor.from_openai(openai_client, mode=instructor.Mode.JSON)
    semaphore = asyncio.Semaphore(concurrency)
    failures = 0

    async def one(text: str) -> None:
        nonlocal failures
        async with semaphore:
            try:
                await client.chat.completions.create(
                    model="bench",
                    messages=[
                        {"role": "system", "content": "Extract the facts of the article."},
                        {"role": "user", "content": text},
                    ],
                    response_model=_SAll,
                    max_retries=0,
                )
            except Exception as e:  # counted, shown, never hidden
                failures += 1
                print(f"bare error: {type(e).__name__}: {e}", file=sys.stderr)

    cpu0, t0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(t) for t in texts))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    await openai_client.close()
    return Result("bare instructor", len(texts), len(texts), failures, wall, cpu)


def _table(rows: list[dict[str, Any]]) -> str:
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("-n", "--articles", type=int, default=2000)
    ap.add_argument("-c", "--concurrency", type=int, default=64)
    ap.add_argument("--latency", type=float, default=1.0, help="server latency, seconds")
    ap.add_argument(
        "--engines",
        default="bare,factx,factx-httpx",
        help="comma-separated, run in this order: bare, factx, factx-httpx",
    )
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        serve(args.latency)
        return 0

    texts = [synthetic_article(i) for i in range(args.articles)]
    engines = {"bare": run_bare, "factx": run_factx, "factx-httpx": run_factx_httpx}
    server = Server(args.latency)
    results = []
    try:
        for name in args.engines.split(","):
            results.append(asyncio.run(engines[name](server.base_url, texts, args.concurrency)))
    finally:
        server.close()
    rows = [r.row(args.concurrency, args.latency) for r in results]
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, python "
        f"{platform.python_version()}, {os.cpu_count()} cores, N={args.articles}, "
        f"concurrency {args.concurrency}, latency {args.latency} s"
    )
    print(_table(rows))
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
