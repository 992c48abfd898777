"""Blocking calls inside a running event loop (Jupyter, IPython, async web handlers): issue #15.

``asyncio.run`` refuses to start inside a running loop; the blocking ``extract`` must work
there anyway (a private loop in a worker thread), and ``aextract`` stays the async path.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Any

import pytest

import factx
from factx import Extractor
from factx.backends import FakeBackend

PROSE = (
    "Menteri Luar Negeri Rusia Sergey Lavrov tiba di Islamabad pada hari Rabu "
    "untuk pembicaraan dua hari. Artikel ini ditulis oleh wartawan kami di kota itu."
)
ONE_STATEMENT = {
    "visits": [],
    "agreements": [],
    "statements": [{"speaker": "Sergey Lavrov", "content": "arrived", "sentences": [1]}],
    "quotes": [],
}


def fake() -> FakeBackend:
    return FakeBackend(responder=lambda m, r: ONE_STATEMENT)


def test_extract_inside_a_running_loop() -> None:
    async def handler() -> Any:  # e.g. a FastAPI handler or a notebook cell
        return factx.extract(PROSE, backend=fake(), strategy="single", source="a.txt")

    facts = asyncio.run(handler())
    assert facts.source == "a.txt"
    assert [s.speaker.name for s in facts.statements] == ["Sergey Lavrov"]


def test_extractor_extract_inside_a_running_loop_runs_off_the_callers_loop() -> None:
    seen: list[tuple[Any, str]] = []

    def responder(messages: Any, model: Any) -> Any:
        seen.append((asyncio.get_running_loop(), threading.current_thread().name))
        return ONE_STATEMENT

    ex = Extractor(FakeBackend(responder=responder), strategy="single")

    async def cell() -> Any:
        loop = asyncio.get_running_loop()
        facts = ex.extract(PROSE)
        return loop, facts

    loop, facts = asyncio.run(cell())
    assert len(facts.statements) == 1
    assert seen and all(used is not loop for used, _ in seen)


def test_extract_in_a_loop_keeps_context_variables_and_raises_errors() -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    values: list[str] = []

    def responder(messages: Any, model: Any) -> Any:
        values.append(var.get())
        return ONE_STATEMENT

    async def cell() -> None:
        var.set("request-42")
        Extractor(FakeBackend(responder=responder), strategy="single").extract(PROSE)
        with pytest.raises(factx.InputError):
            factx.extract("", backend=fake())

    asyncio.run(cell())
    assert values == ["request-42"]


def test_aextract_is_still_the_async_path() -> None:
    async def handler() -> Any:
        async with Extractor(fake(), strategy="single") as ex:
            return await ex.aextract(PROSE, source="b")

    assert asyncio.run(handler()).source == "b"


def test_extract_inside_a_loop_over_http(server: Any) -> None:
    """An HTTP backend (mock transport) answers a blocking call made inside a loop, then an
    ``aextract`` on the caller's loop with the same extractor."""
    from tests.conftest import MockServer

    answer = {
        "visits": [],
        "agreements": [],
        "statements": [{"speaker": "Sergey Lavrov", "content": "arrived", "sentences": [1]}],
        "quotes": [],
    }
    server.queue(MockServer.reply(answer), MockServer.reply(answer))
    ex = Extractor(server.backend(), strategy="single")

    async def cell() -> tuple[Any, Any]:
        first = ex.extract(PROSE)
        second = await ex.aextract(PROSE)  # then the caller's loop, same extractor
        await ex.aclose()
        return first, second

    first, second = asyncio.run(cell())
    assert len(first.statements) == len(second.statements) == 1
    assert len(server.requests) == 2
