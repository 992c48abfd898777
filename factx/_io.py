"""Reading articles from files, folders, globs and stdin; writing result records.

Inputs (:func:`iter_inputs`) are yielded as :class:`InputItem`; a file that cannot be read
becomes an item carrying an :class:`~factx.exceptions.InputError` instead of raising, so one bad
file never stops a batch.

Records are plain dicts. A success record is ``ArticleFacts.model_dump(mode="json")`` with
``source`` set to the input id (plus ``url``/``title`` when the input had them); an error record
is ``{"source": id, "error": {"type": "InputError", "message": "..."}}``.

Ids are unique per run: :func:`read_sources` renames a record whose id was already used by
an earlier item of the same run to ``FILE#ID`` (FILE: the id of the file it is in, e.g.
``b.jsonl#42``), else to its position ``FILE#lineN`` / ``FILE#N``, else adds ``~2``, ``~3``...

JSONL is split at ``\n`` only, never at the other characters :meth:`str.splitlines` takes for
line ends (U+2028, U+0085, ...), which JSON strings may hold raw.

Writers: :class:`JsonlWriter` (one record per line, each line written with a single call and
flushed, so a killed run leaves at most one partial last line, which :func:`read_jsonl_state`
truncates before a resumed run appends), :class:`JsonArrayWriter` (a JSON array written to a
temporary file and renamed into place at the end), :class:`CsvWriter` (one row per fact,
also renamed into place at the end) and :class:`JournaledWriter` (what ``make_writer`` gives
for a JSON or CSV file: records go to a JSONL journal beside the output, from which the
output is rebuilt at the end, so a killed run keeps every finished record and resumes).
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    "JournaledWriter",
    "JsonArrayWriter",
    "JsonlState",
    "JsonlWriter",
    "Source",
    "Writer",
    "check_csv_output",
    "error_record",
    "expand_paths",
    "iter_inputs",
    "journal_path",
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
        where: for a record of a JSON/JSONL file (or stdin), its position (``path#lineN``,
            ``path#N``); None for a whole file.
    """

    id: str
    text: str | None = None
    published: str | None = None
    url: str | None = None
    title: str | None = None
    error: FactxError | None = None
    where: str | None = None


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
    A file reached twice is listed once. Entries of a folder that are neither folders nor
    regular files (FIFOs, devices, sockets, broken links) but have a supported extension are
    listed too and become error items when read. ``extra_suffixes`` adds extensions taken from
    folders (e.g. ``.parquet`` for the Ray engine).
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
                else:  # a file, a FIFO, a device, a broken link: fails when read if not text
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
        except OSError:  # a link in a loop of links
            is_dir = False
        if is_dir:
            yield from _walk(entry.path, seen_dirs, suffixes)
        elif Path(entry.name).suffix.lower() in suffixes:
            # A regular file; or a FIFO, device, socket, dangling or looping link: those
            # become error records when read (never opened, so a FIFO cannot block).
            yield entry.path


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
    """Whether trafilatura (extra ``html``) is installed (it may still fail to import: then
    each HTML file gets an error record saying why)."""
    import importlib.util

    try:
        return importlib.util.find_spec("trafilatura") is not None
    except (ImportError, ValueError):  # a broken parent package or a bad __spec__
        return True  # installed in some form: let the import report what is wrong


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
    on_rename: Callable[[str, str, str], None] | None = None,
) -> Iterator[InputItem]:
    """Read articles from files, folders, globs and ``-`` (stdin), lazily and in order.

    ``.txt``/``.md`` are taken as they are; ``.html``/``.htm`` go through trafilatura (main
    text, title, date); ``.json`` holds one object or a list of objects and ``.jsonl`` one object
    per line, each with the text under ``text_field`` (ids, dates, URLs and titles under the
    other ``*_field`` names). Stdin is read as JSONL when its first character is ``{``, else as
    one plain-text article. Other extensions named explicitly are read as plain text. Text is
    UTF-8 (a BOM is dropped), or UTF-16 or UTF-32 when the file starts with their BOM.

    Read failures (missing, empty, binary or undecodable files, files that are not regular
    files, broken or looping symlinks, text, Markdown or HTML files over ``max_file_bytes``,
    broken, unparsable or longer JSONL lines, records without text, an HTML parser that fails
    to import) are yielded as items with ``error`` set: any exception while reading one record
    becomes that record's error item, and reading goes on.

    Ids are unique over the whole call (see :func:`read_sources`).

    Raises:
        MissingExtraError: an HTML file is met and trafilatura is not installed.
    """
    fields = Fields(text_field, id_field, published_field, url_field, title_field)
    return read_sources(
        expand_paths(paths),
        fields=fields,
        stdin=stdin,
        max_file_bytes=max_file_bytes,
        on_rename=on_rename,
    )


