"""Shared test setup: the network is off unless a test talks to its own machine."""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkBlockedError(OSError):
    """Raised when a test tries to open a connection off this machine."""


def _is_local(address: Any) -> bool:
    # AF_UNIX sockets take a path (str/bytes); AF_INET/AF_INET6 a (host, port, ...) tuple.
    if not isinstance(address, tuple):
        return True
    host = address[0]
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).split("%", 1)[0]  # IPv6 scope id
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost: would need DNS, so refuse


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse connections to anything but loopback (local test servers stay possible)."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(address: Any) -> None:
        if not _is_local(address):
            raise NetworkBlockedError(f"tests must not use the network (connect to {address!r})")

    def connect(self: socket.socket, address: Any) -> None:
        guard(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield


# ----------------------------------------------------------------------------- mock server

API_KEY = "sk-test-SECRET-0123456789abcdef"


class MockServer:
    """A scripted OpenAI-compatible chat-completions server behind ``httpx.MockTransport``.

    Queue steps with :meth:`queue`: an ``httpx.Response``, an exception to raise (e.g.
    ``httpx.ReadTimeout``), or a callable ``(body) -> Response``. Each request's JSON body is
    kept in ``requests``.
    """

    api_key = API_KEY

    def __init__(self) -> None:
        self.steps: list[Any] = []
        self.requests: list[dict[str, Any]] = []

    def queue(self, *steps: Any) -> MockServer:
        self.steps.extend(steps)
        return self

    @staticmethod
    def error(status: int, message: str, headers: dict[str, str] | None = None) -> Any:
        import httpx

        return httpx.Response(status, headers=headers, json={"error": {"message": message}})

    @staticmethod
    def reply(
        content: str | dict[str, Any], *, prompt_tokens: int = 11, completion_tokens: int = 7
    ) -> Any:
        """A 200 answer; put into tool_calls when the request asked for tools."""
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        return lambda body: MockServer._completion(body, text, prompt_tokens, completion_tokens)

    @staticmethod
    def _completion(body: dict[str, Any], text: str, prompt: int, completion: int) -> Any:
        import httpx

        message: dict[str, Any] = {"role": "assistant", "content": text}
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "call_1", "type": "function",
                     "function": {"name": name, "arguments": text}},
                ],
            }  # fmt: skip
        return httpx.Response(
            200,
            json={
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", "mock"),
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            },
        )

    def handler(self, request: Any) -> Any:
        body = json.loads(request.content)
        self.requests.append(body)
        if not self.steps:
            raise AssertionError("MockServer: no scripted step left for this request")
        step = self.steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        if callable(step):
            return step(body)
        return step

    def backend(self, **settings: Any) -> Any:
        """An OpenAIBackend wired to this server (fast backoff unless overridden)."""
        import httpx

        from factx.backends import OpenAIBackend

        settings.setdefault("api_key", API_KEY)
        settings.setdefault("base_url", "http://mock.test/v1")
        settings.setdefault("backoff_base", 0.01)
        client = httpx.AsyncClient(transport=httpx.MockTransport(self.handler))
        return OpenAIBackend(settings.pop("model", "mock-model"), http_client=client, **settings)


@pytest.fixture
def server() -> MockServer:
    return MockServer()
