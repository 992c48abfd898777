"""The public batch API (issue #15): ``factx.extract_many`` / ``factx.aextract_many`` and
``Extractor.extract_many`` / ``Extractor.aextract_many``, with a progress callback."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

import factx
from factx.backends import FakeBackend

PROSE = (
    "Menteri Luar Negeri Rusia Sergey Lavrov tiba di Islamabad pada hari Rabu "
    "untuk pembicaraan dua hari."
)
ONE_STATEMENT = {
    "visits": [],
    "agreements": [],
    "statements": [{"speaker": "Sergey Lavrov", "content": "arrived", "sentences": [1]}],
    "quotes": [],
}


def article(n: int) -> str:
    return f"{PROSE} Artikel nomor {n} ditulis oleh wartawan kami di kota itu."


class DelayBackend:
    """Answers after a delay read from the article ("nomor N": article N waits (5 - N) ms *
    4), so later articles finish first."""

    tier = "large"
    model = "delay-fake"

    def __init__(self) -> None:
        self.fake = FakeBackend(responder=lambda m, r: ONE_STATEMENT)

    async def complete(self, messages: Any, response_model: Any, *, max_tokens: Any = None) -> Any:
        text = " ".join(m["content"] for m in messages)
        n = int(re.search(r"nomor (\d+)", text).group(1))  # type: ignore[union-attr]
        await asyncio.sleep(max(0, 5 - n) * 0.02)
        return await self.fake.complete(messages, response_model, max_tokens=max_tokens)


def test_batch_calls_are_exported() -> None:
    for name in ("extract_many", "aextract_many"):
        assert name in factx.__all__
        assert callable(getattr(factx, name))
    assert callable(factx.Extractor.extract_many)
    assert callable(factx.Extractor.aextract_many)


def test_blocking_extract_many_returns_input_order_and_reports_progress() -> None:
    ex = factx.Extractor(DelayBackend(), strategy="single")
    seen: list[str] = []
    records = ex.extract_many(
        [article(n) for n in range(5)], concurrency=5, on_result=lambda r: seen.append(r["source"])
    )
    assert [r["source"] for r in records] == ["0", "1", "2", "3", "4"]
    assert all(len(r["statements"]) == 1 for r in records)
    # the callback saw every record as it finished: the last article first
    assert sorted(seen) == ["0", "1", "2", "3", "4"] and seen[0] == "4"
    assert factx.ArticleFacts.model_validate(records[0]).statements[0].speaker.name


def test_async_extract_many_yields_as_completed_or_in_order() -> None:
    async def go(ordered: bool) -> list[str]:
        async with factx.Extractor(DelayBackend(), strategy="single") as ex:
            run = ex.aextract_many([article(n) for n in range(5)], concurrency=5, ordered=ordered)
            return [r["source"] async for r in run]

    as_completed = asyncio.run(go(False))
    assert as_completed[0] == "4" and sorted(as_completed) == ["0", "1", "2", "3", "4"]
    assert asyncio.run(go(True)) == ["0", "1", "2", "3", "4"]


def test_module_level_calls_and_mapping_inputs() -> None:
    rows = [
        {"id": "x", "text": article(1), "published": "2021-04-07", "url": "https://e.test/x"},
        {"id": "y", "text": None},
        article(2),
    ]
    records = factx.extract_many(rows, backend=DelayBackend(), strategy="single")
    assert [r["source"] for r in records] == ["x", "y", "2"]
    assert records[0]["published"] == "2021-04-07" and records[0]["url"] == "https://e.test/x"
    assert records[1]["error"]["type"] == "InputError"

    async def go() -> list[dict[str, Any]]:
        got: list[str] = []

        async def progress(record: dict[str, Any]) -> None:  # a coroutine callback works too
            got.append(record["source"])

        out = [
            r
            async for r in factx.aextract_many(
                [article(3), article(4)], backend=DelayBackend(), strategy="single",
                on_result=progress,
            )
        ]  # fmt: skip
        assert sorted(got) == ["0", "1"]
        return out

    assert sorted(r["source"] for r in asyncio.run(go())) == ["0", "1"]


def test_blocking_extract_many_inside_a_running_loop() -> None:
    async def cell() -> list[dict[str, Any]]:
        return factx.extract_many(
            [article(1), article(2)], backend=DelayBackend(), strategy="single"
        )

    assert [r["source"] for r in asyncio.run(cell())] == ["0", "1"]


def test_callback_error_stops_the_run() -> None:
    def boom(record: dict[str, Any]) -> None:
        raise ValueError("stop")

    with pytest.raises(ValueError, match="stop"):
        factx.extract_many([article(1)], backend=DelayBackend(), on_result=boom)


def test_extract_many_cache_option(tmp_path: Path) -> None:
    fake = FakeBackend(responder=lambda m, r: ONE_STATEMENT)
    ex = factx.Extractor(fake, strategy="single")
    first = ex.extract_many([article(1)], cache=tmp_path)
    second = ex.extract_many([article(1)], cache=tmp_path)
    assert len(fake.calls) == 1
    assert first[0].get("cached") is False and second[0]["cached"] is True
    with pytest.raises(factx.ConfigError):
        ex.extract_many([article(1)], cache=3)  # type: ignore[arg-type]
