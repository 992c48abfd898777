"""HTML review report: each article with its evidence highlighted, its facts beside it as cards.

Layout on disk: one page per article plus an index, so a run of 1,000 articles opens as fast as
a run of one (each page holds one article; the index is one table row per article)::

    report.html                 index: counts per kind, failures and problems per article
    report_files/0001-a.txt.html  one page per article (article left, fact cards right)

``OUT`` without an ``.html`` suffix is taken as a folder: ``OUT/index.html`` and
``OUT/articles/``. Pages are self-contained (CSS and JavaScript inline) and their
Content-Security-Policy forbids every fetch; the only links are between the pages themselves and
the article's own ``http(s)`` URL.

Everything that came from an article or a model is escaped with :func:`html.escape`; the data
the page script needs travels as JSON in a ``<script type="application/json">`` block with
``<``, ``>``, ``&`` and U+2028/U+2029 escaped, and the script writes it with ``textContent``.

A span is highlighted only when ``text[start:end] == span.text`` on the article text read the way
``factx extract`` reads it (:mod:`factx._io`: UTF-8 with BOM stripped, line ends kept); otherwise
its card shows a warning and nothing is highlighted. Overlapping spans are nested; a span that
crosses another is split into pieces sharing one ``data-span`` id.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import _io
from .exceptions import InputError
from .models import Agreement, ArticleFacts, Person, Quote, Span, Statement, Visit

__all__ = [
    "KINDS",
    "ArticleDirectory",
    "Entry",
    "ReportResult",
    "TextLookup",
    "entries_from_records",
    "read_predictions",
    "render_article",
    "render_fragment",
    "script_json",
    "text_lookup",
    "write_report",
]

KINDS: tuple[str, ...] = ("visits", "agreements", "statements", "quotes")
_CSS_KIND = {kind: kind[:-1] for kind in KINDS}  # "visits" -> "visit"
_LABEL = {kind: kind[:-1].capitalize() for kind in KINDS}
_PREFIX = {"visits": "v", "agreements": "a", "statements": "s", "quotes": "q"}
_PAGE_NAME = re.compile(r"^\d{4,}-.*\.html$")

TextLookup = Callable[[str], str]
"""Article text for a record's ``source``; raises :class:`InputError` when there is none."""

