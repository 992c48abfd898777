"""Batch input and output hardening (issue #16), offline with FakeBackend.

One bad record never stops a run; ids are unique per run; JSONL is split at ``\\n`` only;
an existing file that is not factx's output is never overwritten or cut; JSON and CSV outputs
survive SIGTERM, SIGKILL and a full disk; FIFOs, UTF-16/32 and broken optional imports are
error records or read properly; ``-j`` is bounded; ``--max-tokens`` and ``--timeout``.
"""

from __future__ import annotations

import asyncio
import builtins
import csv
import errno
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from factx import _io
from factx._batch import extract_many
from factx._io import iter_inputs, load_results
from factx.backends import FakeBackend
from factx.cli import main

ROOT = Path(__file__).resolve().parents[1]

PROSE = (
    "Menteri Luar Negeri Retno Marsudi berbicara di Jakarta pada hari Senin tentang kerja "
    "sama kawasan."
)
ANSWER = {
    "visits": [],
    "agreements": [],
    "statements": [{"speaker": "Retno Marsudi", "content": "spoke", "sentences": [1]}],
    "quotes": [],
}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FACTX_CACHE_DIR", str(tmp_path / ".cache"))
    for name in (
        "FACTX_BACKEND",
        "FACTX_CONCURRENCY",
        "FACTX_MAX_CHARS",
        "OPENAI_BASE_URL",
        "OPENAI_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


def article(n: int, extra: str = "") -> str:
    return f"{PROSE}{extra}\n\nArtikel nomor {n} ditulis oleh wartawan kami di kota itu.\n"


def fake() -> FakeBackend:
    return FakeBackend(responder=lambda messages, model: ANSWER)


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def cli(*argv: str, backend: Any = None, stdin: Any = None) -> Run:
    out, err = io.StringIO(), io.StringIO()
    args = list(argv)
    if args[0] == "extract":
        args += ["--strategy", "single", "--no-cache"]
    code = main(args, backend=backend or fake(), stdin=stdin, stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


def jsonl(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


DEEP = '{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
DIGITS = '{"id": "digits", "n": ' + "1" * 4301 + ', "text": "x"}'


# ------------------------------------------------------------- 1. one bad record, one error


def test_unparsable_jsonl_lines_are_error_records_and_the_run_goes_on() -> None:
    lines = [
        json.dumps({"id": "a", "text": article(1)}),
        DEEP,
        DIGITS,
        json.dumps({"id": "b", "text": article(2)}),
    ]
    Path("in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cli("extract", "in.jsonl", "-o", "out.jsonl")
    assert r.code == 1 and "Traceback" not in r.err
    recs = load_results("out.jsonl")
    assert set(recs) == {"a", "b", "in.jsonl#line2", "in.jsonl#line3"}
    assert "error" not in recs["a"] and "error" not in recs["b"]
    deep = recs["in.jsonl#line2"]["error"]
    assert deep["type"] == "InputError" and "nested too deeply" in deep["message"]
    digits = recs["in.jsonl#line3"]["error"]["message"]
    assert "more than 4,300 digits" in digits
    # a resume goes past them too: only the two failed lines are tried (and fail) again
    backend = fake()
    r = cli("extract", "in.jsonl", "-o", "out.jsonl", backend=backend)
    assert r.code == 1 and "2 done" in r.err and backend.calls == []
    assert len(load_results("out.jsonl")) == 4


def test_unparsable_json_file_and_stdin_lines_are_error_records() -> None:
    Path("deep.json").write_text("[" + DEEP + "]", encoding="utf-8")
    Path("digits.json").write_text(DIGITS, encoding="utf-8")
    Path("ok.txt").write_text(article(1), encoding="utf-8")
    r = cli("extract", "deep.json", "digits.json", "ok.txt")
    assert r.code == 1
    recs = {x["source"]: x for x in map(json.loads, r.out.splitlines())}
    assert "nested too deeply" in recs["deep.json"]["error"]["message"]
    assert "digits" in recs["digits.json"]["error"]["message"]
    assert "error" not in recs["ok.txt"]

    data = jsonl({"id": "s1", "text": article(2)}) + DEEP + "\n" + DIGITS + "\n"
    data += jsonl({"id": "s2", "text": article(3)})
    r = cli("extract", "-", stdin=io.BytesIO(data.encode()))
    assert r.code == 1
    recs = {x["source"]: x for x in map(json.loads, r.out.splitlines())}
    assert set(recs) == {"s1", "s2", "stdin#line2", "stdin#line3"}
    assert "error" not in recs["s1"] and "error" not in recs["s2"]


def test_any_exception_reading_a_record_is_that_records_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = _io._record_item

    def flaky(obj: Any, where: str, fields: _io.Fields) -> _io.InputItem:
        if isinstance(obj, dict) and obj.get("id") == "boom":
            raise MemoryError("out of memory on this one")
        return real(obj, where, fields)

    monkeypatch.setattr(_io, "_record_item", flaky)
    Path("in.jsonl").write_text(
        jsonl(
            {"id": "a", "text": PROSE}, {"id": "boom", "text": PROSE}, {"id": "c", "text": PROSE}
        ),
        encoding="utf-8",
    )
    got = {i.id: i for i in iter_inputs(["in.jsonl"])}
    assert [got["a"].text, got["c"].text] == [PROSE, PROSE]
    assert "MemoryError: out of memory on this one" in str(got["in.jsonl#line2"].error)


# ------------------------------------------------------------- 2. ids unique per run


def test_an_id_repeated_across_files_is_made_unique_and_nothing_is_skipped() -> None:
    Path("a.jsonl").write_text(
        jsonl({"id": "1", "text": article(1)}, {"id": "2", "text": article(2)}), encoding="utf-8"
    )
    Path("b.jsonl").write_text(
        jsonl({"id": "1", "text": article(3)}, {"id": "2", "text": article(4)}), encoding="utf-8"
    )
    r = cli("extract", "a.jsonl", "b.jsonl", "-o", "out.jsonl")
    assert r.code == 0
    assert "2 ids were already used" in r.err and "'1' at b.jsonl#line1 -> 'b.jsonl#1'" in r.err
    recs = load_results("out.jsonl")
    assert set(recs) == {"1", "2", "b.jsonl#1", "b.jsonl#2"}
    assert all("error" not in x for x in recs.values())
    # the resume finds all four done: nothing is processed again, nothing is lost
    backend = fake()
    r = cli("extract", "a.jsonl", "b.jsonl", "-o", "out.jsonl", backend=backend)
    assert r.code == 0 and backend.calls == [] and "4 done" in r.err
    # the report has all four, each with its own article's text
    err = io.StringIO()
    assert main(["view", "out.jsonl", "--articles", ".", "-o", "r.html"], stderr=err) == 0
    assert "4 articles" in err.getvalue() and "without text" not in err.getvalue()
    pages = "".join(p.read_text(encoding="utf-8") for p in Path("r_files").rglob("*.html"))
    for n in (1, 2, 3, 4):
        assert f"Artikel nomor {n} " in pages


def test_unique_ids_within_a_file_and_against_file_paths() -> None:
    Path("d").mkdir()
    Path("d/x.txt").write_text(PROSE, encoding="utf-8")
    Path("r.jsonl").write_text(
        jsonl(
            {"id": "x", "text": PROSE},
            {"id": "x", "text": PROSE},
            {"id": "x", "text": PROSE},
            {"id": "d/x.txt", "text": PROSE},
        ),
        encoding="utf-8",
    )
    ids = [i.id for i in iter_inputs(["r.jsonl", "d"])]
    assert ids == ["x", "r.jsonl#x", "r.jsonl#line3", "d/x.txt", "d/x.txt~2"]
    renamed: list[tuple[str, str, str]] = []
    list(iter_inputs(["r.jsonl", "d"], on_rename=lambda *a: renamed.append(a)))
    assert len(renamed) == 3
    assert renamed[0] == ("x", "r.jsonl#x", "r.jsonl#line2")
    assert renamed[-1] == ("d/x.txt", "d/x.txt~2", "d/x.txt")


# ------------------------------------------------------------- 3. line separators

SEPARATORS = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]


def test_every_unicode_line_separator_round_trips_extract_view_eval(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from factx import eval as factx_eval

    Path("arts").mkdir()
    gold = []
    for i, sep in enumerate(SEPARATORS):
        sentence = PROSE.replace("di Jakarta", f"di{sep}Jakarta")
        Path(f"arts/a{i}.txt").write_text(article(i).replace(PROSE, sentence), encoding="utf-8")
        gold.append(
            {
                "doc": f"a{i}.txt",
                "people": {"Retno Marsudi": ["Retno Marsudi"]},
                "statements": [
                    {"speaker": "Retno Marsudi", "content": "spoke", "evidence": [sentence]}
                ],
            }
        )
    Path("gold.jsonl").write_text(jsonl(*gold), encoding="utf-8")
    answer = dict(
        ANSWER, statements=[dict(ANSWER["statements"][0], content="x" + "".join(SEPARATORS))]
    )
    backend = FakeBackend(responder=lambda m, r: answer)
    r = cli("extract", "arts", "-o", "out.jsonl", backend=backend)
    assert r.code == 0
    raw = Path("out.jsonl").read_text(encoding="utf-8")
    assert "\u2028" in raw and "\x85" in raw  # written raw (ensure_ascii=False), one line each
    assert raw.count("\n") == len(SEPARATORS)
    recs = load_results("out.jsonl")
    assert len(recs) == len(SEPARATORS)
    for i, sep in enumerate(SEPARATORS):
        rec = recs[f"arts/a{i}.txt"]
        assert sep in rec["statements"][0]["evidence"][0]["text"]
        assert rec["statements"][0]["content"] == "x" + "".join(SEPARATORS)

    err = io.StringIO()
    assert main(["view", "out.jsonl", "--articles", "arts", "-o", "r.html"], stderr=err) == 0
    assert "8 articles, 0 failed)" in err.getvalue(), err.getvalue()

    capsys.readouterr()
    code = factx_eval.main(["out.jsonl", "--gold", "gold.jsonl", "--articles", "arts", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    statements = report["per_kind"]["statements"]
    assert (statements["tp"], statements["fp"], statements["fn"]) == (8, 0, 0)

    # stdin JSONL with a raw U+2028 in a text is one article, not two error records
    data = json.dumps({"id": "s", "text": article(1, "\u2028Lagi.")}, ensure_ascii=False) + "\n"
    r = cli("extract", "-", stdin=io.BytesIO(data.encode()))
    assert r.code == 0
    (rec,) = [json.loads(x) for x in r.out.split("\n") if x]
    assert rec["source"] == "s" and "error" not in rec


# ------------------------------------------------------------- 4. existing outputs


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("out.jsonl", b"my notes\nsecond line without a newline"),
        ("out.jsonl", b"my notes\n"),
        ("out.jsonl", b'{"source": "a", "quotes": []}\nnot a record\n'),
        ("out.jsonl", b'{"a": 1}'),
        ("out.json", b"[1, 2, 3]\n"),
        ("out.json", b'{"not": "an array"}\n'),
        ("out.csv", b"name,amount\nrent,1200\n"),
    ],
)
def test_an_existing_file_that_is_not_factx_output_is_refused_untouched(
    name: str, content: bytes
) -> None:
    Path("a.txt").write_text(article(1), encoding="utf-8")
    Path(name).write_bytes(content)
    backend = fake()
    r = cli("extract", "a.txt", "-o", name, backend=backend)
    assert r.code == 2, r.err
    assert r.err.startswith(f"factx: error: {name}") and "leaves this file alone" in r.err
    assert Path(name).read_bytes() == content
    assert backend.calls == []
    assert sorted(os.listdir(".")) == sorted(["a.txt", name])  # no journal, no temp file


def test_a_factx_output_cut_short_is_still_resumed() -> None:
    Path("a.txt").write_text(article(1), encoding="utf-8")
    Path("b.txt").write_text(article(2), encoding="utf-8")
    assert cli("extract", "a.txt", "-o", "out.jsonl").code == 0
    with open("out.jsonl", "ab") as fh:
        fh.write(b'{"sour')  # killed inside the first key
    r = cli("extract", "a.txt", "b.txt", "-o", "out.jsonl")
    assert r.code == 0 and "cut a partial last line of 6 bytes" in r.err
    assert sorted(load_results("out.jsonl")) == ["a.txt", "b.txt"]


def _killer_script(tmp: Path, sig: int, after: int) -> Path:
    """A factx run (-j 1, FakeBackend) that sends itself ``sig`` at the model call ``after``."""
    script = tmp / "run.py"
    script.write_text(
        f"""
import json, os, sys
from factx.backends import FakeBackend
from factx.cli import main
ANSWER = {ANSWER!r}
calls = []
def responder(messages, model):
    calls.append(1)
    if len(calls) == {after}:
        os.kill(os.getpid(), {int(sig)})
    return ANSWER
code = main(sys.argv[1:] + ["--strategy", "single", "--no-cache", "-j", "1"],
            backend=FakeBackend(responder=responder))
print(json.dumps({{"calls": len(calls)}}))
sys.exit(code)
""",
        encoding="utf-8",
    )
    return script


def _run(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, str(script), "extract", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def _corpus(n: int) -> list[str]:
    Path("in").mkdir(exist_ok=True)
    for i in range(n):
        Path(f"in/{i:02d}.txt").write_text(article(i), encoding="utf-8")
    return [f"in/{i:02d}.txt" for i in range(n)]


def _rows(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_sigterm_keeps_the_finished_records_of_a_json_or_csv_output(
    tmp_path: Path, fmt: str
) -> None:
    names = _corpus(5)
    out = f"out.{fmt}"
    proc = _run(_killer_script(tmp_path, signal.SIGTERM, after=3), "in", "-o", out)
    assert proc.returncode == 143, proc.stderr
    assert "terminated (SIGTERM)" in proc.stderr and "Traceback" not in proc.stderr
    if fmt == "json":
        kept = [x["source"] for x in json.loads(Path(out).read_text(encoding="utf-8"))]
    else:
        kept = [row["source"] for row in _rows(out)]
    assert kept[:2] == names[:2] and len(kept) <= 3  # what finished; the third may have
    assert not [p for p in os.listdir(".") if p.endswith(".tmp")]
    # the rerun resumes (from the journal) and finishes the rest only
    proc = _run(_killer_script(tmp_path, signal.SIGTERM, after=99), "in", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["calls"] == 5 - len(kept)
    if fmt == "json":
        final = [x["source"] for x in json.loads(Path(out).read_text(encoding="utf-8"))]
    else:
        final = [row["source"] for row in _rows(out)]
    assert sorted(final) == names
    assert not Path(_io.journal_path(out)).exists()  # a finished run removes its journal


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_sigkill_loses_only_the_article_in_flight(tmp_path: Path, fmt: str) -> None:
    names = _corpus(5)
    out = f"out.{fmt}"
    proc = _run(_killer_script(tmp_path, signal.SIGKILL, after=3), "in", "-o", out)
    assert proc.returncode == -signal.SIGKILL
    journal = Path(_io.journal_path(out))
    assert sorted(load_results(journal)) == names[:2]
    proc = _run(_killer_script(tmp_path, signal.SIGKILL, after=99), "in", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert f"resuming {out} from its journal" in proc.stderr and "2 done" in proc.stderr
    assert json.loads(proc.stdout)["calls"] == 3
    if fmt == "json":
        final = [x["source"] for x in json.loads(Path(out).read_text(encoding="utf-8"))]
    else:
        final = [row["source"] for row in _rows(out)]
    assert sorted(final) == names
    assert not journal.exists()
    assert not [p for p in os.listdir(".") if p.endswith(".tmp")]


class _FullDisk:
    """Stands in for ``os`` in factx._io: ``write`` fills the disk after ``after`` calls
    (writing half the data first, as a real full disk can)."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def write(self, fd: int, data: bytes) -> int:
        self.calls += 1
        if self.calls > self.after:
            os.write(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return os.write(fd, data)


def test_disk_full_is_a_clear_error_with_an_honest_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = _corpus(5)
    with monkeypatch.context() as m:
        m.setattr(_io, "os", _FullDisk(after=2))
        r = cli("extract", "in", "-o", "out.jsonl", "-j", "1")
    assert r.code == 1 and "Traceback" not in r.err
    assert "factx: error: cannot write out.jsonl: the disk is full; 2 records of this run" in r.err
    raw = Path("out.jsonl").read_bytes()
    assert raw.endswith(b"\n") and raw.count(b"\n") == 2  # no partial line left behind
    backend = fake()
    r = cli("extract", "in", "-o", "out.jsonl", backend=backend)
    assert r.code == 0 and len(backend.calls) == 3
    assert sorted(load_results("out.jsonl")) == names


def test_disk_full_on_a_json_output_keeps_the_finished_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = _corpus(5)
    with monkeypatch.context() as m:
        m.setattr(_io, "os", _FullDisk(after=2))
        r = cli("extract", "in", "-o", "out.json", "-j", "1")
    assert r.code == 1 and "Traceback" not in r.err
    assert "the disk is full; 2 records of this run were written whole before" in r.err
    assert "out.json was built from them" in r.err
    assert [x["source"] for x in json.loads(Path("out.json").read_text())] == names[:2]
    backend = fake()
    assert cli("extract", "in", "-o", "out.json", backend=backend).code == 0
    assert len(backend.calls) == 3
    assert sorted(x["source"] for x in json.loads(Path("out.json").read_text())) == names

    # the disk fills while the output is built at the end: the journal keeps everything
    def full(self: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    Path("in/05.txt").write_text(article(5), encoding="utf-8")
    with monkeypatch.context() as m:
        m.setattr(_io.JournaledWriter, "build", full)
        r = cli("extract", "in", "-o", "out.json")
    assert r.code == 1 and "cannot write out.json: the disk is full" in r.err
    assert "all 1 record of this run (and 5 done before) are in its journal" in r.err
    assert len(load_results(_io.journal_path("out.json"))) == 6
    backend = fake()
    assert cli("extract", "in", "-o", "out.json", backend=backend).code == 0
    assert backend.calls == [] and len(json.loads(Path("out.json").read_text())) == 6


# ------------------------------------------------------------- 5. FIFOs, UTF-16/32, imports


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_inside_a_folder_is_an_error_record() -> None:
    Path("in").mkdir()
    Path("in/a.txt").write_text(article(1), encoding="utf-8")
    os.mkfifo("in/pipe.txt")
    os.mkfifo("in/pipe.jsonl")
    r = cli("extract", "in")
    assert r.code == 1
    recs = {x["source"]: x for x in map(json.loads, r.out.splitlines())}
    assert set(recs) == {"in/a.txt", "in/pipe.txt", "in/pipe.jsonl"}
    assert "not a regular file" in recs["in/pipe.txt"]["error"]["message"]
    assert "not a regular file" in recs["in/pipe.jsonl"]["error"]["message"]
    assert [i.id for i in iter_inputs(["in/*.txt"])] == ["in/a.txt", "in/pipe.txt"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_are_decoded(encoding: str) -> None:
    bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff", "utf-32-be": "\ufeff"}.get(encoding, "")
    text = "Menteri “Retno” berkata — Jakarta, 7/4.\n"
    Path("a.txt").write_bytes((bom + text).encode(encoding))
    records = jsonl({"id": "j1", "text": text}, {"id": "j2", "text": text + "\u2028x"})
    Path("b.jsonl").write_bytes((bom + records).encode(encoding))
    Path("c.json").write_bytes((bom + json.dumps([{"id": "k", "text": text}])).encode(encoding))
    got = {i.id: i for i in iter_inputs(["a.txt", "b.jsonl", "c.json"])}
    assert {k: (v.text, v.error) for k, v in got.items()} == {
        "a.txt": (text, None),
        "j1": (text, None),
        "j2": (text + "\u2028x", None),
        "k": (text, None),
    }
    [item] = iter_inputs(["-"], stdin=io.BytesIO((bom + text).encode(encoding)))
    assert item.text == text


def test_utf16_without_valid_content_is_an_error_not_a_crash() -> None:
    Path("odd.txt").write_bytes(b"\xff\xfe" + b"\x00\xd8")  # a lone surrogate
    [item] = iter_inputs(["odd.txt"])
    assert "not valid UTF-16" in str(item.error)


def test_a_broken_html_extra_fails_only_the_html_file(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("trafilatura")
    real_import = builtins.__import__

    def broken(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "trafilatura":
            raise ModuleNotFoundError("No module named 'lxml_html_clean'", name="lxml_html_clean")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", broken)
    Path("p.html").write_text(f"<html><body><p>{PROSE}</p></body></html>", encoding="utf-8")
    Path("q.html").write_text(f"<html><body><p>{PROSE}</p></body></html>", encoding="utf-8")
    Path("a.txt").write_text(article(1), encoding="utf-8")
    r = cli("extract", "p.html", "a.txt", "q.html")
    assert r.code == 1, r.err
    recs = {x["source"]: x for x in map(json.loads, r.out.splitlines())}
    assert "error" not in recs["a.txt"]
    for page in ("p.html", "q.html"):
        message = recs[page]["error"]["message"]
        assert "lxml_html_clean" in message and "fails to import" in message
        assert "not installed" not in message


# ------------------------------------------------------------- 6. -j, --max-tokens, --timeout


def test_concurrency_over_the_maximum_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    Path("a.txt").write_text(article(1), encoding="utf-8")
    r = cli("extract", "a.txt", "-j", "1025")
    assert r.code == 2 and "over the maximum of 1,024 articles in flight" in r.err
    monkeypatch.setenv("FACTX_CONCURRENCY", "1000000")
    assert cli("extract", "a.txt").code == 2
    monkeypatch.delenv("FACTX_CONCURRENCY")
    assert cli("extract", "a.txt", "-j", "1024").code == 0


def test_workers_are_started_for_articles_not_for_the_limit() -> None:
    seen: list[int] = []

    def responder(messages: Any, model: Any) -> Any:
        seen.append(len(asyncio.all_tasks()))
        return ANSWER

    from factx import Extractor

    async def run() -> list[dict[str, Any]]:
        ex = Extractor(FakeBackend(responder=responder), strategy="single")
        return [
            r async for r in extract_many([article(i) for i in range(3)], ex, concurrency=20_000)
        ]

    records = asyncio.run(run())
    assert len(records) == 3 and all("error" not in r for r in records)
    assert max(seen) < 20  # a producer, a supervisor, three workers, the main task


def test_max_tokens_flag() -> None:
    Path("a.txt").write_text(article(1), encoding="utf-8")
    r = cli("extract", "a.txt", "--max-tokens", "50")
    (rec,) = map(json.loads, r.out.splitlines())
    assert r.code == 1 and rec["error"]["type"] == "BudgetExceededError"
    for no_cap in ("0", "none", "None"):
        r = cli("extract", "a.txt", "--max-tokens", no_cap)
        assert r.code == 0, r.err
    assert cli("extract", "a.txt", "--max-tokens", "1_000_000").code == 0
    for bad in ("-5", "lots"):
        r = cli("extract", "a.txt", "--max-tokens", bad)
        assert r.code == 2 and "--max-tokens" in r.err


def test_max_tokens_none_lets_a_long_article_through() -> None:
    from factx import Extractor

    # FakeBackend counts a token per 4 characters of prompt: 130 kB of article chunks cost
    # more than a 20,000-token cap, and nothing with no cap
    text = "\n\n".join(f"{PROSE} Paragraf {i}." for i in range(1200))
    capped = Extractor(fake(), strategy="single", max_tokens_per_article=20_000)
    with pytest.raises(Exception) as info:
        capped.extract(text)
    assert type(info.value).__name__ == "BudgetExceededError"
    Path("long.txt").write_text(text, encoding="utf-8")
    r = cli("extract", "long.txt", "--max-tokens", "20000")
    assert r.code == 1 and "BudgetExceededError" in r.out
    r = cli("extract", "long.txt", "--max-tokens", "none")
    assert r.code == 0, r.out[:300]


def test_timeout_reaches_a_server_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from tests._fakeserver import FakeOpenAIServer
    from tests._fakeserver import article as server_article

    _openai = importlib.import_module("factx.backends._openai")  # the module, not the factory
    seen: list[float] = []
    real_init = _openai.OpenAIBackend.__init__

    def spy(self: Any, model: str, **kwargs: Any) -> None:
        seen.append(kwargs.get("timeout"))
        real_init(self, model, **kwargs)

    monkeypatch.setattr(_openai.OpenAIBackend, "__init__", spy)
    Path("a.txt").write_text(server_article(1), encoding="utf-8")
    with FakeOpenAIServer(faults=False) as server:
        out, err = io.StringIO(), io.StringIO()
        code = main(
            ["extract", "a.txt", "--backend", "openai-compatible:fake", "--base-url"]
            + [server.base_url, "--timeout", "7.5", "--strategy", "single", "--no-cache"],
            stdout=out,
            stderr=err,
        )
    assert code == 0, err.getvalue()
    assert seen == [7.5]
    assert json.loads(out.getvalue())["statements"]
    r = cli("extract", "a.txt", "--timeout", "0")
    assert r.code == 2 and "--timeout" in r.err
    r = cli("extract", "a.txt", "--timeout", "5")
    assert r.code == 0 and "--timeout is ignored" in r.err
