"""``factx extract --engine``: the checks made before any Ray is started (no Ray needed)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from factx.cli import main


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("Menteri itu tiba di Jakarta pada hari Senin.\n", encoding="utf-8")


def cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    args = ["extract", "a.txt", "--backend", "openai-compatible:m", "--base-url", "http://x/v1"]
    code = main([*args, *argv], stdout=io.StringIO(), stderr=err)
    return code, err.getvalue()


def test_ray_engine_without_ray_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    code, err = cli("--engine", "ray", "-o", "out.jsonl")
    assert code == 2 and 'pip install "factx[ray]"' in err
    assert not Path("out.jsonl").exists()


def test_parquet_output_needs_the_ray_engine() -> None:
    code, err = cli("-o", "out.parquet")
    assert code == 2 and "Parquet output needs --engine ray" in err


def test_max_cost_is_refused_with_the_ray_engine() -> None:
    code, err = cli("--engine", "ray", "--max-cost", "1", "--price", "m=1,1")
    assert code == 2 and "--max-cost is not supported with --engine ray" in err


def test_workers_must_be_positive() -> None:
    code, err = cli("--engine", "ray", "--workers", "0")
    assert code == 2 and "--workers must be at least 1" in err