Fact = Visit | Agreement | Statement | Quote


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One article of the report: its facts, or why there are none.

    Attributes:
        source: the record's ``source`` (the input id).
        facts: the parsed record; None for error records and unreadable records.
        error: ``"Type: message"`` of an error record or of a record that is not ArticleFacts.
    """

    source: str
    facts: ArticleFacts | None = None
    error: str | None = None


def read_predictions(path: str | os.PathLike[str]) -> tuple[list[Entry], list[str]]:
    """Entries of a ``factx extract`` output (JSONL, or a JSON array) and the lines it skipped.

    The last record per ``source`` wins (a resumed run appends a retried article after its
    old error record), in the order of the final records. Records without a ``source`` use
    their ``id``.

    Args:
        path: the predictions file.

    Returns:
        ``(entries, problems)``: problems name each line that is not a JSON object with a source.

    Raises:
        InputError: the file cannot be read or is not UTF-8.
    """
    try:
        data = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not valid UTF-8 (offset {e.start})") from None
    problems: list[str] = []
    raw: list[tuple[str, Any]] = []
    if data.lstrip().startswith("["):
        try:
            array = json.loads(data)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}: invalid JSON at line {e.lineno}: {e.msg}") from None
        raw = [(f"{path}#{i}", rec) for i, rec in enumerate(array, 1)]
    else:
        # "\n" only: str.splitlines() also cuts at U+2028, U+0085... which records hold raw
        for n, line in enumerate(data.split("\n"), 1):
            if not line.strip():
                continue
            try:
                raw.append((f"{path}:{n}", json.loads(line)))
            except (ValueError, RecursionError) as e:  # bad JSON, too deep, too many digits
                why = e.msg if isinstance(e, json.JSONDecodeError) else type(e).__name__
                problems.append(f"{path}:{n}: not JSON ({why}); skipped")
    entries = entries_from_records(raw, problems)
    return entries, problems


def entries_from_records(
    records: Iterable[tuple[str, Any]] | Iterable[dict[str, Any]], problems: list[str] | None = None
) -> list[Entry]:
    """Entries of output records; the last record per ``source`` wins.

    Args:
        records: records, or ``(where, record)`` pairs naming where each came from.
        problems: gets one line per item that is not a record with a ``source``.

    Returns:
        The entries, in the order of the final records.
    """
    entries: dict[str, Entry] = {}
    for n, item in enumerate(records, 1):
        where, rec = item if isinstance(item, tuple) else (f"record {n}", item)
        source = (rec.get("source") or rec.get("id")) if isinstance(rec, dict) else None
        if not isinstance(source, str) or not source:
            if problems is not None:
                problems.append(f"{where}: not a record with a 'source'; skipped")
            continue
        entries.pop(source, None)  # keep the order of the final records
        entries[source] = _entry(source, rec)
    return list(entries.values())


def _entry(source: str, rec: dict[str, Any]) -> Entry:
    err = rec.get("error")
    if err is not None:
        if isinstance(err, dict):
            return Entry(source, error=f"{err.get('type') or 'Error'}: {err.get('message') or ''}")
        return Entry(source, error=str(err))
    fields = {k: v for k, v in rec.items() if k != "id"}
    fields["source"] = source
    try:
        return Entry(source, facts=ArticleFacts.model_validate(fields))
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        loc = ".".join(str(x) for x in first["loc"]) or "(root)"
        return Entry(source, error=f"not an ArticleFacts record: {loc}: {first['msg']}")


class ArticleDirectory:
    """Finds the text of a record's article in a folder (or one JSON/JSONL file of articles).

    ``source`` is looked up as a path inside the folder, then by its file name (the way
    ``factx eval --articles`` does), then among the ids of the records of the folder's
    ``.json``/``.jsonl`` files. A ``path#line3``/``path#3`` source picks that record of the file.
    Sources that would lead outside the folder (``..``, absolute paths) are not followed. Files
    are read with :mod:`factx._io`, exactly as ``factx extract`` read them, so offsets line up.

    Args:
        root: the folder, or a JSON/JSONL file of article records.
        fields: field names of JSON/JSONL article records.

    Raises:
        InputError: ``root`` does not exist.
    """

    def __init__(self, root: str | os.PathLike[str], fields: _io.Fields | None = None) -> None:
        self.root = os.path.abspath(root)
        if not os.path.exists(self.root):
            raise InputError(f"{root}: no such file or directory")
        self._fields = fields or _io.Fields()
        self._records: dict[str, _io.InputItem] | None = None

    def __call__(self, source: str) -> str:
        """The article text of ``source``.

        Raises:
            InputError: no such article, or its file cannot be read.
        """
        name = re.split(r"[\\/]", source.strip())[-1]
        file_part, _, fragment = name.partition("#")
        if os.path.isdir(self.root):
            for candidate in (source.partition("#")[0], file_part):
                path = self._inside(candidate)
                if path is None or not os.path.isfile(path):
                    continue
                items = list(_io.read_sources([_io.Source(path)], fields=self._fields))
                if not fragment and len(items) == 1:
                    return _text_of(items[0], source)
                for item in items:
                    # path#line3 / path#3 (a position), or path#ID: an id made unique by
                    # its file (read alone, the record has its bare id)
                    if fragment and (item.id.endswith("#" + fragment) or item.id == fragment):
                        return _text_of(item, source)
        record = self._record_index().get(source) or self._record_index().get(name)
        if record is None:
            raise InputError(f"{source}: article not found in {self.root}")
        return _text_of(record, source)

    def _inside(self, relative: str) -> str | None:
        if not relative or os.path.isabs(relative):
            return None
        path = os.path.normpath(os.path.join(self.root, relative))
        return path if path.startswith(self.root + os.sep) else None

    def _record_index(self) -> dict[str, _io.InputItem]:
        if self._records is None:
            if os.path.isdir(self.root):
                found = _io.expand_paths([self.root])
                sources = [s for s in found if s.suffix in _io.RECORD_SUFFIXES]
            else:
                sources = [_io.Source(self.root)]
            self._records = {}
            for item in _io.read_sources(sources, fields=self._fields):
                self._records.setdefault(item.id, item)
                self._records.setdefault(re.split(r"[\\/]", item.id)[-1], item)
        return self._records


def _text_of(item: _io.InputItem, source: str) -> str:
    if item.text is None:
        raise item.error or InputError(f"{source}: article has no text")
    return item.text


# --------------------------------------------------------------------------------------------
# Escaping
# --------------------------------------------------------------------------------------------


def _e(value: object) -> str:
    """HTML-escape any value for element content or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def _text(value: str) -> str:
    """Escape article text; CR as a reference, which HTML parsing keeps (a raw CR becomes LF)."""
    return _e(value).replace("\r", "&#13;")


_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                 "\u2029": "\\u2029"}  # fmt: skip


