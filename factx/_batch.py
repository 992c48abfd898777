"""Many articles at once: bounded, adaptive concurrency, a result cache and run statistics.

:func:`extract_many` is the engine behind ``factx extract`` and behind the public batch calls
(:meth:`factx.Extractor.aextract_many` / :meth:`~factx.Extractor.extract_many`,
:func:`factx.extract_many`), which library users call::

    extractor = Extractor("openai:gpt-4o-mini")
    async for record in extract_many(iter_inputs(["articles/"]), extractor, concurrency=16):
        ...

Each article gives one record (a dict; see :mod:`factx._io`), yielded as soon as it finishes
(not in input order). One article's failure never stops the run: it becomes an error record.
Every record carries ``provenance`` (see :mod:`factx._provenance`); a success served from the
cache has ``"cached": true``.
With ``max_cost`` the run stops starting articles once that many dollars are spent; articles
not started become skipped records (``{"source", "skipped": {"reason": "budget", ...}}``) that
a resumed run processes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import AsyncGenerator, Collection, Iterable, Iterator, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._io import InputItem, error_record, skipped_record
from ._provenance import cache_identity, provenance
from .exceptions import BackendError, ConfigError, ExtractionError, FactxError, InputError
from .models import ArticleFacts, Usage

if TYPE_CHECKING:
    from ._api import Extractor

__all__ = [
    "KINDS",
    "AdaptiveLimiter",
    "BatchInput",
    "BatchStats",
    "ResultCache",
    "check_budget",
    "default_cache_dir",
    "extract_many",
    "run_batch",
]

KINDS = ("visits", "agreements", "statements", "quotes")


# --------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """``$FACTX_CACHE_DIR/results``, else ``$XDG_CACHE_HOME/factx/results`` or
    ``~/.cache/factx/results``."""
    base = os.environ.get("FACTX_CACHE_DIR")
    if base:
        return Path(base).expanduser() / "results"
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return root / "factx" / "results"


class ResultCache:
    """Successful results on disk, keyed by what determines them.

    The key is the sha256 of the article text, publication date and language given, and the
    run's identity (:func:`factx._provenance.cache_identity`): factx version, pipeline version
    (prompts, rules, language data), backend provider, server URL (without credentials), model
    and its settings, strategy, and the extractor's settings that change an answer. So two
    servers that call their model by the same name never share answers. A hit costs no model
    call. Entries are written atomically (temporary file + rename), so concurrent runs can
    share a cache. Only successes are stored.

    Args:
        directory: where entries live (default :func:`default_cache_dir`).
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()

    def __repr__(self) -> str:
        return f"ResultCache({str(self.directory)!r})"

    @staticmethod
    def key(
        text: str,
        *,
        published: str | None,
        identity: Mapping[str, Any],
        language: str | None = None,
    ) -> str:
        """The hex sha256 naming an entry; ``identity`` is :func:`cache_identity` of the
        extractor."""
        parts = [text, published, language, identity]
        blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> ArticleFacts | None:
        """The stored result, or None (missing, unreadable or stale entries are misses)."""
        try:
            raw = self._path(key).read_text(encoding="utf-8")
            return ArticleFacts.model_validate_json(raw)
        except (OSError, ValueError):
            return None

    def put(self, key: str, facts: ArticleFacts) -> None:
        """Store ``facts`` (best effort: a cache that cannot be written is skipped)."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:8]}.", suffix=".tmp", dir=path.parent)
            try:
                with open(fd, "w", encoding="utf-8") as fh:
                    fh.write(facts.model_dump_json())
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError:
            pass


# --------------------------------------------------------------------------------------------
# Adaptive concurrency
# --------------------------------------------------------------------------------------------


class AdaptiveLimiter:
    """A concurrency limit that halves on rate limiting and creeps back up (AIMD).

    ``throttled`` halves the limit (minimum 1) once per wave: 429s from calls started before
    the last decrease do not halve it again. After ``increase_after`` consecutive successes the
    limit rises by one, up to ``maximum``.
    """

    def __init__(self, maximum: int, *, increase_after: int = 10) -> None:
        if maximum < 1:
            raise ValueError("maximum must be at least 1")
        self.maximum = maximum
        self.limit = maximum
        self.lowest = maximum
        self.decreases = 0
        self.increase_after = max(1, increase_after)
        self.active = 0
        self._streak = 0
        self._epoch = 0
        self._cond: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond

    async def acquire(self) -> int:
        """Wait for a slot; returns the epoch to pass to :meth:`throttled`."""
        cond = self._condition()
        async with cond:
            await cond.wait_for(lambda: self.active < self.limit)
            self.active += 1
            return self._epoch

    async def release(self) -> None:
        cond = self._condition()
        async with cond:
            self.active -= 1
            cond.notify_all()

    def succeeded(self) -> None:
        self._streak += 1
        if self._streak >= self.increase_after and self.limit < self.maximum:
            self.limit += 1
            self._streak = 0

    def throttled(self, epoch: int) -> None:
        self._streak = 0
        if epoch == self._epoch:
            self.limit = max(1, self.limit // 2)
            self.lowest = min(self.lowest, self.limit)
            self.decreases += 1
            self._epoch += 1


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------


@dataclass
class BatchStats:
    """Counters of a run, updated live (read them for a progress display).

    Attributes:
        total: articles expected, when the caller knows (for progress); None otherwise.
        done: records produced (successes, failures and budget-skipped records).
        failed: error records (unreadable inputs included).
        partial: successes marked ``partial`` (a question failed; the record's warnings say
            which): counted in :attr:`succeeded` too, apart from :attr:`failed`.
        cached: successes served from the cache.
        skipped: inputs skipped because their id was in ``skip_ids``.
        budget_skipped: articles not started because ``max_cost`` was spent (skipped records).
        cost_usd: dollars spent (articles whose model has a known price); ``priced`` says
            whether any article had a known price.
        throttled: rate-limit (HTTP 429) failures seen; each lowered or held the limit.
        facts: facts found, by kind.
        errors: failures by exception type name.
        concurrency / lowest_concurrency: the current and the lowest concurrency limit.
    """

    total: int | None = None
    done: int = 0
    failed: int = 0
    partial: int = 0
    cached: int = 0
    skipped: int = 0
    throttled: int = 0
    budget_skipped: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    priced: bool = False
    facts: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    concurrency: int = 0
    lowest_concurrency: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def succeeded(self) -> int:
        """Success records, partial ones included."""
        return self.done - self.failed - self.budget_skipped

    @property
    def complete(self) -> int:
        """Success records that are not partial."""
        return self.succeeded - self.partial

    def count(self, record: dict[str, Any]) -> None:
        """Count a success record's facts and whether it is partial."""
        for kind in KINDS:
            self.facts[kind] += len(record.get(kind) or [])
        if record.get("partial"):
            self.partial += 1

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def wall(self) -> float:
        """Seconds since the start (to the end once finished)."""
        return (self.finished or time.monotonic()) - self.started

    @property
    def rate(self) -> float:
        """Articles per second so far."""
        wall = self.wall
        return self.done / wall if wall > 0 else 0.0

    def add_usage(self, usage: Usage | None) -> None:
        if usage is not None:
            self.prompt_tokens += usage.prompt_tokens
            self.completion_tokens += usage.completion_tokens
            if usage.cost_usd is not None:
                self.cost_usd += usage.cost_usd
                self.priced = True

    def progress_line(self) -> str:
        """One short line: done/total, failures, facts, tokens, rate."""
        total = f"/{self.total}" if self.total is not None else ""
        partial = f"{self.partial} partial, " if self.partial else ""
        return (
            f"{self.done}{total} articles, {partial}{self.failed} failed, "
            f"{sum(self.facts.values())} facts, {self.tokens:,} tokens, {self.rate:.1f}/s"
        )

    def summary(self) -> str:
        """One paragraph: articles, facts per kind, failures, tokens, wall time."""
        parts = [f"{self.done} {_plural(self.done, 'article')} in {_duration(self.wall)}"]
        extra = []
        if self.cached:
            extra.append(f"{self.cached} from cache")
        if self.skipped:
            extra.append(f"{self.skipped} skipped as already done")
        if extra:
            parts[0] += f" ({', '.join(extra)})"
        kinds = ", ".join(
            f"{self.facts.get(k, 0)} {_kind_name(k, self.facts.get(k, 0))}" for k in KINDS
        )
        parts.append(f"facts: {kinds}")
        if self.partial:
            parts.append(
                f"{self.partial} partial (some questions failed: see the records' warnings; "
                f"{self.complete} complete)"
            )
        if self.failed:
            by_type = ", ".join(f"{n} {t}" for t, n in self.errors.most_common())
            parts.append(f"{self.failed} failed ({by_type})")
        else:
            parts.append("no failures")
        cost = f"${self.cost_usd:,.4f}" if self.priced else "unknown (no price for the model)"
        parts.append(
            f"tokens: {self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion, "
            f"cost {cost}"
        )
        if self.budget_skipped:
            parts.append(
                f"{self.budget_skipped} not started: cost budget spent (rerun to resume them)"
            )
        if self.throttled:
            parts.append(
                f"rate-limited {self.throttled} {_plural(self.throttled, 'time')} "
                f"(concurrency went down to {self.lowest_concurrency})"
            )
        return "; ".join(parts) + "."


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def _kind_name(kind: str, n: int) -> str:
    return kind if n != 1 else kind[:-1]


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


