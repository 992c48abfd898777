"""Ray Data engine: a local Ray, a loopback OpenAI-compatible server injecting 500/429/garbage.

Skipped when Ray is not installed (extra ``ray``); CI installs it. One Ray for the module:
``ray.init`` takes several seconds.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import factx.ray  # noqa: E402
from factx._io import load_results  # noqa: E402
from factx._raycli import read_parquet_state  # noqa: E402
from factx.cli import main  # noqa: E402
from factx.exceptions import ConfigError  # noqa: E402
from factx.models import ArticleFacts  # noqa: E402
from tests._fakeserver import FakeOpenAIServer, article, expected_failures  # noqa: E402

# Ray's own modules warn about their deprecated settings when its DataContext is built.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*")

ROOT = Path(__file__).resolve().parents[1]
N = 200
FAST_RETRIES = {"backoff_base": 0.01, "max_retries": 3}


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    # Workers are other processes: they import this checkout's factx and reach the fake
    # server over loopback (the network guard of conftest.py does not apply to them).
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        _node_ip_address="127.0.0.1",
        runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}},
    )
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    yield
    ray.shutdown()


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(faults=True) as s:
        yield s


def test_every_article_comes_back_once_failures_as_error_records(
    local_ray: None, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    rows = [{"id": f"a{i}", "text": article(i), "section": f"s{i % 4}"} for i in range(N)]
    ds = ray.data.from_items(rows)
    out = factx.ray.extract_dataset(
        ds,
        backend="openai-compatible:fake-model",
        base_url=server.base_url,
        strategy="single",
        concurrency=2,
        max_in_flight=8,
        batch_size=25,
        prices={"fake-model": (1.0, 2.0)},
        **FAST_RETRIES,
    ).materialize()  # executed once: the writes below reuse these rows
    got = out.take_all()

    ids = Counter(r["id"] for r in got)
    assert len(got) == N and set(ids) == {f"a{i}" for i in range(N)} and max(ids.values()) == 1
    want = {f"a{n}": kind for n, kind in expected_failures(range(N)).items()}
    failed = {r["id"]: r["error_type"] for r in got if r["error_type"] is not None}
    assert failed == want and len(want) == 40
    for r in got:
        assert r["section"] == f"s{int(r['id'][1:]) % 4}"  # other columns pass through
        if r["error_type"] is None:
            facts = ArticleFacts.model_validate_json(r["facts_json"])
            assert facts.source == r["id"] and r["n_statements"] == len(facts.statements) == 1
            assert r["prompt_tokens"] == facts.usage.prompt_tokens > 0
            assert r["cost_usd"] == pytest.approx(facts.usage.cost_usd) and r["cost_usd"] > 0
        else:
            assert r["facts_json"] is None and r["error_message"] and r["cost_usd"] is None
    # the scripted 500s, 429s and garbage answers were all met (and survived where transient)
    assert server.requests > N + 40

    out.write_parquet(str(tmp_path / "pq"))
    out.write_json(str(tmp_path / "js"))
    table = pq.read_table(tmp_path / "pq")
    assert table.num_rows == N
    assert table.schema.field("facts_json").type == pa.string()
    assert table.schema.field("cost_usd").type == pa.float64()
    lines = [json.loads(line) for f in sorted((tmp_path / "js").iterdir()) for line in f.open()]
    assert sorted(x["id"] for x in lines) == sorted(ids)


def test_rows_without_text_are_error_records(local_ray: None, server: FakeOpenAIServer) -> None:
    table = pa.table({"id": [1, 2, 3], "text": [article(0), None, article(3)]})
    out = factx.ray.extract_dataset(
        ray.data.from_arrow(table),
        backend="openai-compatible:fake-model",
        base_url=server.base_url,
        strategy="single",
        concurrency=1,
        **FAST_RETRIES,
    ).take_all()
    assert [r["id"] for r in out] == [1, 2, 3]  # order kept within a batch
    assert [r["error_type"] for r in out] == [None, "InputError", None]
    assert factx.ray.to_record(out[1]) == {
        "source": "2",
        "error": {"type": "InputError", "message": "row 2: 'text' is no text"},
    }
    assert factx.ray.to_record(out[0])["source"] == "1"


def test_a_missing_text_column_fails_clearly(local_ray: None, server: FakeOpenAIServer) -> None:
    ds = ray.data.from_items([{"id": "x", "body": "..."}])
    job = factx.ray.extract_dataset(
        ds, backend="openai-compatible:m", base_url=server.base_url, concurrency=1
    )
    with pytest.raises(Exception, match="no text column 'text'"):
        job.take_all()


def test_bad_arguments_fail_before_running() -> None:
    with pytest.raises(ConfigError, match="concurrency"):
        factx.ray.extract_dataset(ray.data.range(1), concurrency=0)


# --------------------------------------------------------------------------- CLI


def cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    code = main(list(argv), stdout=io.StringIO(), stderr=err)
    return code, err.getvalue()


def test_cli_engine_ray_reads_parquet_writes_parquet_and_resumes(
    local_ray: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with open("a.jsonl", "w", encoding="utf-8") as fh:
        for i in range(6):
            fh.write(json.dumps({"id": f"j{i}", "text": article(1000 + i)}) + "\n")
    ids = list(range(10))
    texts = [article(2000 + i) for i in ids]
    Path("in").mkdir()
    pq.write_table(pa.table({"doc": ids, "body": texts, "extra": ids}), "in/b.parquet")
    with FakeOpenAIServer(faults=False) as s:
        common = ["--engine", "ray", "--backend", "openai-compatible:fake-model"]
        common += ["--base-url", s.base_url, "--strategy", "single", "--workers", "1"]
        common += ["--id-field", "doc", "--text-field", "body"]
        # the output folder is inside the input folder: its part files are never inputs
        code, err = cli("extract", "in", "missing.txt", "-o", "in/out.parquet", *common)
        assert code == 1, err  # missing.txt is an error record
        state = read_parquet_state("in/out.parquet")
        assert state.done == {str(i) for i in ids} and state.failed == {"missing.txt"}
        assert s.requests == 10

        code, err = cli("extract", "in", "missing.txt", "-o", "in/out.parquet", *common)
        assert "resuming in/out.parquet: 10 done, 1 failed before, retrying" in err
        assert s.requests == 10  # nothing done is sent again
        table = pq.read_table("in/out.parquet")
        assert table.num_rows == 12 and set(table.column("source").to_pylist()) == {
            *map(str, ids),
            "missing.txt",
        }

        plain = ["--engine", "ray", "--backend", "openai-compatible:fake-model"]
        plain += ["--base-url", s.base_url, "--strategy", "single", "--workers", "1"]
        code, err = cli("extract", "a.jsonl", "-o", "out.jsonl", "--max-articles", "4", *plain)
        assert code == 0, err
        code, err = cli("extract", "a.jsonl", "-o", "out.jsonl", *plain)
        assert code == 0 and "resuming out.jsonl: 4 done" in err
        final = load_results("out.jsonl")
        assert sorted(final) == [f"j{i}" for i in range(6)]
        assert all(len(r["statements"]) == 1 for r in final.values())
        assert s.requests == 16


def test_cli_parquet_needs_the_ray_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    pq.write_table(pa.table({"id": [1], "text": ["x"]}), "b.parquet")
    code, err = cli("extract", "b.parquet", "--backend", "openai-compatible:m", "--base-url", "x")
    assert code == 2 and "Parquet input needs --engine ray" in err
    code, err = cli("extract", "b.parquet", "--engine", "ray", "--id-field", "doc",
                    "--backend", "openai-compatible:m", "--base-url", "x")  # fmt: skip
    assert code == 2 and "no id column 'doc'" in err
