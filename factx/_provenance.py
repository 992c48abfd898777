"""Where a result came from: the ``provenance`` of a record, and the identity the result cache
is keyed on.

Both come from the same facts: factx's version, the pipeline version (:func:`pipeline_version`),
the strategy, the backend (provider, model, server) and the extractor's settings that change an
answer. The provenance shows them to people (a server only by its host, never its path, query or
credentials); the cache key hashes them all, so two servers that call their model by the same
name never share answers.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime, timezone
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .models import Provenance

if TYPE_CHECKING:
    from ._api import Extractor

__all__ = [
    "backend_identity",
    "cache_identity",
    "pipeline_version",
    "provenance",
    "server_host",
]

#: Modules of the package that do not change what an extraction answers (reading inputs,
#: writing outputs, reports, scoring, prices, the batch engine). Every other module, the
#: backends and the language data files make up the pipeline version, so a new module counts
#: unless it is listed here.
_NOT_PIPELINE = frozenset(
    {
        "__init__.py",
        "_batch.py",
        "_export.py",
        "_io.py",
        "_pricing.py",
        "_provenance.py",
        "_raycli.py",
        "_version.py",
        "cli.py",
        "eval.py",
        "exceptions.py",
        "ray.py",
        "report.py",
    }
)


@functools.lru_cache(maxsize=1)
def pipeline_version() -> str:
    """``"sha256:<16 hex>"`` over the prompt texts (``factx/_prompts.py``), the rules and
    pipeline code, the backends and the language data files (``factx/lang/*.toml``).

    It changes whenever any of them does, so a cached answer is never served after the
    prompts, the rules or a language's words have changed (even within one factx version).
    """
    root = resources.files("factx")
    files: list[tuple[str, bytes]] = []
    for folder, suffix in (("", ".py"), ("backends", ".py"), ("lang", ".toml")):
        base = root / folder if folder else root
        for entry in base.iterdir():
            name = entry.name
            if not name.endswith(suffix) or not entry.is_file():
                continue
            if not folder and name in _NOT_PIPELINE:
                continue
            files.append((f"{folder}/{name}" if folder else name, entry.read_bytes()))
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + data + b"\0")
    return "sha256:" + digest.hexdigest()[:16]


def _version() -> str:
    from ._version import __version__

    return __version__


def server_url(url: str | None) -> str | None:
    """``url`` without credentials, query or fragment (``scheme://host:port/path``)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = server_host(url)
    if host is None:
        return None
    return f"{parts.scheme.lower()}://{host}{parts.path.rstrip('/')}"


def server_host(url: str | None) -> str | None:
    """The host (and port, when given) of ``url``; never its user, password, path or query."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if not host:
        return None
    if ":" in host:  # IPv6
        host = f"[{host}]"
    return f"{host}:{port}" if port else host


def backend_identity(backend: Any) -> dict[str, Any]:
    """What about ``backend`` changes its answers: provider, model, server URL (without
    credentials) and, when the backend says (``identity()``), its settings."""
    ident = getattr(backend, "identity", None)
    info: dict[str, Any] = dict(ident()) if callable(ident) else {}
    cls = type(backend)
    info.setdefault("provider", getattr(backend, "provider", None) or cls.__qualname__)
    info.setdefault("model", str(getattr(backend, "model", "") or ""))
    info.setdefault("base_url", getattr(backend, "base_url", None))
    info["base_url"] = server_url(info["base_url"])
    return info


def _settings(extractor: Extractor) -> dict[str, Any]:
    settings = extractor.settings
    return {
        "strategy": extractor.strategy,
        "max_reasks": settings.max_reasks,
        "max_tokens_per_article": settings.max_tokens_per_article,
        "max_chunk_chars": extractor.max_chunk_chars,
        "chunk_overlap": extractor.chunk_overlap,
    }


def cache_identity(extractor: Extractor) -> dict[str, Any]:
    """Everything but the article that decides an extraction's answer (the cache key's part
    that is the same for every article of a run)."""
    return {
        "factx": _version(),
        "pipeline": pipeline_version(),
        "backend": backend_identity(extractor.backend),
        "settings": _settings(extractor),
    }


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def provenance(extractor: Extractor, text: str | None, *, at: datetime | None = None) -> Provenance:
    """The provenance of an extraction of ``text`` by ``extractor`` finished at ``at`` (now)."""
    backend = backend_identity(extractor.backend)
    when = (at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return Provenance(
        factx_version=_version(),
        pipeline=pipeline_version(),
        strategy=extractor.strategy,
        provider=backend["provider"],
        model=backend["model"] or None,
        base_url_host=server_host(backend["base_url"]),
        extracted_at=when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        text_sha256=text_sha256(text) if isinstance(text, str) else None,
    )
