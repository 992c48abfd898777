"""Every command reads what ``factx extract`` writes and refuses what it cannot read
(issue #15): ``eval`` takes JSONL and JSON arrays (resumed runs and skipped records included),
``view`` on a CSV is a clear error (exit 2), and ``-o out.xlsx`` is a usage error, never JSONL.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from factx.backends import FakeBackend
from factx.cli import main
from factx.eval import evaluate
from factx.eval import main as eval_main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GOLD = SEEDS / "seeds.gold.jsonl"
ANSWER = {
    "visits": [],
    "agreements": [],
    "statements": [{"speaker": "Sergey Lavrov", "content": "arrived", "sentences": [1]}],
    "quotes": [],
}


def extract(tmp_path: Path, output: str, *extra: str) -> tuple[int, str]:
    err = io.StringIO()
    docs = [str(SEEDS / "000_b1cba7760af5b319.txt"), str(SEEDS / "001_505f7a10906b88f1.txt")]
    code = main(
        ["extract", *docs, "-o", output, "--no-cache", "-q", *extra],
        backend=FakeBackend(responder=lambda m, r: ANSWER),
        stderr=err,
    )
    return code, err.getvalue()


def test_eval_reads_the_json_array_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsonl, array = tmp_path / "out.jsonl", tmp_path / "out.json"
    assert extract(tmp_path, str(jsonl))[0] == 0
    assert extract(tmp_path, str(array))[0] == 0
    assert array.read_text(encoding="utf-8").lstrip().startswith("[")
    from_jsonl = evaluate(GOLD, jsonl, SEEDS)
    from_array = evaluate(GOLD, array, SEEDS)
    assert from_array.per_kind == from_jsonl.per_kind
    assert from_array.per_kind["statements"].tp + from_array.per_kind["statements"].fp == 2
    assert eval_main([str(array), "--gold", str(GOLD), "--articles", str(SEEDS), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["per_kind"]


def test_eval_reads_resumed_and_budget_skipped_outputs(tmp_path: Path) -> None:
    good = tmp_path / "out.jsonl"
    assert extract(tmp_path, str(good))[0] == 0
    records = [json.loads(line) for line in good.read_text(encoding="utf-8").splitlines()]
    first, second = records
    resumed = tmp_path / "resumed.jsonl"
    lines: list[dict[str, Any]] = [
        {"source": first["source"], "error": {"type": "BackendError", "message": "down"}},
        {"source": second["source"], "skipped": {"reason": "budget", "message": "spent"}},
        first,  # the retried article's success, appended by the resumed run
    ]
    resumed.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    report = evaluate(GOLD, resumed, SEEDS)
    assert [(f.doc, f.type) for f in report.failures] == [
        ("001_505f7a10906b88f1.txt", "skipped (budget)")
    ]


def test_view_of_a_csv_is_a_clear_error(tmp_path: Path) -> None:
    csv_out = tmp_path / "out.csv"
    assert extract(tmp_path, str(csv_out))[0] == 0
    err = io.StringIO()
    code = main(["view", str(csv_out), "--articles", str(SEEDS), "-o", str(tmp_path / "r.html")],
                stderr=err)  # fmt: skip
    assert code == 2
    assert "no factx records" in err.getvalue() and "JSONL or JSON" in err.getvalue()
    assert not (tmp_path / "r.html").exists()
    missing = main(["view", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "r.html")],
                   stderr=io.StringIO())  # fmt: skip
    assert missing == 2


@pytest.mark.parametrize("name", ["out.xlsx", "out.txt", "out"])
def test_unknown_output_extension_is_a_usage_error(tmp_path: Path, name: str) -> None:
    code, err = extract(tmp_path, str(tmp_path / name))
    assert code == 2
    assert "cannot tell the output format" in err and "--format" in err
    assert not (tmp_path / name).exists()


def test_format_flag_still_names_any_output(tmp_path: Path) -> None:
    out = tmp_path / "results.data"
    code, err = extract(tmp_path, str(out), "--format", "jsonl")
    assert code == 0, err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
