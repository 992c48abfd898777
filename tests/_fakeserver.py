"""A small OpenAI-compatible chat-completions server on loopback, with scripted faults.

It answers factx's single-strategy request (one statement on sentence 1) and, with
``faults=True``, injects failures deterministically per article and attempt, so a test knows
exactly which articles must end as error records whatever the order of requests. An article is
recognised by ``ART-<n>`` in its text; its fault plan (``plan(n)``):

- ``n % 10 == 7``: every answer is garbage (not JSON): the article fails with ExtractionError
  after factx's re-asks;
- ``n % 10 == 9``: every request gets HTTP 500: the article fails with BackendError after the
  transport retries;
- otherwise ``n % 3 == 0``: the first request gets HTTP 500; ``n % 3 == 1``: the first request
  gets HTTP 429 (``Retry-After: 0``); ``n % 4 == 2``: the first answer is garbage (a re-ask
  fixes it); ``n % 4 == 3``: the first response is an HTML page with status 200 instead of
  JSON (a proxy's error page; a re-ask fixes it). These articles succeed.

Used by the Ray test (a thread in the test process; Ray workers reach it over loopback) and by
``benchmarks/ray_throughput.py`` (its own process: ``python -m tests._fakeserver --latency 1``
prints the base URL and serves until killed).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWER = {
    "visits": [],
    "agreements": [],
    "statements": [{"speaker": "Retno Marsudi", "content": "spoke", "sentences": [1]}],
    "quotes": [],
}
GARBAGE = "<html>Sorry, the model is overloaded</html> {not json"
_ARTICLE = re.compile(r"ART-(\d+)")


def article(n: int) -> str:
    """A synthetic article the server recognises (sentence 1 is in the body)."""
    return (
        f"Menteri Luar Negeri Retno Marsudi berbicara di Jakarta pada hari Senin, kode ART-{n}.\n\n"
        "Pertemuan itu dihadiri oleh para duta besar dari negara-negara sahabat.\n"
    )


def plan(n: int, attempt: int) -> str:
    """What the server does on the ``attempt``-th request (1-based) for article ``n``."""
    if n % 10 == 7:
        return "garbage"
    if n % 10 == 9:
        return "500"
    if attempt == 1:
        if n % 3 == 0:
            return "500"
        if n % 3 == 1:
            return "429"
        if n % 4 == 2:
            return "garbage"
        if n % 4 == 3:
            return "html"
    return "ok"


def expected_failures(ids: range) -> dict[int, str]:
    """Article numbers that must end as error records, with the error type."""
    out = {}
    for n in ids:
        if n % 10 == 7:
            out[n] = "ExtractionError"
        elif n % 10 == 9:
            out[n] = "BackendError"
    return out


class FakeOpenAIServer:
    """The server; ``with FakeOpenAIServer() as s: s.base_url``.

    Args:
        latency: seconds each answer takes (a model's response time).
        faults: inject the scripted faults (see the module docstring).
        port: 0 for any free port.
    """

    def __init__(self, *, latency: float = 0.0, faults: bool = True, port: int = 0) -> None:
        self.latency = latency
        self.faults = faults
        self.requests = 0
        self.attempts: dict[int, int] = {}
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAIServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def decide(self, body: dict[str, Any]) -> str:
        """Count the request and pick the scripted outcome."""
        text = " ".join(str(m.get("content") or "") for m in body.get("messages", []))
        found = _ARTICLE.search(text)
        with self._lock:
            self.requests += 1
            if found is None or not self.faults:
                return "ok"
            n = int(found.group(1))
            self.attempts[n] = self.attempts.get(n, 0) + 1
            return plan(n, self.attempts[n])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # many clients connect at once
    owner: FakeOpenAIServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the openai client expects
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._send(400, {"error": {"message": "request body is not JSON"}})
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        owner = self.server.owner
        outcome = owner.decide(body)
        if owner.latency:
            time.sleep(owner.latency)
        if outcome == "html":
            self._send_raw(200, b"<html><body>502 Bad Gateway</body></html>", "text/html")
        elif outcome == "500":
            self._send(500, {"error": {"message": "internal server error (injected)"}})
        elif outcome == "429":
            self._send(429, {"error": {"message": "rate limited (injected)"}}, {"Retry-After": "0"})
        else:
            content = GARBAGE if outcome == "garbage" else json.dumps(ANSWER)
            self._send(200, _completion(body, content))

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode("utf-8"), "application/json", headers)

    def _send_raw(
        self, status: int, data: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _completion(body: dict[str, Any], content: str) -> dict[str, Any]:
    prompt = sum(len(str(m.get("content") or "")) for m in body.get("messages", [])) // 4
    completion = len(content) // 4
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    parser.add_argument("--faults", action="store_true", help="inject the scripted faults")
    args = parser.parse_args(argv)
    server = FakeOpenAIServer(latency=args.latency, faults=args.faults, port=args.port)
    print(server.base_url, flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