def script_json(data: Any) -> str:
    """JSON safe to place inside ``<script type="application/json">``: it cannot close the tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text)


def _safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), else None (no ``javascript:`` or ``data:`` links)."""
    if url and re.match(r"^https?://[^\s]+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


# --------------------------------------------------------------------------------------------
# Highlighting
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    span_id: str
    fact_id: str
    kind: str
    start: int
    end: int


def _span_problem(text: str | None, span: Span) -> str | None:
    """Why ``span`` cannot be highlighted in ``text``, or None when it can."""
    if text is None:
        return None  # the page already says the article text is missing
    if not 0 <= span.start < span.end <= len(text):
        return f"offsets {span.start}–{span.end} are outside the article ({len(text)} characters)"
    found = text[span.start : span.end]
    if found != span.text:
        return f"offsets {span.start}–{span.end} hold {_clip(found, 60)!r}, not the evidence text"
    return None


def _highlight(text: str, marks: Iterable[_Mark]) -> str:
    """The escaped article text with a ``<mark>`` per span.

    Spans inside others are nested; a span crossing another is closed at the crossing and
    reopened after it, the pieces sharing one ``data-span``, so every span stays hoverable and
    the joined text of its pieces is its text.
    """
    starts: dict[int, list[_Mark]] = {}
    bounds = {0, len(text)}
    for m in marks:
        starts.setdefault(m.start, []).append(m)
        bounds.update((m.start, m.end))
    out: list[str] = []
    stack: list[_Mark] = []
    pos = 0
    for p in sorted(bounds):
        out.append(_text(text[pos:p]))
        pos = p
        if any(m.end == p for m in stack):
            reopen: list[_Mark] = []
            while any(m.end == p for m in stack):
                top = stack.pop()
                out.append("</mark>")
                if top.end != p:
                    reopen.append(top)
            for m in reversed(reopen):
                out.append(_open(m))
                stack.append(m)
        for m in sorted(starts.get(p, []), key=lambda m: -m.end):
            out.append(_open(m))
            stack.append(m)
    return "".join(out)


def _open(m: _Mark) -> str:
    return (
        f'<mark class="hl k-{_CSS_KIND[m.kind]}" data-span="{m.span_id}" data-fact="{m.fact_id}">'
    )


# --------------------------------------------------------------------------------------------
# Cards
# --------------------------------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _person(p: Person) -> str:
    extra = ", ".join(x for x in (p.role, p.country) if x)
    return f"{p.name} ({extra})" if extra else p.name


def _rows(kind: str, fact: Fact) -> tuple[str, list[tuple[str, str]]]:
    """A card's title and its labelled rows (empty values left out)."""
    rows: list[tuple[str, str | None]]
    if isinstance(fact, Visit):
        dest = ", ".join(x for x in (fact.destination.city, fact.destination.country) if x) or "?"
        dates = " – ".join(x for x in (fact.start_date, fact.end_date) if x)
        title = f"{fact.visitor.name} → {dest}"
        rows = [
            ("Visitor", _person(fact.visitor)),
            ("Destination", dest),
            ("Dates", dates),
            ("Status", fact.status),
            ("Inviter", fact.inviter),
            ("Met", ", ".join(fact.counterparts)),
            ("Purpose", fact.purpose),
        ]
    elif isinstance(fact, Agreement):
        parties = "; ".join(
            f"{p.name} ({p.country})" if p.country else p.name for p in fact.parties
        )
        title = fact.subject
        rows = [
            ("Parties", parties),
            ("Subject", fact.subject),
            ("Status", fact.status),
            ("Date", fact.date),
        ]
    elif isinstance(fact, Statement):
        title = fact.speaker.name
        rows = [
            ("Speaker", _person(fact.speaker)),
            ("Paraphrase", fact.content),
            ("Date", fact.date),
        ]
    else:
        title = fact.speaker or "(speaker not given)"
        rows = [("Speaker", fact.speaker or "(not given)"), ("Text", fact.text), ("Cue", fact.cue)]
    return title, [(k, v) for k, v in rows if v]


@dataclass
class _Card:
    fact_id: str
    kind: str
    title: str
    rows: list[tuple[str, str]]
    spans: list[tuple[str, Span, str | None]]  # (span id, span, problem)

    @property
    def problems(self) -> list[str]:
        return [p for _, _, p in self.spans if p]


def _cards(facts: ArticleFacts, text: str | None) -> list[_Card]:
    cards: list[_Card] = []
    n_span = 0
    for kind in KINDS:
        for i, fact in enumerate(getattr(facts, kind)):
            title, rows = _rows(kind, fact)
            spans = []
            for span in fact.evidence:
                n_span += 1
                spans.append((f"e{n_span}", span, _span_problem(text, span)))
            cards.append(_Card(f"{_PREFIX[kind]}{i}", kind, title, rows, spans))
    return cards


def _render_card(card: _Card, highlighted: bool, *, interactive: bool = True) -> str:
    good = " ".join(sid for sid, _, problem in card.spans if problem is None and highlighted)
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in card.rows)
    evidence = []
    for sid, span, problem in card.spans:
        cls = "ev bad" if problem else "ev"
        evidence.append(
            f'<li class="{cls}" data-for="{sid}"><q>{_e(span.text)}</q> '
            f'<span class="off">{span.start}–{span.end}</span></li>'
        )
    warnings = "".join(
        f'<p class="warn" role="alert">⚠ Not highlighted: {_e(p)}</p>' for p in card.problems
    )
    if not card.spans:
        warnings += '<p class="warn" role="alert">⚠ No evidence span.</p>'
    css = _CSS_KIND[card.kind]
    label = f'aria-label="{_e(_LABEL[card.kind])}: {_e(card.title)}"'
    if interactive:
        attrs = (
            f'id="card-{card.fact_id}" data-fact="{card.fact_id}" data-spans="{good}" '
            f'tabindex="0" role="button" {label}'
        )
    else:  # no page script (a notebook): no ids that several outputs would share
        attrs = f'data-fact="{card.fact_id}" {label}'
    return (
        f'<section class="card k-{css}" {attrs}>'
        f'<div class="card-head"><span class="kind">{_LABEL[card.kind]}</span>'
        f'<span class="title">{_e(card.title)}</span></div><dl>{rows}</dl>'
        f'<ul class="evidence">{"".join(evidence)}</ul>{warnings}</section>'
    )


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------

