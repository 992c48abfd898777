"""The public calls: ``extract`` / ``aextract`` over a reusable ``Extractor``."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import date
from typing import Any

from . import _pipeline
from ._article import Article, Block
from ._ground import Grounder
from ._session import Session, Settings
from .backends import Backend, resolve_backend
from .exceptions import ConfigError, ExtractionError
from .models import ArticleFacts

_ID_WORDS = {"yang", "dan", "di", "untuk", "dengan", "ini", "itu", "dari", "pada", "akan"}
_EN_WORDS = {"the", "and", "of", "to", "in", "that", "is", "was", "for", "with"}


def guess_language(text: str) -> str | None:
    """'id' or 'en' from function words; None when neither is clear."""
    words = re.findall(r"[a-z]+", text.lower()[:5000])
    ind = sum(w in _ID_WORDS for w in words)
    eng = sum(w in _EN_WORDS for w in words)
    if max(ind, eng) < 5:
        return None
    return "id" if ind > eng else "en"


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
        **backend_settings: passed to the backend factory (``base_url``, ``api_key``,
            ``request_format``, ``timeout``, ``max_retries``, ``n_ctx``, ...).

    Raises:
        ConfigError: unknown backend, missing key or extra, bad strategy.
    """

    def __init__(
        self,
        backend: str | Backend | None = None,
        *,
        strategy: str = "auto",
        max_reasks: int = 2,
        max_tokens_per_article: int | None = 200_000,
        **backend_settings: Any,
    ) -> None:
        if strategy not in ("auto", "single", "staged"):
            raise ConfigError(f"strategy must be auto, single or staged, not {strategy!r}")
        self.backend = resolve_backend(backend, **backend_settings)
        self.settings = Settings(
            max_reasks=max_reasks,
            max_tokens_per_article=max_tokens_per_article,
            strategy=strategy,
        )

    def __repr__(self) -> str:
        return f"Extractor(backend={self.backend!r}, strategy={self.settings.strategy!r})"

    @property
    def strategy(self) -> str:
        if self.settings.strategy != "auto":
            return self.settings.strategy
        return "staged" if getattr(self.backend, "tier", "large") == "small" else "single"

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
            language: ISO 639-1 code; guessed for Indonesian/English when not given.

        Raises:
            InputError: empty or binary text.
            ExtractionError: the model kept giving invalid answers (carries usage).
            BackendError: the model server failed after transport retries.
        """
        started = time.perf_counter()
        article = Article.parse(text, published=published, source=source)
        session = Session(self.backend, article, self.settings)
        session.warnings.extend(_hostile_warning(b) for b in article.hostile_blocks)
        if article.sentences:
            plan = _pipeline.staged if self.strategy == "staged" else _pipeline.single
            facts = await plan(session)
        else:
            facts = {"quotes": [], "statements": [], "visits": [], "agreements": []}
        _verify_grounding(article, facts, session)
        session.usage.seconds = time.perf_counter() - started
        return ArticleFacts(
            source=source,
            published=article.published.isoformat() if article.published else None,
            language=language or guess_language(text),
            usage=session.usage,
            warnings=session.warnings,
            **facts,
        )

    def extract(self, text: str, **kwargs: Any) -> ArticleFacts:
        """Blocking twin of :meth:`aextract` (not for use inside a running event loop)."""
        return asyncio.run(self.aextract(text, **kwargs))


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
