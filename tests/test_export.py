"""``factx export PRED.jsonl -o facts.csv|facts.parquet|facts.jsonl`` (issue #15): one row per
fact, from what ``factx extract`` wrote, without extracting again and without Ray."""

from __future__ import annotations

import builtins
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from factx.cli import main

VISIT = {
    "visitor": {"name": "Sergey Lavrov", "role": "foreign minister", "country": "RUS"},
    "destination": {"country": "PAK", "city": "Islamabad"},
    "start_date": "2021-04-06",
    "end_date": "2021-04-07",
    "inviter": None,
    "counterparts": ["Imran Khan"],
    "purpose": '=HYPERLINK("http://evil")',
    "status": "completed",
    "evidence": [
        {"text": "Lavrov tiba di Islamabad", "start": 10, "end": 34},
        {"text": "kunjungan dua hari", "start": 50, "end": 68},
    ],
}
AGREEMENT = {
    "parties": [{"name": "Russia", "country": "RUS"}, {"name": "Pakistan", "country": "PAK"}],
    "subject": "energy cooperation",
    "status": "signed",
    "date": "2021-04-07",
    "evidence": [{"text": "menandatangani", "start": 80, "end": 94}],
}
STATEMENT = {
    "speaker": {"name": "Imran Khan", "role": "prime minister", "country": "PAK"},
    "content": "welcomed the visit",
    "date": None,
    "evidence": [],
}
QUOTE = {
    "speaker": "Lavrov",
    "text": "Kami siap",
    "cue": "kata",
    "evidence": [{"text": "Kami siap", "start": 120, "end": 129}],
}


def success(source: str, **facts: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "source": source,
        "url": "https://news.test/a",
        "title": None,
        "published": "2021-04-08",
        "language": "id",
        "visits": [],
        "agreements": [],
        "statements": [],
        "quotes": [],
        "usage": {"model": "m"},
        "warnings": [],
        "partial": False,
    }
    record.update(facts)
    return record


