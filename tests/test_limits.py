"""Hostile inputs end as error records, within bounded time (offline).

Symlink loops, links to nothing, FIFOs, binary and non-UTF-8 files, huge and malformed HTML,
files over the byte cap and articles over the character cap.
"""

from __future__ import annotations

import io
import json
import os
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from factx._io import InputItem, expand_paths, iter_inputs
from factx.backends import FakeBackend
from factx.cli import main
from factx.exceptions import InputError
from tests._single import ANSWER, PROSE


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FACTX_CACHE_DIR", str(tmp_path / ".cache"))
    monkeypatch.delenv("FACTX_MAX_CHARS", raising=False)


def symlink(target: str, link: str) -> None:
    try:
        os.symlink(target, link)
    except (OSError, NotImplementedError):
        pytest.skip("no symlinks here")


def write(path: str, data: str | bytes) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def by_id(*paths: str, **kw: Any) -> dict[str, InputItem]:
    return {i.id: i for i in iter_inputs(paths, **kw)}


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


# ----------------------------------------------------------------------------- folders


def test_folder_with_symlink_loops_finishes_and_reports_broken_links() -> None:
    write("in/a.txt", PROSE)
    write("in/sub/b.txt", PROSE)
    symlink(os.path.abspath("in"), "in/sub/up")  # a folder loop
    symlink("y.txt", "in/x.txt")  # a file loop: x -> y -> x
    symlink("x.txt", "in/y.txt")
    symlink("gone.txt", "in/dangling.txt")
    started = time.monotonic()
    got = by_id("in")
    assert time.monotonic() - started < 5
    assert set(got) == {"in/a.txt", "in/sub/b.txt", "in/x.txt", "in/y.txt", "in/dangling.txt"}
    assert got["in/a.txt"].text == got["in/sub/b.txt"].text == PROSE
    assert "symbolic links" in str(got["in/x.txt"].error)
    assert "No such file" in str(got["in/dangling.txt"].error)
    for ident in ("in/x.txt", "in/y.txt", "in/dangling.txt"):
        assert isinstance(got[ident].error, InputError)
        assert got[ident].text is None


def test_looping_link_named_on_the_command_line() -> None:
    symlink("b.txt", "a.txt")
    symlink("a.txt", "b.txt")
    (source,) = expand_paths(["a.txt"])
    assert not source.missing
    assert "symbolic links" in str(by_id("a.txt")["a.txt"].error)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_an_error_not_a_hang() -> None:
    os.mkfifo("pipe.txt")
    item = by_id("pipe.txt")["pipe.txt"]
    assert "not a regular file" in str(item.error)


# ----------------------------------------------------------------------------- not text


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("image.png", png(), "binary"),
        ("disguised.txt", png(), "binary"),
        ("noise.txt", bytes(range(128, 256)) * 500, "not valid UTF-8"),
        ("mostly-ok.md", PROSE.encode() + b"\xff\xfe" + PROSE.encode(), "not valid UTF-8"),
    ],
)
def test_files_that_are_not_text_are_error_items(name: str, data: bytes, words: str) -> None:
    write(name, data)
    item = by_id(name)[name]
    assert isinstance(item.error, InputError)
    assert words in str(item.error) and name in str(item.error)


