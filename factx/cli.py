"""The ``factx`` command line.

::

    factx extract PATH... [-o OUT] [--format jsonl|json|csv] [--backend B] ...
    factx schema [KIND]
    factx eval PREDICTIONS --gold GOLD ...
    factx view PREDICTIONS [--articles DIR] -o REPORT.html
    factx export PREDICTIONS -o FACTS.csv|FACTS.parquet|FACTS.jsonl [--errors FILE]
    factx events PREDICTIONS... [-o EVENTS] [--format events|cameo|plover]  (see factx._eventcli)
    factx --version

Resuming ``extract``: when ``-o OUT`` already exists (JSONL or JSON format), ids that already
have a success record are skipped and new records are added to it; ids that only have error
records are tried again, and their new record is appended after the old error record, so when
reading the output **the last record per id wins** (see :func:`factx._io.load_results`). A
partial last line left by a killed run is cut off before appending. An existing ``OUT`` that is
not factx's output (a line that is not a factx record, a last line that is not one cut short, a
CSV without factx's header) is refused, untouched. JSON and CSV files are built at the end from
a JSONL journal beside them (``.OUT.journal.jsonl``; they hold each id's final record), which a
killed run leaves behind and a rerun resumes from. Articles left unstarted by ``--max-cost``
have skipped records and are processed on resume. SIGTERM stops a run like Ctrl-C (what is
finished is kept; exit 143).

``--engine ray`` runs the same job on a Ray cluster (extra ``ray``; see :mod:`factx._raycli`):
it also reads Parquet and writes Parquet (a folder of part files), and resumes the same way.

The summary on stderr counts partial articles (a question failed, the rest of the article was
extracted; the record has ``"partial": true`` and says why in ``warnings``) apart from failed
ones. Exit codes: 0 all articles done (partial ones included), 1 some articles failed (the run
still finished) or an unexpected error, 2 usage or configuration error (bad arguments, no
inputs, bad settings, an output extension that names no format, a predictions file that
``view`` or ``export`` cannot read).
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import signal
import stat
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

from . import _io
from ._batch import BatchStats, ResultCache, check_budget, extract_many
from ._pricing import parse_price
from .exceptions import ConfigError, FactxError, InputError

__all__ = ["main"]

#: Most articles in flight at once that ``-j`` / ``FACTX_CONCURRENCY`` accepts.
MAX_CONCURRENCY = 1024


class Terminated(BaseException):
    """The run got SIGTERM (handled like Ctrl-C)."""


_SCHEMA_KINDS = {
    "article": "ArticleFacts",
    "articlefacts": "ArticleFacts",
    "visit": "Visit",
    "visits": "Visit",
    "agreement": "Agreement",
    "agreements": "Agreement",
    "statement": "Statement",
    "statements": "Statement",
    "quote": "Quote",
    "quotes": "Quote",
    "span": "Span",
    "usage": "Usage",
}


def _version() -> str:
    from ._version import __version__

    return __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factx",
        description="Extract visits, agreements, statements and quotes from news articles.",
    )
    parser.add_argument("--version", action="version", version=f"factx {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ex = sub.add_parser(
        "extract",
        help="extract facts from articles",
        description="Extract facts from articles (files, folders, globs; '-' for stdin). "
        "Inputs: .txt .md .html .htm .json .jsonl. If -o names an existing JSONL/JSON output, "
        "the run resumes: ids with a success are skipped, failed ids are retried and their new "
        "record is appended (the last record per id wins).",
    )
    ex.add_argument("paths", nargs="+", metavar="PATH", help="file, folder, glob or '-'")
    ex.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")
    ex.add_argument(
        "-f",
        "--format",
        choices=("jsonl", "json", "csv", "parquet"),
        default=None,
        help="output format (default: from the -o extension, else jsonl); parquet needs "
        "--engine ray",
    )
    ex.add_argument(
        "--engine",
        choices=("async", "ray"),
        default="async",
        help="async: this process (default); ray: a Ray cluster (extra 'ray'), also reads "
        ".parquet inputs",
    )
    ex.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="Ray cluster to join (default: RAY_ADDRESS, else a local Ray)",
    )
    ex.add_argument(
        "--workers",
        type=int,
        default=2,
        metavar="N",
        help="--engine ray: worker actors, each with its own HTTP client (default 2); "
        "-j is the total of articles in flight over all of them",
    )
    ex.add_argument(
        "--backend",
        default=None,
        help="'openai:MODEL', 'openai-compatible:MODEL' or 'local' (env FACTX_BACKEND)",
    )
    ex.add_argument("--strategy", choices=("auto", "single", "staged"), default="auto")
    ex.add_argument(
        "-j",
        "--concurrency",
        type=int,
        default=None,
        metavar="N",
        help=f"articles in flight at once, at most {MAX_CONCURRENCY} with the async engine "
        "(env FACTX_CONCURRENCY, default 8)",
    )
    ex.add_argument(
        "--published",
        metavar="DATE",
        help="publication date (YYYY-MM-DD) for inputs that carry none",
    )
    ex.add_argument("--language", metavar="L", help="ISO 639-1 code of the articles")
    ex.add_argument("--text-field", default="text", metavar="F", help="JSON(L) text field")
    ex.add_argument("--id-field", default="id", metavar="F", help="JSON(L) id field")
    ex.add_argument(
        "--published-field", default="published", metavar="F", help="JSON(L) date field"
    )
    ex.add_argument("--base-url", metavar="URL", help="server URL (env OPENAI_BASE_URL)")
    ex.add_argument("--max-articles", type=int, metavar="N", help="stop after N articles")
    ex.add_argument(
        "--max-chars",
        type=int,
        metavar="N",
        help="longer articles become error records (env FACTX_MAX_CHARS, default 2,000,000)",
    )
    ex.add_argument(
        "--max-file-bytes",
        type=int,
        default=_io.DEFAULT_MAX_FILE_BYTES,
        metavar="N",
        help="larger .txt/.md/.html files and longer JSONL lines become error records, "
        "unread (default 10,000,000)",
    )
    ex.add_argument(
        "--max-tokens",
        metavar="N",
        help="token cap per article (prompt + completion, all chunks and re-asks); past it the "
        "article fails with BudgetExceededError; 0 or 'none': no cap (default 200,000)",
    )
    ex.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="seconds per request to the model server (openai / openai-compatible backends; "
        "default 120)",
    )
    ex.add_argument(
        "--max-cost",
        type=float,
        metavar="USD",
        help="stop starting articles once this many dollars are spent; articles in flight "
        "finish, the rest get skipped records that a rerun resumes (needs the model's price)",
    )
    ex.add_argument(
        "--price",
        action="append",
        default=[],
        metavar="MODEL=IN,OUT",
        help="price of a model in dollars per million input,output tokens (repeatable; "
        "overrides the built-in table and FACTX_PRICES)",
    )
    ex.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    ex.add_argument(
        "--cache-dir", metavar="DIR", help="result cache (default ~/.cache/factx/results)"
    )
    ex.add_argument("--no-progress", action="store_true", help="no progress line on stderr")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary")
    ex.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    ex.add_argument(
        "--html", metavar="REPORT", help="also write the HTML review report (see 'factx view')"
    )

    sc = sub.add_parser("schema", help="print the JSON Schema of the output")
    sc.add_argument(
        "kind",
        nargs="?",
        default="article",
        help="article (default), visit, agreement, statement, quote, span or usage",
    )

    sub.add_parser("eval", help="score predictions against a gold file", add_help=False)
    sub.add_parser("events", help="group the facts of many articles into events", add_help=False)

    vw = sub.add_parser(
        "view",
        help="write an HTML review report of an output",
        description="Write an HTML review report: each article with its evidence highlighted and "
        "its facts as cards, one page per article plus an index. REPORT.html is the index and the "
        "pages go to REPORT_files/; a REPORT without .html is a folder (index.html, articles/).",
    )
    vw.add_argument("predictions", metavar="PREDICTIONS", help="output of 'factx extract'")
    vw.add_argument(
        "--articles",
        metavar="PATH",
        help="folder of the articles (or a JSON/JSONL file of them); default: the current folder",
    )
    vw.add_argument("-o", "--output", required=True, metavar="REPORT", help="REPORT.html or folder")
    vw.add_argument("--text-field", default="text", metavar="F", help="JSON(L) text field")
    vw.add_argument("--id-field", default="id", metavar="F", help="JSON(L) id field")
    vw.add_argument("--debug", action="store_true", help="show tracebacks of errors")

    xp = sub.add_parser(
        "export",
        help="write the facts of an output as a table, one row per fact",
        description="Write one row per fact of a 'factx extract' output (JSONL or JSON) to CSV, "
        'Parquet (needs pyarrow: pip install "factx[parquet]") or JSONL, without extracting '
        "again. Error and skipped records go to --errors FILE, or are left out and counted.",
    )
    xp.add_argument("predictions", metavar="PREDICTIONS", help="output of 'factx extract'")
    xp.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="OUT.csv, OUT.parquet or OUT.jsonl"
    )
    xp.add_argument(
        "-f", "--format", choices=("csv", "parquet", "jsonl"), help="default: from -o's extension"
    )
    xp.add_argument("--errors", metavar="FILE", help="JSONL file for error and skipped records")
    xp.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    return parser


def main(
    argv: list[str] | None = None,
    *,
    backend: Any = None,
    stdin: IO[Any] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the ``factx`` command.

    Args:
        argv: arguments (default ``sys.argv[1:]``).
        backend: a backend object to use instead of ``--backend`` (programmatic use, tests).
        stdin / stdout / stderr: streams to use instead of the process's.

    Returns:
        The exit code: 0 success, 1 some articles failed, 2 usage or configuration error.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    if args_list and args_list[0] == "eval":
        from . import eval as factx_eval

        return factx_eval.main(args_list[1:])
    if args_list and args_list[0] == "events":
        from . import _eventcli

        return _eventcli.main(args_list[1:], stdout=out, stderr=err)
    parser = _parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as e:  # --help, --version or a usage error
        return e.code if isinstance(e.code, int) else 2
    if args.command is None:
        parser.print_usage(err)
        print(
            "factx: error: a command is required (extract, schema, eval, view, export, events)",
            file=err,
        )
        return 2
    if args.command == "schema":
        return _schema(args.kind, out, err)
    try:
        if args.command == "view":
            return _view(args, err)
        if args.command == "export":
            return _export(args, err)
        return _extract(args, backend=backend, stdin=stdin, out=out, err=err)
    except FactxError as e:
        if args.debug:
            raise
        message = " ".join(str(e).split())
        print(f"factx: error: {message}", file=err)
        return 2 if isinstance(e, ConfigError) else 1
    except KeyboardInterrupt:
        print("\nfactx: interrupted; rerun the same command to resume", file=err)
        return 130
    except Terminated:
        print("\nfactx: terminated (SIGTERM); rerun the same command to resume", file=err)
        return 143
    except BrokenPipeError:  # e.g. `factx extract ... | head`: stop quietly
        try:
            sys.stdout = open(os.devnull, "w")  # silence the flush at exit
        except OSError:
            pass
        return 1


def _schema(kind: str, out: IO[str], err: IO[str]) -> int:
    from . import models

    name = _SCHEMA_KINDS.get(kind.lower())
    if name is None:
        known = ", ".join(sorted({k for k in _SCHEMA_KINDS if not k.endswith("s")}))
        print(f"factx: error: unknown kind {kind!r} (known: {known})", file=err)
        return 2
    model = getattr(models, name)
    out.write(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n")
    return 0


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None


def _extract(
    args: argparse.Namespace, *, backend: Any, stdin: IO[Any] | None, out: IO[str], err: IO[str]
) -> int:
    from ._api import Extractor

    concurrency = args.concurrency
    if concurrency is None:
        env = _env_int("FACTX_CONCURRENCY")
        concurrency = 8 if env is None else env
    if concurrency < 1:
        raise ConfigError(f"concurrency must be at least 1, not {concurrency}")
    if concurrency > MAX_CONCURRENCY and args.engine != "ray":  # Ray: spread over workers
        raise ConfigError(
            f"concurrency {concurrency:,} (-j / FACTX_CONCURRENCY) is over the maximum of "
            f"{MAX_CONCURRENCY:,} articles in flight"
        )
    if args.max_articles is not None and args.max_articles < 1:
        raise ConfigError("--max-articles must be at least 1")
    if args.max_file_bytes < 1:
        raise ConfigError("--max-file-bytes must be at least 1")
    if args.published is not None:
        _check_date(args.published)
    if args.timeout is not None and not 0 < args.timeout < float("inf"):
        raise ConfigError(f"--timeout must be a positive number of seconds, not {args.timeout}")
    fmt = args.format or _format_from_name(args.output)
    if args.engine != "ray" and fmt == "parquet":
        raise ConfigError("Parquet output needs --engine ray")
    if args.engine == "ray" and args.max_cost is not None:
        raise ConfigError("--max-cost is not supported with --engine ray (use the async engine)")

    parquet = frozenset({".parquet"}) if args.engine == "ray" else frozenset()
    sources = _io.expand_paths(args.paths, extra_suffixes=parquet)
    if args.output:  # never read our own output or its journal (e.g. -o inside an input folder)
        own = [os.path.realpath(args.output), os.path.realpath(_io.journal_path(args.output))]
        sources = [s for s in sources if s.missing or not any(_is_within(s.path, o) for o in own)]
    if args.engine != "ray" and any(s.suffix == ".parquet" for s in sources):
        raise ConfigError("Parquet input needs --engine ray")
    if all(s.missing for s in sources):
        shown = ", ".join(repr(s.path) for s in sources)
        raise ConfigError(f"no inputs found: {shown}")
    if any(s.suffix in _io.HTML_SUFFIXES for s in sources) and not _io.html_available():
        from .exceptions import MissingExtraError

        raise MissingExtraError("html", "trafilatura")

    settings: dict[str, Any] = {}
    if args.base_url:
        settings["base_url"] = args.base_url
    if args.timeout is not None:
        _timeout_setting(args, backend, settings, err)
    if args.max_tokens is not None:
        settings["max_tokens_per_article"] = _max_tokens(args.max_tokens)
    prices = dict(parse_price(spec) for spec in args.price)
    extractor = Extractor(
        backend if backend is not None else args.backend,
        strategy=args.strategy,
        max_article_chars=args.max_chars,
        prices=prices,
        **settings,
    )
    if args.max_cost is not None:
        check_budget(args.max_cost, extractor)

    skip: set[str] = set()
    initial: list[Any] = []
    if args.output and fmt in ("jsonl", "json", "csv"):
        skip, initial = _resume_state(args.output, fmt, err, quiet=args.quiet)
    if args.engine == "ray":
        from ._raycli import RayJob

        job = RayJob(args, fmt=fmt, concurrency=concurrency, prices=prices, settings=settings)
        return job.run(
            sources,
            backend=backend if backend is not None else args.backend,
            skip=skip,
            initial=initial,
            stdin=stdin,
            out=out,
            err=err,
        )

    stats = BatchStats(total=_count(sources))
    cache = None if args.no_cache else ResultCache(args.cache_dir)
    fields = _io.Fields(text=args.text_field, id=args.id_field, published=args.published_field)
    renamed: list[tuple[str, str, str]] = []
    items = _io.read_sources(
        sources,
        fields=fields,
        stdin=stdin,
        max_file_bytes=args.max_file_bytes,
        on_rename=lambda old, new, where: renamed.append((old, new, where)),
    )
    show_progress = not (args.no_progress or args.quiet) and _isatty(err)
    writer = _io.make_writer(fmt, args.output, stream=out, initial=initial)
    written: list[dict[str, Any]] = []  # for --html when the output cannot be read back
    texts: dict[str, str] = {}
    if args.html:
        items = _keep_texts(items, texts)
    terminated = False

    async def run() -> None:
        nonlocal terminated
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()

        def on_sigterm() -> None:  # like Ctrl-C: stop, keep what is finished
            nonlocal terminated
            terminated = True
            if task is not None:
                task.cancel()

        previous = signal.getsignal(signal.SIGTERM)
        try:
            loop.add_signal_handler(signal.SIGTERM, on_sigterm)
            handled = True
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, not main thread
            handled = False
        try:
            async with extractor:  # closes connections before the loop ends
                await write_all()
        finally:
            if handled:
                loop.remove_signal_handler(signal.SIGTERM)
                if previous is not None:
                    signal.signal(signal.SIGTERM, previous)  # the caller's, if it had one

    async def write_all() -> None:
        last = 0.0
        async for record in extract_many(
            items,
            extractor,
            concurrency=concurrency,
            cache=cache,
            skip_ids=skip,
            max_articles=args.max_articles,
            published=args.published,
            language=args.language,
            stats=stats,
            max_cost=args.max_cost,
        ):
            try:
                writer.write(record)
            except BrokenPipeError:
                raise
            except OSError as e:  # e.g. the disk is full
                raise _WriteFailed(e) from e
            if args.html:
                written.append(record)
            if show_progress and time.monotonic() - last > 0.1:
                last = time.monotonic()
                err.write("\r\x1b[K" + stats.progress_line())
                err.flush()

    try:
        try:
            asyncio.run(run())
        except BaseException as e:
            writer.abort()  # keeps what is finished (JSON/CSV: built from the journal)
            if isinstance(e, asyncio.CancelledError) and terminated:
                raise Terminated() from None
            raise
        try:
            writer.close()
        except BrokenPipeError:
            raise
        except OSError as e:
            raise _WriteFailed(e, building=True) from e
    except _WriteFailed as e:
        raise FactxError(_write_failure(e, writer, args.output, done_before=len(skip))) from None
    finally:
        if show_progress:
            err.write("\r\x1b[K")
            err.flush()
        if not args.quiet:
            print("factx: " + stats.summary(), file=err)
            if renamed:
                print("factx: " + _renamed_note(renamed), file=err)
    if args.html:
        _extract_report(args, fmt, texts, written, err)
    return 1 if stats.failed else 0


class _WriteFailed(Exception):
    """Writing the output failed (the disk is full, ...)."""

    def __init__(self, error: OSError, *, building: bool = False) -> None:
        super().__init__(str(error))
        self.error = error
        self.building = building


def _write_failure(
    failure: _WriteFailed, writer: _io.Writer, output: str | None, *, done_before: int
) -> str:
    """One honest paragraph: what failed, how many records are safe, what to do."""
    e = failure.error
    what = "the disk is full" if e.errno == errno.ENOSPC else (e.strerror or str(e))
    n = writer.written
    recs = f"{n:,} {'record' if n == 1 else 'records'} of this run"
    before = f" (and {done_before:,} done before)" if done_before else ""
    if isinstance(writer, _io.JournaledWriter):
        if failure.building:
            return (
                f"cannot write {output}: {what}; all {recs}{before} are in its journal "
                f"{writer.journal}; free some space and rerun the same command: it builds "
                f"{output} from the journal"
            )
        built = (
            f"{output} could not be built from them either"
            if writer.build_error is not None
            else f"{output} was built from them"
        )
        return (
            f"cannot write to the journal {writer.journal} of {output}: {what}; {recs} were "
            f"written whole before{before} and {built}; the record being written was not kept; "
            "free some space and rerun the same command to resume"
        )
    if output is None:
        return (
            f"cannot write to standard output: {what}; {recs} were written whole before; the "
            "record being written was not kept"
        )
    return (
        f"cannot write {output}: {what}; {recs} were written whole before it{before}; the "
        "record being written was not kept (no partial line is left); free some space and "
        "rerun the same command to resume"
    )


def _renamed_note(renamed: list[tuple[str, str, str]]) -> str:
    """Ids made unique: which ones and as what (a few shown)."""
    n = len(renamed)
    shown = "; ".join(f"{old!r} at {where} -> {new!r}" for old, new, where in renamed[:5])
    more = f"; and {n - 5:,} more" if n > 5 else ""
    return (
        f"{n:,} {'id was' if n == 1 else 'ids were'} already used by an earlier input of this "
        f"run and {'was' if n == 1 else 'were'} made unique in the output (FILE#ID, else the "
        f"record's position): {shown}{more}."
    )


def _max_tokens(value: str) -> int | None:
    """``--max-tokens``: a whole number of tokens; ``0`` or ``none`` for no cap."""
    text = value.strip().lower()
    if text in ("0", "none"):
        return None
    try:
        n = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise ConfigError(
            f"--max-tokens {value!r} is not a whole number (0 or 'none' for no cap)"
        ) from None
    if n < 0:
        raise ConfigError(f"--max-tokens must be at least 0 (0 or 'none': no cap), not {n}")
    return n or None


def _timeout_setting(
    args: argparse.Namespace, backend: Any, settings: dict[str, Any], err: IO[str]
) -> None:
    """``--timeout``: a setting of the backends that make requests; a warning for the others."""
    spec = backend if backend is not None else args.backend or os.environ.get("FACTX_BACKEND")
    spec = spec or "local"
    if isinstance(spec, str) and spec.partition(":")[0] != "local":
        settings["timeout"] = args.timeout
    elif not args.quiet:
        why = (
            "the local backend runs the model in this process and makes no requests"
            if isinstance(spec, str)
            else "a backend object takes no settings"
        )
        print(f"factx: warning: --timeout is ignored: {why}", file=err)


def _extract_report(
    args: argparse.Namespace,
    fmt: str,
    texts: dict[str, str],
    written: list[dict[str, Any]],
    err: IO[str],
) -> None:
    """``extract --html``: the report of the whole output (earlier runs' records included)."""
    from . import report

    if args.output and fmt != "csv":
        entries, skipped = report.read_predictions(args.output)
    else:
        entries, skipped = report.entries_from_records(written), []
    lookup = report.text_lookup(texts)
    result = report.write_report(entries, args.html, texts=lookup, skipped=skipped)
    if not args.quiet:
        print("factx: " + result.summary(), file=err)


def _keep_texts(items: Iterator[_io.InputItem], texts: dict[str, str]) -> Iterator[_io.InputItem]:
    """Pass items through, keeping each text for the report (stdin cannot be read twice)."""
    for item in items:
        if item.text is not None:
            texts[item.id] = item.text
        yield item


def _view(args: argparse.Namespace, err: IO[str]) -> int:
    from . import report
    from .exceptions import InputError

    try:
        entries, skipped = report.read_predictions(args.predictions)
    except InputError as e:
        raise ConfigError(str(e)) from None
    if not entries and skipped:  # e.g. a CSV: not one line of it is a record
        raise ConfigError(
            f"{args.predictions}: no factx records in it (view reads the JSONL or JSON output "
            f"of 'factx extract'); first problem: {skipped[0]}"
        )
    fields = _io.Fields(text=args.text_field, id=args.id_field)
    if args.articles and not os.path.exists(args.articles):
        raise ConfigError(f"--articles {args.articles}: no such file or directory")
    texts = report.ArticleDirectory(args.articles or ".", fields)
    try:
        result = report.write_report(
            entries,
            args.output,
            texts=texts,
            skipped=skipped,
            title=f"factx report · {os.path.basename(args.predictions)}",
        )
    except OSError as e:
        raise ConfigError(f"cannot write the report {args.output}: {e.strerror or e}") from None
    for problem in skipped:
        print(f"factx: warning: {problem}", file=err)
    print("factx: " + result.summary(), file=err)
    return 0


def _export(args: argparse.Namespace, err: IO[str]) -> int:
    from ._export import export
    from .exceptions import InputError

    try:
        result = export(args.predictions, args.output, fmt=args.format, errors=args.errors)
    except InputError as e:
        raise ConfigError(str(e)) from None
    except OSError as e:
        raise ConfigError(f"cannot write {e.filename or args.output}: {e.strerror or e}") from None
    for problem in result.problems:
        print(f"factx: warning: {problem}", file=err)
    print("factx: " + result.summary(), file=err)
    return 0


def _is_within(path: str, own: str) -> bool:
    """``path`` is the output ``own`` or inside it (a Parquet output is a folder)."""
    real = os.path.realpath(path)
    return real == own or real.startswith(own + os.sep)


def _check_date(value: str) -> None:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--published {value!r} is not a date (YYYY-MM-DD)") from None


_OUTPUT_SUFFIXES = {".jsonl": "jsonl", ".json": "json", ".csv": "csv", ".parquet": "parquet"}


def _format_from_name(path: str | None) -> str:
    """The output format named by ``-o``'s extension (JSONL for stdout).

    Raises:
        ConfigError: any other extension, or none: never guessed (``--format`` says it).
    """
    if not path:
        return "jsonl"
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in _OUTPUT_SUFFIXES:
        shown = f"extension {suffix!r}" if suffix else "no extension"
        raise ConfigError(
            f"-o {path}: cannot tell the output format ({shown}): use .jsonl, .json, .csv or "
            ".parquet (--engine ray), or say it with --format"
        )
    return _OUTPUT_SUFFIXES[suffix]


def _resume_state(path: str, fmt: str, err: IO[str], *, quiet: bool) -> tuple[set[str], list[Any]]:
    """Ids already done in ``path`` (or its journal) and, for JSON, the records to keep.

    Raises:
        ConfigError: ``path`` exists and is not factx's output (left untouched).
    """
    journal = _io.journal_path(path) if fmt in ("json", "csv") else None
    initial: list[Any] = []
    where = path
    try:
        if journal is not None and os.path.exists(journal):
            state = _io.read_jsonl_state(journal, repair=True, strict=True)
            where = f"{path} from its journal {journal}"
        elif not os.path.exists(path):
            return set(), []
        elif fmt == "json":
            state, initial = _io.read_json_array_state(path, strict=True)
        elif fmt == "csv":
            _io.check_csv_output(path)
            if not quiet:
                print(
                    f"factx: {path} is rewritten (a CSV file cannot be resumed from, only its "
                    "journal, which a finished run removes)",
                    file=err,
                )
            return set(), []
        else:
            state = _io.read_jsonl_state(path, repair=True, strict=True)
    except InputError as e:
        raise ConfigError(str(e)) from None
    except OSError as e:
        raise ConfigError(f"cannot resume from {path}: {e.strerror or e}") from None
    if not quiet:
        notes = [f"{len(state.done)} done"]
        if state.failed:
            notes.append(f"{len(state.failed)} failed before, retrying")
        if state.skipped:
            notes.append(f"{len(state.skipped)} skipped before (cost budget), resuming")
        if state.truncated:
            notes.append(f"cut a partial last line of {state.truncated} bytes")
        print(f"factx: resuming {where}: {', '.join(notes)}", file=err)
    return state.done, initial


def _count(sources: list[_io.Source]) -> int | None:
    """Articles expected, when cheap to know: files of one article each; JSONL lines."""
    total = 0
    for s in sources:
        if s.is_stdin or s.suffix == ".json":
            return None
        if s.missing or s.suffix != ".jsonl":
            total += 1
            continue
        try:
            if not stat.S_ISREG(os.stat(s.path).st_mode):  # a FIFO would block open()
                raise OSError("not a regular file")
            with open(s.path, "rb") as fh:
                total += sum(1 for line in fh if line.strip())
        except OSError:
            total += 1
    return total


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