# --------------------------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------------------------


class _End:
    pass


_END = _End()


@dataclass
class _Raise:
    error: BaseException


BatchInput = InputItem | str | Mapping[str, Any]
"""One article of a batch: its text (id: its position, ``"0"``, ``"1"``, ...), a mapping with
``text`` and optionally ``id``, ``published``, ``url``, ``title`` (e.g. a row of
``DataFrame.to_dict("records")``), or an :class:`~factx._io.InputItem`."""


def _as_items(items: Iterable[BatchInput]) -> Iterator[InputItem]:
    for i, item in enumerate(items):
        if isinstance(item, InputItem):
            yield item
        elif isinstance(item, Mapping):
            yield _mapping_item(item, i)
        elif isinstance(item, str):
            yield InputItem(str(i), text=item)
        else:
            kind = "no text" if item is None else f"a {type(item).__name__}, not text"
            yield InputItem(str(i), error=InputError(f"input {i} is {kind}"))


def _mapping_item(row: Mapping[str, Any], i: int) -> InputItem:
    ident = row.get("id")
    item = InputItem(
        str(i) if ident is None else str(ident),
        published=_date_str(row.get("published")),
        url=_opt_str(row.get("url")),
        title=_opt_str(row.get("title")),
    )
    text = row.get("text")
    if isinstance(text, str):
        item.text = text
    else:
        kind = "missing" if text is None else f"a {type(text).__name__}, not text"
        item.error = InputError(f"input {item.id}: 'text' is {kind}")
    return item


