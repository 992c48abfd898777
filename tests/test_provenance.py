"""Every record says what produced it (issue #15): factx and pipeline version, strategy,
backend provider, model and server host (never credentials), UTC time, sha256 of the text."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

import factx
from factx import Extractor
from factx._batch import ResultCache, extract_many
from factx._io import InputItem
from factx.backends import FakeBackend, OpenAIBackend
from factx.cli import main
from factx.exceptions import BackendError
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
ROOT = Path(__file__).resolve().parents[1]


def pipeline_version() -> str:
    from factx._provenance import pipeline_version

    return pipeline_version()


def test_extract_records_provenance() -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    facts = factx.extract(TEXT, backend=FakeBackend(responder=lambda m, r: ANSWER, model="m1"))
    p = facts.provenance
    assert p is not None
    assert p.factx_version == factx.__version__
    assert p.pipeline == pipeline_version() and re.fullmatch(r"sha256:[0-9a-f]{16}", p.pipeline)
    assert p.strategy == "single" and p.provider == "fake" and p.model == "m1"
    assert p.base_url_host is None
    assert p.text_sha256 == hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert p.extracted_at.endswith("Z")
    when = datetime.fromisoformat(p.extracted_at.replace("Z", "+00:00"))
    assert before <= when <= datetime.now(timezone.utc)
    assert factx.Provenance is type(p)


def test_server_host_only_never_credentials_or_path() -> None:
    server = MockServer().queue(MockServer.reply(ANSWER))
    client = httpx.AsyncClient(transport=httpx.MockTransport(server.handler))
    url = "https://alice:s3cret@gpu-1.example:8443/v1?api_key=k3y#x"
    backend = OpenAIBackend("qwen2.5-7b", api_key="sk-abcdefgh12345678", base_url=url,
                            http_client=client)  # fmt: skip
    facts = Extractor(backend).extract(TEXT)
    p = facts.provenance
    assert p is not None and p.base_url_host == "gpu-1.example:8443"
    assert p.provider == "openai-compatible" and p.model == "qwen2.5-7b"
    dumped = facts.model_dump_json()
    for secret in ("alice", "s3cret", "k3y", "sk-abcdefgh", "/v1"):
        assert secret not in dumped
    from factx._provenance import server_host

    assert server_host("http://[::1]:8000/v1") == "[::1]:8000"
    assert server_host("not a url") is None


def test_pipeline_version_follows_prompts_and_language_files() -> None:
    digest = hashlib.sha256()
    files = sorted(
        [(p.name, p) for p in (ROOT / "factx").glob("*.py")]
        + [(f"backends/{p.name}", p) for p in (ROOT / "factx" / "backends").glob("*.py")]
        + [(f"lang/{p.name}", p) for p in (ROOT / "factx" / "lang").glob("*.toml")]
    )
    names = [name for name, _ in files]
    assert "_prompts.py" in names and "lang/id.toml" in names and "lang/en.toml" in names
    from factx import _provenance

    for name, path in files:
        if name in _provenance._NOT_PIPELINE:
            continue
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    assert pipeline_version() == "sha256:" + digest.hexdigest()[:16]


def test_batch_records_carry_provenance_errors_and_cache_hits_too(tmp_path: Path) -> None:
    def responder(messages: Any, model: Any) -> Any:
        if "GAGAL" in messages[-1]["content"]:
            raise BackendError("server down", status_code=500)
        return ANSWER

    ex = Extractor(FakeBackend(responder=responder), strategy="single")
    cache = ResultCache(tmp_path)
    items = [
        InputItem("ok", text=TEXT),
        InputItem("bad", text=TEXT + " GAGAL di sini."),
        InputItem("unreadable", error=factx.InputError("binary")),
    ]

    async def go(batch: list[InputItem]) -> dict[str, dict[str, Any]]:
        return {r["source"]: r async for r in extract_many(batch, ex, cache=cache)}

    records = asyncio.run(go(items))
    for record in records.values():
        assert record["provenance"]["provider"] == "fake"
        assert record["provenance"]["factx_version"] == factx.__version__
    assert records["ok"]["provenance"]["text_sha256"] == hashlib.sha256(TEXT.encode()).hexdigest()
    assert records["bad"]["error"]["type"] == "BackendError"
    assert records["unreadable"]["provenance"]["text_sha256"] is None
    # a cache hit keeps the provenance of the extraction that made it
    again = asyncio.run(go(items[:1]))["ok"]
    assert again["cached"] is True and again["provenance"] == records["ok"]["provenance"]


def test_cli_output_and_schema_have_provenance(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = main(
        ["extract", str(tmp_path / "a.txt"), "-o", str(out), "--no-cache", "-q"],
        backend=FakeBackend(responder=lambda m, r: ANSWER),
    )
    assert code == 0
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert set(record["provenance"]) == {
        "factx_version", "pipeline", "strategy", "provider", "model", "base_url_host",
        "extracted_at", "text_sha256",
    }  # fmt: skip
    schema = json.loads((ROOT / "schemas" / "ArticleFacts.json").read_text(encoding="utf-8"))
    assert "provenance" in schema["properties"] and "cached" in schema["properties"]
    fields = schema["$defs"]["Provenance"]["properties"]
    assert all(f.get("description") for f in fields.values())
