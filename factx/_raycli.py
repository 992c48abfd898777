"""``factx extract --engine ray``: the CLI's job run on a Ray cluster through :mod:`factx.ray`.

The driver (this process) reads the inputs ``factx extract`` reads (text, Markdown, HTML,
JSON, JSONL: their texts travel to the cluster from here) and hands ``.parquet`` inputs to
``ray.data.read_parquet``, so Parquet is read by the cluster (the way to feed millions of
articles). Parquet inputs need the id and text columns (``--id-field``, ``--text-field``);
``--published-field`` is used when present. Results stream back to the driver, which writes
them as they arrive:

- JSONL / JSON / CSV: exactly as the async engine writes them (same records, same resume).
- Parquet (``-o out.parquet`` or ``--format parquet``): a folder of part files
  (``part-<run>-<n>.parquet``, each written to a hidden temporary file and renamed into
  place every 1,000 rows and at the end), one row per article: ``source`` plus
  :data:`factx.ray.OUTPUT_COLUMNS`. Resuming reads the folder: ids with a row whose
  ``error_type`` is null are done; failed ids are retried and get a new row in a new part, so
  an id's final state is its success row if it has one.

Rows whose id is done are dropped before they reach a worker (Parquet: by the cluster, so the
summary's "skipped as already done" counts only the inputs the driver read).
``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``FACTX_PRICES`` and ``FACTX_BACKEND`` set on the
driver are passed to the workers' environment (Ray ``runtime_env``).
"""

from __future__ import annotations

import argparse
import logging
import os
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from . import _io
from ._batch import BatchStats
from ._pricing import Price
from .exceptions import ConfigError, InputError, MissingExtraError

FORWARDED_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "FACTX_PRICES", "FACTX_BACKEND")
PARQUET_FLUSH_ROWS = 1000
BLOCK_ROWS = 64  # rows per block of the articles read by the driver (= the batch size)


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise MissingExtraError("ray", "ray[data]") from None
    return ray


class ParquetDirWriter(_io.Writer):
    """Records as rows of Parquet part files in a folder (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        from .ray import output_schema

        pa = _pyarrow()
        self.directory = Path(path)
        if self.directory.exists() and not self.directory.is_dir():
            raise ConfigError(f"{path}: Parquet output is a folder of part files, not a file")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.schema = pa.schema([pa.field("source", pa.string()), *output_schema()])
        self._run = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        self._parts = 0
        self._rows: list[dict[str, Any]] = []

    def write(self, record: dict[str, Any]) -> None:
        self._rows.append(record)
        if len(self._rows) >= PARQUET_FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the buffered records as one part file (atomically)."""
        if not self._rows:
            return
        import pyarrow.parquet as pq

        from .ray import _columns

        pa = _pyarrow()
        sources = pa.array([r.get("source") for r in self._rows], type=pa.string())
        table = pa.Table.from_arrays([sources, *_columns(self._rows)], schema=self.schema)
        name = f"part-{self._run}-{self._parts:05d}.parquet"
        tmp = self.directory / f".{name}.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, self.directory / name)
        self._parts += 1
        self._rows = []

    def close(self) -> None:
        self.flush()


def read_parquet_state(path: str | os.PathLike[str]) -> _io.JsonlState:
    """Ids done (a row without error) and failed (only error rows) in a Parquet output folder.

    Raises:
        ConfigError: ``path`` is a file, or a part file cannot be read.
    """
    import pyarrow.parquet as pq

    state = _io.JsonlState()
    directory = Path(path)
    if not directory.is_dir():
        raise ConfigError(f"{path}: Parquet output is a folder of part files, not a file")
    for part in sorted(directory.glob("part-*.parquet")):
        try:
            table = pq.read_table(part, columns=["source", "error_type"])
        except (OSError, ValueError) as e:
            raise ConfigError(f"cannot resume from {part}: {e}") from None
        for source, etype in zip(
            table.column("source").to_pylist(), table.column("error_type").to_pylist(), strict=True
        ):
            if source is not None:
                _io._note(state, {"source": source, "error": etype})
    return state


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise MissingExtraError("ray", "pyarrow") from None
    return pyarrow