def read_sources(
    sources: Iterable[Source],
    *,
    fields: Fields | None = None,
    stdin: IO[Any] | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    on_rename: Callable[[str, str, str], None] | None = None,
) -> Iterator[InputItem]:
    """Items of already expanded sources (see :func:`iter_inputs`).

    Every item's id is unique among the items of this call. An item whose id was already
    used by an earlier item (two files holding records with the same id field, a record whose
    id is another file's path) is renamed: a record to ``FILE#ID`` (``FILE`` being the id of
    its file, e.g. ``b.jsonl#42``), else to its position (``FILE#lineN``, ``FILE#N``), else
    ``~2``, ``~3``... is added. The first item keeps the id, so the same inputs in the same
    order give the same ids, and a resumed run finds them. ``on_rename(old, new, where)`` is
    called for each renamed item.
    """
    fields = fields or Fields()
    seen: set[str] = set()
    for src in sources:
        items: Iterator[InputItem]
        if src.missing:
            ident = src.path
            items = iter(
                [InputItem(src.path, error=InputError(f"{src.path}: no such file or directory"))]
            )
        elif src.is_stdin:
            ident = STDIN_ID
            items = _read_stdin(stdin, fields)
        else:
            ident = display_id(src.path)
            items = _read_file(src.path, fields, max_file_bytes)
        for item in _guarded(items, ident):
            yield _unique(item, ident, seen, on_rename)


def _guarded(items: Iterator[InputItem], ident: str) -> Iterator[InputItem]:
    """``items``, and an error item if reading them raised (the rest of the file is lost:
    the per-record guards below should make this unreachable)."""
    n = 0
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except MissingExtraError:
            raise
        except Exception as e:
            rest = f" after {n} records" if n else ""
            yield InputItem(
                ident,
                error=InputError(f"{ident}: cannot read the file{rest}: {_describe(e)}"),
            )
            return
        n += 1
        yield item


def _unique(
    item: InputItem,
    ident: str,
    seen: set[str],
    on_rename: Callable[[str, str, str], None] | None,
) -> InputItem:
    if item.id not in seen:
        seen.add(item.id)
        return item
    candidates = []
    if item.where is not None and item.id != item.where:  # the record's own id field
        candidates = [f"{ident}#{item.id}", item.where]
    new = next((c for c in candidates if c not in seen), None)
    if new is None:
        base = candidates[0] if candidates else item.id
        k = 2
        while f"{base}~{k}" in seen:
            k += 1
        new = f"{base}~{k}"
    seen.add(new)
    if on_rename is not None:
        on_rename(item.id, new, item.where or ident)
    item.id = new
    return item


def _describe(e: BaseException) -> str:
    """What went wrong, in words, with the exception type (the message cut to 300 chars)."""
    message = str(e)
    if len(message) > 300:
        message = message[:300] + "..."
    return f"{type(e).__name__}: {message}" if message else type(e).__name__


def _unparsable(e: Exception) -> str:
    """Why a JSON text could not be parsed."""
    if isinstance(e, json.JSONDecodeError):
        return f"invalid JSON: {e.msg}"
    if isinstance(e, RecursionError):
        return f"cannot parse the JSON: nested too deeply ({_describe(e)})"
    if isinstance(e, ValueError) and "digits" in str(e):
        limit = sys.get_int_max_str_digits()
        return (
            f"cannot parse the JSON: it holds a number of more than {limit:,} digits, "
            "over Python's limit for integers"
        )
    return f"cannot parse the JSON ({_describe(e)})"


#: Byte-order marks and the codecs that read them (UTF-32 LE before UTF-16 LE: FF FE 00 00).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_BLANK = " \t\n\r\x0b\x0c"  # what bytes.strip() strips: a blank JSONL line


def _bom(data: bytes) -> tuple[str, str] | None:
    """``(codec, name)`` of the byte-order mark ``data`` starts with, if any."""
    for mark, codec, name in _BOMS:
        if data.startswith(mark):
            return codec, name
    return None