_CSS = """
:root{--visit:#2563eb;--visit-bg:#dbeafe;--agreement:#059669;--agreement-bg:#d1fae5;
--statement:#b45309;--statement-bg:#fef3c7;--quote:#a21caf;--quote-bg:#fae8ff;
--line:#e5e7eb;--muted:#6b7280;--ink:#111827}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
color:var(--ink);background:#f3f4f6}
a{color:#1d4ed8}
header.top{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);
padding:10px 24px;display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px}
header.top h1{font-size:17px;margin:0;flex:1 1 320px;overflow-wrap:anywhere}
.meta{color:var(--muted);font-size:12px;overflow-wrap:anywhere}
nav.pager{display:flex;gap:10px;font-size:13px}
.legend{display:flex;gap:8px;flex-wrap:wrap}
.chip{display:inline-flex;align-items:center;gap:6px;padding:2px 10px;border-radius:999px;
background:var(--bg);color:var(--c);font-size:12px;font-weight:600;border:1px solid var(--c)}
.k-visit{--c:var(--visit);--bg:var(--visit-bg)}
.k-agreement{--c:var(--agreement);--bg:var(--agreement-bg)}
.k-statement{--c:var(--statement);--bg:var(--statement-bg)}
.k-quote{--c:var(--quote);--bg:var(--quote-bg)}
.layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(300px,2fr);gap:20px;
padding:20px 24px;max-width:1440px;margin:0 auto}
.text{background:#fff;border:1px solid var(--line);border-radius:10px;padding:24px 30px;
white-space:pre-wrap;overflow-wrap:anywhere;font:16px/1.75 Georgia,"Times New Roman",serif;margin:0}
.notice{background:#fff7ed;border:1px solid #fdba74;color:#9a3412;border-radius:8px;
padding:10px 14px;margin:0 0 12px}
mark.hl{background:var(--bg);color:inherit;border-bottom:2px solid var(--c);border-radius:2px;
cursor:pointer;padding:1px 0}
mark.hl mark.hl{border-bottom-width:3px}
mark.hl.hot{background:var(--c);color:#fff}
mark.hl.flash{animation:flash 1.8s ease-out;outline:2px solid var(--c);outline-offset:1px}
@keyframes flash{0%{background:var(--c);color:#fff;box-shadow:0 0 0 6px var(--bg)}
100%{box-shadow:0 0 0 0 transparent}}
aside.cards{position:sticky;top:64px;align-self:start;max-height:calc(100vh - 84px);
overflow:auto;padding-right:4px}
aside h2{font-size:12px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);
margin:14px 0 8px}
aside h2:first-child{margin-top:0}
.card{background:#fff;border:1px solid var(--line);border-left:4px solid var(--c);
border-radius:8px;padding:10px 14px;margin:0 0 10px;cursor:pointer;
transition:box-shadow .15s,border-color .15s}
.card:hover,.card.hot,.card:focus-visible{box-shadow:0 2px 10px rgba(17,24,39,.12);outline:none}
.card.active{border-color:var(--c);box-shadow:0 0 0 2px var(--bg),0 2px 10px rgba(17,24,39,.12)}
.card-head{display:flex;gap:8px;align-items:baseline}
.card .kind{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.06em;
color:var(--c)}
.card .title{font-weight:600;overflow-wrap:anywhere}
.card dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:6px 0}
.card dt{color:var(--muted);font-size:12px}
.card dd{margin:0;overflow-wrap:anywhere}
.evidence{list-style:none;margin:6px 0 0;padding:0;font-size:12px;color:#374151}
.evidence li{border-top:1px dashed var(--line);padding-top:4px;margin-top:4px;
overflow-wrap:anywhere}
.evidence q{font-style:italic}
.evidence .off{color:var(--muted);font-variant-numeric:tabular-nums}
.evidence li.bad q{text-decoration:line-through}
.warn{color:#b91c1c;font-size:12px;margin:6px 0 0;font-weight:600}
#tip{position:fixed;z-index:20;max-width:380px;background:#111827;color:#f9fafb;
padding:8px 10px;border-radius:8px;font-size:13px;line-height:1.4;pointer-events:none;
box-shadow:0 6px 20px rgba(0,0,0,.25)}
#tip .tip-fact+.tip-fact{border-top:1px solid #374151;margin-top:6px;padding-top:6px}
#tip .tip-kind{font-size:11px;font-weight:700;text-transform:uppercase;color:var(--bg)}
#tip .tip-line{overflow-wrap:anywhere}
.index{max-width:1200px;margin:0 auto;padding:20px 24px}
.summary{display:flex;gap:12px;flex-wrap:wrap;margin:0 0 16px}
.stat{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 14px}
.stat b{display:block;font-size:20px}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line);
border-radius:8px;overflow:hidden}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#f9fafb;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
td.n{text-align:right;font-variant-numeric:tabular-nums;width:6em}
td.n.k-visit,td.n.k-agreement,td.n.k-statement,td.n.k-quote{color:var(--c);font-weight:600}
tr.failed td{background:#fef2f2}
.err{color:#b91c1c;overflow-wrap:anywhere}
.filter{margin:0 0 12px;padding:6px 10px;width:min(420px,100%);border:1px solid var(--line);
border-radius:6px;font:inherit}
.problems{color:#9a3412}
@media (max-width:900px){.layout{grid-template-columns:1fr}aside.cards{position:static;
max-height:none}}
"""