def _prepare_parquet(table: Any, *, fields: _io.Fields, skip: Sequence[str]) -> Any:
    """A Parquet batch as the columns id, text, published (strings), done ids dropped."""
    import pyarrow.compute as pc

    pa = _pyarrow()
    n = table.num_rows

    def column(name: str) -> Any:
        if name not in table.column_names:
            return pa.nulls(n, type=pa.string())
        return pc.cast(table.column(name), pa.string())

    out = pa.table(
        {
            "id": column(fields.id),
            "text": column(fields.text),
            "published": column(fields.published),
        }
    )
    if skip:
        out = out.filter(pc.invert(pc.is_in(out.column("id"), value_set=pa.array(skip))))
    return out


class RayJob:
    """One ``factx extract --engine ray`` run.

    Args:
        args: the parsed ``extract`` arguments.
        fmt: output format (jsonl, json, csv or parquet).
        concurrency: articles in flight over all workers (``-j``).
        prices: ``--price`` overrides.
        settings: backend settings (``base_url``).
    """

    def __init__(
        self,
        args: argparse.Namespace,
        *,
        fmt: str,
        concurrency: int,
        prices: Mapping[str, Price],
        settings: Mapping[str, Any],
    ) -> None:
        if args.workers < 1:
            raise ConfigError(f"--workers must be at least 1, not {args.workers}")
        self.args = args
        self.fmt = fmt
        self.calls_per_worker = 2
        self.max_in_flight = max(1, concurrency // (args.workers * self.calls_per_worker))
        self.prices = dict(prices)
        self.settings = dict(settings)
        self.fields = _io.Fields(
            text=args.text_field, id=args.id_field, published=args.published_field
        )
        self.stats = BatchStats()

    def run(
        self,
        sources: list[_io.Source],
        *,
        backend: Any,
        skip: set[str],
        initial: list[Any],
        stdin: IO[Any] | None,
        out: IO[str],
        err: IO[str],
    ) -> int:
        """Run the job; returns the exit code (1 if an article failed).

        Raises:
            MissingExtraError: Ray Data is not installed.
            ConfigError: a Parquet input lacks the id or text column; a bad output.
        """
        ray = _ray()
        args = self.args
        parquet = [
            os.path.abspath(s.path) for s in sources if not s.missing and s.suffix == ".parquet"
        ]
        others = [s for s in sources if s.missing or s.suffix != ".parquet"]
        self._check_parquet_columns(parquet)
        if self.fmt == "parquet":
            if args.output is None:
                raise ConfigError("Parquet output needs -o FOLDER")
            if os.path.exists(args.output):
                state = read_parquet_state(args.output)
                skip = set(state.done)
                if not args.quiet:
                    print(
                        f"factx: resuming {args.output}: {len(state.done)} done, "
                        f"{len(state.failed)} failed before, retrying",
                        file=err,
                    )
            writer: _io.Writer = ParquetDirWriter(args.output)
        else:
            writer = _io.make_writer(self.fmt, args.output, stream=out, initial=initial)
        started_ray = False
        try:
            with writer:
                if not ray.is_initialized():
                    ray.init(address=args.ray_address, log_to_driver=False)
                    started_ray = True
                if args.quiet or args.no_progress:  # Ray Data's own progress bars and logs
                    ray.data.DataContext.get_current().enable_progress_bars = False
                    logging.getLogger("ray.data").setLevel(logging.WARNING)
                ds = self._dataset(ray, others, parquet, skip, writer, stdin)
                if ds is not None:
                    self._stream(ds, backend, writer, err)
        finally:
            self.stats.finished = time.monotonic()
            if started_ray:
                ray.shutdown()
            if not args.quiet:
                print("factx: " + self.stats.summary(), file=err)
        return 1 if self.stats.failed else 0

    def _check_parquet_columns(self, paths: list[str]) -> None:
        if not paths:
            return
        import pyarrow.parquet as pq

        for path in paths:
            try:
                names = pq.read_schema(path).names
            except (OSError, ValueError) as e:
                raise ConfigError(f"{path}: not a readable Parquet file ({e})") from None
            for role, col in (("id", self.fields.id), ("text", self.fields.text)):
                if col not in names:
                    raise ConfigError(
                        f"{path}: no {role} column {col!r} (columns: {', '.join(names)}); "
                        f"name it with --{role}-field"
                    )

    def _dataset(
        self,
        ray: Any,
        others: list[_io.Source],
        parquet: list[str],
        skip: set[str],
        writer: _io.Writer,
        stdin: IO[Any] | None,
    ) -> Any:
        """The articles to process as one dataset (id, text, published); None if none."""
        pa = _pyarrow()
        rows: dict[str, list[Any]] = {"id": [], "text": [], "published": []}
        for item in _io.read_sources(others, fields=self.fields, stdin=stdin):
            if item.id in skip:
                self.stats.skipped += 1
            elif item.error is not None or item.text is None:
                self._record(_io.error_record(item.id, item.error or InputError("no text")), writer)
            else:
                rows["id"].append(item.id)
                rows["text"].append(item.text)
                rows["published"].append(item.published)
        parts = []
        if rows["id"]:
            schema = pa.schema([(name, pa.string()) for name in rows])
            table = pa.Table.from_pydict(rows, schema=schema)
            # One block per batch: a map task runs its block's batches one after another, so
            # a single block would keep all but one worker idle.
            size = BLOCK_ROWS
            blocks = [table.slice(i, size) for i in range(0, table.num_rows, size)]
            parts.append(ray.data.from_arrow(blocks))
        if parquet:
            ds = ray.data.read_parquet(parquet)
            ds = ds.map_batches(
                _prepare_parquet,
                fn_kwargs={"fields": self.fields, "skip": sorted(skip)},
                batch_format="pyarrow",
            )
            # A map task runs its block's batches one after another: split the (few, large)
            # blocks of Parquet files so that every worker gets work.
            parts.append(ds.repartition(target_num_rows_per_block=BLOCK_ROWS))
        if not parts:
            return None
        ds = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        if self.args.max_articles is not None:
            ds = ds.limit(self.args.max_articles)
        return ds

    def _stream(self, ds: Any, backend: Any, writer: _io.Writer, err: IO[str]) -> None:
        from .ray import extract_dataset, to_record

        env = {k: os.environ[k] for k in FORWARDED_ENV if os.environ.get(k)}
        result = extract_dataset(
            ds,
            backend=backend,
            text_column="text",
            id_column="id",
            published_column="published",
            published=self.args.published,
            language=self.args.language,
            strategy=self.args.strategy,
            concurrency=self.args.workers,
            max_in_flight=self.max_in_flight,
            calls_per_worker=self.calls_per_worker,
            prices=self.prices,
            runtime_env={"env_vars": env} if env else None,
            **self.settings,
        )
        show = not (self.args.no_progress or self.args.quiet) and _isatty(err)
        for batch in result.iter_batches(batch_format="pyarrow", batch_size=None):
            for row in batch.to_pylist():  # type: ignore[union-attr]  # pyarrow batches
                self._record(to_record(row), writer)
            if show:
                err.write("\r\x1b[K" + self.stats.progress_line())
                err.flush()
        if show:
            err.write("\r\x1b[K")
            err.flush()

    def _record(self, record: dict[str, Any], writer: _io.Writer) -> None:
        stats = self.stats
        stats.done += 1
        error = record.get("error")
        if error is not None:
            stats.failed += 1
            stats.errors[error.get("type") or "Error"] += 1
        else:
            stats.count(record)
            from .models import Usage

            stats.add_usage(Usage.model_validate(record.get("usage") or {}))
        writer.write(record)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
