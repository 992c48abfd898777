"""Backends on the wire: request formats, fallback, transport retries, errors, resolution.

Every OpenAI call goes to a scripted ``httpx.MockTransport`` (see ``MockServer`` in conftest).
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

import factx
from factx import BackendError, ConfigError, MissingKeyError, UnknownBackendError
from factx._article import Article
from factx.backends import FakeBackend, OpenAIBackend, Reply, resolve_backend

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
MESSAGES = [{"role": "user", "content": "Name one thing and a number."}]
FORMAT_REJECTED = "Input should be 'text' or 'json_object'"


class Thing(BaseModel):
    name: str
    n: int


def dump(reply: Reply[Any]) -> dict[str, Any] | None:
    """The answer as a dict (instructor may hand back a subclass of the response model)."""
    return None if reply.value is None else reply.value.model_dump()


def ask(backend: Any, model: type[BaseModel] = Thing, **kw: Any) -> Reply[Any]:
    return asyncio.run(backend.complete(MESSAGES, model, **kw))


# ----------------------------------------------------------------------------- wire formats


def test_json_schema_format(server: Any) -> None:
    server.queue(server.reply({"name": "a", "n": 1}, prompt_tokens=21, completion_tokens=5))
    reply = ask(server.backend(request_format="json_schema"))
    (body,) = server.requests
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"]["properties"].keys() == {"name", "n"}
    assert body["messages"] == MESSAGES
    assert "tools" not in body
    assert isinstance(reply.value, Thing)
    assert dump(reply) == {"name": "a", "n": 1}
    assert reply.error is None
    assert reply.raw == '{"name": "a", "n": 1}'
    u = reply.usage
    assert (u.calls, u.attempts, u.prompt_tokens, u.completion_tokens) == (1, 1, 21, 5)
    assert u.model == "mock-model"


def test_json_object_format_carries_schema(server: Any) -> None:
    """llama.cpp-style servers build a grammar from ``response_format.schema``."""
    server.queue(server.reply({"name": "b", "n": 2}, prompt_tokens=9, completion_tokens=3))
    reply = ask(server.backend(request_format="json_object"))
    (body,) = server.requests
    assert body["response_format"] == {"type": "json_object", "schema": Thing.model_json_schema()}
    assert "tools" not in body
    assert dump(reply) == {"name": "b", "n": 2}
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (9, 3)


def test_tools_format(server: Any) -> None:
    server.queue(server.reply({"name": "c", "n": 3}, prompt_tokens=30, completion_tokens=4))
    reply = ask(server.backend(request_format="tools"))
    (body,) = server.requests
    (tool,) = body["tools"]
    assert tool["type"] == "function"
    assert tool["function"]["name"] == "Thing"
    assert set(tool["function"]["parameters"]["properties"]) == {"name", "n"}
    assert body["tool_choice"] == {"type": "function", "function": {"name": "Thing"}}
    assert "response_format" not in body
    assert dump(reply) == {"name": "c", "n": 3}
    assert reply.raw == '{"name": "c", "n": 3}'
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (30, 4)


def test_default_format_depends_on_server() -> None:
    assert OpenAIBackend("m", api_key="k").request_format == "json_schema"  # OpenAI itself
    local = OpenAIBackend("m", api_key="k", base_url="http://localhost:8080/v1")
    assert local.request_format == "json_object"


def test_max_tokens_and_temperature_are_sent(server: Any) -> None:
    server.queue(server.reply({"name": "a", "n": 1}))
    ask(server.backend(temperature=0.3), max_tokens=77)
    assert server.requests[0]["max_tokens"] == 77
    assert server.requests[0]["temperature"] == 0.3
    assert server.requests[0]["model"] == "mock-model"


# ----------------------------------------------------------------------------- fallback


def test_rejected_json_schema_steps_down_to_json_object(server: Any) -> None:
    server.queue(server.error(400, FORMAT_REJECTED), server.reply({"name": "a", "n": 1}))
    backend = server.backend(request_format="json_schema")
    reply = ask(backend)
    assert dump(reply) == {"name": "a", "n": 1}
    assert [r["response_format"]["type"] for r in server.requests] == ["json_schema", "json_object"]
    assert reply.usage.attempts == 2
    assert reply.usage.calls == 1
    # Remembered: the next call goes straight to json_object.
    assert backend.request_format == "json_object"
    server.queue(server.reply({"name": "b", "n": 2}))
    assert ask(backend).usage.attempts == 1
    assert server.requests[-1]["response_format"]["type"] == "json_object"


def test_rejected_json_object_steps_down_to_tools(server: Any) -> None:
    server.queue(
        server.error(400, "response_format json_object is not supported"),
        server.reply({"name": "a", "n": 1}),
    )
    backend = server.backend(request_format="json_object")
    assert dump(ask(backend)) == {"name": "a", "n": 1}
    assert "tools" in server.requests[1]
    assert backend.request_format == "tools"


def test_other_bad_request_is_not_a_fallback(server: Any) -> None:
    server.queue(server.error(400, "context length exceeded"))
    with pytest.raises(BackendError) as info:
        ask(server.backend(request_format="json_schema"))
    assert info.value.status_code == 400
    assert info.value.attempts == 1
    assert len(server.requests) == 1


# ----------------------------------------------------------------------------- transport retries


def test_429_with_retry_after_is_retried(server: Any) -> None:
    busy = server.error(429, "rate limited", headers={"Retry-After": "0"})
    server.queue(busy, busy, server.reply({"name": "a", "n": 1}))
    reply = ask(server.backend())
    assert dump(reply) == {"name": "a", "n": 1}
    assert reply.usage.attempts == 3
    assert reply.usage.calls == 1
    assert len(server.requests) == 3


def test_retry_after_header_beats_backoff(server: Any, monkeypatch: Any) -> None:
    """With a 30 s backoff and no jitter luck, only Retry-After: 0 makes this fast."""
    from factx.backends import _openai

    monkeypatch.setattr(_openai.random, "uniform", lambda a, b: b)
    server.queue(
        server.error(429, "slow down", headers={"Retry-After": "0"}),
        server.reply({"name": "a", "n": 1}),
    )
    backend = server.backend(backoff_base=30.0, backoff_max=30.0)
    reply = asyncio.run(asyncio.wait_for(backend.complete(MESSAGES, Thing), timeout=5))
    assert reply.usage.attempts == 2


def test_503_is_retried(server: Any) -> None:
    server.queue(server.error(503, "overloaded"), server.reply({"name": "a", "n": 1}))
    reply = ask(server.backend())
    assert reply.value is not None
    assert reply.usage.attempts == 2


def test_timeout_is_retried(server: Any) -> None:
    server.queue(httpx.ReadTimeout("too slow"), server.reply({"name": "a", "n": 1}))
    reply = ask(server.backend())
    assert reply.value is not None
    assert reply.usage.attempts == 2


def test_connection_error_exhausts_into_backend_error(server: Any) -> None:
    server.queue(*[httpx.ConnectError("refused")] * 2)
    with pytest.raises(BackendError) as info:
        ask(server.backend(max_retries=1))
    assert info.value.attempts == 2
    assert info.value.status_code is None


def test_retries_exhausted_raise_backend_error(server: Any) -> None:
    busy = server.error(429, "rate limited", headers={"Retry-After": "0"})
    server.queue(busy, busy, busy)
    with pytest.raises(BackendError) as info:
        ask(server.backend(max_retries=2))
    assert info.value.status_code == 429
    assert info.value.attempts == 3
    assert len(server.requests) == 3
    assert "429" in str(info.value)


def test_401_fails_at_once_without_leaking_the_key(server: Any) -> None:
    server.queue(server.error(401, "Incorrect API key provided"))
    backend = server.backend(max_retries=5)
    with pytest.raises(BackendError) as info:
        ask(backend)
    err = info.value
    assert err.status_code == 401
    assert err.attempts == 1
    assert len(server.requests) == 1
    for shown in (str(err), repr(err), repr(backend), str(backend)):
        assert server.api_key not in shown


def test_backend_error_is_not_an_extraction_error() -> None:
    assert not issubclass(BackendError, factx.ExtractionError)


# ----------------------------------------------------------------------------- bad answers


def test_garbage_answer_is_a_reply_error_not_an_exception(server: Any) -> None:
    server.queue(server.reply("not json"))
    reply = ask(server.backend())
    assert reply.value is None
    assert reply.error
    assert reply.raw == "not json"
    assert reply.usage.calls == 1
    assert reply.usage.attempts == 1
    assert len(server.requests) == 1  # instructor's own retries are off: re-asks are factx's


def test_schema_violation_names_the_field(server: Any) -> None:
    server.queue(server.reply({"name": "a"}))
    reply = ask(server.backend())
    assert reply.value is None
    assert reply.error is not None and "n" in reply.error
    assert reply.raw == '{"name": "a"}'


# ----------------------------------------------------------------------------- resolution


def test_unknown_backend_suggests_a_name() -> None:
    with pytest.raises(UnknownBackendError) as info:
        resolve_backend("opena:gpt")
    assert "did you mean 'openai" in str(info.value)
    assert isinstance(info.value, ConfigError)


def test_unknown_backend_without_close_match() -> None:
    with pytest.raises(UnknownBackendError, match="known: "):
        resolve_backend("zzzzzz:model")


def test_openai_needs_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(MissingKeyError, match="OPENAI_API_KEY"):
        resolve_backend("openai:x")


def test_openai_key_from_env_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-env-SECRET-fedcba9876543210"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    backend = resolve_backend("openai:gpt-4o-mini")
    assert isinstance(backend, OpenAIBackend)
    assert backend.model == "gpt-4o-mini"
    assert key not in repr(backend)


def test_openai_compatible_needs_a_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="base_url"):
        resolve_backend("openai-compatible:x")


def test_openai_compatible_base_url_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    backend = resolve_backend("openai-compatible:qwen", base_url="http://localhost:8080/v1")
    assert isinstance(backend, OpenAIBackend)
    assert backend.base_url == "http://localhost:8080/v1"
    assert backend.request_format == "json_object"


def test_missing_model_name() -> None:
    with pytest.raises(ConfigError, match="needs a model name"):
        resolve_backend("openai-compatible")


def test_factx_backend_env_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTX_BACKEND", "openai-compatible:from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    backend = resolve_backend(None)
    assert isinstance(backend, OpenAIBackend)
    assert backend.model == "from-env"
    assert backend.base_url == "http://127.0.0.1:9/v1"
    monkeypatch.setenv("FACTX_BACKEND", "opena:gpt")
    with pytest.raises(UnknownBackendError):
        resolve_backend()


def test_backend_object_passes_through() -> None:
    fake = FakeBackend([])
    assert resolve_backend(fake) is fake
    assert factx.Extractor(fake).backend is fake


def test_non_backend_object_is_rejected() -> None:
    with pytest.raises(ConfigError, match="Backend object"):
        resolve_backend(42)  # type: ignore[arg-type]


def test_bad_strategy_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="strategy"):
        factx.Extractor(FakeBackend([]), strategy="fast")


def test_fake_backend_needs_exactly_one_source() -> None:
    with pytest.raises(ValueError):
        FakeBackend()
    with pytest.raises(ValueError):
        FakeBackend([], responder=lambda m, r: {})


# ----------------------------------------------------------------------------- end to end


def test_extract_end_to_end_over_the_wire(server: Any) -> None:
    text = (SEEDS / "000_b1cba7760af5b319.txt").read_text(encoding="utf-8")
    quoted = "Dia adalah pemimpin Barat pertama yang menunjukkan empati"
    article = Article.parse(text)
    (sentence,) = [s for s in article.sentences if quoted in s.text]

    def answer(body: dict[str, Any]) -> Any:
        prompt = body["messages"][-1]["content"]
        assert f"[{sentence.index}] {sentence.text}" in prompt  # the numbered article is sent
        return server.reply(
            {
                "quotes": [
                    {
                        "speaker": "Imran Khan",
                        "text": quoted,
                        "cue": "kata",
                        "sentence": sentence.index,
                    }
                ]
            },
            prompt_tokens=1234,
            completion_tokens=56,
        )(body)

    server.queue(answer)
    facts = factx.extract(text, backend=server.backend(), strategy="single", source="000")
    (quote,) = facts.quotes
    assert quote.text == quoted
    assert quote.speaker == "Imran Khan"
    (span,) = quote.evidence
    assert text[span.start : span.end] == span.text
    assert quoted in span.text
    assert sentence.start <= span.start < span.end <= sentence.end
    assert facts.usage.calls == 1
    assert facts.usage.attempts == 1
    assert facts.usage.prompt_tokens == 1234
    assert facts.usage.completion_tokens == 56
    assert facts.usage.model == "mock-model"
    assert facts.published == "2022-02-22"
    assert facts.source == "000"
    assert len(server.requests) == 1


# ----------------------------------------------------------------------------- network guard


def test_network_is_off_in_tests() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(OSError, match="must not use the network"):
            sock.connect(("203.0.113.1", 80))  # TEST-NET-3: never routable anyway
    finally:
        sock.close()


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.connect(listener.getsockname())