_ARTICLE_JS = """
(function(){
  var data = JSON.parse(document.getElementById('facts-data').textContent);
  var tip = document.getElementById('tip');
  function pieces(id){ return document.querySelectorAll('mark[data-span="' + id + '"]'); }
  function marksOf(card){
    var out = [];
    (card.dataset.spans || '').split(' ').forEach(function(id){
      if (id) { pieces(id).forEach(function(m){ out.push(m); }); }
    });
    return out;
  }
  function clearClass(cls){
    document.querySelectorAll('.' + cls).forEach(function(el){ el.classList.remove(cls); });
  }
  function activate(card){
    clearClass('flash'); clearClass('active');
    card.classList.add('active');
    var marks = marksOf(card);
    if (!marks.length) { return; }
    marks[0].scrollIntoView({block: 'center', behavior: 'smooth'});
    marks.forEach(function(m){ void m.offsetWidth; m.classList.add('flash'); });
  }
  document.querySelectorAll('.card').forEach(function(card){
    card.addEventListener('click', function(){ activate(card); });
    card.addEventListener('keydown', function(ev){
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); activate(card); }
    });
    card.addEventListener('mouseenter', function(){
      marksOf(card).forEach(function(m){ m.classList.add('hot'); });
    });
    card.addEventListener('mouseleave', function(){ clearClass('hot'); });
  });
  function factsAt(el){
    var ids = [];
    for (var m = el && el.closest('mark.hl'); m; m = m.parentElement.closest('mark.hl')) {
      if (ids.indexOf(m.dataset.fact) < 0) { ids.unshift(m.dataset.fact); }
    }
    return ids;
  }
  function showTip(ids, x, y){
    tip.replaceChildren();
    ids.forEach(function(id){
      var f = data.facts[id];
      var box = document.createElement('div');
      box.className = 'tip-fact k-' + f.css;
      var kind = document.createElement('div');
      kind.className = 'tip-kind';
      kind.textContent = f.label;
      box.appendChild(kind);
      f.lines.forEach(function(line){
        var d = document.createElement('div');
        d.className = 'tip-line';
        d.textContent = line;
        box.appendChild(d);
      });
      tip.appendChild(box);
    });
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.max(8, Math.min(x + 14, window.innerWidth - w - 8)) + 'px';
    tip.style.top = (y + 18 + h > window.innerHeight ? y - h - 12 : y + 18) + 'px';
  }
  var article = document.getElementById('article');
  article.addEventListener('mousemove', function(ev){
    var ids = factsAt(ev.target);
    clearClass('hot');
    if (!ids.length) { tip.hidden = true; return; }
    ids.forEach(function(id){
      var card = document.getElementById('card-' + id);
      if (card) { card.classList.add('hot'); }
    });
    showTip(ids, ev.clientX, ev.clientY);
  });
  article.addEventListener('mouseleave', function(){ tip.hidden = true; clearClass('hot'); });
  article.addEventListener('click', function(ev){
    var ids = factsAt(ev.target);
    if (!ids.length) { return; }
    var card = document.getElementById('card-' + ids[ids.length - 1]);
    clearClass('active');
    card.classList.add('active');
    card.scrollIntoView({block: 'nearest', behavior: 'smooth'});
  });
})();
"""

_INDEX_JS = """
(function(){
  var box = document.getElementById('filter');
  var rows = document.querySelectorAll('tbody tr');
  box.addEventListener('input', function(){
    var q = box.value.toLowerCase();
    rows.forEach(function(r){ r.hidden = q && r.textContent.toLowerCase().indexOf(q) < 0; });
  });
})();
"""


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def _page(title: str, header: str, body: str, script: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(script)}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n<body>"
        f'<header class="top">{header}</header>\n{body}\n<script>{script}</script></body></html>\n'
    )


def _legend(counts: dict[str, int]) -> str:
    chips = "".join(
        f'<span class="chip k-{_CSS_KIND[k]}">{_LABEL[k]}s <b>{counts.get(k, 0)}</b></span>'
        for k in KINDS
    )
    return f'<div class="legend" aria-label="Colour of each kind of fact">{chips}</div>'


@dataclass
class _Nav:
    index: str
    prev: str | None = None
    next: str | None = None


def _nav(nav: _Nav) -> str:
    parts = [f'<a href="{_e(nav.index)}">↑ Index</a>']
    if nav.prev:
        parts.append(f'<a href="{_e(nav.prev)}" rel="prev">← Previous</a>')
    if nav.next:
        parts.append(f'<a href="{_e(nav.next)}" rel="next">Next →</a>')
    return f'<nav class="pager">{"".join(parts)}</nav>'