def predictions(tmp_path: Path, as_array: bool = False) -> Path:
    records = [
        {"source": "a.txt", "error": {"type": "BackendError", "message": "down"}},
        success("a.txt", visits=[VISIT], agreements=[AGREEMENT], statements=[STATEMENT]),
        success("b.txt", quotes=[QUOTE], partial=True),
        success("c.txt"),
        {"source": "d.txt", "error": {"type": "InputError", "message": "binary"}},
        {"source": "e.txt", "skipped": {"reason": "budget", "message": "spent"}},
    ]
    path = tmp_path / ("pred.json" if as_array else "pred.jsonl")
    if as_array:
        path.write_text(json.dumps(records), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    code = main(list(argv), stderr=err)
    return code, err.getvalue()


def test_export_csv_one_row_per_fact(tmp_path: Path) -> None:
    out = tmp_path / "facts.csv"
    code, err = run("export", str(predictions(tmp_path)), "-o", str(out))
    assert code == 0, err
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [(r["source"], r["kind"]) for r in rows] == [
        ("a.txt", "visit"),  # the retried article's final record wins
        ("a.txt", "agreement"),
        ("a.txt", "statement"),
        ("b.txt", "quote"),
    ]
    visit = rows[0]
    assert visit["actor"] == "Sergey Lavrov" and visit["actor_role"] == "foreign minister"
    assert visit["actor_country"] == "RUS"
    assert visit["destination_city"] == "Islamabad" and visit["destination_country"] == "PAK"
    assert (visit["start_date"], visit["end_date"], visit["status"]) == (
        "2021-04-06", "2021-04-07", "completed"
    )  # fmt: skip
    assert (visit["start"], visit["end"]) == ("10", "34")
    assert json.loads(visit["evidence"]) == [
        {"start": 10, "end": 34, "text": "Lavrov tiba di Islamabad"},
        {"start": 50, "end": 68, "text": "kunjungan dua hari"},
    ]
    assert visit["purpose"].startswith("'=")  # spreadsheet formulas neutralised
    assert visit["published"] == "2021-04-08" and visit["url"] == "https://news.test/a"
    assert rows[1]["subject"] == "energy cooperation" and rows[1]["actor"] == "Russia; Pakistan"
    assert rows[2]["content"] == "welcomed the visit" and rows[2]["start"] == ""
    assert rows[3]["text"] == "Kami siap" and rows[3]["partial"] == "True"
    assert "1 error record and 1 skipped record left out" in err
    assert "4 facts" in err and "1 without facts" in err


def test_export_jsonl_keeps_integers_and_errors_file(tmp_path: Path) -> None:
    out, errors = tmp_path / "facts.jsonl", tmp_path / "errors.jsonl"
    code, err = run(
        "export", str(predictions(tmp_path, as_array=True)), "-o", str(out), "--errors", str(errors)
    )
    assert code == 0, err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 4
    assert rows[0]["start"] == 10 and rows[0]["end"] == 34 and rows[0]["index"] == 0
    assert rows[2]["start"] is None
    failed = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert [r["source"] for r in failed] == ["d.txt", "e.txt"]
    assert f"written to {errors}" in err


def test_export_parquet_has_typed_columns(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "facts.parquet"
    code, err = run("export", str(predictions(tmp_path)), "-o", str(out))
    assert code == 0, err
    table = pq.read_table(out)
    assert table.num_rows == 4
    assert str(table.schema.field("start").type) == "int64"
    assert str(table.schema.field("end").type) == "int64"
    assert str(table.schema.field("partial").type) == "bool"
    assert table.column("start").to_pylist() == [10, 80, None, 120]
    assert table.column("destination_city").to_pylist()[0] == "Islamabad"
    assert json.loads(table.column("evidence").to_pylist()[3])[0]["text"] == "Kami siap"


def test_export_parquet_without_pyarrow_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    out = tmp_path / "facts.parquet"
    code, err = run("export", str(predictions(tmp_path)), "-o", str(out))
    assert code == 2
    assert 'pip install "factx[parquet]"' in err
    assert not out.exists()


def test_export_usage_errors(tmp_path: Path) -> None:
    pred = predictions(tmp_path)
    code, err = run("export", str(pred), "-o", str(tmp_path / "facts.xlsx"))
    assert code == 2 and ".csv, .parquet or .jsonl" in err
    bad = tmp_path / "not.csv"
    bad.write_text("source,kind\na,visit\n", encoding="utf-8")
    code, err = run("export", str(bad), "-o", str(tmp_path / "x.csv"))
    assert code == 2 and "no factx records" in err
    code, err = run("export", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "x.csv"))
    assert code == 2 and "cannot read" in err


def test_export_from_a_real_extract_run(tmp_path: Path) -> None:
    from factx.backends import FakeBackend

    text = (
        "Menteri Luar Negeri Rusia Sergey Lavrov tiba di Islamabad pada hari Rabu untuk "
        "pembicaraan dua hari. Artikel ini ditulis oleh wartawan kami di kota itu."
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    answer = {
        "visits": [],
        "agreements": [],
        "statements": [{"speaker": "Sergey Lavrov", "content": "arrived", "sentences": [1]}],
        "quotes": [],
    }
    pred = tmp_path / "out.jsonl"
    code = main(
        ["extract", str(tmp_path / "a.txt"), "-o", str(pred), "--no-cache", "-q"],
        backend=FakeBackend(responder=lambda m, r: answer),
    )
    assert code == 0
    out = tmp_path / "facts.jsonl"
    assert run("export", str(pred), "-o", str(out))[0] == 0
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["kind"] == "statement" and row["strategy"] == "single" and row["model"] == "fake"
    assert text[row["start"] : row["end"]] == json.loads(row["evidence"])[0]["text"]
