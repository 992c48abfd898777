"""Readers and writers of factx._io (offline)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from factx._io import (
    CsvWriter,
    Fields,
    InputItem,
    JsonArrayWriter,
    JsonlWriter,
    csv_rows,
    error_record,
    expand_paths,
    iter_inputs,
    load_results,
    neutralise_cell,
    read_json_array_state,
    read_jsonl_state,
    read_sources,
)
from factx.exceptions import InputError

PROSE = (
    "Menteri Luar Negeri Rusia Sergey Lavrov tiba di Islamabad pada hari Rabu "
    "untuk pembicaraan dua hari."
)

HTML = f"""<html><head><title>Lavrov di Islamabad</title>
<meta property="article:published_time" content="2024-05-08"></head>
<body><nav>Beranda | Dunia | Olahraga</nav><article><h1>Lavrov di Islamabad</h1>
<p>{PROSE}</p><p>Dia bertemu dengan Perdana Menteri Pakistan di kantornya pada hari Kamis.</p>
</article><footer>Hak cipta 2024</footer></body></html>"""


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def items(*paths: str, **kw: object) -> list[InputItem]:
    return list(iter_inputs(paths, **kw))  # type: ignore[arg-type]


def write(path: str, data: str | bytes) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        p.write_bytes(data)
    else:
        p.write_text(data, encoding="utf-8")


# --------------------------------------------------------------------------- inputs


def test_txt_and_md_are_read_as_is() -> None:
    write("a.txt", PROSE + "\n")
    write("notes/b.md", "# Judul\n\n" + PROSE)
    got = items("a.txt", "notes/b.md")
    assert [i.id for i in got] == ["a.txt", "notes/b.md"]
    assert got[0].text == PROSE + "\n"
    assert got[1].text is not None and got[1].text.startswith("# Judul")
    assert all(i.error is None for i in got)


def test_html_main_text_title_and_date() -> None:
    pytest.importorskip("trafilatura")
    write("page.html", HTML)
    [item] = items("page.html")
    assert item.error is None
    assert item.text is not None and PROSE in item.text
    assert "Hak cipta" not in item.text
    assert item.published == "2024-05-08"
    assert item.title == "Lavrov di Islamabad"


def test_html_without_article_text_is_an_error_item() -> None:
    pytest.importorskip("trafilatura")
    write("empty.htm", "<html><body><div></div></body></html>")
    [item] = items("empty.htm")
    assert isinstance(item.error, InputError)


def test_json_object_and_list() -> None:
    write("one.json", json.dumps({"id": "x1", "text": PROSE, "published": "2024-05-08"}))
    write("many.json", json.dumps([{"text": PROSE, "url": "https://e.x/1"}, {"body": PROSE}]))
    got = items("one.json", "many.json")
    assert [i.id for i in got] == ["x1", "many.json#1", "many.json#2"]
    assert got[0].published == "2024-05-08"
    assert got[1].url == "https://e.x/1"
    assert isinstance(got[2].error, InputError)
    assert "'text'" in str(got[2].error)


def test_jsonl_broken_line_becomes_error_and_reading_continues() -> None:
    lines = [
        json.dumps({"id": "a", "text": PROSE}),
        '{"id": "b", "text": ',
        "",
        json.dumps({"text": PROSE, "title": "Judul"}),
    ]
    write("in.jsonl", "\n".join(lines) + "\n")
    got = items("in.jsonl")
    assert [i.id for i in got] == ["a", "in.jsonl#line2", "in.jsonl#line4"]
    assert got[0].error is None and got[2].error is None
    assert isinstance(got[1].error, InputError)
    assert "line2" in str(got[1].error) and "invalid JSON" in str(got[1].error)
    assert got[2].title == "Judul"


def test_configurable_field_names() -> None:
    write("in.jsonl", json.dumps({"doc": "d1", "body": PROSE, "date": "2024-01-02"}) + "\n")
    [item] = items("in.jsonl", text_field="body", id_field="doc", published_field="date")
    assert (item.id, item.text, item.published) == ("d1", PROSE, "2024-01-02")


def test_folder_recursion_sorted_skips_hidden_and_unknown() -> None:
    write("corpus/b.txt", PROSE)
    write("corpus/a/z.md", PROSE)
    write("corpus/a/y.txt", PROSE)
    write("corpus/.hidden.txt", PROSE)
    write("corpus/.git/c.txt", PROSE)
    write("corpus/image.png", b"\x89PNG\x00")
    got = items("corpus")
    assert [i.id for i in got] == ["corpus/a/y.txt", "corpus/a/z.md", "corpus/b.txt"]


def test_symlink_loop_is_visited_once() -> None:
    write("loop/a.txt", PROSE)
    try:
        os.symlink(os.path.abspath("loop"), "loop/again")
    except (OSError, NotImplementedError):
        pytest.skip("no symlinks here")
    got = items("loop", "loop/a.txt")
    assert [i.id for i in got] == ["loop/a.txt"]


def test_glob() -> None:
    write("d/1.txt", PROSE)
    write("d/2.txt", PROSE)
    write("d/sub/3.txt", PROSE)
    write("d/x.md", PROSE)
    assert [i.id for i in items("d/*.txt")] == ["d/1.txt", "d/2.txt"]
    assert [i.id for i in items("d/**/*.txt")] == ["d/1.txt", "d/2.txt", "d/sub/3.txt"]


def test_missing_paths() -> None:
    sources = expand_paths(["nope.txt", "none/*.txt"])
    assert all(s.missing for s in sources)
    got = list(read_sources(sources))
    assert [i.id for i in got] == ["nope.txt", "none/*.txt"]
    assert all(isinstance(i.error, InputError) for i in got)


def test_stdin_text_and_jsonl() -> None:
    [item] = items("-", stdin=io.BytesIO(PROSE.encode()))
    assert (item.id, item.text) == ("stdin", PROSE)
    data = json.dumps({"text": PROSE}) + "\n" + json.dumps({"id": "k", "text": PROSE}) + "\n"
    got = items("-", stdin=io.StringIO(data))
    assert [i.id for i in got] == ["stdin#line1", "k"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"abc\x00\x01\x02def", "binary"),
        ("Café".encode("latin-1") + b" au lait", "UTF-8"),
    ],
)
def test_unreadable_files_become_error_items(data: bytes, words: str) -> None:
    write("bad.txt", data)
    [item] = items("bad.txt")
    assert item.text is None
    assert isinstance(item.error, InputError)
    assert words in str(item.error)
    assert "bad.txt" in str(item.error)


def test_utf8_bom_is_dropped() -> None:
    write("bom.txt", b"\xef\xbb\xbf" + PROSE.encode())
    [item] = items("bom.txt")
    assert item.text == PROSE


# --------------------------------------------------------------------------- records


SUCCESS = {
    "source": "a.txt",
    "published": None,
    "language": "id",
    "visits": [
        {
            "visitor": {"name": "Sergey Lavrov", "role": None, "country": None},
            "destination": {"country": "PAK", "city": "Islamabad"},
            "start_date": "2024-05-08",
            "end_date": None,
            "inviter": None,
            "counterparts": [],
            "purpose": "talks",
            "status": "ongoing",
            "evidence": [{"text": PROSE, "start": 0, "end": len(PROSE)}],
        }
    ],
    "agreements": [],
    "statements": [
        {
            "speaker": {"name": "@Lavrov", "role": None, "country": None},
            "content": '=HYPERLINK("http://evil")',
            "date": None,
            "evidence": [],
        }
    ],
    "quotes": [{"speaker": "Lavrov", "text": "-1+2 “kami siap”", "cue": None, "evidence": []}],
    "usage": {},
    "warnings": [],
}


def test_error_record_shape() -> None:
    rec = error_record("x.txt", InputError("x.txt: file is empty"))
    assert rec == {
        "source": "x.txt",
        "error": {"type": "InputError", "message": "x.txt: file is empty"},
    }


def test_neutralise_cell() -> None:
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise_cell(bad) == "'" + bad
    assert neutralise_cell("Lavrov") == "Lavrov"
    assert neutralise_cell(5) == 5


def test_csv_rows_and_formula_neutralisation(tmp_path: Path) -> None:
    rows = csv_rows(SUCCESS)
    assert [r[1] for r in rows] == ["visit", "statement", "quote"]
    assert rows[0][2:7] == ["Sergey Lavrov", "talks", "Islamabad, PAK", "2024-05-08", "ongoing"]
    assert rows[0][8:] == [0, len(PROSE)]
    w = CsvWriter("out.csv")
    w.write(SUCCESS)
    w.write(error_record("b.txt", InputError("=cmd|' /C calc'!A0")))
    w.close()
    with open("out.csv", encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0][:3] == ["source", "kind", "speaker"]
    statement = table[2]
    assert statement[2] == "'@Lavrov"
    assert statement[3].startswith("'=HYPERLINK")
    assert table[3][3] == "'-1+2 “kami siap”"
    assert table[4][:2] == ["b.txt", "error"]
    assert table[4][3].startswith("InputError: ")
    assert not [p for p in os.listdir(".") if p.endswith(".tmp")]


def test_jsonl_writer_lines_are_utf8_and_whole() -> None:
    w = JsonlWriter("out.jsonl")
    w.write({"source": "é.txt", "error": {"type": "InputError", "message": "kosong “x”"}})
    w.write(SUCCESS)
    w.close()
    raw = Path("out.jsonl").read_bytes()
    assert raw.endswith(b"\n") and "“x”".encode() in raw  # ensure_ascii=False
    assert [json.loads(line)["source"] for line in raw.splitlines()] == ["é.txt", "a.txt"]


def test_jsonl_writer_to_stream() -> None:
    buf = io.StringIO()
    w = JsonlWriter(stream=buf)
    w.write({"source": "a"})
    w.close()
    assert buf.getvalue() == '{"source": "a"}\n'


def test_json_array_writer_is_atomic_and_valid() -> None:
    w = JsonArrayWriter("out.json", initial=[{"source": "old"}])
    w.write(SUCCESS)
    assert not Path("out.json").exists()  # only renamed into place at the end
    w.close()
    data = json.loads(Path("out.json").read_text(encoding="utf-8"))
    assert [r["source"] for r in data] == ["old", "a.txt"]
    assert not [p for p in os.listdir(".") if p.endswith(".tmp")]
    empty = JsonArrayWriter("empty.json")
    empty.close()
    assert json.loads(Path("empty.json").read_text()) == []
    state, records = read_json_array_state("out.json")
    assert state.done == {"old", "a.txt"} and len(records) == 2


# --------------------------------------------------------------------------- resume


def test_read_jsonl_state_truncates_partial_line_and_classifies() -> None:
    good = json.dumps({"source": "a", "quotes": []})
    failed = json.dumps({"source": "b", "error": {"type": "BackendError", "message": "x"}})
    retried_ok = json.dumps({"source": "c", "error": {"type": "X", "message": "x"}})
    later_ok = json.dumps({"source": "c", "quotes": []})
    Path("out.jsonl").write_text(
        "\n".join([good, failed, retried_ok, later_ok, "not json"]) + '\n{"source": "d", "qu',
        encoding="utf-8",
    )
    state = read_jsonl_state("out.jsonl")
    assert state.done == {"a", "c"}
    assert state.failed == {"b"}
    assert state.truncated == len('{"source": "d", "qu')
    assert state.bad_lines == 1
    assert Path("out.jsonl").read_bytes().endswith(b"not json\n")
    results = load_results("out.jsonl")
    assert list(results) == ["a", "b", "c"]
    assert "error" not in results["c"]


def test_fields_default() -> None:
    assert Fields().text == "text" and Fields().id == "id"