def render_article(
    facts: ArticleFacts,
    text: str | None,
    *,
    text_problem: str | None = None,
    index_href: str = "index.html",
    prev_href: str | None = None,
    next_href: str | None = None,
) -> str:
    """The page of one article: its text with evidence highlighted, its facts as cards.

    Args:
        facts: the article's facts.
        text: the article text as ``factx extract`` read it; None when not available.
        text_problem: why the text is not available (shown on the page).
        index_href, prev_href, next_href: links to the index and neighbouring pages.

    Returns:
        A complete, self-contained HTML document.
    """
    cards = _cards(facts, text)
    marks = [
        _Mark(sid, c.fact_id, c.kind, span.start, span.end)
        for c in cards
        for sid, span, problem in c.spans
        if problem is None
    ]
    if text is None:
        reason = text_problem or "no article text given"
        article = f'<div class="notice" role="alert">Article text not available: {_e(reason)}. '
        article += "Facts are listed without highlighting.</div>"
        article = f'<div id="article">{article}</div>'
    else:
        article = f'<div class="text" id="article">{_highlight(text, marks)}</div>'
    notes = "".join(
        f'<div class="notice">Extraction warning: {_e(w)}</div>' for w in facts.warnings
    )
    groups = []
    for kind in KINDS:
        of_kind = [c for c in cards if c.kind == kind]
        if of_kind:
            groups.append(f"<h2>{_LABEL[kind]}s ({len(of_kind)})</h2>")
            groups.extend(_render_card(c, text is not None) for c in of_kind)
    if not cards:
        groups.append('<p class="meta">No facts were extracted from this article.</p>')
    data = {
        "facts": {
            c.fact_id: {
                "label": _LABEL[c.kind],
                "css": _CSS_KIND[c.kind],
                "lines": [c.title] + [f"{k}: {v}" for k, v in c.rows if v != c.title][:3],
            }
            for c in cards
        }
    }
    title = facts.title or facts.source or "article"
    url = _safe_url(facts.url)
    meta = [_e(facts.source)] if facts.source and facts.source != title else []
    if facts.published:
        meta.append(f"published {_e(facts.published)}")
    if url:
        meta.append(f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(_clip(url, 80))}</a>')
    elif facts.url:
        meta.append(_e(facts.url))
    counts = {k: len(getattr(facts, k)) for k in KINDS}
    nav = _nav(_Nav(index_href, prev_href, next_href))
    header = f'<h1>{_e(title)}<div class="meta">{" · ".join(meta)}</div></h1>{_legend(counts)}{nav}'
    body = (
        f'<main class="layout"><div>{notes}{article}</div>'
        f'<aside class="cards" aria-label="Facts">{"".join(groups)}</aside></main>'
        '<div id="tip" role="tooltip" hidden></div>'
        f'<script type="application/json" id="facts-data">{script_json(data)}</script>'
    )
    return _page(f"factx · {title}", header, body, _ARTICLE_JS)


#: Longest article text shown in a notebook fragment; longer ones show the facts only.
FRAGMENT_MAX_CHARS = 100_000

_FRAGMENT_CSS = """
.factx-nb{--visit:#2563eb;--visit-bg:#dbeafe;--agreement:#059669;--agreement-bg:#d1fae5;
--statement:#b45309;--statement-bg:#fef3c7;--quote:#a21caf;--quote-bg:#fae8ff;--line:#e5e7eb;
--muted:#6b7280;font:13px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,
sans-serif;color:#111827;max-width:1200px}
.factx-nb .k-visit{--c:var(--visit);--bg:var(--visit-bg)}
.factx-nb .k-agreement{--c:var(--agreement);--bg:var(--agreement-bg)}
.factx-nb .k-statement{--c:var(--statement);--bg:var(--statement-bg)}
.factx-nb .k-quote{--c:var(--quote);--bg:var(--quote-bg)}
.factx-nb .fx-head{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;margin:0 0 8px}
.factx-nb .fx-src{font-weight:600;overflow-wrap:anywhere}
.factx-nb .meta{color:var(--muted);font-size:12px;overflow-wrap:anywhere}
.factx-nb .legend{display:flex;gap:6px;flex-wrap:wrap}
.factx-nb .chip{display:inline-flex;gap:4px;padding:0 8px;border-radius:999px;
background:var(--bg);color:var(--c);font-size:12px;font-weight:600;border:1px solid var(--c)}
.factx-nb .notice{background:#fff7ed;border:1px solid #fdba74;color:#9a3412;border-radius:6px;
padding:6px 10px;margin:0 0 8px}
.factx-nb .fx-body{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
.factx-nb .text{flex:3 1 420px;min-width:0;max-height:480px;overflow:auto;margin:0;
background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;
white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.7 Georgia,"Times New Roman",serif}
.factx-nb mark.hl{background:var(--bg);color:inherit;border-bottom:2px solid var(--c);
border-radius:2px;padding:1px 0}
.factx-nb mark.hl mark.hl{border-bottom-width:3px}
.factx-nb .cards{flex:2 1 300px;min-width:0;max-height:480px;overflow:auto}
.factx-nb h4{font-size:11px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);
margin:8px 0 4px}
.factx-nb .card{background:#fff;border:1px solid var(--line);border-left:4px solid var(--c);
border-radius:6px;padding:6px 10px;margin:0 0 8px}
.factx-nb .card-head{display:flex;gap:8px;align-items:baseline}
.factx-nb .card .kind{font-size:10px;font-weight:700;text-transform:uppercase;color:var(--c)}
.factx-nb .card .title{font-weight:600;overflow-wrap:anywhere}
.factx-nb .card dl{display:grid;grid-template-columns:max-content 1fr;gap:1px 10px;margin:4px 0}
.factx-nb .card dt{color:var(--muted);font-size:12px}
.factx-nb .card dd{margin:0;overflow-wrap:anywhere}
.factx-nb .evidence{list-style:none;margin:4px 0 0;padding:0;font-size:12px}
.factx-nb .evidence li{border-top:1px dashed var(--line);padding-top:3px;margin-top:3px;
overflow-wrap:anywhere}
.factx-nb .evidence q{background:var(--bg);border-bottom:2px solid var(--c);font-style:italic}
.factx-nb .evidence .off{color:var(--muted);font-variant-numeric:tabular-nums}
.factx-nb .evidence li.bad q{text-decoration:line-through}
.factx-nb .warn{color:#b91c1c;font-size:12px;margin:4px 0 0;font-weight:600}
"""


