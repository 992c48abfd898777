"""The public calls: ``extract`` / ``aextract`` and the batch calls ``extract_many`` /
``aextract_many``, over a reusable ``Extractor``.

The blocking calls work with or without a running event loop: without one they run their own
(``asyncio.run``); inside one (Jupyter, IPython, an async web handler) they run a private loop
in a worker thread and wait for it, so they block the caller's loop meanwhile (use the ``a``
calls there to keep it responsive).
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import os
import threading
import time
from collections.abc import AsyncGenerator, Callable, Collection, Coroutine, Iterable, Mapping
from contextlib import aclosing
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from . import _pipeline
from ._article import Article, Block
from ._batch import BatchInput, BatchStats, ResultCache, run_batch
from ._chunk import plan_chunks, run_chunked
from ._ground import Grounder
from ._normalize import article_languages
from ._pricing import FREE, Price, PriceLike, PriceTable
from ._provenance import provenance
from ._session import Session, Settings
from .backends import Backend, resolve_backend
from .exceptions import ConfigError, ExtractionError, InputError
from .models import ArticleFacts

T = TypeVar("T")
Record = dict[str, Any]
OnResult = Callable[[Record], Any]
CacheLike = bool | str | os.PathLike[str] | ResultCache | None

_KINDS = ("quotes", "statements", "visits", "agreements")
_DEFAULT_MAX_CHARS = 2_000_000
_REMOTE_CHUNK_CHARS = 40_000


class Extractor:
    """Extracts facts from articles with one backend; keep one and reuse it.

    Args:
        backend: ``"openai:MODEL"``, ``"openai-compatible:MODEL"``, ``"local"``, a backend
            object, or None (``FACTX_BACKEND``, else ``"local"``).
        strategy: ``"auto"`` (by the backend's tier), ``"single"`` (1 call per article, plus
            re-asks) or ``"staged"`` (about 1 + one short call per candidate sentence or
            quotation: 10–40 calls per news article, cheap because the article prefix is
            cached).
        max_reasks: re-asks per question after a validation or grounding failure.
        max_tokens_per_article: token cap; past it the article fails with BudgetExceededError.
            It covers all chunks of a long article.
        max_article_chars: longest article accepted, in characters; a longer one fails with
            InputError. None: ``FACTX_MAX_CHARS``, else 2,000,000.
        max_chunk_chars: articles longer than this are split into chunks of at most this
            many characters, each extracted on its own (the single strategy then costs one
            call per chunk). None: sized for the backend's context window (1.5 characters
            per token of ``n_ctx``: 12,288 for the local model's 8,192), else 40,000.
        chunk_overlap: characters shared by consecutive chunks (whole paragraphs or
            sentences, up to this many), so facts at a cut are seen whole once.
        prices: model name to price in US dollars per million input/output tokens, e.g.
            ``{"my-model": (0.2, 0.6)}``; extends or overrides the built-in table and
            ``FACTX_PRICES`` (see :mod:`factx._pricing`). Sets ``usage.cost_usd``.
        **backend_settings: passed to the backend factory (``base_url``, ``api_key``,
            ``request_format``, ``timeout``, ``max_retries``, ``n_ctx``, ...).

    Raises:
        ConfigError: unknown backend, missing key or extra, bad strategy or size setting,
            malformed price.
    """

    def __init__(
        self,
        backend: str | Backend | None = None,
        *,
        strategy: str = "auto",
        max_reasks: int = 2,
        max_tokens_per_article: int | None = 200_000,
        max_article_chars: int | None = None,
        max_chunk_chars: int | None = None,
        chunk_overlap: int = 500,
        prices: Mapping[str, PriceLike] | None = None,
        **backend_settings: Any,
    ) -> None:
        if strategy not in ("auto", "single", "staged"):
            raise ConfigError(f"strategy must be auto, single or staged, not {strategy!r}")
        self.max_article_chars = _max_article_chars(max_article_chars)
        self.backend = resolve_backend(backend, **backend_settings)
        self.max_chunk_chars = max_chunk_chars or _chunk_size(self.backend)
        if self.max_chunk_chars < 1000:
            raise ConfigError(f"max_chunk_chars must be at least 1000, not {max_chunk_chars}")
        if not 0 <= chunk_overlap <= self.max_chunk_chars // 2:
            raise ConfigError(
                f"chunk_overlap must be between 0 and max_chunk_chars / 2, not {chunk_overlap}"
            )
        self.chunk_overlap = chunk_overlap
        self.settings = Settings(
            max_reasks=max_reasks,
            max_tokens_per_article=max_tokens_per_article,
            strategy=strategy,
        )
        self.prices = PriceTable(prices)

    def __repr__(self) -> str:
        return f"Extractor(backend={self.backend!r}, strategy={self.settings.strategy!r})"

    @property
    def strategy(self) -> str:
        if self.settings.strategy != "auto":
            return self.settings.strategy
        return "staged" if getattr(self.backend, "tier", "large") == "small" else "single"

    @property
    def price(self) -> Price | None:
        """The backend model's price (zero for a backend on this machine), None if unknown."""
        if getattr(self.backend, "cost_free", False):
            return FREE
        return self.prices.get(getattr(self.backend, "model", None))

    async def aextract(
        self,
        text: str,
        *,
        published: date | str | None = None,
        source: str | None = None,
        language: str | None = None,
    ) -> ArticleFacts:
        """Extract the facts of one article.

        Args:
            text: the article (plain text; page furniture is detected and ignored).
            published: publication date, used to resolve "Monday", "next month"; read from
                the article's header when not given.
            source: an identifier carried into the result (file name, URL).
            language: ISO 639-1 code of the article; detected from its body when not given.
                It selects the language data file (``factx/lang/<code>.toml``) the rules
                read; a language without one is served by model questions alone.

        Long articles (over ``max_chunk_chars``) are split into overlapping chunks, each
        extracted on its own; the facts are merged with their offsets in the whole article
        (see :mod:`factx._chunk`).

        Raises:
            InputError: empty or binary text, or longer than ``max_article_chars``.
            ExtractionError: the model kept giving invalid answers (carries usage).
            BackendError: the model server failed after transport retries.
        """
        started = time.perf_counter()
        if isinstance(text, str) and len(text) > self.max_article_chars:
            raise InputError(
                f"article is {len(text):,} characters long, over the limit of "
                f"{self.max_article_chars:,} (max_article_chars, --max-chars, FACTX_MAX_CHARS)"
            )
        article = Article.parse(text, published=published, source=source, language=language)
        session = Session(self.backend, article, self.settings)
        session.warnings.extend(_hostile_warning(b) for b in article.hostile_blocks)
        plan = _pipeline.staged if self.strategy == "staged" else _pipeline.single
        try:
            chunks = plan_chunks(article, self.max_chunk_chars, self.chunk_overlap)
            with article_languages(article.language):  # place names in the article's language
                if len(chunks) > 1:
                    facts = await run_chunked(session, plan, chunks)
                elif article.sentences:
                    facts = await plan(session)
                else:
                    facts = {}
            facts = {kind: facts.get(kind, []) for kind in _KINDS}
            _verify_grounding(article, facts, session)
        finally:  # failures carry this usage too (ExtractionError.usage)
            session.usage.seconds = time.perf_counter() - started
            price = self.price
            if price is not None:
                usage = session.usage
                usage.cost_usd = price.cost(usage.prompt_tokens, usage.completion_tokens)
        result = ArticleFacts(
            source=source,
            published=article.published.isoformat() if article.published else None,
            language=article.language,
            usage=session.usage,
            warnings=session.warnings,
            partial=session.partial,
            provenance=provenance(self, text),
            visits=facts["visits"],
            agreements=facts["agreements"],
            statements=facts["statements"],
            quotes=facts["quotes"],
        )
        result._keep_text(text)  # for the notebook view (ArticleFacts._repr_html_)
        return result

    def extract(self, text: str, **kwargs: Any) -> ArticleFacts:
        """Blocking twin of :meth:`aextract`.

        Works inside a running event loop too (Jupyter, IPython, an async handler): the
        extraction then runs on a private loop in a worker thread while this call waits,
        blocking the caller's loop meanwhile (``await aextract(...)`` keeps it free).
        """
        return _run_blocking(lambda: self._in_own_loop(self.aextract(text, **kwargs)))

    async def _in_own_loop(self, work: Coroutine[Any, Any, T]) -> T:
        try:
            return await work
        finally:
            await self.aclose()  # the loop ends with this call: close its connections now

    async def aextract_many(
        self,
        items: Iterable[BatchInput],
        *,
        concurrency: int = 8,
        ordered: bool = False,
        on_result: OnResult | None = None,
        cache: CacheLike = None,
        published: date | str | None = None,
        language: str | None = None,
        max_cost: float | None = None,
        max_articles: int | None = None,
        skip_ids: Collection[str] = frozenset(),
        stats: BatchStats | None = None,
    ) -> AsyncGenerator[Record, None]:
        """Extract many articles concurrently, yielding one record per article.

        The engine of ``factx extract``: bounded concurrency that halves on HTTP 429 and
        creeps back, one article's failure never stops the run, optional result cache and
        cost budget. Records are the lines ``factx extract`` writes (JSON data): a success is
        ``ArticleFacts`` data (``ArticleFacts.model_validate(record)`` gives the object back)
        with ``source`` = the input's id; a failure is ``{"source", "error": {"type",
        "message"}, "provenance"}``; with ``max_cost``, an article not started is
        ``{"source", "skipped": {"reason": "budget", "message"}, "provenance"}``.

        Args:
            items: article texts (ids ``"0"``, ``"1"``, ... by position), mappings with
                ``text`` and optionally ``id``, ``published``, ``url``, ``title`` (e.g.
                ``df.to_dict("records")``), or ``factx._io.InputItem``; read lazily.
            concurrency: most articles in flight at once (1 for the embedded model).
            ordered: False (default): records come as articles finish; True: in input order
                (a finished article waits for the earlier ones).
            on_result: called with each record as soon as its article finishes, in
                completion order whatever ``ordered`` says (a progress bar:
                ``on_result=lambda r: bar.update()``); may be a coroutine function. It runs
                on the event loop: keep it quick. An exception it raises stops the run.
            cache: True for the result cache in ``~/.cache/factx/results`` (``FACTX_CACHE_DIR``),
                a folder path, or a ``ResultCache``; None/False (default): no cache.
            published: publication date for inputs that carry none.
            language: ISO 639-1 code for every article (default: detected per article).
            max_cost: US dollars; once spent, no article starts (the rest get skipped
                records). Needs the model's price.
            max_articles: stop after this many articles.
            skip_ids: ids not to process (they get no record).
            stats: a ``factx._batch.BatchStats`` updated live.

        Raises:
            ConfigError: ``max_cost`` without a known price; ``concurrency`` below 1.
        """
        if concurrency < 1:
            raise ConfigError(f"concurrency must be at least 1, not {concurrency}")
        if isinstance(published, date):
            published = published.isoformat()
        run = run_batch(
            items,
            self,
            concurrency=concurrency,
            cache=_cache(cache),
            skip_ids=skip_ids,
            max_articles=max_articles,
            published=published,
            language=language,
            stats=stats,
            max_cost=max_cost,
        )
        waiting: dict[int, Record] = {}
        next_position = 0
        async with aclosing(run):  # leaving the loop early cancels the work in flight
            async for position, record in run:
                if on_result is not None:
                    called = on_result(record)
                    if inspect.isawaitable(called):
                        await called
                if not ordered:
                    yield record
                    continue
                waiting[position] = record
                while next_position in waiting:
                    yield waiting.pop(next_position)
                    next_position += 1
        for position in sorted(waiting):  # defensive: every position has a record
            yield waiting[position]

    def extract_many(
        self,
        items: Iterable[BatchInput],
        *,
        concurrency: int = 8,
        on_result: OnResult | None = None,
        cache: CacheLike = None,
        published: date | str | None = None,
        language: str | None = None,
        max_cost: float | None = None,
        max_articles: int | None = None,
        skip_ids: Collection[str] = frozenset(),
        stats: BatchStats | None = None,
    ) -> list[Record]:
        """Blocking twin of :meth:`aextract_many`: the list of records, in input order.

        ``on_result`` is still called as each article finishes (completion order). Works
        inside a running event loop too (see :meth:`extract`).
        """

        async def collect() -> list[Record]:
            run = self.aextract_many(
                items,
                concurrency=concurrency,
                ordered=True,
                on_result=on_result,
                cache=cache,
                published=published,
                language=language,
                max_cost=max_cost,
                max_articles=max_articles,
                skip_ids=skip_ids,
                stats=stats,
            )
            return [record async for record in run]

        return _run_blocking(lambda: self._in_own_loop(collect()))

    async def aclose(self) -> None:
        """Close the backend's connections (the extractor stays usable: the next call
        reconnects). Call it, or use ``async with Extractor(...) as ex:``, before the event
        loop of :meth:`aextract` calls ends."""
        aclose = getattr(self.backend, "aclose", None)
        if aclose is not None:
            await aclose()

    async def __aenter__(self) -> Extractor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _cache(cache: CacheLike) -> ResultCache | None:
    if cache is None or cache is False:
        return None
    if cache is True:
        return ResultCache()
    if isinstance(cache, ResultCache):
        return cache
    if isinstance(cache, (str, os.PathLike)):
        return ResultCache(Path(cache))
    raise ConfigError(f"cache must be True, a folder or a ResultCache, not {type(cache).__name__}")


