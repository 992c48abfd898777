"""The HTML review report: structure and escaping offline, behaviour in a real browser.

Browser tests drive Debian's chromium through playwright (never a downloaded browser). They skip
when chromium or playwright is missing, and fail instead when ``FACTX_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from factx import report
from factx.backends import FakeBackend
from factx.cli import main
from factx.eval import locate
from factx.exceptions import InputError
from factx.models import ArticleFacts

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
KINDS = ("visits", "agreements", "statements", "quotes")

HOSTILE = (
    '<script>alert(1)</script> <img src=x onerror="alert(2);window.__pwned=1"> '
    '<a href="javascript:alert(3)">x</a> </script><script>window.__pwned=1</script>'
)


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


def _spans(text: str, evidence: list[str]) -> list[dict[str, Any]]:
    spans = []
    for ev in evidence:
        hits = locate(text, ev)
        assert hits, f"gold evidence not in the article: {ev[:60]!r}"
        start, end = hits[0]
        spans.append({"text": text[start:end], "start": start, "end": end})
    return spans


def _first(name: str | list[str] | None) -> str | None:
    return name[0] if isinstance(name, list) else name


def seed_records() -> list[dict[str, Any]]:
    """The gold facts of the 5 seeds as ``factx extract`` records, evidence located by offset."""
    records = []
    for line in (SEEDS / "seeds.gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        text = (SEEDS / gold["doc"]).read_bytes().decode("utf-8-sig")
        rec: dict[str, Any] = {"source": f"seeds/{gold['doc']}", "published": gold["published"]}
        rec["visits"] = [
            {
                "visitor": {"name": _first(v["visitor"])},
                "destination": {"country": v.get("destination_country"),
                                "city": v.get("destination_city")},
                "start_date": v.get("start_date"),
                "end_date": v.get("end_date"),
                "status": v.get("status"),
                "evidence": _spans(text, v["evidence"]),
            }
            for v in gold["visits"]
        ]  # fmt: skip
        rec["agreements"] = [
            {
                "parties": [{"name": p} for p in a["parties"]],
                "subject": a.get("subject") or "agreement",
                "status": a.get("status"),
                "date": a.get("date"),
                "evidence": _spans(text, a["evidence"]),
            }
            for a in gold["agreements"]
        ]
        rec["statements"] = [
            {
                "speaker": {"name": _first(s["speaker"])},
                "content": s["content"],
                "date": s.get("date"),
                "evidence": _spans(text, s["evidence"]),
            }
            for s in gold["statements"]
        ]
        rec["quotes"] = [
            {"speaker": _first(q["speaker"]), "text": q["text"],
             "evidence": _spans(text, q["evidence"])}
            for q in gold["quotes"]
        ]  # fmt: skip
        ArticleFacts.model_validate(rec)
        records.append(rec)
    return records


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


HOSTILE_TEXT = f"\nBerita.\r\n\r\nMenteri {HOSTILE}\r\nberkata hari ini.\n"


def hostile_record() -> dict[str, Any]:
    start = HOSTILE_TEXT.index("Menteri")
    end = HOSTILE_TEXT.index("berkata")
    span = {"text": HOSTILE_TEXT[start:end], "start": start, "end": end}
    return {
        "source": "evil.txt",
        "title": HOSTILE,
        "url": "javascript:alert(4)",
        "warnings": [HOSTILE],
        "statements": [
            {"speaker": {"name": HOSTILE, "role": HOSTILE}, "content": HOSTILE, "evidence": [span]}
        ],
        "quotes": [{"speaker": HOSTILE, "text": HOSTILE, "cue": HOSTILE, "evidence": [span]}],
        "agreements": [{"parties": [{"name": HOSTILE}], "subject": HOSTILE, "evidence": [span]}],
    }


class _Tags(HTMLParser):
    """Every start tag with its attributes, the text of each data-span, and script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.span_text: dict[str, str] = {}
        self.text = ""
        self.scripts: list[str] = []
        self._open: list[str | None] = []
        self._in_article = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if a.get("id") == "article" or self._in_article:
            self._in_article += 1
        self._open.append(a.get("data-span") if tag == "mark" else None)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if self._in_article:
            self._in_article -= 1
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        if self._in_article:
            self.text += data
            for sid in self._open:
                if sid:
                    self.span_text[sid] = self.span_text.get(sid, "") + data


def parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    return tags


# --------------------------------------------------------------------------------------------
# Offline: structure and escaping
# --------------------------------------------------------------------------------------------


def test_seed_pages_highlight_every_span_with_its_text(tmp_path: Path) -> None:
    records = seed_records()
    pred = write_jsonl(tmp_path / "pred.jsonl", records)
    entries, skipped = report.read_predictions(pred)
    result = report.write_report(entries, tmp_path / "r.html", texts=report.ArticleDirectory(SEEDS))
    assert skipped == [] and result.span_problems == 0 and result.missing_texts == 0
    assert [p.parent.name for p in result.pages] == ["r_files"] * 5
    for rec, page in zip(records, result.pages, strict=True):
        text = (SEEDS / Path(rec["source"]).name).read_bytes().decode("utf-8-sig")
        html = page.read_text("utf-8")
        parsed = parse(html)
        assert parsed.text == text  # escaping and highlighting leave the article intact
        ids = [a["data-span"] for t, a in parsed.tags if t == "mark"]
        cards = [a for t, a in parsed.tags if t == "section" and "card" in (a.get("class") or "")]
        assert len(cards) == sum(len(rec[k]) for k in KINDS)
        evidence = [s for k in KINDS for fact in rec[k] for s in fact["evidence"]]
        card_spans = [sid for c in cards for sid in (c["data-spans"] or "").split()]
        assert len(card_spans) == len(evidence) and set(card_spans) == set(ids)
        for sid, span in zip(card_spans, evidence, strict=True):
            assert parsed.span_text[sid] == span["text"]


def test_nested_and_crossing_spans() -> None:
    text = "aa <b> bb cc dd ee"
    marks = [
        report._Mark("e1", "s0", "statements", 0, 15),  # outer
        report._Mark("e2", "q0", "quotes", 3, 9),  # inside e1
        report._Mark("e3", "v0", "visits", 7, 18),  # crosses e1 and e2
        report._Mark("e4", "a0", "agreements", 3, 9),  # same range as e2
    ]
    parsed = parse(f'<div id="article">{report._highlight(text, marks)}</div>')
    assert parsed.text == text
    for m in marks:
        assert parsed.span_text[m.span_id] == text[m.start : m.end], m
    pieces = [a["data-span"] for t, a in parsed.tags if t == "mark"]
    assert pieces.count("e3") == 3  # split where it crosses e2/e4 and e1


def test_mismatched_span_is_warned_not_highlighted() -> None:
    text = "Lavrov tiba di Islamabad."
    facts = ArticleFacts.model_validate(
        {
            "quotes": [
                {
                    "speaker": "A",
                    "text": "tiba",
                    "evidence": [{"text": "tiba", "start": 7, "end": 11}],
                },
                {"speaker": "B", "text": "x", "evidence": [{"text": "tiba", "start": 0, "end": 4}]},
                {"speaker": "C", "text": "y", "evidence": [{"text": "z", "start": 90, "end": 95}]},
            ]
        }
    )
    parsed = parse(report.render_article(facts, text))
    marks = [a for t, a in parsed.tags if t == "mark"]
    assert [m["data-fact"] for m in marks] == ["q0"]
    cards = {a["data-fact"]: a for t, a in parsed.tags if t == "section"}
    assert cards["q0"]["data-spans"] == "e1" and cards["q1"]["data-spans"] == ""
    page = report.render_article(facts, text)
    assert "offsets 0–4 hold &#x27;Lavr&#x27;, not the evidence text" in page
    assert "offsets 90–95 are outside the article (25 characters)" in page


def test_page_without_text_lists_facts_unhighlighted() -> None:
    facts = ArticleFacts.model_validate(hostile_record())
    page = report.render_article(facts, None, text_problem="evil.txt: article not found")
    parsed = parse(page)
    assert not [a for t, a in parsed.tags if t == "mark"]
    assert {a["data-spans"] for t, a in parsed.tags if t == "section"} == {""}
    assert "Article text not available: evil.txt: article not found" in page