def render_fragment(facts: ArticleFacts, text: str | None = None) -> str:
    """An HTML fragment of one article's facts for a notebook (``ArticleFacts._repr_html_``).

    The same highlighting and cards as :func:`render_article`, without the page around them
    and without script: a ``<div class="factx-nb">`` with its own ``<style>`` (every rule
    scoped to that class, so the notebook's look is untouched). Everything from the article or
    the model is escaped; nothing is loaded. The article ``text``, when given and not longer
    than :data:`FRAGMENT_MAX_CHARS`, is shown with its evidence highlighted (spans that do not
    match it are flagged on their card); the cards always show each span's text, highlighted.
    """
    counts = {k: len(getattr(facts, k)) for k in KINDS}
    shown = text if text is not None and len(text) <= FRAGMENT_MAX_CHARS else None
    cards = _cards(facts, shown)
    marks = [
        _Mark(sid, c.fact_id, c.kind, span.start, span.end)
        for c in cards
        for sid, span, problem in c.spans
        if problem is None
    ]
    meta = [f"language {_e(facts.language)}" if facts.language else "language unknown"]
    if facts.published:
        meta.append(f"published {_e(facts.published)}")
    url = _safe_url(facts.url)
    if url or facts.url:
        meta.append(_e(_clip(url or facts.url or "", 80)))
    if facts.partial:
        meta.append("<b>partial</b>")
    if facts.cached:
        meta.append("from cache")
    name = facts.title or facts.source or "article"
    header = (
        f'<div class="fx-head"><span class="fx-src">{_e(name)}</span>'
        f'<span class="meta">{" · ".join(meta)}</span>{_legend(counts)}</div>'
    )
    notes = "".join(f'<div class="notice">Warning: {_e(w)}</div>' for w in facts.warnings)
    if text is not None and shown is None:
        notes += (
            f'<div class="notice">The article ({len(text):,} characters) is too long to show '
            "here; the cards list the evidence (factx view writes the full page).</div>"
        )
    article = f'<div class="text">{_highlight(shown, marks)}</div>' if shown is not None else ""
    groups = []
    for kind in KINDS:
        of_kind = [c for c in cards if c.kind == kind]
        if of_kind:
            groups.append(f"<h4>{_LABEL[kind]}s ({len(of_kind)})</h4>")
            groups.extend(_render_card(c, False, interactive=False) for c in of_kind)
    if not cards:
        groups.append('<p class="meta">No facts were extracted from this article.</p>')
    return (
        f'<div class="factx-nb"><style>{_FRAGMENT_CSS}</style>{header}{notes}'
        f'<div class="fx-body">{article}<div class="cards">{"".join(groups)}</div></div></div>'
    )


@dataclass
class _Row:
    entry: Entry
    href: str | None
    span_problems: int = 0
    text_problem: str | None = None


def _render_index(rows: list[_Row], problems: list[str], title: str = "factx report") -> str:
    """The index page: one row per article with counts per kind, failures and problems."""
    totals = {k: 0 for k in KINDS}
    failed = 0
    body_rows = []
    for n, row in enumerate(rows, 1):
        entry = row.entry
        name = entry.facts.title if entry.facts and entry.facts.title else entry.source
        label = _e(name) if row.href is None else f'<a href="{_e(row.href)}">{_e(name)}</a>'
        if entry.facts is not None and name != entry.source:
            label += f'<div class="meta">{_e(entry.source)}</div>'
        cells = []
        for k in KINDS:
            count = len(getattr(entry.facts, k)) if entry.facts else 0
            totals[k] += count
            cells.append(f'<td class="n k-{_CSS_KIND[k]}">{count if entry.facts else "–"}</td>')
        notes = []
        if entry.error:
            failed += 1
            notes.append(f'<span class="err">Failed: {_e(entry.error)}</span>')
        if row.text_problem:
            notes.append(f'<span class="problems">No text: {_e(row.text_problem)}</span>')
        if row.span_problems:
            notes.append(f'<span class="problems">{row.span_problems} span(s) not found</span>')
        if entry.facts and entry.facts.warnings:
            notes.append(f'<span class="problems">{len(entry.facts.warnings)} warning(s)</span>')
        cls = ' class="failed"' if entry.error else ""
        body_rows.append(
            f'<tr{cls}><td class="n">{n}</td><td>{label}</td>{"".join(cells)}'
            f"<td>{'<br>'.join(notes)}</td></tr>"
        )
    stats = [("Articles", len(rows)), ("Failed", failed)]
    stats += [(f"{_LABEL[k]}s", totals[k]) for k in KINDS]
    summary = "".join(f'<div class="stat"><b>{v}</b>{_e(k)}</div>' for k, v in stats)
    skipped = "".join(f'<div class="notice">{_e(p)}</div>' for p in problems)
    heads = "".join(f"<th>{_LABEL[k]}s</th>" for k in KINDS)
    header = f"<h1>{_e(title)}</h1>{_legend(totals)}"
    body = (
        f'<main class="index"><div class="summary">{summary}</div>{skipped}'
        '<input id="filter" class="filter" type="search" placeholder="Filter articles…" '
        'aria-label="Filter articles">'
        f"<table><thead><tr><th>#</th><th>Article</th>{heads}<th>Problems</th></tr></thead>"
        f"<tbody>{''.join(body_rows)}</tbody></table></main>"
    )
    return _page(title, header, body, _INDEX_JS)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