def _decode(data: bytes, where: str) -> str:
    """Bytes to text, or InputError for empty, binary and undecodable content.

    UTF-8 (BOM dropped); UTF-16 and UTF-32 when a BOM says so."""
    bom = _bom(data)
    if bom is not None and bom[0] != "utf-8-sig":
        codec, name = bom
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as e:
            raise InputError(
                f"{where}: starts with a {name} byte-order mark but is not valid {name} "
                f"(offset {e.start}); convert the file to UTF-8"
            ) from None
        if not text.strip():
            raise InputError(f"{where}: file is empty")
        if "\x00" in text:
            raise InputError(f"{where}: looks like a binary file (contains NUL characters)")
        return text
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
    bad line (too long, not UTF-8, not JSON, unparsable) is one error item, not the whole
    file's. Lines end at ``\\n`` only."""
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
        bom = _bom(fh.read(4))
        fh.seek(0)
        if bom is None or bom[0] == "utf-8-sig":
            lines = _utf8_lines(fh, max_line)
        else:
            lines = _wide_lines(fh, bom[0], bom[1], max_line)
        for n, (line, problem) in enumerate(lines, 1):
            where = f"{ident}#line{n}"
            if line is not None and not line.strip(_BLANK):
                continue
            records += 1
            if line is None:
                yield InputItem(where, error=InputError(f"{where}: {problem}"), where=where)
            else:
                yield _jsonl_item(line, where, fields)
    if not records:
        yield InputItem(ident, error=InputError(f"{ident}: file is empty"))


def _utf8_lines(fh: IO[bytes], max_line: int) -> Iterator[tuple[str | None, str | None]]:
    """``(line, None)`` per line of a UTF-8 file, or ``(None, why)`` for a line that is too
    long or not UTF-8."""
    for n, raw in enumerate(_bounded_lines(fh, max_line), 1):
        if raw is None:
            yield None, _long_line(max_line)
            continue
        if n == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            yield raw.decode("utf-8"), None
        except UnicodeDecodeError as e:
            yield (
                None,
                (
                    f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start} of the line); "
                    "convert the file to UTF-8"
                ),
            )