def test_hostile_strings_are_escaped_everywhere(tmp_path: Path) -> None:
    facts = ArticleFacts.model_validate(hostile_record())
    page = report.render_article(facts, HOSTILE_TEXT)
    parsed = parse(page)
    assert {t for t, _ in parsed.tags} <= {
        "html", "head", "meta", "title", "style", "body", "header", "h1", "div", "a", "span",
        "nav", "b", "main", "mark", "aside", "h2", "section", "dl", "dt", "dd", "ul", "li",
        "q", "p", "script",
    }  # fmt: skip
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript"), attrs
    scripts = [a for t, a in parsed.tags if t == "script"]
    assert scripts == [{"type": "application/json", "id": "facts-data"}, {}]
    data = json.loads(parsed.scripts[0])
    assert data["facts"]["q0"]["lines"][0] == HOSTILE  # the raw string, shown via textContent
    assert not any(ch in parsed.scripts[0] for ch in "<>&")
    assert HOSTILE in parsed.text  # the article shows the markup as text
    csp = next(a["content"] for t, a in parsed.tags if a.get("http-equiv"))
    assert csp is not None and csp.startswith("default-src 'none';")
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_script_json_cannot_close_its_tag() -> None:
    value = {"x": "</script><!-- & \u2028\u2029 >"}
    out = report.script_json(value)
    assert not any(ch in out for ch in "<>&\u2028\u2029")
    assert json.loads(out) == value


