"""Reading articles from files, folders, globs and stdin; writing result records.

Inputs (:func:`iter_inputs`) are yielded as :class:`InputItem`; a file that cannot be read
becomes an item carrying an :class:`~factx.exceptions.InputError` instead of raising, so one bad
file never stops a batch.

Records are plain dicts. A success record is ``ArticleFacts.model_dump(mode="json")`` with
``source`` set to the input id (plus ``url``/``title`` when the input had them); an error record
is ``{"source": id, "error": {"type": "InputError", "message": "..."}}``.

Writers: :class:`JsonlWriter` (one record per line, each line written with a single call and
flushed, so a killed run leaves at most one partial last line, which :func:`read_jsonl_state`
truncates before a resumed run appends), :class:`JsonArrayWriter` (a JSON array written to a
temporary file and renamed into place at the end) and :class:`CsvWriter` (one row per fact,
also renamed into place at the end).
"""

from __future__ import annotations

import csv
import glob
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .exceptions import FactxError, InputError, MissingExtraError

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_MAX_FILE_BYTES",
    "TEXT_SUFFIXES",
    "HTML_SUFFIXES",
    "RECORD_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "CsvWriter",
    "Fields",
    "InputItem",
    "JsonArrayWriter",
    "JsonlState",
    "JsonlWriter",
    "Source",
    "Writer",
    "error_record",
    "expand_paths",
    "iter_inputs",
    "load_results",
    "make_writer",
    "read_json_array_state",
    "read_jsonl_state",
    "read_sources",
    "skipped_record",
]

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
RECORD_SUFFIXES = frozenset({".json", ".jsonl"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES

STDIN_ID = "stdin"
#: Bytes read at most from a one-article file (text, Markdown, HTML) before parsing, and from
#: one line of a JSONL file (read line by line): bounds memory and HTML parsing time
#: (trafilatura takes minutes on 20 MB of markup). JSON files, one array of many records, are
#: read whole; each record's text then meets the article cap.
DEFAULT_MAX_FILE_BYTES = 10_000_000
_GLOB_CHARS = frozenset("*?[")


@dataclass
class InputItem:
    """One article to process (or the reason it cannot be).

    Attributes:
        id: stable identifier: the file path relative to the working directory; for records of
            a JSON/JSONL file the record's id field, else ``path#lineN`` (JSONL) or ``path#N``
            (N-th object of a JSON array); ``stdin`` for standard input.
        text: the article text; None when ``error`` is set.
        published: publication date from the input (record field or HTML metadata), if any.
        url: the article's URL, if the input gave one.
        title: the article's title, if the input gave one.
        error: why the input could not be read; such items become error records.
    """

    id: str
    text: str | None = None
    published: str | None = None
    url: str | None = None
    title: str | None = None
    error: FactxError | None = None


@dataclass(frozen=True)
class Source:
    """A place to read from: a file, stdin (``path == "-"``), or a path that matched nothing."""

    path: str
    missing: bool = False

    @property
    def is_stdin(self) -> bool:
        return self.path == "-"

    @property
    def suffix(self) -> str:
        return Path(self.path).suffix.lower()


@dataclass
class Fields:
    """Field names of JSON/JSONL input records."""

    text: str = "text"
    id: str = "id"
    published: str = "published"
    url: str = "url"
    title: str = "title"


# --------------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------------


def expand_paths(
    paths: Iterable[str | os.PathLike[str]], *, extra_suffixes: frozenset[str] = frozenset()
) -> list[Source]:
    """Turn command-line paths into sources, in order, without reading them.

    ``-`` is stdin; a file is taken whatever its extension; a folder is walked recursively in
    sorted order (hidden entries skipped, only supported extensions, symlinked folders followed
    once: each real folder is visited at most once, so symlink loops end; links that resolve
    to nothing are listed and fail when read); anything else is tried as a glob
    (``**`` allowed). A path or glob that matches nothing becomes a ``Source(missing=True)``.
    A file reached twice is listed once. ``extra_suffixes`` adds extensions taken from folders
    (e.g. ``.parquet`` for the Ray engine).
    """
    suffixes = SUPPORTED_SUFFIXES | extra_suffixes
    out: list[Source] = []
    seen_files: set[str] = set()
    seen_dirs: set[str] = set()

    def add_file(p: str) -> None:
        real = os.path.realpath(p)
        if real not in seen_files:
            seen_files.add(real)
            out.append(Source(p))

    for raw in paths:
        p = os.fspath(raw)
        if p == "-":
            out.append(Source("-"))
        elif os.path.isdir(p):
            for f in _walk(p, seen_dirs, suffixes):
                add_file(f)
        elif os.path.lexists(p):  # a file, or a link to nothing, a FIFO...: fails when read
            add_file(p)
        elif any(c in p for c in _GLOB_CHARS):
            matches = sorted(glob.glob(p, recursive=True))
            files: list[str] = []
            for m in matches:
                if os.path.isdir(m):
                    files.extend(_walk(m, seen_dirs, suffixes))
                elif os.path.isfile(m):
                    files.append(m)
            if not files:
                out.append(Source(p, missing=True))
            for f in files:
                add_file(f)
        else:
            out.append(Source(p, missing=True))
    return out


def _walk(top: str, seen_dirs: set[str], suffixes: frozenset[str]) -> Iterator[str]:
    real = os.path.realpath(top)
    if real in seen_dirs:
        return
    seen_dirs.add(real)
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()  # follows symlinks; folder loops are cut by seen_dirs
            is_file = not is_dir and entry.is_file()
        except OSError:  # a link in a loop of links
            is_dir = is_file = False
        if is_dir:
            yield from _walk(entry.path, seen_dirs, suffixes)
        elif Path(entry.name).suffix.lower() in suffixes and (is_file or entry.is_symlink()):
            yield entry.path  # a dangling or looping link too: an error record when read


def display_id(path: str) -> str:
    """The stable id of a file: its path relative to the working directory when inside it."""
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        rel = absolute
    if rel.startswith(".."):
        rel = absolute
    return Path(rel).as_posix()


def html_available() -> bool:
    """Whether trafilatura (extra ``html``) can be imported."""
    import importlib.util

    return importlib.util.find_spec("trafilatura") is not None


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def iter_inputs(
    paths: Iterable[str | os.PathLike[str]],
    *,
    text_field: str = "text",
    id_field: str = "id",
    published_field: str = "published",
    url_field: str = "url",
    title_field: str = "title",
    stdin: IO[Any] | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Iterator[InputItem]:
    """Read articles from files, folders, globs and ``-`` (stdin), lazily and in order.

    ``.txt``/``.md`` are taken as they are; ``.html``/``.htm`` go through trafilatura (main
    text, title, date); ``.json`` holds one object or a list of objects and ``.jsonl`` one object
    per line, each with the text under ``text_field`` (ids, dates, URLs and titles under the
    other ``*_field`` names). Stdin is read as JSONL when its first character is ``{``, else as
    one plain-text article. Other extensions named explicitly are read as plain text.

    Read failures (missing, empty, binary or non-UTF-8 files, files that are not regular
    files, broken or looping symlinks, text, Markdown or HTML files over ``max_file_bytes``,
    broken or longer JSONL lines, records without text) are yielded as items with ``error``
    set.

    Raises:
        MissingExtraError: an HTML file is met and trafilatura is not installed.
    """
    fields = Fields(text_field, id_field, published_field, url_field, title_field)
    return read_sources(
        expand_paths(paths), fields=fields, stdin=stdin, max_file_bytes=max_file_bytes
    )


def read_sources(
    sources: Iterable[Source],
    *,
    fields: Fields | None = None,
    stdin: IO[Any] | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Iterator[InputItem]:
    """Items of already expanded sources (see :func:`iter_inputs`)."""
    fields = fields or Fields()
    for src in sources:
        if src.missing:
            yield InputItem(src.path, error=InputError(f"{src.path}: no such file or directory"))
        elif src.is_stdin:
            yield from _read_stdin(stdin, fields)
        else:
            yield from _read_file(src.path, fields, max_file_bytes)


def _decode(data: bytes, where: str) -> str:
    """Bytes to text, or InputError for empty, binary and non-UTF-8 content."""
    if not data.strip():
        raise InputError(f"{where}: file is empty")
    if b"\x00" in data:
        raise InputError(f"{where}: looks like a binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{where}: not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "convert the file to UTF-8"
        ) from None


def _read_file(path: str, fields: Fields, max_bytes: int) -> Iterator[InputItem]:
    ident = display_id(path)
    suffix = Path(path).suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl_file(path, ident, fields, max_bytes)
        return
    try:
        text = _decode(_read_bytes(path, ident, None if suffix == ".json" else max_bytes), ident)
    except InputError as e:
        yield InputItem(ident, error=e)
        return
    except OSError as e:
        yield InputItem(ident, error=_cannot_read(ident, e))
        return
    if suffix == ".json":
        yield from _json_records(text, ident, fields)
    elif suffix in HTML_SUFFIXES:
        yield _html_item(text, ident)
    else:
        yield InputItem(ident, text=text)


def _cannot_read(ident: str, e: OSError) -> InputError:
    return InputError(f"{ident}: cannot read: {e.strerror or e}")


def _regular_file_size(path: str, ident: str) -> int:
    """Raises InputError for a FIFO (reading would block) or a device (it may never end)."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{ident}: not a regular file")
    return info.st_size


def _read_bytes(path: str, ident: str, limit: int | None) -> bytes:
    """The file's bytes; never reads more than ``limit`` + 1 of them.

    Raises:
        InputError: not a regular file, or larger than ``limit``.
        OSError: cannot be opened (missing, permissions, a symlink loop).
    """
    size = _regular_file_size(path, ident)
    if limit is not None and size > limit:
        raise _too_big(ident, limit)
    with open(path, "rb") as fh:
        data = fh.read() if limit is None else fh.read(limit + 1)
    if limit is not None and len(data) > limit:  # it grew since stat
        raise _too_big(ident, limit)
    return data


def _too_big(ident: str, limit: int) -> InputError:
    return InputError(
        f"{ident}: file is larger than the limit of {limit:,} bytes, not read "
        "(max_file_bytes, --max-file-bytes)"
    )


def _read_stdin(stream: IO[Any] | None, fields: Fields) -> Iterator[InputItem]:
    stream = stream if stream is not None else sys.stdin
    buffer = getattr(stream, "buffer", None)
    raw: Any = buffer.read() if buffer is not None else stream.read()
    try:
        text = _decode(raw if isinstance(raw, bytes) else raw.encode("utf-8"), STDIN_ID)
    except InputError as e:
        yield InputItem(STDIN_ID, error=e)
        return
    if text.lstrip().startswith("{"):
        yield from _jsonl_records(text, STDIN_ID, fields)
    else:
        yield InputItem(STDIN_ID, text=text)


def _jsonl_file(path: str, ident: str, fields: Fields, max_line: int) -> Iterator[InputItem]:
    """Records of a JSONL file, read line by line: memory stays bounded by ``max_line``, and a
    bad line (too long, not UTF-8, not JSON) is one error item, not the whole file's."""
    try:
        _regular_file_size(path, ident)
        fh = open(path, "rb")
    except InputError as e:
        yield InputItem(ident, error=e)
        return
    except OSError as e:
        yield InputItem(ident, error=_cannot_read(ident, e))
        return
    records = 0
    with fh:
        for n, raw in enumerate(_bounded_lines(fh, max_line), 1):
            where = f"{ident}#line{n}"
            if raw is None:
                yield InputItem(
                    where,
                    error=InputError(
                        f"{where}: line longer than the limit of {max_line:,} bytes, not read "
                        "(max_file_bytes, --max-file-bytes)"
                    ),
                )
                records += 1
                continue
            if n == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            records += 1
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                yield InputItem(
                    where,
                    error=InputError(
                        f"{where}: not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset "
                        f"{e.start} of the line); convert the file to UTF-8"
                    ),
                )
                continue
            yield _jsonl_item(line, where, fields)
    if not records:
        yield InputItem(ident, error=InputError(f"{ident}: file is empty"))


def _bounded_lines(fh: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """The lines of ``fh``; None for a line longer than ``limit`` bytes (skipped unread)."""
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):  # drop the rest of the long line
            line = fh.readline(limit + 1)
        yield None


def _jsonl_records(text: str, ident: str, fields: Fields) -> Iterator[InputItem]:
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield _jsonl_item(line, f"{ident}#line{n}", fields)


def _jsonl_item(line: str, where: str, fields: Fields) -> InputItem:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return InputItem(where, error=InputError(f"{where}: invalid JSON: {e.msg}"))
    return _record_item(obj, where, fields)


def _json_records(text: str, ident: str, fields: Fields) -> Iterator[InputItem]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        yield InputItem(
            ident, error=InputError(f"{ident}: invalid JSON at line {e.lineno}: {e.msg}")
        )
        return
    if isinstance(obj, dict):
        yield _record_item(obj, ident, fields)
    elif isinstance(obj, list):
        for i, rec in enumerate(obj, 1):
            yield _record_item(rec, f"{ident}#{i}", fields)
    else:
        yield InputItem(ident, error=InputError(f"{ident}: expected an object or a list"))


def _opt_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _record_item(obj: Any, where: str, fields: Fields) -> InputItem:
    if not isinstance(obj, dict):
        return InputItem(where, error=InputError(f"{where}: expected a JSON object"))
    rid = obj.get(fields.id)
    ident = str(rid) if rid not in (None, "") else where
    text = obj.get(fields.text)
    if not isinstance(text, str):
        what = "has no" if text is None else "has a non-string"
        return InputItem(ident, error=InputError(f"{where}: record {what} {fields.text!r} field"))
    if not text.strip():
        return InputItem(ident, error=InputError(f"{where}: {fields.text!r} is empty"))
    return InputItem(
        ident,
        text=text,
        published=_opt_str(obj.get(fields.published)),
        url=_opt_str(obj.get(fields.url)),
        title=_opt_str(obj.get(fields.title)),
    )


def _html_item(html: str, ident: str) -> InputItem:
    try:
        import trafilatura
    except ImportError:
        raise MissingExtraError("html", "trafilatura") from None
    try:
        out = trafilatura.extract(html, output_format="json", with_metadata=True)
    except Exception as e:  # trafilatura/lxml can fail on odd markup
        return InputItem(ident, error=InputError(f"{ident}: cannot parse HTML: {e}"))
    meta: dict[str, Any] = json.loads(out) if out else {}
    text = meta.get("text")
    if not isinstance(text, str) or not text.strip():
        return InputItem(ident, error=InputError(f"{ident}: no article text found in the HTML"))
    return InputItem(
        ident,
        text=text,
        published=_opt_str(meta.get("date")),
        url=_opt_str(meta.get("url") or meta.get("source")),
        title=_opt_str(meta.get("title")),
    )


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


def error_record(source: str, error: BaseException) -> dict[str, Any]:
    """``{"source": id, "error": {"type": ClassName, "message": str}}``."""
    message = str(error) or type(error).__name__
    return {"source": source, "error": {"type": type(error).__name__, "message": message}}


def skipped_record(source: str, reason: str, message: str) -> dict[str, Any]:
    """``{"source": id, "skipped": {"reason": reason, "message": message}}``: an article that
    was not started (e.g. ``reason="budget"``); a resumed run processes it."""
    return {"source": source, "skipped": {"reason": reason, "message": message}}


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# Resume
# --------------------------------------------------------------------------------------------


@dataclass
class JsonlState:
    """What an existing JSONL output already holds.

    Attributes:
        done: ids whose records include a success (skipped on resume).
        failed: ids with only error records (retried on resume).
        skipped: ids with only skipped records, e.g. not started for the cost budget (processed
            on resume).
        truncated: bytes of a partial last line that were cut off.
        bad_lines: complete lines that were not JSON objects (left in place, ignored).
    """

    done: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    skipped: set[str] = field(default_factory=set)
    truncated: int = 0
    bad_lines: int = 0


def read_jsonl_state(path: str | os.PathLike[str], *, repair: bool = True) -> JsonlState:
    """Read ids from an existing JSONL output; with ``repair``, cut a trailing partial line.

    A run killed mid-write can leave a last line without its newline; it is truncated so the
    next record starts on a fresh line (its article is then processed again).
    """
    state = JsonlState()
    with open(path, "r+b" if repair else "rb") as fh:
        data = fh.read()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            state.truncated = len(data) - end
            if repair:
                fh.seek(end)
                fh.truncate()
                fh.flush()
                os.fsync(fh.fileno())
            data = data[:end]
    for line in data.splitlines():
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            state.bad_lines += 1
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("source"), str):
            state.bad_lines += 1
            continue
        _note(state, rec)
    return state


def _note(state: JsonlState, rec: dict[str, Any]) -> None:
    source = rec["source"]
    if source in state.done:
        return
    if rec.get("skipped") is not None:
        state.skipped.add(source)
    elif rec.get("error") is None:
        state.done.add(source)
        state.failed.discard(source)
        state.skipped.discard(source)
    else:
        state.failed.add(source)


def read_json_array_state(path: str | os.PathLike[str]) -> tuple[JsonlState, list[Any]]:
    """Ids and records of an existing JSON-array output (for resuming ``--format json``).

    Raises:
        InputError: the file is not a JSON array.
    """
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: cannot resume from it, not a JSON array ({e})") from None
    if not isinstance(records, list):
        raise InputError(f"{path}: cannot resume from it, not a JSON array")
    state = JsonlState()
    for rec in records:
        if isinstance(rec, dict) and isinstance(rec.get("source"), str):
            _note(state, rec)
    return state, records


def load_results(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The final record per id of a JSONL output: the last line for an id wins.

    Partial or broken lines are skipped. Use this to read an output that was resumed (a
    retried article has its old error record and, later, its new record).
    """
    out: dict[str, dict[str, Any]] = {}
    with open(path, "rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):
                break
            try:
                rec = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(rec, dict) and isinstance(rec.get("source"), str):
                out.pop(rec["source"], None)  # keep file order of the final records
                out[rec["source"]] = rec
    return out


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


class Writer:
    """Base of the output writers: ``write(record)`` per result, ``close()`` at the end."""

    def write(self, record: dict[str, Any]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish the output (for file outputs written atomically: rename into place)."""

    def abort(self) -> None:
        """Stop after an interruption; keep what is safe to keep."""
        self.close()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class JsonlWriter(Writer):
    """One JSON record per line, each line written whole and flushed at once.

    Args:
        path: output file (appended to), or None for ``stream``.
        stream: text stream used when ``path`` is None (default stdout).
        fsync: also fsync a file after each record (survives power loss, not only a kill).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        stream: IO[str] | None = None,
        fsync: bool = True,
    ) -> None:
        self._fd: int | None = None
        self._stream = stream
        self._fsync = fsync
        if path is not None:
            self._fd = os.open(os.fspath(path), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        elif self._stream is None:
            self._stream = sys.stdout

    def write(self, record: dict[str, Any]) -> None:
        line = _dumps(record) + "\n"
        if self._fd is not None:
            data = line.encode("utf-8")
            while data:  # one write() for a whole line in practice; loop for short writes
                n = os.write(self._fd, data)
                data = data[n:]
            if self._fsync:
                os.fsync(self._fd)
        else:
            assert self._stream is not None
            self._stream.write(line)
            self._stream.flush()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        elif self._stream is not None:
            self._stream.flush()


class _AtomicFile:
    """A temporary file next to ``path``, renamed over it by ``commit``."""

    def __init__(self, path: str | os.PathLike[str], newline: str | None = None) -> None:
        self.path = os.fspath(path)
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, self.tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(self.path)}.", suffix=".tmp", dir=directory
        )
        self.fh: IO[str] = open(fd, "w", encoding="utf-8", newline=newline)

    def commit(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self.fh.close()
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


class _RenamedWriter(Writer):
    """A writer that streams to a temporary file renamed over ``path`` by ``close()`` (or to
    ``stream``, flushed after each record); ``_finish`` writes any closing text first."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None,
        stream: IO[str] | None,
        newline: str | None = None,
    ) -> None:
        self._atomic = _AtomicFile(path, newline) if path is not None else None
        self._out: IO[str] = self._atomic.fh if self._atomic else (stream or sys.stdout)
        self._closed = False

    def _written(self) -> None:
        if self._atomic is None:
            self._out.flush()

    def _finish(self) -> None:
        """Text that ends the output (e.g. a closing bracket)."""

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._finish()
        if self._atomic is not None:
            self._atomic.commit()
        else:
            self._out.flush()


class JsonArrayWriter(_RenamedWriter):
    """A JSON array of records.

    To a file it is streamed into a temporary file in the same folder and renamed over ``path``
    by ``close()``: readers never see a half-written array. ``initial`` records (from a
    resumed earlier run) are written first. An interrupted run (``abort``) still renames the
    records written so far into place, as a valid array, so the run can be resumed.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        stream: IO[str] | None = None,
        initial: Sequence[Any] = (),
    ) -> None:
        super().__init__(path, stream)
        self._count = 0
        for rec in initial:
            self.write(rec)

    def write(self, record: dict[str, Any]) -> None:
        self._out.write(("[\n" if self._count == 0 else ",\n") + "  " + _dumps(record))
        self._count += 1
        self._written()

    def _finish(self) -> None:
        self._out.write("[]\n" if self._count == 0 else "\n]\n")


CSV_COLUMNS = (
    "source",
    "kind",
    "speaker",
    "text",
    "destination",
    "date",
    "status",
    "evidence",
    "start",
    "end",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """Prefix ``'`` to a string cell a spreadsheet would run as a formula (OWASP)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_rows(record: dict[str, Any]) -> list[list[Any]]:
    """The CSV rows of one record: one per fact, one ``error`` (``skipped``) row for an error
    (skipped) record.

    Columns: :data:`CSV_COLUMNS`. ``speaker`` is the speaker, visitor or the parties (joined
    with ``; ``); ``text`` the quote, statement content, agreement subject or visit purpose;
    ``evidence``/``start``/``end`` the first evidence span. An article without facts has no row.
    """
    source = record.get("source") or ""
    rows: list[list[Any]] = []
    err = record.get("error")
    if err is not None:
        etype = err.get("type", "") if isinstance(err, dict) else ""
        message = err.get("message", "") if isinstance(err, dict) else str(err)
        rows.append([source, "error", "", f"{etype}: {message}", "", "", "", "", "", ""])
        return rows
    skipped = record.get("skipped")
    if skipped is not None:
        reason = skipped.get("reason", "") if isinstance(skipped, dict) else str(skipped)
        rows.append([source, "skipped", "", reason, "", "", "", "", "", ""])
        return rows
    for v in record.get("visits") or []:
        dest = v.get("destination") or {}
        where = ", ".join(x for x in (dest.get("city"), dest.get("country")) if x)
        visitor = (v.get("visitor") or {}).get("name", "")
        rows.append(
            [source, "visit", visitor, v.get("purpose") or "", where, v.get("start_date") or ""]
            + [v.get("status") or ""]
            + _evidence(v)
        )
    for a in record.get("agreements") or []:
        parties = "; ".join(p.get("name", "") for p in a.get("parties") or [])
        rows.append(
            [source, "agreement", parties, a.get("subject", ""), "", a.get("date") or ""]
            + [a.get("status") or ""]
            + _evidence(a)
        )
    for s in record.get("statements") or []:
        speaker = (s.get("speaker") or {}).get("name", "")
        rows.append(
            [source, "statement", speaker, s.get("content", ""), "", s.get("date") or "", ""]
            + _evidence(s)
        )
    for q in record.get("quotes") or []:
        rows.append(
            [source, "quote", q.get("speaker") or "", q.get("text", ""), "", "", ""] + _evidence(q)
        )
    return rows


def _evidence(fact: dict[str, Any]) -> list[Any]:
    spans = fact.get("evidence") or []
    if not spans:
        return ["", "", ""]
    first = spans[0]
    return [first.get("text", ""), first.get("start", ""), first.get("end", "")]


class CsvWriter(_RenamedWriter):
    """One CSV row per fact (see :func:`csv_rows`), formula-like cells neutralised.

    To a file it is written to a temporary file renamed over ``path`` by ``close()`` (also on
    interruption: the rows written so far are kept). CSV output is not resumable.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, stream: IO[str] | None = None
    ) -> None:
        super().__init__(path, stream, newline="")
        self._csv = csv.writer(self._out)
        self._csv.writerow(CSV_COLUMNS)

    def write(self, record: dict[str, Any]) -> None:
        for row in csv_rows(record):
            self._csv.writerow([neutralise_cell(c) for c in row])
        self._written()


def make_writer(
    fmt: str,
    path: str | os.PathLike[str] | None,
    *,
    stream: IO[str] | None = None,
    initial: Sequence[Any] = (),
) -> Writer:
    """A writer for ``fmt`` (``jsonl``, ``json`` or ``csv``) to ``path`` or ``stream``."""
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)  # "-o out/new/x.jsonl" just works
    if fmt == "jsonl":
        return JsonlWriter(path, stream=stream)
    if fmt == "json":
        return JsonArrayWriter(path, stream=stream, initial=initial)
    if fmt == "csv":
        return CsvWriter(path, stream=stream)
    raise ValueError(f"unknown format {fmt!r}")