def _date_str(value: Any) -> str | None:
    if value is None or value != value:  # None, NaN/NaT
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return str(value)


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def check_budget(max_cost: float, extractor: Extractor) -> None:
    """Refuse a budget that cannot be kept.

    Raises:
        ConfigError: ``max_cost`` is negative or the extractor's model has no known price.
    """
    if max_cost < 0:
        raise ConfigError(f"max_cost must be at least 0, not {max_cost}")
    if extractor.price is None:
        model = getattr(extractor.backend, "model", "?")
        raise ConfigError(
            f"a cost budget needs the price of model {model!r}: pass prices={{...}} to the "
            "Extractor, set FACTX_PRICES or use --price MODEL=IN,OUT (dollars per million tokens)"
        )


async def extract_many(
    items: Iterable[BatchInput],
    extractor: Extractor,
    *,
    concurrency: int = 8,
    cache: ResultCache | None = None,
    skip_ids: Collection[str] = frozenset(),
    max_articles: int | None = None,
    published: str | None = None,
    language: str | None = None,
    stats: BatchStats | None = None,
    increase_after: int = 10,
    max_throttle_retries: int = 6,
    throttle_delay: float = 1.0,
    max_cost: float | None = None,
) -> AsyncGenerator[dict[str, Any], None]:
    """Extract the facts of many articles concurrently, yielding one record per article.

    Args:
        items: :class:`~factx._io.InputItem` (e.g. from :func:`~factx._io.iter_inputs`),
            plain strings (ids ``"0"``, ``"1"``, ...) or mappings (see :data:`BatchInput`);
            consumed lazily, so a generator of 100k articles is fine.
        extractor: the :class:`~factx.Extractor` to use.
        concurrency: most articles in flight at once (the number of workers).
        cache: a :class:`ResultCache`, or None for no caching.
        skip_ids: ids not to process (already done).
        max_articles: stop after this many articles (skipped ones not counted).
        published: publication date for inputs that carry none.
        language: language code passed to every extraction.
        stats: a :class:`BatchStats` to update live (one is made when None).
        increase_after: consecutive successes before the limit rises by one after a 429.
        max_throttle_retries: times an article hit by HTTP 429 is re-queued before it becomes
            an error record.
        throttle_delay: first back-off (seconds) before retrying a rate-limited article;
            doubled on each retry.
        max_cost: budget in US dollars: once the run has spent it, no new article starts;
            articles in flight finish (so the total can pass the budget by their cost) and the
            rest become skipped records. Cache hits are free and still served. Needs the
            model's price (see :mod:`factx._pricing`).

    Yields:
        Success records (``ArticleFacts`` as JSON data, ``source`` = the input id, plus
        ``url``/``title`` when known) and error records (``{"source", "error": {"type",
        "message"}}``) and, with ``max_cost``, skipped records (``{"source", "skipped":
        {"reason": "budget", "message"}}``), in completion order.

    Raises:
        ConfigError: ``max_cost`` is given but the model's price is unknown.
        MissingExtraError: reading an input needed a missing optional dependency.
        KeyboardInterrupt, asyncio.CancelledError: propagate; work in flight is cancelled.
    """
    run = run_batch(
        items,
        extractor,
        concurrency=concurrency,
        cache=cache,
        skip_ids=skip_ids,
        max_articles=max_articles,
        published=published,
        language=language,
        stats=stats,
        increase_after=increase_after,
        max_throttle_retries=max_throttle_retries,
        throttle_delay=throttle_delay,
        max_cost=max_cost,
    )
    async with aclosing(run):  # leaving early cancels the work in flight now, not at GC
        async for _, record in run:
            yield record


