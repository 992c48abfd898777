"""The result cache is keyed on everything that changes an answer (issue #15).

Before: the key was text, date, language, factx version, model name and strategy, so two servers
that both call their model ``qwen2.5-7b`` shared answers, and a dead server "succeeded" from the
cache with zero usage.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from factx import Extractor
from factx._batch import ResultCache, extract_many
from factx._io import InputItem
from factx.backends import FakeBackend, OpenAIBackend
from tests.conftest import MockServer

TEXT = (
    "Menteri Luar Negeri Rusia Sergey Lavrov tiba di Islamabad pada hari Rabu untuk "
    "pembicaraan dua hari. Artikel ini ditulis oleh wartawan kami di kota itu."
)
ANSWER = {
    "visits": [],
    "agreements": [],
    "statements": [{"speaker": "Sergey Lavrov", "content": "arrived", "sentences": [1]}],
    "quotes": [],
}


def http_backend(base_url: str, steps: list[Any], **settings: Any) -> tuple[OpenAIBackend, Any]:
    server = MockServer().queue(*steps)
    client = httpx.AsyncClient(transport=httpx.MockTransport(server.handler))
    backend = OpenAIBackend(
        "qwen2.5-7b",
        api_key="not-needed",
        base_url=base_url,
        http_client=client,
        max_retries=0,
        backoff_base=0.0,
        **settings,
    )
    return backend, server


def run_one(backend: Any, cache: ResultCache, **kw: Any) -> dict[str, Any]:
    async def go() -> list[dict[str, Any]]:
        ex = Extractor(backend, strategy="single", **kw)
        return [r async for r in extract_many([InputItem("a", text=TEXT)], ex, cache=cache)]

    (record,) = asyncio.run(go())
    return record


def test_two_servers_with_the_same_model_name_do_not_share_answers(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    a, server_a = http_backend("http://gpu-a:8000/v1", [MockServer.reply(ANSWER)])
    first = run_one(a, cache)
    assert first["cached"] is False and len(first["statements"]) == 1

    b, server_b = http_backend("http://gpu-b:8000/v1", [MockServer.reply(ANSWER)])
    second = run_one(b, cache)
    assert len(server_b.requests) == 1  # asked its own server
    assert second["cached"] is False

    again, server_again = http_backend("http://gpu-a:8000/v1", [])
    third = run_one(again, cache)
    assert server_again.requests == [] and third["cached"] is True
    assert third["usage"]["prompt_tokens"] == 0


def test_a_dead_server_does_not_succeed_from_another_servers_cache(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    alive, _ = http_backend("http://gpu-a:8000/v1", [MockServer.reply(ANSWER)])
    run_one(alive, cache)
    dead, _ = http_backend("http://gpu-dead:8000/v1", [httpx.ConnectError("refused")] * 3)
    record = run_one(dead, cache)
    assert record["error"]["type"] == "BackendError"


def test_provider_format_settings_and_pipeline_are_in_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResultCache(tmp_path)

    def fake(**kw: Any) -> FakeBackend:
        return FakeBackend(responder=lambda m, r: ANSWER, model="qwen2.5-7b", **kw)

    first = fake()
    run_one(first, cache)
    assert len(first.calls) == 1
    same = fake()
    assert run_one(same, cache)["cached"] is True and same.calls == []

    other_provider = fake()
    other_provider.provider = "another-provider"  # type: ignore[attr-defined]
    assert run_one(other_provider, cache)["cached"] is False

    fewer_reasks = fake()
    assert run_one(fewer_reasks, cache, max_reasks=0)["cached"] is False

    a, _ = http_backend("http://gpu-a:8000/v1", [MockServer.reply(ANSWER)])
    run_one(a, cache)
    tools, server = http_backend(
        "http://gpu-a:8000/v1", [MockServer.reply(ANSWER)], request_format="tools"
    )
    assert run_one(tools, cache)["cached"] is False and len(server.requests) == 1

    from factx import _provenance

    monkeypatch.setattr(_provenance, "pipeline_version", lambda: "sha256:changed-prompts")
    changed = fake()
    assert run_one(changed, cache)["cached"] is False and len(changed.calls) == 1


def test_the_key_never_holds_credentials(tmp_path: Path) -> None:
    from factx._provenance import backend_identity

    backend, _ = http_backend("http://user:s3cret@gpu-a:8000/v1?api-key=k3y", [])
    identity = backend_identity(backend)
    assert identity["base_url"] == "http://gpu-a:8000/v1"
    assert "s3cret" not in repr(identity) and "k3y" not in repr(identity)
