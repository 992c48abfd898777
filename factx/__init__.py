"""factx: structured, verifiable facts from news articles."""

from ._api import Extractor, aextract, aextract_many, extract, extract_many
from ._version import __version__
from .events import events
from .exceptions import (
    BackendError,
    BudgetExceededError,
    ConfigError,
    ExtractionError,
    FactxError,
    InputError,
    MissingExtraError,
    MissingKeyError,
    UnknownBackendError,
)
from .models import (
    Agreement,
    ArticleFacts,
    Provenance,
    Quote,
    Span,
    Statement,
    Usage,
    Visit,
)

__all__ = [
    "Agreement",
    "ArticleFacts",
    "BackendError",
    "BudgetExceededError",
    "ConfigError",
    "ExtractionError",
    "Extractor",
    "FactxError",
    "InputError",
    "MissingExtraError",
    "MissingKeyError",
    "Provenance",
    "Quote",
    "Span",
    "Statement",
    "UnknownBackendError",
    "Usage",
    "Visit",
    "__version__",
    "aextract",
    "aextract_many",
    "events",
    "extract",
    "extract_many",
]
