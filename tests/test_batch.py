"""The batch engine factx._batch: concurrency, failures, cache, AIMD on HTTP 429 (offline)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factx import Extractor
from factx._batch import AdaptiveLimiter, BatchStats, ResultCache, extract_many
from factx._io import InputItem
from factx.backends import FakeBackend
from factx.exceptions import BackendError, InputError

PROSE = (
    "Menteri Luar Negeri Rusia Sergey Lavrov tiba di Islamabad pada hari Rabu "
    "untuk pembicaraan dua hari."
)
EMPTY = {"visits": [], "agreements": [], "statements": [], "quotes": []}
ONE_STATEMENT = {
    "visits": [],
    "agreements": [],
    "statements": [{"speaker": "Sergey Lavrov", "content": "arrived", "sentences": [1]}],
    "quotes": [],
}


def article(n: int, marker: str = "") -> str:
    return f"{PROSE} Artikel nomor {n} {marker} ditulis oleh wartawan kami di kota itu."


def text_of(messages: list[Any]) -> str:
    return " ".join(m["content"] for m in messages)


class SlowBackend:
    """Delegates to a FakeBackend after a short sleep, recording how many calls overlap."""

    tier = "large"
    model = "slow-fake"

    def __init__(self, fake: FakeBackend, delay: float = 0.01) -> None:
        self.fake = fake
        self.delay = delay
        self.active = 0
        self.peak = 0

    async def complete(self, messages: Any, response_model: Any, *, max_tokens: Any = None) -> Any:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await asyncio.sleep(self.delay)
            return await self.fake.complete(messages, response_model, max_tokens=max_tokens)
        finally:
            self.active -= 1


def run(coro_gen: Any) -> list[dict[str, Any]]:
    async def collect() -> list[dict[str, Any]]:
        return [r async for r in coro_gen]

    return asyncio.run(collect())


def make(responder: Any = None, **kw: Any) -> tuple[Extractor, FakeBackend]:
    fake = FakeBackend(responder=responder or (lambda m, r: ONE_STATEMENT), **kw)
    return Extractor(fake, strategy="single"), fake


def test_records_stats_and_ids() -> None:
    ex, fake = make()
    items = [InputItem(f"a{i}", text=article(i)) for i in range(5)]
    stats = BatchStats()
    records = run(extract_many(items, ex, concurrency=3, stats=stats))
    assert sorted(r["source"] for r in records) == [f"a{i}" for i in range(5)]
    assert all(len(r["statements"]) == 1 for r in records)
    assert stats.done == 5 and stats.failed == 0 and stats.facts["statements"] == 5
    assert stats.tokens > 0 and stats.finished is not None
    assert len(fake.calls) == 5
    summary = stats.summary()
    assert "5 articles" in summary and "5 statements" in summary and "no failures" in summary


def test_plain_strings_and_url_title_are_carried() -> None:
    ex, _ = make()
    items = [article(0), InputItem("x", text=article(1), url="https://e.x", title="Judul")]
    records = {r["source"]: r for r in run(extract_many(items, ex))}
    assert set(records) == {"0", "x"}
    assert records["x"]["url"] == "https://e.x" and records["x"]["title"] == "Judul"
    assert records["0"]["url"] is None


def test_one_failure_never_stops_the_run() -> None:
    def responder(messages: Any, model: Any) -> Any:
        text = text_of(messages)
        if "BUG" in text:
            raise ValueError("boom")
        if "DOWN" in text:
            raise BackendError("server down", status_code=503)
        return EMPTY

    ex, _ = make(responder)
    items = [
        InputItem("ok1", text=article(1)),
        InputItem("bug", text=article(2, "BUG")),
        InputItem("down", text=article(3, "DOWN")),
        InputItem("unreadable", error=InputError("unreadable: file is empty")),
        InputItem("blank", text="   "),
        InputItem("ok2", text=article(4)),
    ]
    stats = BatchStats()
    records = {r["source"]: r for r in run(extract_many(items, ex, concurrency=2, stats=stats))}
    assert len(records) == 6
    assert "error" not in records["ok1"] and "error" not in records["ok2"]
    assert records["bug"]["error"] == {"type": "ValueError", "message": "boom"}
    assert records["down"]["error"]["type"] == "BackendError"
    assert records["unreadable"]["error"]["type"] == "InputError"
    assert records["blank"]["error"]["type"] == "InputError"
    assert stats.failed == 4 and stats.errors["InputError"] == 2
    assert "4 failed" in stats.summary()


def test_bounded_concurrency_and_lazy_input() -> None:
    fake = FakeBackend(responder=lambda m, r: EMPTY)
    slow = SlowBackend(fake)
    ex = Extractor(slow, strategy="single")
    pulled = 0

    def items() -> Iterator[InputItem]:
        nonlocal pulled
        for i in range(10_000):
            pulled += 1
            yield InputItem(str(i), text=article(i))

    records = run(extract_many(items(), ex, concurrency=4, max_articles=30))
    assert len(records) == 30
    assert slow.peak == 4
    assert pulled <= 31  # consumed lazily, not read up front


def test_skip_ids() -> None:
    ex, fake = make()
    items = [InputItem(f"a{i}", text=article(i)) for i in range(4)]
    stats = BatchStats()
    records = run(extract_many(items, ex, skip_ids={"a0", "a2"}, stats=stats))
    assert sorted(r["source"] for r in records) == ["a1", "a3"]
    assert stats.skipped == 2 and len(fake.calls) == 2


def test_cache_hit_makes_no_backend_call(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache")
    ex, fake = make()
    items = [InputItem("a", text=article(1)), InputItem("b", text=article(2))]
    first = run(extract_many(items, ex, cache=cache))
    assert len(fake.calls) == 2
    ex2, fake2 = make()
    stats = BatchStats()
    renamed = [InputItem("a-again", text=article(1)), InputItem("b", text=article(2))]
    second = run(extract_many(renamed, ex2, cache=cache, stats=stats))
    assert fake2.calls == []
    assert stats.cached == 2 and stats.tokens == 0
    by_source = {r["source"]: r for r in second}
    assert set(by_source) == {"a-again", "b"}
    assert by_source["b"]["statements"] == {r["source"]: r for r in first}["b"]["statements"]
    # a different published date, model or strategy is a different key
    ex3, fake3 = make(model="other")
    run(extract_many(items[:1], ex3, cache=cache))
    run(extract_many(items[:1], ex, cache=cache, published="2024-05-08"))
    assert len(fake3.calls) == 1 and len(fake.calls) == 3
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def test_failures_are_not_cached(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    ex, fake = make(lambda m, r: (_ for _ in ()).throw(BackendError("x", status_code=500)))
    run(extract_many([InputItem("a", text=article(1))], ex, cache=cache))
    assert not list(tmp_path.rglob("*.json"))


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FACTX_CACHE_DIR", str(tmp_path))
    assert ResultCache().directory == tmp_path / "results"


def test_rate_limit_halves_concurrency_and_run_completes() -> None:
    calls = 0

    def responder(messages: Any, model: Any) -> Any:
        nonlocal calls
        calls += 1
        if 3 <= calls <= 12:
            raise BackendError("rate limited", status_code=429)
        return ONE_STATEMENT

    fake = FakeBackend(responder=responder)
    slow = SlowBackend(fake, delay=0.005)
    ex = Extractor(slow, strategy="single")
    stats = BatchStats()
    items = [InputItem(str(i), text=article(i)) for i in range(40)]
    records = run(
        extract_many(items, ex, concurrency=8, stats=stats, throttle_delay=0.001, increase_after=3)
    )
    assert len(records) == 40
    assert all("error" not in r for r in records)
    assert stats.throttled == 10
    assert stats.lowest_concurrency < 8
    assert stats.concurrency > stats.lowest_concurrency  # crept back up after successes


def test_persistent_rate_limit_becomes_error_record() -> None:
    ex, _ = make(lambda m, r: (_ for _ in ()).throw(BackendError("429", status_code=429)))
    stats = BatchStats()
    records = run(
        extract_many(
            [InputItem("a", text=article(1))],
            ex,
            stats=stats,
            max_throttle_retries=2,
            throttle_delay=0.001,
        )
    )
    assert records[0]["error"]["type"] == "BackendError"
    assert stats.throttled == 3 and stats.lowest_concurrency == 1


def test_adaptive_limiter_aimd() -> None:
    async def scenario() -> None:
        lim = AdaptiveLimiter(8, increase_after=2)
        epochs = [await lim.acquire() for _ in range(8)]
        assert lim.active == 8
        for e in epochs:  # a wave of 429s from the same epoch halves once
            lim.throttled(e)
            await lim.release()
        assert lim.limit == 4 and lim.decreases == 1
        e = await lim.acquire()
        lim.throttled(e)
        await lim.release()
        assert lim.limit == 2
        lim.throttled(await lim.acquire())
        await lim.release()
        lim.throttled(await lim.acquire())
        await lim.release()
        assert lim.limit == 1 and lim.lowest == 1
        for _ in range(4):
            lim.succeeded()
        assert lim.limit == 3
        for _ in range(100):
            lim.succeeded()
        assert lim.limit == 8

    asyncio.run(scenario())


def test_limiter_blocks_past_limit() -> None:
    async def scenario() -> None:
        lim = AdaptiveLimiter(1)
        await lim.acquire()
        waiter = asyncio.create_task(lim.acquire())
        await asyncio.sleep(0.01)
        assert not waiter.done()
        await lim.release()
        await asyncio.wait_for(waiter, 1)

    asyncio.run(scenario())


def test_breaking_early_cancels_workers() -> None:
    fake = FakeBackend(responder=lambda m, r: EMPTY)
    ex = Extractor(SlowBackend(fake), strategy="single")

    async def scenario() -> int:
        got = 0
        gen = extract_many((InputItem(str(i), text=article(i)) for i in range(1000)), ex)
        async for _ in gen:
            got += 1
            if got == 3:
                break
        await gen.aclose()
        await asyncio.sleep(0.05)
        return got

    assert asyncio.run(scenario()) == 3
    assert len(fake.calls) < 30


def test_bad_concurrency() -> None:
    ex, _ = make()
    with pytest.raises(ValueError):
        run(extract_many([], ex, concurrency=0))


def test_backend_max_concurrency_caps_articles_in_flight() -> None:
    """An in-process model (max_concurrency = 1) gets one article at a time."""
    import asyncio

    from factx import Extractor
    from factx._batch import extract_many
    from factx.backends import FakeBackend

    class OneAtATime(FakeBackend):
        max_concurrency = 1

        def __init__(self) -> None:
            super().__init__(
                responder=lambda m, r: {
                    "visits": [],
                    "agreements": [],
                    "statements": [],
                    "quotes": [],
                }
            )
            self.in_flight = self.peak = 0

        async def complete(self, messages, response_model, *, max_tokens=None):  # type: ignore[override]
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            await asyncio.sleep(0.05)
            try:
                return await super().complete(messages, response_model, max_tokens=max_tokens)
            finally:
                self.in_flight -= 1

    backend = OneAtATime()
    ex = Extractor(backend, strategy="single")
    texts = [
        f"Artikel nomor {i} membahas hubungan kedua negara secara panjang lebar hari ini."
        for i in range(6)
    ]

    async def run() -> list[dict]:
        return [r async for r in extract_many(texts, ex, concurrency=8)]

    records = asyncio.run(run())
    assert len(records) == 6 and all("error" not in r for r in records), records
    assert backend.peak == 1
