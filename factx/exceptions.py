"""factx's errors.

::

    FactxError
    ├── ConfigError              a setting is wrong; the message says how to fix it
    │   ├── UnknownBackendError  backend name not recognised ("did you mean ...")
    │   ├── MissingKeyError      an API key is needed and not set
    │   └── MissingExtraError    an optional dependency is not installed (pip line given)
    ├── InputError               the article itself is unusable (empty, binary, unreadable)
    ├── BackendError             the model server failed (timeout, connection, 429/5xx) after
    │                            transport retries; never sent back to the model as a re-ask
    └── ExtractionError          the model's answers kept failing validation or grounding;
                                 carries attempts, last raw output, errors and usage
        └── BudgetExceededError  the article's token cap was reached
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Usage

__all__ = [
    "BackendError",
    "BudgetExceededError",
    "ConfigError",
    "ExtractionError",
    "FactxError",
    "InputError",
    "MissingExtraError",
    "MissingKeyError",
    "UnknownBackendError",
]


class FactxError(Exception):
    """Base of every error factx raises on purpose."""


class ConfigError(FactxError):
    """A setting is wrong or missing."""


class UnknownBackendError(ConfigError):
    """The backend name is not one factx knows."""


class MissingKeyError(ConfigError):
    """The backend needs an API key that is not set."""


class MissingExtraError(ConfigError):
    """An optional dependency is not installed."""

    def __init__(self, extra: str, package: str) -> None:
        self.extra = extra
        self.package = package
        super().__init__(
            f"{package} is not installed; it comes with the '{extra}' extra: "
            f'pip install "factx[{extra}]"'
        )


class InputError(FactxError):
    """The article cannot be processed (empty, binary, unreadable)."""


class BackendError(FactxError):
    """The model server failed after transport retries."""

    def __init__(self, message: str, *, attempts: int = 0, status_code: int | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.status_code = status_code


class ExtractionError(FactxError):
    """The model's answers kept failing validation or grounding."""

    def __init__(
        self,
        message: str,
        *,
        attempts: int = 0,
        last_raw: str | None = None,
        errors: list[str] | None = None,
        usage: Usage | None = None,
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_raw = last_raw
        self.errors = list(errors or [])
        self.usage = usage

    def __str__(self) -> str:
        base = super().__str__()
        if self.errors:
            return f"{base} (after {self.attempts} attempts; last error: {self.errors[-1]})"
        return base


class BudgetExceededError(ExtractionError):
    """The per-article token cap was reached before the extraction finished."""
