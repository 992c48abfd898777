"""Backends: where the model runs.

Name a backend one way: a string ``"provider:model"`` or a backend object.

- ``"openai:gpt-4o-mini"``: OpenAI (key from ``OPENAI_API_KEY``).
- ``"openai-compatible:MODEL"``: any OpenAI-compatible server at ``base_url`` /
  ``OPENAI_BASE_URL`` (vLLM, Ollama, llama.cpp server, LiteLLM).
- ``"local"`` or ``"local:/path/model.gguf"``: the embedded llama.cpp model (extra ``local``).

Settings resolve as argument, then environment, then default; nothing is read at import time.
New providers register with :func:`register_backend`.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from typing import Any

from ..exceptions import ConfigError, MissingKeyError, UnknownBackendError
from ._base import Backend, Message, Reply
from ._fake import FakeBackend

__all__ = [
    "Backend",
    "FakeBackend",
    "LocalBackend",
    "Message",
    "OpenAIBackend",
    "Reply",
    "register_backend",
    "resolve_backend",
]

Factory = Callable[..., Backend]
_REGISTRY: dict[str, Factory] = {}


def register_backend(provider: str, factory: Factory) -> None:
    """Make ``"provider:model"`` resolve to ``factory(model, **settings)``."""
    _REGISTRY[provider] = factory


def _openai(model: str, **settings: Any) -> Backend:
    from ._openai import OpenAIBackend

    key = settings.pop("api_key", None) or os.environ.get("OPENAI_API_KEY")
    if not key:
        raise MissingKeyError(
            "backend 'openai:...' needs an API key: set OPENAI_API_KEY or pass api_key=..."
        )
    base_url = settings.pop("base_url", None) or os.environ.get("OPENAI_BASE_URL")
    settings.setdefault("provider", "openai")
    return OpenAIBackend(model, api_key=key, base_url=base_url, **settings)


def _openai_compatible(model: str, **settings: Any) -> Backend:
    from ._openai import OpenAIBackend

    base_url = settings.pop("base_url", None) or os.environ.get("OPENAI_BASE_URL")
    if not base_url:
        raise ConfigError(
            "backend 'openai-compatible:...' needs the server URL: pass base_url=... or set "
            "OPENAI_BASE_URL (e.g. http://localhost:8080/v1)"
        )
    key = settings.pop("api_key", None) or os.environ.get("OPENAI_API_KEY") or "not-needed"
    settings.setdefault("provider", "openai-compatible")
    return OpenAIBackend(model, api_key=key, base_url=base_url, **settings)


def _local(model: str, **settings: Any) -> Backend:
    from ._local import LocalBackend

    allowed = {k: v for k, v in settings.items() if k in ("n_ctx", "n_threads", "max_tokens")}
    return LocalBackend(model or None, **allowed)


register_backend("openai", _openai)
register_backend("openai-compatible", _openai_compatible)
register_backend("local", _local)


def resolve_backend(spec: str | Backend | None = None, **settings: Any) -> Backend:
    """Turn a backend name (or None, or an object) into a backend.

    ``None`` reads ``FACTX_BACKEND`` and defaults to ``"local"``.

    Raises:
        UnknownBackendError: the provider is not registered (with a "did you mean" hint).
        MissingKeyError: the provider needs a key that is not set.
        MissingExtraError: the provider's optional dependency is not installed.
    """
    if spec is not None and not isinstance(spec, str):
        if isinstance(spec, Backend):
            return spec
        raise ConfigError(f"backend must be a name or a Backend object, not {type(spec).__name__}")
    name = spec or os.environ.get("FACTX_BACKEND") or "local"
    provider, _, model = name.partition(":")
    factory = _REGISTRY.get(provider)
    if factory is None:
        close = difflib.get_close_matches(provider, list(_REGISTRY), n=1)
        hint = f"; did you mean '{close[0]}:...'?" if close else ""
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownBackendError(f"unknown backend {name!r} (known: {known}){hint}")
    if provider != "local" and not model:
        raise ConfigError(f"backend {name!r} needs a model name: '{provider}:MODEL'")
    return factory(model, **settings)


def __getattr__(name: str) -> Any:
    # Heavy classes load on first use so ``import factx`` stays light.
    if name == "OpenAIBackend":
        from ._openai import OpenAIBackend

        return OpenAIBackend
    if name == "LocalBackend":
        from ._local import LocalBackend

        return LocalBackend
    raise AttributeError(name)