def test_read_predictions_last_record_wins_and_problems_listed(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(
        '{"source": "a.txt", "error": {"type": "BackendError", "message": "500"}}\n'
        '{"source": "b.txt", "quotes": []}\n'
        "not json\n"
        "[1]\n"
        '{"source": "c.txt", "visits": [{"bogus": 1}]}\n'
        '{"source": "a.txt", "quotes": []}\n',
        encoding="utf-8",
    )
    entries, problems = report.read_predictions(path)
    assert [e.source for e in entries] == ["b.txt", "c.txt", "a.txt"]
    assert entries[2].facts is not None and entries[2].error is None
    assert entries[1].facts is None and "not an ArticleFacts record" in (entries[1].error or "")
    assert [p.split(": ", 1)[0] for p in problems] == [f"{path}:3", f"{path}:4"]
    result = report.write_report(entries, tmp_path / "out", skipped=problems)
    assert result.failed == 1 and len(result.pages) == 2
    index = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert "not JSON" in index and "Failed: not an ArticleFacts record" in index


def test_read_predictions_of_a_json_array(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps([{"source": "a.txt"}, {"source": "b.txt"}]), encoding="utf-8")
    entries, problems = report.read_predictions(path)
    assert [e.source for e in entries] == ["a.txt", "b.txt"] and problems == []


def test_article_directory_reads_like_extract(tmp_path: Path) -> None:
    (tmp_path / "arts").mkdir()
    (tmp_path / "arts" / "crlf.txt").write_bytes("\ufeffSatu.\r\nDua “tiga”.\r\n".encode())
    (tmp_path / "arts" / "batch.jsonl").write_text(
        '{"id": "art-7", "text": "Teks tujuh."}\n{"text": "Teks baris dua."}\n', "utf-8"
    )
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    texts = report.ArticleDirectory(tmp_path / "arts")
    assert texts("data/in/crlf.txt") == "Satu.\r\nDua “tiga”.\r\n"  # BOM gone, CRLF kept
    assert texts("art-7") == "Teks tujuh."
    assert texts("x/batch.jsonl#line2") == "Teks baris dua."
    for bad in ("../secret.txt", str(tmp_path / "secret.txt"), "nothing.txt"):
        with pytest.raises(InputError, match="not found"):
            texts(bad)


def test_stale_pages_are_removed(tmp_path: Path) -> None:
    three = [report.Entry(f"{i}.txt", facts=ArticleFacts(source=f"{i}.txt")) for i in range(3)]
    first = report.write_report(three, tmp_path / "r.html")
    second = report.write_report(three[:1], tmp_path / "r.html")
    assert len(first.pages) == 3 and second.pages == first.pages[:1]
    assert sorted(p.name for p in (tmp_path / "r_files").iterdir()) == ["0001-0.txt.html"]


def test_thousand_articles(capsys: pytest.CaptureFixture[str]) -> None:
    """The benchmark's 1,000 synthetic articles: one page each, one index (time is printed)."""
    bench = runpy.run_path(str(ROOT / "benchmarks" / "report_speed.py"))
    assert bench["main"](["--articles", "1000"]) == 0
    out = capsys.readouterr().out
    assert "articles: 1000 (20 failed), facts: 11760" in out
    assert "pages: 980 totalling" in out
    with capsys.disabled():
        print("\n" + out)


def test_cli_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = write_jsonl(tmp_path / "pred.jsonl", [*seed_records(), hostile_record()])
    out = tmp_path / "rep"
    code = main(["view", str(pred), "--articles", str(SEEDS), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "6 articles, 0 failed, 1 articles without text" in err
    assert len(list((out / "articles").iterdir())) == 6
    assert "evil.txt: article not found" in (out / "index.html").read_text("utf-8")
    assert main(["view", str(tmp_path / "none.jsonl"), "-o", str(out)]) == 2  # like eval, export
    assert "none.jsonl: cannot read" in capsys.readouterr().err
    assert main(["view", str(pred), "--articles", str(tmp_path / "nope"), "-o", str(out)]) == 2
    assert "--articles" in capsys.readouterr().err


def test_cli_extract_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FACTX_CACHE_DIR", str(tmp_path / ".cache"))
    text = 'Sergey Lavrov mengatakan, "Kami siap bekerja sama dengan Pakistan," kepada wartawan.\n'
    Path("in").mkdir()
    Path("in/a.txt").write_text(text, encoding="utf-8")
    answer = {
        "visits": [],
        "agreements": [],
        "statements": [],
        "quotes": [
            {"speaker": "Sergey Lavrov", "text": "Kami siap bekerja sama dengan Pakistan",
             "cue": "mengatakan", "sentence": 1}
        ],
    }  # fmt: skip
    backend = FakeBackend(responder=lambda messages, model: answer)
    code = main(["extract", "in", "-o", "out.jsonl", "--html", "rep.html", "-q"], backend=backend)
    assert code == 0
    page = next(Path("rep_files").iterdir()).read_text("utf-8")
    parsed = parse(page)
    (sid,) = [a["data-span"] for t, a in parsed.tags if t == "mark"]
    assert parsed.span_text[sid] == "Kami siap bekerja sama dengan Pakistan"


# --------------------------------------------------------------------------------------------
# In a real browser
# --------------------------------------------------------------------------------------------


def _chromium() -> str | None:
    return (
        os.environ.get("FACTX_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium under playwright; skip (or fail with FACTX_REQUIRE_BROWSER=1)."""
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        message = "chromium and the playwright package are needed for the browser tests"
        if os.environ.get("FACTX_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (FACTX_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.dialogs = []
    pg.errors = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on(
        "request",
        lambda r: pg.errors.append(f"request {r.url}") if r.url.startswith("http") else None,
    )
    yield pg
    context.close()


SPAN_TEXTS = """() => {
  const out = {};
  document.querySelectorAll('mark[data-span]').forEach(m => {
    out[m.dataset.span] = (out[m.dataset.span] || '') + m.textContent;
  });
  return out;
}"""


def test_browser_seed_report(page: Any, tmp_path: Path) -> None:
    records = seed_records()
    entries, _ = report.read_predictions(write_jsonl(tmp_path / "pred.jsonl", records))
    result = report.write_report(entries, tmp_path / "r.html", texts=report.ArticleDirectory(SEEDS))
    shot = tmp_path / "shot.png"
    for rec, path in zip(records, result.pages, strict=True):
        page.goto(path.as_uri())
        cards = page.eval_on_selector_all(
            ".card", "cs => cs.map(c => [c.dataset.fact, c.dataset.spans])"
        )
        assert len(cards) == sum(len(rec[k]) for k in KINDS)
        texts = page.evaluate(SPAN_TEXTS)
        evidence = [s["text"] for k in KINDS for fact in rec[k] for s in fact["evidence"]]
        card_spans = [sid for _, spans in cards for sid in spans.split()]
        assert [texts[sid] for sid in card_spans] == evidence
        for fact, spans in cards:
            assert spans, f"card {fact} has no highlighted span"
    page.goto(result.pages[0].as_uri())
    page.screenshot(path=str(shot), full_page=False)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000

    # Click a card near the end: its spans flash and the first one is scrolled into view.
    card = page.locator(".card.k-quote").last
    sid = card.get_attribute("data-spans").split()[0]
    card.click()
    first = page.locator(f'mark[data-span="{sid}"]').first
    page.wait_for_function(
        """id => { const r = document.querySelector(`mark[data-span="${id}"]`)
                   .getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; }""",
        arg=sid,
    )
    assert "flash" in (first.get_attribute("class") or "")
    assert "active" in (card.get_attribute("class") or "")

    # Hover a span nested in another (the seeds have some): the tooltip shows both facts.
    nested = None
    for path in result.pages:
        page.goto(path.as_uri())
        nested = page.evaluate(
            """() => { const m = document.querySelector('mark.hl > mark.hl');
                       return m && [m.dataset.span, m.parentElement.dataset.fact,
                                    m.dataset.fact]; }"""
        )
        if nested:
            break
    assert nested is not None, "no nested spans in the seeds"
    sid, outer, inner = nested
    page.locator(f'mark[data-span="{sid}"]').first.hover()
    tip = page.locator("#tip")
    assert tip.is_visible()
    kinds = tip.locator(".tip-kind").all_text_contents()
    assert kinds == [page.locator(f"#card-{f} .kind").text_content() for f in (outer, inner)]
    for fact in (outer, inner):
        assert page.locator(f"#card-{fact} .title").text_content() in tip.text_content()
        assert "hot" in (page.locator(f"#card-{fact}").get_attribute("class") or "")
    # Leaving the article hides the tooltip.
    page.mouse.move(0, 0)
    assert not tip.is_visible()
    assert page.errors == [] and page.dialogs == []


def test_browser_index_links_and_filter(page: Any, tmp_path: Path) -> None:
    records = [*seed_records(), {"source": "bad.txt", "error": {"type": "X", "message": "m"}}]
    entries, _ = report.read_predictions(write_jsonl(tmp_path / "pred.jsonl", records))
    result = report.write_report(entries, tmp_path / "r.html", texts=report.ArticleDirectory(SEEDS))
    page.goto(result.index.as_uri())
    assert page.locator("tbody tr").count() == 6
    assert page.locator("tr.failed").text_content().count("Failed: X: m") == 1
    page.fill("#filter", "002_")
    assert page.locator("tbody tr:visible").count() == 1
    page.locator("tbody tr:visible a").click()
    page.wait_for_url("**/0003-002_*.html")
    page.locator("a[rel=next]").click()
    page.wait_for_url("**/0004-003_*.html")
    assert page.errors == []


def test_browser_hostile_input_runs_nothing(page: Any, tmp_path: Path) -> None:
    (tmp_path / "arts").mkdir()
    (tmp_path / "arts" / "evil.txt").write_bytes(HOSTILE_TEXT.encode())  # CRLF kept
    pred = write_jsonl(tmp_path / "pred.jsonl", [hostile_record()])
    entries, _ = report.read_predictions(pred)
    result = report.write_report(
        entries, tmp_path / "r.html", texts=report.ArticleDirectory(tmp_path / "arts")
    )
    for url in (result.index.as_uri(), result.pages[0].as_uri()):
        page.goto(url)
        page.wait_for_timeout(300)  # room for an onerror handler to fire
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img").count() == 0
        assert page.locator("a[href^=javascript]").count() == 0
    assert page.locator("#article").text_content() == HOSTILE_TEXT  # leading LF and CRs kept
    span = hostile_record()["quotes"][0]["evidence"][0]["text"]
    assert set(page.evaluate(SPAN_TEXTS).values()) == {span}
    # Defence in depth: the CSP refuses any inline script but the page's own.
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__pwned = 1'; document.body.appendChild(s); }"""
    )
    assert page.locator(".card.k-quote dd").first.text_content() == HOSTILE
    page.locator(".card.k-quote").click()
    page.locator("mark.k-quote").first.hover()
    assert HOSTILE in page.locator("#tip").text_content()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == [] and page.errors == []