@dataclass
class ReportResult:
    """What :func:`write_report` wrote and found.

    Attributes:
        index: path of the index page.
        pages: paths of the article pages, in index order.
        articles: articles in the report (failed ones included).
        failed: error records and records that were not ArticleFacts.
        span_problems: evidence spans not highlighted because they do not match the text.
        missing_texts: articles whose text could not be found or read.
        skipped: lines of the predictions file that were not records.
    """

    index: Path
    pages: list[Path] = field(default_factory=list)
    articles: int = 0
    failed: int = 0
    span_problems: int = 0
    missing_texts: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command line."""
        parts = [f"{self.articles} articles", f"{self.failed} failed"]
        if self.span_problems:
            parts.append(f"{self.span_problems} spans not matching the text")
        if self.missing_texts:
            parts.append(f"{self.missing_texts} articles without text")
        if self.skipped:
            parts.append(f"{len(self.skipped)} unreadable lines skipped")
        return f"report {self.index} ({', '.join(parts)})"


def _layout(out: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Index path and pages folder for ``out`` (see the module docstring)."""
    path = Path(out)
    if path.suffix.lower() in (".html", ".htm"):
        return path, path.with_name(path.stem + "_files")
    return path / "index.html", path / "articles"


def _page_name(n: int, source: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", re.split(r"[\\/]", source)[-1]).strip("-.")
    return f"{n:04d}-{slug[:60] or 'article'}.html"


def _write(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)


def write_report(
    entries: list[Entry],
    out: str | os.PathLike[str],
    *,
    texts: TextLookup | None = None,
    skipped: Iterable[str] = (),
    title: str = "factx report",
) -> ReportResult:
    """Write the index and one page per article.

    Args:
        entries: the articles (see :func:`read_predictions`).
        out: ``*.html`` for the index (pages go to ``<stem>_files/``), or a folder.
        texts: gives the article text of a source (e.g. an :class:`ArticleDirectory`); without
            it pages list the facts without the article.
        skipped: problems found while reading the predictions, shown on the index.
        title: the index page's title.

    Returns:
        What was written. Pages left over from an earlier, longer report are removed.

    Raises:
        OSError: the output cannot be written.
    """
    index, folder = _layout(out)
    index.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    result = ReportResult(index=index, skipped=list(skipped), articles=len(entries))
    shown = [e for e in entries if e.facts is not None]
    names = [_page_name(n, e.source) for n, e in enumerate(shown, 1)]
    position = {id(e): i for i, e in enumerate(shown)}
    rel = os.path.relpath(folder, index.parent)
    rows: list[_Row] = []
    for entry in entries:
        if entry.facts is None:
            result.failed += 1
            rows.append(_Row(entry, None))
            continue
        pos = position[id(entry)]
        row = _Row(entry, Path(rel, names[pos]).as_posix())
        text = None
        if texts is not None:
            try:
                text = texts(entry.source)
            except InputError as e:
                row.text_problem = str(e)
        else:
            row.text_problem = "no article folder given (--articles)"
        if text is None:
            result.missing_texts += 1
        rows.append(row)
        row.span_problems = sum(len(c.problems) for c in _cards(entry.facts, text))
        result.span_problems += row.span_problems
        page = folder / names[pos]
        _write(
            page,
            render_article(
                entry.facts,
                text,
                text_problem=row.text_problem,
                index_href=os.path.relpath(index, folder),
                prev_href=names[pos - 1] if pos > 0 else None,
                next_href=names[pos + 1] if pos + 1 < len(shown) else None,
            ),
        )
        result.pages.append(page)
    keep = {p.name for p in result.pages}
    for old in folder.iterdir():
        if _PAGE_NAME.match(old.name) and old.name not in keep:
            old.unlink()
    _write(index, _render_index(rows, result.skipped, title))
    return result


def text_lookup(table: Mapping[str, str]) -> TextLookup:
    """A :data:`TextLookup` over texts already read, by source (used by ``extract --html``)."""

    def lookup(source: str) -> str:
        try:
            return table[source]
        except KeyError:
            raise InputError(f"{source}: article text not found among the inputs") from None

    return lookup
