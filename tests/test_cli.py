"""The ``factx`` command line (offline, with FakeBackend)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from factx._io import load_results
from factx.backends import FakeBackend
from factx.cli import main
from factx.exceptions import BackendError, ConfigError

PROSE = (
    "Menteri Luar Negeri Rusia Sergey Lavrov tiba di Islamabad pada hari Rabu "
    "untuk pembicaraan dua hari."
)
QUOTED = (
    'Sergey Lavrov mengatakan, "Kami siap bekerja sama dengan Pakistan dalam bidang energi," '
    "kepada wartawan."
)
ANSWER = {
    "visits": [],
    "agreements": [],
    "statements": [{"speaker": "Sergey Lavrov", "content": "=arrived", "sentences": [1]}],
    "quotes": [],
}
QUOTE_ANSWER = {
    "visits": [],
    "agreements": [],
    "statements": [],
    "quotes": [
        {
            "speaker": "Sergey Lavrov",
            "text": "Kami siap bekerja sama dengan Pakistan dalam bidang energi",
            "cue": "mengatakan",
            "sentence": 2,
        }
    ],
}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FACTX_CACHE_DIR", str(tmp_path / ".cache"))
    for name in ("FACTX_BACKEND", "FACTX_CONCURRENCY", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def responder(messages: list[Any], model: Any) -> Any:
    text = " ".join(m["content"] for m in messages)
    if "RUSAK" in text:
        raise BackendError("server error", status_code=500)
    if "Kami siap" in text:
        return QUOTE_ANSWER
    return ANSWER


def fake() -> FakeBackend:
    return FakeBackend(responder=responder)


def article(n: int, marker: str = "") -> str:
    return f"{PROSE}\n\nArtikel nomor {n} {marker} ditulis oleh wartawan kami di kota itu.\n"


def corpus(n: int = 3, folder: str = "in") -> list[str]:
    Path(folder).mkdir(exist_ok=True)
    names = []
    for i in range(n):
        p = Path(folder) / f"{i:02d}.txt"
        p.write_text(article(i), encoding="utf-8")
        names.append(p.as_posix())
    return names


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def cli(*argv: str, backend: Any = None, stdin: Any = None, err: Any = None) -> Run:
    out = io.StringIO()
    err = err if err is not None else io.StringIO()
    args = list(argv)
    if args and args[0] == "extract" and "--strategy" not in args:
        args += ["--strategy", "single"]
    code = main(args, backend=backend or fake(), stdin=stdin, stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


def lines(path: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in Path(path).read_text(encoding="utf-8").splitlines()]


# --------------------------------------------------------------------------- extract


def test_extract_to_stdout_and_summary() -> None:
    corpus(2)
    r = cli("extract", "in")
    assert r.code == 0
    records = [json.loads(x) for x in r.out.splitlines()]
    assert [x["source"] for x in records] in (
        ["in/00.txt", "in/01.txt"],
        ["in/01.txt", "in/00.txt"],
    )
    assert records[0]["statements"][0]["speaker"]["name"] == "Sergey Lavrov"
    assert "factx: 2 articles in" in r.err
    assert "2 statements" in r.err and "no failures" in r.err and "tokens:" in r.err
    assert "\r" not in r.err  # stderr is no TTY: no progress line


def test_progress_line_on_tty() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    corpus(2)
    tty = Tty()
    assert cli("extract", "in", err=tty).code == 0
    assert "\r" in tty.getvalue() and "articles" in tty.getvalue()
    tty2 = Tty()
    cli("extract", "in", "--no-progress", "--no-cache", err=tty2)
    assert "\r" not in tty2.getvalue()


def test_quiet_prints_nothing_on_stderr() -> None:
    corpus(1)
    r = cli("extract", "in", "-q")
    assert r.code == 0 and r.err == ""


def test_all_input_kinds_in_one_run() -> None:
    Path("d/sub").mkdir(parents=True)
    Path("d/a.txt").write_text(article(1), encoding="utf-8")
    Path("d/sub/b.md").write_text("# Judul\n\n" + article(2), encoding="utf-8")
    Path("one.json").write_text(json.dumps({"id": "j1", "text": article(3)}), encoding="utf-8")
    Path("many.jsonl").write_text(
        json.dumps({"doc": "k1", "body": article(4)}) + "\n{oops\n", encoding="utf-8"
    )
    Path("g1.txt").write_text(article(5), encoding="utf-8")
    Path("g2.txt").write_text(article(6), encoding="utf-8")
    r = cli(
        "extract",
        "d",
        "one.json",
        "many.jsonl",
        "g*.txt",
        "-",
        "-o",
        "out.jsonl",
        "--text-field",
        "body",
        "--id-field",
        "doc",
        stdin=io.BytesIO(article(7).encode()),
    )
    recs = load_results("out.jsonl")
    assert set(recs) == {
        "d/a.txt",
        "d/sub/b.md",
        "one.json",  # its text is under "text", not "body": error record
        "k1",
        "many.jsonl#line2",
        "g1.txt",
        "g2.txt",
        "stdin",
    }
    assert recs["one.json"]["error"]["type"] == "InputError"
    assert recs["many.jsonl#line2"]["error"]["type"] == "InputError"
    assert "error" not in recs["k1"] and "error" not in recs["stdin"]
    assert r.code == 1
    assert "2 failed (2 InputError)" in r.err


def test_html_input() -> None:
    pytest.importorskip("trafilatura")
    Path("p.html").write_text(
        "<html><head><title>T</title><meta property='article:published_time' "
        f"content='2024-05-08'></head><body><article><p>{PROSE}</p>"
        "<p>Dia bertemu Perdana Menteri Pakistan di kantornya pada hari Kamis pagi.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    r = cli("extract", "p.html")
    assert r.code == 0
    rec = json.loads(r.out)
    assert rec["source"] == "p.html" and rec["published"] == "2024-05-08"


def test_error_records_for_bad_files_exit_1() -> None:
    corpus(1)
    Path("in/empty.txt").write_bytes(b"")
    Path("in/bin.txt").write_bytes(b"\x00\x01\x02binary")
    Path("in/latin.txt").write_bytes("Café".encode("latin-1"))
    Path("in/rusak.txt").write_text(article(9, "RUSAK"), encoding="utf-8")
    r = cli("extract", "in", "-o", "out.jsonl")
    assert r.code == 1
    recs = load_results("out.jsonl")
    assert recs["in/empty.txt"]["error"]["type"] == "InputError"
    assert "empty" in recs["in/empty.txt"]["error"]["message"]
    assert "binary" in recs["in/bin.txt"]["error"]["message"]
    assert "UTF-8" in recs["in/latin.txt"]["error"]["message"]
    assert recs["in/rusak.txt"]["error"] == {"type": "BackendError", "message": "server error"}
    assert "error" not in recs["in/00.txt"]
    assert "4 failed" in r.err


def test_json_output() -> None:
    corpus(2)
    r = cli("extract", "in", "-o", "out.json")
    assert r.code == 0
    data = json.loads(Path("out.json").read_text(encoding="utf-8"))
    assert sorted(x["source"] for x in data) == ["in/00.txt", "in/01.txt"]
    # resuming a JSON output keeps the old records and adds the new one
    corpus(3)
    backend = fake()
    r = cli("extract", "in", "-o", "out.json", "--no-cache", backend=backend)
    data = json.loads(Path("out.json").read_text(encoding="utf-8"))
    assert sorted(x["source"] for x in data) == ["in/00.txt", "in/01.txt", "in/02.txt"]
    assert len(backend.calls) == 1


def test_csv_output_neutralises_formulas() -> None:
    Path("q.txt").write_text(f"{PROSE}\n\n{QUOTED}\n", encoding="utf-8")
    corpus(1)
    r = cli("extract", "q.txt", "in", "-o", "out.csv")
    assert r.code == 0
    with open("out.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_kind = {row["kind"]: row for row in rows}
    assert by_kind["statement"]["text"] == "'=arrived"
    quote = by_kind["quote"]
    assert quote["source"] == "q.txt" and quote["speaker"] == "Sergey Lavrov"
    assert quote["text"] == "Kami siap bekerja sama dengan Pakistan dalam bidang energi"
    assert int(quote["end"]) - int(quote["start"]) == len(quote["evidence"])


def test_format_flag_overrides_extension() -> None:
    corpus(1)
    r = cli("extract", "in", "--format", "csv")
    assert r.code == 0 and r.out.startswith("source,kind,")


# --------------------------------------------------------------------------- resume


def test_resume_after_kill_has_no_duplicates() -> None:
    names = corpus(5)
    backend = fake()
    first = cli("extract", names[0], names[1], "-o", "out.jsonl", "--no-cache", backend=backend)
    assert first.code == 0
    with open("out.jsonl", "ab") as fh:  # a SIGKILL in the middle of the third record
        fh.write(b'{"source": "in/02.txt", "published": null, "vis')
    backend = fake()
    r = cli("extract", "in", "-o", "out.jsonl", "--no-cache", backend=backend)
    assert r.code == 0
    assert "resuming out.jsonl: 2 done" in r.err and "partial last line" in r.err
    recs = lines("out.jsonl")  # every line is valid JSON
    sources = [x["source"] for x in recs]
    assert sorted(sources) == names  # all present, none twice
    assert len(backend.calls) == 3
    assert "2 skipped as already done" in r.err


def test_resume_retries_failed_ids_and_last_record_wins() -> None:
    corpus(2)
    Path("in/x.txt").write_text(article(3, "RUSAK"), encoding="utf-8")
    assert cli("extract", "in", "-o", "out.jsonl").code == 1
    Path("in/x.txt").write_text(article(3), encoding="utf-8")  # the server is back
    backend = fake()
    r = cli("extract", "in", "-o", "out.jsonl", backend=backend)
    assert r.code == 0
    assert len(backend.calls) == 1
    assert "1 failed before, retrying" in r.err
    recs = lines("out.jsonl")
    assert [x["source"] for x in recs].count("in/x.txt") == 2
    final = load_results("out.jsonl")
    assert len(final) == 3 and "error" not in final["in/x.txt"]


def test_output_inside_input_folder_is_not_read() -> None:
    corpus(2)
    assert cli("extract", "in", "-o", "in/out.jsonl").code == 0
    assert cli("extract", "in", "-o", "in/out.jsonl").code == 0
    assert sorted(load_results("in/out.jsonl")) == ["in/00.txt", "in/01.txt"]


# --------------------------------------------------------------------------- cache


def test_cache_hit_makes_zero_backend_calls(tmp_path: Path) -> None:
    corpus(3)
    first = fake()
    assert cli("extract", "in", backend=first).code == 0
    assert len(first.calls) == 3
    second = fake()
    r = cli("extract", "in", backend=second)
    assert r.code == 0 and second.calls == []
    assert "3 from cache" in r.err
    third = fake()
    cli("extract", "in", "--no-cache", backend=third)
    assert len(third.calls) == 3
    assert list((tmp_path / ".cache" / "results").rglob("*.json"))


# --------------------------------------------------------------------------- exit codes


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["extract"]) == 2
    assert main(["extract", "x.txt", "--format", "xml"]) == 2
    assert main(["frobnicate"]) == 2
    r = cli("extract", "missing.txt", "nothing/*.txt")
    assert r.code == 2
    assert r.err.strip() == "factx: error: no inputs found: 'missing.txt', 'nothing/*.txt'"


def test_config_errors_exit_2_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus(1)
    err = io.StringIO()
    assert main(["extract", "in", "--backend", "nosuch:model"], stderr=err) == 2
    assert err.getvalue().startswith("factx: error: unknown backend")
    assert err.getvalue().count("\n") == 1
    err = io.StringIO()
    assert main(["extract", "in", "--backend", "openai-compatible:m"], stderr=err) == 2
    assert "OPENAI_BASE_URL" in err.getvalue()
    monkeypatch.setenv("FACTX_CONCURRENCY", "many")
    r = cli("extract", "in")
    assert r.code == 2 and "FACTX_CONCURRENCY" in r.err
    monkeypatch.delenv("FACTX_CONCURRENCY")
    assert cli("extract", "in", "--published", "yesterday").code == 2
    assert cli("extract", "in", "--concurrency", "0").code == 2


def test_debug_reraises() -> None:
    corpus(1)
    with pytest.raises(ConfigError):
        main(["extract", "in", "--backend", "nosuch:model", "--debug"], stderr=io.StringIO())


def test_env_concurrency_and_published(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus(2)
    monkeypatch.setenv("FACTX_CONCURRENCY", "1")
    r = cli("extract", "in", "--published", "2024-05-08")
    assert r.code == 0
    assert {json.loads(x)["published"] for x in r.out.splitlines()} == {"2024-05-08"}


def test_missing_path_alongside_real_ones_is_an_error_record() -> None:
    corpus(1)
    r = cli("extract", "in", "gone.txt")
    assert r.code == 1
    recs = [json.loads(x) for x in r.out.splitlines()]
    assert {x["source"] for x in recs} == {"in/00.txt", "gone.txt"}


# --------------------------------------------------------------------------- other commands


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert main(["schema"], stdout=out) == 0
    schema = json.loads(out.getvalue())
    assert schema["title"] == "ArticleFacts" and "quotes" in schema["properties"]
    out = io.StringIO()
    assert main(["schema", "quote"], stdout=out) == 0
    assert json.loads(out.getvalue())["title"] == "Quote"
    assert main(["schema", "nonsense"], stderr=io.StringIO()) == 2


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from factx import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"factx {__version__}"


def test_eval_is_delegated(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--help"]) == 0
    assert "gold" in capsys.readouterr().out
    assert main(["eval", "nothing.jsonl", "--gold", "nothing.jsonl"]) == 2


def test_console_script_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from factx.cli import main; raise SystemExit(main())", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("factx ")