async def run_batch(
    items: Iterable[BatchInput],
    extractor: Extractor,
    *,
    concurrency: int = 8,
    cache: ResultCache | None = None,
    skip_ids: Collection[str] = frozenset(),
    max_articles: int | None = None,
    published: str | None = None,
    language: str | None = None,
    stats: BatchStats | None = None,
    increase_after: int = 10,
    max_throttle_retries: int = 6,
    throttle_delay: float = 1.0,
    max_cost: float | None = None,
) -> AsyncGenerator[tuple[int, dict[str, Any]], None]:
    """:func:`extract_many` yielding ``(position, record)``: ``position`` counts the inputs
    processed (those in ``skip_ids`` are not), from 0, so records can be put in input order."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    # An in-process model answers one question at a time and keeps one article's prefix in
    # its KV cache: articles interleaved on it would each pay their prefill again.
    concurrency = min(
        concurrency, getattr(extractor.backend, "max_concurrency", None) or concurrency
    )
    if max_cost is not None:
        check_budget(max_cost, extractor)
    stats = stats if stats is not None else BatchStats()
    limiter = AdaptiveLimiter(concurrency, increase_after=increase_after)
    stats.concurrency = stats.lowest_concurrency = concurrency
    identity = cache_identity(extractor) if cache is not None else {}
    in_q: asyncio.Queue[tuple[int, InputItem] | _End] = asyncio.Queue(maxsize=2 * concurrency)
    out_q: asyncio.Queue[tuple[int, dict[str, Any]] | _End | _Raise] = asyncio.Queue(
        maxsize=2 * concurrency
    )

    def provenance_of(item: InputItem) -> dict[str, Any]:
        return provenance(extractor, item.text).model_dump(mode="json")

    def fail(item: InputItem, error: BaseException, usage: Usage | None = None) -> dict[str, Any]:
        stats.failed += 1
        stats.errors[type(error).__name__] += 1
        stats.add_usage(usage)
        record = error_record(item.id, error)
        record["provenance"] = provenance_of(item)
        return record

    def success(item: InputItem, facts: ArticleFacts) -> dict[str, Any]:
        record = facts.model_dump(mode="json")
        record["source"] = item.id
        if item.url:
            record["url"] = item.url
        if item.title:
            record["title"] = item.title
        stats.count(record)
        return record

    def budget_spent() -> bool:
        return max_cost is not None and stats.cost_usd >= max_cost

    async def process(item: InputItem) -> dict[str, Any]:
        if item.error is not None or item.text is None:
            return fail(item, item.error or FactxError("no text"))
        when = item.published or published
        key = None
        if cache is not None:
            key = cache.key(item.text, published=when, identity=identity, language=language)
            hit = cache.get(key)
            if hit is not None:
                stats.cached += 1
                hit.usage = Usage(model=hit.usage.model)
                hit.cached = True
                return success(item, hit)
        retries = 0
        while True:
            epoch = await limiter.acquire()
            try:
                if budget_spent():  # checked when the article would start, retries included
                    stats.budget_skipped += 1
                    record = skipped_record(item.id, "budget", f"cost budget ${max_cost} spent")
                    record["provenance"] = provenance_of(item)
                    return record
                facts = await extractor.aextract(
                    item.text, published=when, source=item.id, language=language
                )
            except BackendError as e:
                if e.status_code != 429:
                    return fail(item, e)
                stats.throttled += 1
                limiter.throttled(epoch)
                stats.concurrency = limiter.limit
                stats.lowest_concurrency = limiter.lowest
                if retries >= max_throttle_retries:
                    return fail(item, e)
            except ExtractionError as e:
                return fail(item, e, e.usage)
            except Exception as e:  # FactxError or a bug: one article, one error record
                return fail(item, e)
            else:
                limiter.succeeded()
                stats.concurrency = limiter.limit
                stats.add_usage(facts.usage)
                if cache is not None and key is not None:
                    cache.put(key, facts.model_copy(update={"source": None}))
                return success(item, facts)
            finally:
                await limiter.release()
            await asyncio.sleep(throttle_delay * 2**retries)
            retries += 1

    # Workers start as articles arrive, up to ``concurrency``: ten articles cost ten tasks,
    # whatever the limit.
    workers: list[asyncio.Task[None]] = []

    async def produce() -> None:
        it = _as_items(items)
        taken = 0
        try:
            while max_articles is None or taken < max_articles:
                item = await asyncio.to_thread(next, it, _END)
                if isinstance(item, _End):
                    break
                if item.id in skip_ids:
                    stats.skipped += 1
                    continue
                if len(workers) < concurrency:
                    workers.append(asyncio.create_task(work()))
                await in_q.put((taken, item))
                taken += 1
        except asyncio.CancelledError:
            raise
        except Exception as e:  # e.g. MissingExtraError while reading: stop the run
            await out_q.put(_Raise(e))
        for _ in range(len(workers)):  # not on cancellation: nobody would take them
            await in_q.put(_END)

    async def work() -> None:
        while True:
            got = await in_q.get()
            if isinstance(got, _End):
                return
            position, item = got
            try:
                record = await process(item)
            except Exception as e:  # defensive: process() turns failures into records
                record = fail(item, e)
            stats.done += 1
            await out_q.put((position, record))

    async def supervise() -> None:
        try:
            await producer  # every worker is started once the producer is done
            await asyncio.gather(*workers)
        finally:
            await out_q.put(_END)

    producer = asyncio.create_task(produce())
    supervisor = asyncio.create_task(supervise())
    try:
        while True:
            out = await out_q.get()
            if isinstance(out, _End):
                break
            if isinstance(out, _Raise):
                raise out.error
            yield out
        await producer
    finally:
        stats.finished = time.monotonic()
        tasks = [producer, supervisor, *workers]
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