def _run_blocking(start: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine ``start()`` to completion from synchronous code.

    Without a running event loop in this thread: ``asyncio.run``. With one (Jupyter, IPython,
    an async web handler), ``asyncio.run`` would refuse, so the coroutine runs on a private loop
    in a worker thread (with this thread's context variables) and this thread waits for it.
    Ctrl-C while waiting cancels the work and waits for it to wind down.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(start())
    outcome: dict[str, Any] = {}
    started = threading.Event()

    async def main() -> T:
        outcome["loop"] = asyncio.get_running_loop()
        outcome["task"] = asyncio.current_task()
        started.set()
        return await start()

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(main())
        except BaseException as e:  # handed to the waiting thread
            outcome["error"] = e
        finally:
            started.set()

    context = contextvars.copy_context()
    worker = threading.Thread(target=context.run, args=(target,), name="factx-loop", daemon=True)
    worker.start()
    try:
        worker.join()
    except BaseException:  # KeyboardInterrupt: stop the work, then let the interrupt through
        started.wait()
        loop, task = outcome.get("loop"), outcome.get("task")
        if loop is not None and task is not None:
            loop.call_soon_threadsafe(task.cancel)
        worker.join()
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


def _max_article_chars(value: int | None) -> int:
    if value is None:
        env = os.environ.get("FACTX_MAX_CHARS", "").strip()
        try:
            value = int(env) if env else _DEFAULT_MAX_CHARS
        except ValueError:
            raise ConfigError(f"FACTX_MAX_CHARS={env!r} is not a whole number") from None
    if value < 1:
        raise ConfigError(f"max_article_chars must be at least 1, not {value}")
    return value


def _chunk_size(backend: Backend) -> int:
    """Characters per chunk for ``backend``: ~4 characters a token, the article taking at
    most 3/8 of the context window (the rest: instructions, numbering, re-asks, answer)."""
    n_ctx = getattr(backend, "n_ctx", None)
    return int(n_ctx * 1.5) if isinstance(n_ctx, int) and n_ctx > 0 else _REMOTE_CHUNK_CHARS


def _hostile_warning(block: Block) -> str:
    # Offsets, not the text: the warning should not carry the injection further.
    return (
        f"ignored text at {block.start}:{block.end}: it addresses the model or the extraction "
        f"system rather than reporting news ({', '.join(block.reasons)})"
    )


def _verify_grounding(article: Article, facts: dict[str, list[Any]], session: Session) -> None:
    """Last line of defence: every span is at its offsets and in the body; quotes verbatim."""
    grounder = Grounder(article)
    for kind, items in facts.items():
        for fact in items:
            for span in fact.evidence:
                problem = grounder.check(span)
                if problem:
                    raise ExtractionError(
                        f"{kind}: {problem}", errors=[problem], usage=session.usage
                    )
            if kind == "quotes" and fact.text not in article.text:
                raise ExtractionError(
                    f"quote {fact.text[:60]!r} is not verbatim", usage=session.usage
                )


def extract(
    text: str,
    *,
    backend: str | Backend | None = None,
    published: date | str | None = None,
    source: str | None = None,
    language: str | None = None,
    **settings: Any,
) -> ArticleFacts:
    """Extract visits, agreements, statements and quotes from one article.

    A thin wrapper over :class:`Extractor`; build one Extractor to process many articles
    (the backend, and the embedded model, are then set up once).

    Raises:
        ConfigError, InputError, ExtractionError, BackendError: see :class:`Extractor`.
    """
    return Extractor(backend, **settings).extract(
        text, published=published, source=source, language=language
    )


async def aextract(
    text: str,
    *,
    backend: str | Backend | None = None,
    published: date | str | None = None,
    source: str | None = None,
    language: str | None = None,
    **settings: Any,
) -> ArticleFacts:
    """Async twin of :func:`extract`."""
    return await Extractor(backend, **settings).aextract(
        text, published=published, source=source, language=language
    )


def extract_many(
    items: Iterable[BatchInput],
    *,
    backend: str | Backend | None = None,
    concurrency: int = 8,
    on_result: OnResult | None = None,
    cache: CacheLike = None,
    published: date | str | None = None,
    language: str | None = None,
    max_cost: float | None = None,
    **settings: Any,
) -> list[Record]:
    """Extract many articles at once; the records in input order.

    ``settings`` go to :class:`Extractor`; the rest as in :meth:`Extractor.aextract_many`.
    Works inside a running event loop too (see :meth:`Extractor.extract`).
    """
    return Extractor(backend, **settings).extract_many(
        items,
        concurrency=concurrency,
        on_result=on_result,
        cache=cache,
        published=published,
        language=language,
        max_cost=max_cost,
    )


async def aextract_many(
    items: Iterable[BatchInput],
    *,
    backend: str | Backend | None = None,
    concurrency: int = 8,
    ordered: bool = False,
    on_result: OnResult | None = None,
    cache: CacheLike = None,
    published: date | str | None = None,
    language: str | None = None,
    max_cost: float | None = None,
    **settings: Any,
) -> AsyncGenerator[Record, None]:
    """Async twin of :func:`extract_many`: records as articles finish (``ordered=True``: in
    input order). The extractor it builds is closed when the iteration ends."""
    async with Extractor(backend, **settings) as extractor:
        run = extractor.aextract_many(
            items,
            concurrency=concurrency,
            ordered=ordered,
            on_result=on_result,
            cache=cache,
            published=published,
            language=language,
            max_cost=max_cost,
        )
        async with aclosing(run):
            async for record in run:
                yield record