def _wide_lines(
    fh: IO[bytes], codec: str, name: str, max_line: int
) -> Iterator[tuple[str | None, str | None]]:
    """The lines of a UTF-16/UTF-32 file with a BOM, split at ``\\n`` only; an undecodable
    stretch ends the file (its line is an error)."""
    width = 2 if codec == "utf-16" else 4
    limit = max(1, max_line // width)  # characters, about max_line bytes
    text = io.TextIOWrapper(fh, encoding=codec, errors="strict", newline="\n")
    try:
        while True:
            try:
                line = text.readline(limit + 1)
            except UnicodeDecodeError:
                yield None, f"not valid {name}; the rest of the file is not read"
                return
            if not line:
                return
            if len(line) <= limit or line.endswith("\n"):
                yield line, None
                continue
            while line and not line.endswith("\n"):  # drop the rest of the long line
                line = text.readline(limit + 1)
            yield None, _long_line(max_line)
    finally:
        text.detach()  # ``fh`` is closed by its owner


def _long_line(max_line: int) -> str:
    return (
        f"line longer than the limit of {max_line:,} bytes, not read "
        "(max_file_bytes, --max-file-bytes)"
    )


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
    # "\n" only: str.splitlines() would also cut at U+2028, U+0085... inside JSON strings.
    for n, line in enumerate(text.split("\n"), 1):
        if line.strip(_BLANK):
            yield _jsonl_item(line, f"{ident}#line{n}", fields)


def _jsonl_item(line: str, where: str, fields: Fields) -> InputItem:
    """One JSONL line's item; any failure (bad JSON, nesting too deep for the parser, a
    number over Python's digit limit, ...) is this line's error item."""
    try:
        obj = json.loads(line)
    except Exception as e:
        return InputItem(where, error=InputError(f"{where}: {_unparsable(e)}"), where=where)
    return _record_item_safe(obj, where, fields)


def _json_records(text: str, ident: str, fields: Fields) -> Iterator[InputItem]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        yield InputItem(
            ident, error=InputError(f"{ident}: invalid JSON at line {e.lineno}: {e.msg}")
        )
        return
    except Exception as e:  # RecursionError, ValueError (digit limit), MemoryError...
        yield InputItem(ident, error=InputError(f"{ident}: {_unparsable(e)}"))
        return
    if isinstance(obj, dict):
        yield _record_item_safe(obj, ident, fields)
    elif isinstance(obj, list):
        for i, rec in enumerate(obj, 1):
            yield _record_item_safe(rec, f"{ident}#{i}", fields)
    else:
        yield InputItem(ident, error=InputError(f"{ident}: expected an object or a list"))


def _opt_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _record_item_safe(obj: Any, where: str, fields: Fields) -> InputItem:
    try:
        return _record_item(obj, where, fields)
    except Exception as e:  # e.g. str() of a deeply nested id
        return InputItem(
            where, error=InputError(f"{where}: cannot read the record: {_describe(e)}"), where=where
        )


def _record_item(obj: Any, where: str, fields: Fields) -> InputItem:
    if not isinstance(obj, dict):
        return InputItem(where, error=InputError(f"{where}: expected a JSON object"), where=where)
    rid = obj.get(fields.id)
    ident = str(rid) if rid not in (None, "") else where
    text = obj.get(fields.text)
    if not isinstance(text, str):
        what = "has no" if text is None else "has a non-string"
        return InputItem(
            ident,
            error=InputError(f"{where}: record {what} {fields.text!r} field"),
            where=where,
        )
    if not text.strip():
        return InputItem(ident, error=InputError(f"{where}: {fields.text!r} is empty"), where=where)
    return InputItem(
        ident,
        text=text,
        published=_opt_str(obj.get(fields.published)),
        url=_opt_str(obj.get(fields.url)),
        title=_opt_str(obj.get(fields.title)),
        where=where,
    )


def _html_item(html: str, ident: str) -> InputItem:
    try:
        import trafilatura
    except Exception as e:  # ImportError, or whatever a broken install raises on import
        if not html_available():
            raise MissingExtraError("html", "trafilatura") from None
        return InputItem(
            ident,
            error=InputError(
                f"{ident}: cannot read HTML: trafilatura is installed but fails to import "
                f"({_describe(e)}); repair it, e.g. pip install --force-reinstall "
                '"factx[html]"'
            ),
        )
    try:
        out = trafilatura.extract(html, output_format="json", with_metadata=True)
        meta: dict[str, Any] = json.loads(out) if out else {}
    except Exception as e:  # trafilatura/lxml can fail on odd markup
        return InputItem(ident, error=InputError(f"{ident}: cannot parse HTML: {e}"))
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
    if "source" in record and next(iter(record)) != "source":
        # "source" first: a partial last line is then recognisably a factx record's start
        record = {"source": record["source"], **record}
    return json.dumps(record, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# Resume
# --------------------------------------------------------------------------------------------

#: How every record factx writes begins (``source`` is always the first key).
_RECORD_START = b'{"source": '


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
        records: complete lines that are factx records.
    """

    done: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    skipped: set[str] = field(default_factory=set)
    truncated: int = 0
    bad_lines: int = 0
    records: int = 0


def _as_record(line: bytes | str) -> dict[str, Any] | None:
    """The factx record a line holds (a JSON object with a string ``source``), else None."""
    try:
        rec = json.loads(line)
    except Exception:  # not JSON, not UTF-8, nested too deeply, a number too long...
        return None
    if isinstance(rec, dict) and isinstance(rec.get("source"), str):
        return rec
    return None


def _preview(data: bytes, n: int = 60) -> str:
    text = data[:n].decode("utf-8", "replace")
    return repr(text + ("..." if len(data) > n else ""))


def _partial_record(tail: bytes) -> bool:
    """Whether ``tail`` (a last line without its newline) can be a record cut short."""
    return not tail.strip() or tail.startswith(_RECORD_START) or _RECORD_START.startswith(tail)


def read_jsonl_state(
    path: str | os.PathLike[str], *, repair: bool = True, strict: bool = False
) -> JsonlState:
    """Read ids from an existing JSONL output; with ``repair``, cut a trailing partial line.

    A run killed mid-write can leave a last line without its newline; it is truncated so the
    next record starts on a fresh line (its article is then processed again). Only a line
    that can be the start of a factx record is cut: anything else raises, the file untouched.

    Args:
        path: the output.
        repair: cut a partial last line.
        strict: refuse a file holding a complete line that is not a factx record (a JSON
            object with a string ``source``): it is not factx's output, and resuming would
            append to it. Without ``strict`` such lines are counted in ``bad_lines``.

    Raises:
        InputError: (``strict``) a line is not a factx record; (``repair``) the partial last
            line is not the start of one. The file is not changed.
    """
    state = JsonlState()
    with open(path, "r+b" if repair else "rb") as fh:
        data = fh.read()
        end = data.rfind(b"\n") + 1
        tail = data[end:]
        for n, line in enumerate(data[:end].split(b"\n"), 1):  # "\n" only, as written
            if not line.strip():
                continue
            rec = _as_record(line)
            if rec is None:
                state.bad_lines += 1
                if strict:
                    raise InputError(
                        f"{path} is not a factx JSONL output: line {n} is not a factx record "
                        f"({_preview(line)}); factx appends to its output to resume a run, so it "
                        "leaves this file alone: write to another file, or move this one away"
                    )
                continue
            state.records += 1
            _note(state, rec)
        if tail:
            state.truncated = len(tail)
            if repair:
                if not _partial_record(tail):
                    raise InputError(
                        f"{path}: its last line ({len(tail):,} bytes without a newline, "
                        f"{_preview(tail)}) is not a factx record cut short; factx would cut it "
                        "off to resume, so it leaves this file alone: write to another file, or "
                        "move this one away"
                    )
                fh.seek(end)
                fh.truncate()
                fh.flush()
                os.fsync(fh.fileno())
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


def read_json_array_state(
    path: str | os.PathLike[str], *, strict: bool = False
) -> tuple[JsonlState, list[Any]]:
    """Ids and records of an existing JSON-array output (for resuming ``--format json``).

    Raises:
        InputError: the file is not a JSON array; (``strict``) an element is not a factx
            record.
    """
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(f"{path}: cannot resume from it: {e.strerror or e}") from None
    except Exception as e:  # not JSON, not UTF-8, nested too deeply...
        raise InputError(
            f"{path}: cannot resume from it, not a JSON array ({_describe(e)}); factx leaves "
            "this file alone: write to another file, or move this one away"
        ) from None
    if not isinstance(records, list):
        raise InputError(
            f"{path}: cannot resume from it, not a JSON array; factx leaves this file alone: "
            "write to another file, or move this one away"
        )
    state = JsonlState()
    for i, rec in enumerate(records, 1):
        if isinstance(rec, dict) and isinstance(rec.get("source"), str):
            state.records += 1
            _note(state, rec)
        elif strict:
            raise InputError(
                f"{path} is not a factx JSON output: element {i} is not a factx record; factx "
                "leaves this file alone: write to another file, or move this one away"
            )
        else:
            state.bad_lines += 1
    return state, records


def check_csv_output(path: str | os.PathLike[str]) -> None:
    """Refuse to overwrite a CSV file that factx did not write (its header differs).

    Raises:
        InputError: the file's first line is not factx's CSV header.
    """
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            header = next(csv.reader([fh.readline(4096)]), [])
    except (OSError, ValueError, csv.Error):
        header = []
    if tuple(header) != CSV_COLUMNS:
        raise InputError(
            f"{path} exists and is not a factx CSV output (its first line is not factx's "
            "header); factx would overwrite it, so it leaves this file alone: write to another "
            "file, or move this one away"
        )


def load_results(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The final record per id of a JSONL output: the last line for an id wins.

    Partial or broken lines are skipped. Use this to read an output that was resumed (a
    retried article has its old error record and, later, its new record). Lines end at
    ``\\n`` only.
    """
    out: dict[str, dict[str, Any]] = {}
    with open(path, "rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):
                break
            rec = _as_record(line)
            if rec is not None:
                out.pop(rec["source"], None)  # keep file order of the final records
                out[rec["source"]] = rec
    return out


def journal_path(path: str | os.PathLike[str]) -> str:
    """The JSONL journal of a JSON or CSV output: ``.NAME.journal.jsonl`` beside it (hidden,
    so a folder walk does not take it as input)."""
    directory, name = os.path.split(os.fspath(path))
    return os.path.join(directory, f".{name}.journal.jsonl")


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


class Writer:
    """Base of the output writers: ``write(record)`` per result, ``close()`` at the end.

    ``written`` counts the records written whole by this writer."""

    written: int = 0

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

    A write that fails (e.g. the disk is full) is undone: the file is cut back to its size
    before the line, so it never ends in a partial record, and the error is raised.

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
        self.written = 0
        if path is not None:
            self._fd = os.open(os.fspath(path), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        elif self._stream is None:
            self._stream = sys.stdout

    def write(self, record: dict[str, Any]) -> None:
        line = _dumps(record) + "\n"
        if self._fd is not None:
            data = line.encode("utf-8")
            try:
                start: int | None = os.lseek(self._fd, 0, os.SEEK_END)
            except OSError:  # a pipe (-o /dev/stdout): nothing to cut back
                start = None
            try:
                self._write_all(data)
                if self._fsync:
                    os.fsync(self._fd)
            except OSError:
                if start is not None:
                    try:
                        os.ftruncate(self._fd, start)  # no partial line left behind
                    except OSError:
                        pass
                raise
        else:
            assert self._stream is not None
            self._stream.write(line)
            self._stream.flush()
        self.written += 1

    def _write_all(self, data: bytes) -> None:
        assert self._fd is not None
        while data:  # one write() for a whole line in practice; loop for short writes
            n = os.write(self._fd, data)
            data = data[n:]

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
        if self._atomic is None:
            self._finish()
            self._out.flush()
            return
        try:
            self._finish()
            self._atomic.commit()
        except BaseException:
            self._atomic.discard()
            raise

    def discard(self) -> None:
        """Drop the output: the temporary file is removed, ``path`` is left as it was."""
        if self._closed:
            return
        self._closed = True
        if self._atomic is not None:
            self._atomic.discard()


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
        self.written += 1
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
    interruption: the rows written so far are kept). A CSV file cannot be resumed from; a
    :class:`JournaledWriter` (what :func:`make_writer` gives for a CSV file) can.
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
        self.written += 1
        self._written()


class JournaledWriter(Writer):
    """A JSON-array or CSV output file kept safe by a JSONL journal beside it.

    Each record is appended to the journal (:func:`journal_path`, written like
    :class:`JsonlWriter`: whole lines, fsynced) as it comes. ``close()`` builds the output
    from the journal's final record per id (the last one wins, in journal order) into a
    temporary file, renames it over ``path`` and removes the journal. ``abort()`` (Ctrl-C,
    SIGTERM, an error) also builds the output from what is finished but keeps the journal. A
    run killed outright (SIGKILL, power loss) leaves the journal: a resumed run reads it
    (:func:`read_jsonl_state`), appends to it and builds the output at its end.

    Args:
        fmt: ``json`` or ``csv``.
        path: the output file.
        initial: records to put in a new journal first (those of an existing output being
            resumed).

    Attributes:
        journal: the journal's path.
        written: records this run wrote to the journal.
        build_error: why building the output failed in ``abort()`` (None if it did not).
    """

    def __init__(
        self, fmt: str, path: str | os.PathLike[str], *, initial: Sequence[Any] = ()
    ) -> None:
        if fmt not in ("json", "csv"):
            raise ValueError(f"a journaled output is json or csv, not {fmt!r}")
        self.fmt = fmt
        self.path = os.fspath(path)
        self.journal = journal_path(self.path)
        self._jsonl = JsonlWriter(self.journal, fsync=not initial)
        if initial:  # one fsync for the lot, then one per record
            for rec in initial:
                if isinstance(rec, dict):
                    self._jsonl.write(rec)
            assert self._jsonl._fd is not None
            os.fsync(self._jsonl._fd)
            self._jsonl._fsync = True
        self.written = 0
        self.build_error: OSError | None = None
        self._closed = False

    def write(self, record: dict[str, Any]) -> None:
        self._jsonl.write(record)
        self.written += 1

    def build(self) -> int:
        """Write the output from the journal (atomically); returns the records in it."""
        records = load_results(self.journal).values()
        out: _RenamedWriter = (
            JsonArrayWriter(self.path) if self.fmt == "json" else CsvWriter(self.path)
        )
        try:
            for rec in records:
                out.write(rec)
        except BaseException:
            out.discard()
            raise
        out.close()
        return len(records)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._jsonl.close()
        self.build()
        try:
            os.unlink(self.journal)
        except OSError:
            pass

    def abort(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._jsonl.close()
        try:
            self.build()
        except OSError as e:  # e.g. the disk is full: the journal keeps everything
            self.build_error = e


def make_writer(
    fmt: str,
    path: str | os.PathLike[str] | None,
    *,
    stream: IO[str] | None = None,
    initial: Sequence[Any] = (),
) -> Writer:
    """A writer for ``fmt`` (``jsonl``, ``json`` or ``csv``) to ``path`` or ``stream``.

    A JSON or CSV file is a :class:`JournaledWriter` (``initial`` records go to a new journal
    first); to a stream, JSON and CSV are written as they come."""
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)  # "-o out/new/x.jsonl" just works
    if fmt == "jsonl":
        return JsonlWriter(path, stream=stream)
    if fmt in ("json", "csv") and path is not None:
        return JournaledWriter(fmt, path, initial=initial)
    if fmt == "json":
        return JsonArrayWriter(stream=stream, initial=initial)
    if fmt == "csv":
        return CsvWriter(stream=stream)
    raise ValueError(f"unknown format {fmt!r}")
