"""The API key never leaks: not in logs, error records, usage, the cache or the report.

A hostile OpenAI-compatible server on loopback echoes the request's ``Authorization`` header
(and the bare key) in its error bodies and in some of its answers. factx runs against it
end to end through the CLI, and every output is searched for the key.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import secrets
import threading
import traceback
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from factx import Extractor
from factx.cli import main
from factx.exceptions import BackendError, ExtractionError
from tests._fakeserver import ANSWER, _completion, article

_ARTICLE = re.compile(r"ART-(\d+)")

# What the server does for article n (every attempt, unless said otherwise).
PLAN = {
    1: "401",  # "Incorrect API key provided: Bearer KEY": BackendError at once
    2: "500",  # echoes the header on every attempt: BackendError after the retries
    3: "400",  # a bad request that echoes the key: BackendError, no format fallback
    4: "garbage",  # 200 with non-JSON text quoting the header: ExtractionError after re-asks
    5: "echo-answer",  # a valid answer whose content quotes the key: a (cached) success
    6: "500-once",  # one echoing 500, then a clean answer: a success
    7: "ok",
}
FAILING = {1: "BackendError", 2: "BackendError", 3: "BackendError", 4: "ExtractionError"}


class HostileServer:
    """Chat completions on 127.0.0.1 that echo the credentials they receive."""

    def __init__(self) -> None:
        self.attempts: dict[int, int] = {}
        self.authorizations: set[str] = set()
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def outcome(self, body: dict[str, Any], authorization: str) -> str:
        text = " ".join(str(m.get("content") or "") for m in body.get("messages", []))
        found = _ARTICLE.search(text)
        with self.lock:
            self.authorizations.add(authorization)
            if found is None:
                return "ok"
            n = int(found.group(1))
            self.attempts[n] = self.attempts.get(n, 0) + 1
            plan = PLAN.get(n, "ok")
            if plan == "500-once":
                return "500" if self.attempts[n] == 1 else "ok"
            return plan


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        auth = self.headers.get("Authorization") or ""
        key = auth.removeprefix("Bearer ")
        owner: HostileServer = self.server.owner  # type: ignore[attr-defined]
        outcome = owner.outcome(body, auth)
        if outcome == "401":
            self._send(401, _error(f"Incorrect API key provided: {auth}.", "invalid_api_key"))
        elif outcome == "500":
            # Retry-After: 0 keeps the transport retries instant.
            message = f"upstream failed for request with Authorization: {auth} (key {key})"
            self._send(500, _error(message, "server_error"), {"Retry-After": "0"})
        elif outcome == "400":
            self._send(400, _error(f"temperature is not allowed for key {key}", "bad_request"))
        elif outcome == "garbage":
            self._send(200, _completion(body, f"<html>denied: Authorization: {auth}</html> {{"))
        elif outcome == "echo-answer":
            answer = json.loads(json.dumps(ANSWER))
            answer["statements"][0]["content"] = f"spoke (headers: Authorization: {auth}; {key})"
            self._send(200, _completion(body, json.dumps(answer)))
        else:
            self._send(200, _completion(body, json.dumps(ANSWER)))

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _error(message: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "code": code}}


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join()


def _needles(key: str) -> list[str]:
    # The whole key, the header, and a fragment (a truncated echo still leaks).
    return [key, f"Bearer {key}", key[-16:]]


def _assert_clean(where: str, text: str, key: str) -> None:
    for needle in _needles(key):
        assert needle not in text, f"the API key leaked into {where}"


def _keys() -> list[str]:
    token = secrets.token_hex(16)
    # An OpenAI-style key, and one without the "sk-" shape (other providers' keys).
    return [f"sk-factx-LEAKCHECK-{token}", f"gsk_factxLEAKCHECK{token}"]


@pytest.mark.parametrize("key", _keys(), ids=["sk-key", "other-key"])
@pytest.mark.parametrize("to_file", [True, False], ids=["output-file", "stdout"])
def test_cli_run_against_a_key_echoing_server_leaks_nothing(
    key: str,
    to_file: bool,
    hostile: HostileServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    caplog.set_level(logging.DEBUG)  # openai, httpx, instructor, factx: everything
    articles = tmp_path / "articles"
    articles.mkdir()
    for n in PLAN:
        (articles / f"a{n}.txt").write_text(article(n), encoding="utf-8")
    cache = tmp_path / "cache"
    report = tmp_path / "report.html"
    output = tmp_path / "out.jsonl"
    argv = [
        "extract",
        str(articles),
        "--backend",
        "openai-compatible:some-model",
        "--base-url",
        hostile.base_url,
        "--cache-dir",
        str(cache),
        "--html",
        str(report),
        "--debug",
        "-j",
        "4",
    ]
    if to_file:
        argv += ["-o", str(output)]
    out, err = io.StringIO(), io.StringIO()

    code = main(argv, stdin=io.StringIO(""), stdout=out, stderr=err)

    # The server did see the key and echo it: the run really was hostile.
    assert hostile.authorizations == {f"Bearer {key}"}
    assert code == 1
    lines = (output.read_text(encoding="utf-8") if to_file else out.getvalue()).splitlines()
    records = {int(Path(r["source"]).stem[1:]): r for r in map(json.loads, lines)}
    assert sorted(records) == sorted(PLAN)
    assert {n: r["error"]["type"] for n, r in records.items() if "error" in r} == FAILING
    echoed = records[5]
    assert "[REDACTED]" in echoed["statements"][0]["content"]
    assert echoed["usage"]["calls"] == 1
    assert list(cache.rglob("*.json")), "the successes were cached"
    assert report.exists()

    _assert_clean("stdout", out.getvalue(), key)
    _assert_clean("stderr", err.getvalue(), key)
    _assert_clean("the log", caplog.text, key)
    for record in caplog.records:
        shown = record.getMessage() + repr(record.args) + repr(record.__dict__)
        if record.exc_info:
            shown += "".join(traceback.format_exception(*record.exc_info))
        _assert_clean(f"log record {record.name}", shown, key)
    for record in records.values():
        _assert_clean(f"usage of {record['source']}", json.dumps(record.get("usage")), key)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.is_relative_to(cache) for p in files)
    assert any(p.suffix == ".html" for p in files)
    for path in files:
        _assert_clean(str(path.relative_to(tmp_path)), path.read_bytes().decode("utf-8"), key)


@pytest.mark.parametrize("key", _keys(), ids=["sk-key", "other-key"])
def test_library_errors_carry_no_key(key: str, hostile: HostileServer) -> None:
    asyncio.run(_library_errors_carry_no_key(key, hostile))
    assert hostile.authorizations == {f"Bearer {key}"}


async def _library_errors_carry_no_key(key: str, hostile: HostileServer) -> None:
    extractor = Extractor(
        "openai-compatible:some-model",
        base_url=hostile.base_url,
        api_key=key,
        max_retries=2,
        backoff_base=0.001,
    )
    async with extractor:
        for n, kind in FAILING.items():
            expected = BackendError if kind == "BackendError" else ExtractionError
            with pytest.raises(expected) as info:
                await extractor.aextract(article(n), source=f"a{n}")
            e = info.value
            shown = [
                str(e),
                repr(e),
                "".join(traceback.format_exception(e)),
                repr(e.__cause__),
                repr(getattr(e.__cause__, "body", None)),
            ]
            if isinstance(e, ExtractionError):
                assert e.last_raw is not None and "[REDACTED]" in e.last_raw
                assert e.usage is not None
                shown += [e.last_raw, repr(e.errors), e.usage.model_dump_json()]
            for text in shown:
                _assert_clean(f"the error of article {n}", text, key)
        facts = await extractor.aextract(article(5), source="a5")
        _assert_clean("a result", facts.model_dump_json(), key)
        _assert_clean("the extractor", repr(extractor), key)


def test_redaction_spares_ordinary_words() -> None:
    from factx.backends._openai import _redact

    key = "gsk_factxLEAKCHECK0123456789"
    text = f"risk-assessment in Minsk-Warsaw talks; Bearer sk-abcdefgh123; key {key}"
    assert _redact(text, (key,)) == (
        "risk-assessment in Minsk-Warsaw talks; Bearer [REDACTED]; key [REDACTED]"
    )
    # Answers lose only the exact key: a model may well write "sk-" or "Bearer".
    answer = "the standard Bearer Prabowo-Subianto; sk-style names"
    assert _redact(f"{answer} {key}", (key,), shapes=False) == f"{answer} [REDACTED]"