def test_control_characters_without_nul_fail_at_extraction(tmp_path: Path) -> None:
    write("in/ctl.txt", "\x01\x02\x03\x04 abc " * 2000)
    write("in/ok.txt", PROSE)
    out = io.StringIO()
    code = main(
        ["extract", "in", "--strategy", "single", "--no-cache"],
        backend=FakeBackend(responder=lambda m, r: ANSWER),
        stdout=out,
        stderr=io.StringIO(),
    )
    records = {r["source"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert code == 1
    assert records["in/ctl.txt"]["error"]["type"] == "InputError"
    assert "binary" in records["in/ctl.txt"]["error"]["message"]
    assert records["in/ok.txt"].get("error") is None


# ----------------------------------------------------------------------------- size caps


def test_file_over_the_byte_cap_is_not_read() -> None:
    write("big.txt", PROSE * 100)
    write("small.txt", PROSE)
    got = by_id("big.txt", "small.txt", max_file_bytes=1000)
    assert "larger than the limit of 1,000 bytes" in str(got["big.txt"].error)
    assert got["small.txt"].text == PROSE


def test_jsonl_is_read_line_by_line_and_a_bad_line_loses_only_itself() -> None:
    good = [json.dumps({"id": str(i), "text": PROSE}) for i in range(50)]
    huge = json.dumps({"id": "huge", "text": PROSE * 100})  # 16 kB, over the 1,000 cap
    bad_utf8 = b'{"id": "latin", "text": "Caf\xe9"}'
    separator = json.dumps({"id": "sep", "text": PROSE + "\u2028" + PROSE}, ensure_ascii=False)
    data = b"\n".join(
        [good[0].encode(), huge.encode(), bad_utf8, b"\x00\x01 binary", separator.encode()]
        + [g.encode() for g in good[1:]]
    )
    write("many.jsonl", b"\xef\xbb\xbf" + data + b"\n")
    got = by_id("many.jsonl", max_file_bytes=1000)
    assert [got[str(i)].text for i in range(50)] == [PROSE] * 50
    assert "line longer than the limit of 1,000 bytes" in str(got["many.jsonl#line2"].error)
    assert "not valid UTF-8 (byte 0xe9" in str(got["many.jsonl#line3"].error)
    assert "invalid JSON" in str(got["many.jsonl#line4"].error)
    assert got["sep"].text == PROSE + "\u2028" + PROSE
    assert len(got) == 54


def test_blank_jsonl_is_an_empty_file_error() -> None:
    write("blank.jsonl", "\n  \n")
    assert "file is empty" in str(by_id("blank.jsonl")["blank.jsonl"].error)


def test_huge_nested_html_is_refused_quickly() -> None:
    pytest.importorskip("trafilatura")
    depth = 2_000_000  # 22 MB of nested divs, over the 10 MB default
    write("deep.html", "<html><body>" + "<div>" * depth + PROSE + "</div>" * depth)
    started = time.monotonic()
    item = by_id("deep.html")["deep.html"]
    assert time.monotonic() - started < 5
    assert "larger than the limit of 10,000,000 bytes" in str(item.error)


@pytest.mark.parametrize(
    "html",
    [
        "<html><body>" + "<div>" * 100_000 + f"<p>{PROSE}</p>" + "</div>" * 100_000,
        f"<html><body><p>{PROSE}" + "<b><i>tidak ditutup " * 50_000,
        "<html><body><table><tr><td><p>" + PROSE + "</td></p></tr><div></table></span>" * 5,
        "<<<>>><!-- <html <body <p " + PROSE * 3 + " ]]> <![CDATA[ &#xFFFFFFFF; &bogus;",
    ],
    ids=["deep", "unclosed", "misnested", "garbage"],
)
def test_malformed_html_is_text_or_an_error_record_in_bounded_time(html: str) -> None:
    pytest.importorskip("trafilatura")
    write("page.html", html)
    started = time.monotonic()
    item = by_id("page.html")["page.html"]
    assert time.monotonic() - started < 30
    if item.error is None:
        assert item.text and item.text.strip()
    else:
        assert isinstance(item.error, InputError) and "page.html" in str(item.error)


def test_cli_size_flags_make_error_records() -> None:
    write("in/long.txt", "\n\n".join([PROSE] * 40))
    write("in/short.txt", PROSE)
    out = io.StringIO()
    code = main(
        ["extract", "in", "--strategy", "single", "--no-cache", "--max-chars", "1000"],
        backend=FakeBackend(responder=lambda m, r: ANSWER),
        stdout=out,
        stderr=io.StringIO(),
    )
    records = {r["source"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert code == 1
    assert records["in/long.txt"]["error"]["type"] == "InputError"
    assert "over the limit of 1,000" in records["in/long.txt"]["error"]["message"]
    assert records["in/short.txt"]["statements"]

    out = io.StringIO()
    main(
        ["extract", "in/long.txt", "--no-cache", "--max-file-bytes", "500"],
        backend=FakeBackend(responder=lambda m, r: ANSWER),
        stdout=out,
        stderr=io.StringIO(),
    )
    (record,) = map(json.loads, out.getvalue().splitlines())
    assert "larger than the limit of 500 bytes" in record["error"]["message"]
    err = io.StringIO()
    assert main(["extract", "in", "--max-file-bytes", "0"], stderr=err) == 2
