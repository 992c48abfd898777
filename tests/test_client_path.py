"""The client path of batch runs: cached schemas, lazy folding, one connection pool per event
loop (see benchmarks/throughput.py for the measurements these serve)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import BaseModel, create_model

from factx import Extractor
from factx._article import Article
from factx._ground import Grounder
from factx.backends._base import _SCHEMAS, schema_of
from tests._single import ANSWER, PROSE


class Thing(BaseModel):
    name: str
    n: int


def test_schema_is_computed_once_per_model_and_dropped_with_it() -> None:
    assert schema_of(Thing) is schema_of(Thing)
    assert schema_of(Thing) == Thing.model_json_schema()
    dynamic = create_model("Dynamic", answer=(str, ...))
    assert schema_of(dynamic)["required"] == ["answer"]
    before = len(_SCHEMAS)
    del dynamic
    gc.collect()
    assert len(_SCHEMAS) == before - 1


def test_grounder_folds_only_when_an_exact_match_fails() -> None:
    article = Article.parse(PROSE)
    grounder = Grounder(article)
    span = grounder.locate("Sergey Lavrov")
    assert span is not None and "_folded" not in vars(grounder)
    assert grounder.check(span) is None and "_folded" not in vars(grounder)
    folded = grounder.locate("sergey   LAVROV")
    assert folded is not None and folded.text == "Sergey Lavrov"
    assert "_folded" in vars(grounder)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the client pools the connection

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps(
            {
                "id": "c",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": json.dumps(ANSWER)},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def loopback_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_blocking_extract_reconnects_in_each_event_loop(loopback_url: str) -> None:
    """Each ``extract`` runs its own event loop; a connection pooled by the previous loop
    is dead, so without a fresh client the second call failed (no retries here)."""
    ex = Extractor("openai-compatible:m", base_url=loopback_url, strategy="single", max_retries=0)
    for _ in range(3):
        assert ex.extract(PROSE).statements[0].speaker.name == "Sergey Lavrov"


def test_no_unclosed_connection_noise_at_exit(loopback_url: str, tmp_path: Any) -> None:
    """The CLI, blocking ``extract`` and ``async with Extractor`` close their connections
    while their event loop runs: nothing is reported unclosed when the process ends."""
    (tmp_path / "a.txt").write_text(PROSE, encoding="utf-8")
    script = f"""
import asyncio, sys
from factx import Extractor
from factx.cli import main
url = {loopback_url!r}
code = main(["extract", {str(tmp_path / "a.txt")!r}, "--backend", "openai-compatible:m",
             "--base-url", url, "--strategy", "single", "--no-cache", "-q"])
ex = Extractor("openai-compatible:m", base_url=url, strategy="single")
assert ex.extract({PROSE!r}).statements

async def run():
    async with Extractor("openai-compatible:m", base_url=url, strategy="single") as ex:
        return await ex.aextract({PROSE!r})

assert asyncio.run(run()).statements
sys.exit(code)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert '"Sergey Lavrov"' in done.stdout
    assert "Unclosed" not in done.stderr and "Traceback" not in done.stderr
