"""The facts factx extracts, as Pydantic models.

The JSON field names are a contract: gold files, the scorer and outside tools read them.
Definitions follow ``seeds/GUIDELINES.md``. Every fact carries ``evidence``: spans of the
article located by character offsets (``article[start:end] == text``), checked by factx.
"""

from __future__ import annotations

import weakref
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Agreement",
    "ArticleFacts",
    "Destination",
    "Party",
    "Person",
    "Provenance",
    "Quote",
    "Span",
    "Statement",
    "Usage",
    "Visit",
]

VisitStatus = Literal["planned", "ongoing", "completed", "cancelled"]
AgreementStatus = Literal["proposed", "agreed", "signed", "in_force"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """A verbatim piece of the article and where it lies."""

    text: str = Field(description="The exact characters of the article, copied verbatim.")
    start: int = Field(ge=0, description="Offset of the first character in the article.")
    end: int = Field(ge=0, description="Offset one past the last character in the article.")


class Person(_Model):
    """A person, office or state that acts or speaks."""

    name: str = Field(
        description="Fullest form of the name used in the article, e.g. 'Sergey Lavrov', "
        "or the office/state, e.g. 'Pakistan Foreign Office', 'Russia'."
    )
    role: str | None = Field(default=None, description="Title or office, e.g. 'foreign minister'.")
    country: str | None = Field(
        default=None, description="ISO 3166-1 alpha-3 code of the country they represent."
    )


class Destination(_Model):
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-3 code, e.g. 'RUS'.")
    city: str | None = Field(default=None, description="City in English, e.g. 'Moscow'.")


class Party(_Model):
    name: str = Field(description="Country, organisation or person that is party to the deal.")
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-3 code, if a state.")


class Visit(_Model):
    """A person or delegation travels to another country or city in an official capacity."""

    visitor: Person
    destination: Destination
    start_date: str | None = Field(default=None, description="ISO 8601 at the text's precision.")
    end_date: str | None = Field(default=None, description="ISO 8601 at the text's precision.")
    inviter: str | None = Field(default=None, description="Who invited the visitor, if said.")
    counterparts: list[str] = Field(default_factory=list, description="People met on the visit.")
    purpose: str | None = None
    status: VisitStatus | None = Field(default=None, description="Relative to publication.")
    evidence: list[Span] = Field(default_factory=list)


class Agreement(_Model):
    """Two or more parties agree, sign or jointly commit to something."""

    parties: list[Party] = Field(default_factory=list)
    subject: str = Field(description="Short English phrase: what was agreed.")
    status: AgreementStatus | None = None
    date: str | None = Field(default=None, description="ISO 8601 at the text's precision.")
    evidence: list[Span] = Field(default_factory=list)


class Statement(_Model):
    """Reported speech without quotation marks, or an official statement as an act."""

    speaker: Person
    content: str = Field(description="Short paraphrase of what was said.")
    date: str | None = Field(default=None, description="ISO 8601 at the text's precision.")
    evidence: list[Span] = Field(default_factory=list)


class Quote(_Model):
    """Words the article puts inside quotation marks and attributes to a speaker."""

    speaker: str | None = Field(
        default=None, description="Who said the words; null when the article does not say."
    )
    text: str = Field(description="The exact quoted words, without the quotation marks.")
    cue: str | None = Field(
        default=None, description="Attribution verb or phrase, e.g. 'kata', 'ujarnya', 'said'."
    )
    evidence: list[Span] = Field(default_factory=list)


class Usage(_Model):
    """What an extraction cost."""

    model: str | None = None
    calls: int = Field(default=0, description="Model calls that returned an answer.")
    attempts: int = Field(default=0, description="HTTP/model attempts, transport retries included.")
    reasks: int = Field(default=0, description="Re-asks after a validation or grounding failure.")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    cost_usd: float | None = Field(
        default=None, description="US dollars, when the model's price is known (else null)."
    )

    def add(self, other: Usage) -> None:
        """Accumulate ``other`` into this record (model name kept if already set; the cost is
        known if either side's is)."""
        self.model = self.model or other.model
        self.calls += other.calls
        self.attempts += other.attempts
        self.reasks += other.reasks
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.seconds += other.seconds
        if other.cost_usd is not None:
            self.cost_usd = (self.cost_usd or 0.0) + other.cost_usd


class Provenance(_Model):
    """What produced a result: enough to tell whether two results are comparable and to find
    the article text they were read from."""

    factx_version: str = Field(description="Version of factx that extracted the facts.")
    pipeline: str = Field(
        description="Version of the extraction pipeline: 'sha256:' and 16 hex digits of a hash "
        "of factx's prompt texts, rules and pipeline code, backends and language data files; "
        "it changes whenever any of them does."
    )
    strategy: str | None = Field(default=None, description="'single' or 'staged'.")
    provider: str | None = Field(
        default=None,
        description="Backend provider: 'openai', 'openai-compatible', 'local', or the class "
        "name of a backend object.",
    )
    model: str | None = Field(default=None, description="Model name as the backend calls it.")
    base_url_host: str | None = Field(
        default=None,
        description="Host (and port) of the model server, e.g. 'localhost:8000'; never a key, "
        "user name, path or query. Null for a model on this machine.",
    )
    extracted_at: str = Field(
        description="When the extraction finished, UTC, ISO 8601 to the second "
        "('2024-05-01T12:00:00Z'). A result served from the cache keeps its original time."
    )
    text_sha256: str | None = Field(
        default=None,
        description="SHA-256 (hex) of the article text factx read, UTF-8: the offsets of the "
        "evidence refer to exactly this text. Null when the input could not be read.",
    )


#: Article texts of results made by ``extract``, for ``_repr_html_``: by object id, dropped
#: with the object (a private attribute would take part in ``==``).
_TEXTS: dict[int, str] = {}


class ArticleFacts(_Model):
    """Everything factx found in one article."""

    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = Field(default=None, description="Publication date, ISO 8601.")
    language: str | None = None
    visits: list[Visit] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    warnings: list[str] = Field(
        default_factory=list,
        description="Questions that could not be answered or whose answer was cut off, and "
        "why; article text ignored as addressed to the model.",
    )
    partial: bool = Field(
        default=False,
        description="True when some question about the article failed or was answered only in "
        "part (see warnings): the facts given are checked, but facts that depended on that "
        "answer may be missing.",
    )
    cached: bool = Field(
        default=False,
        description="True when served from factx's result cache: no model call was made, "
        "usage is zero and provenance is that of the original extraction.",
    )
    provenance: Provenance | None = Field(
        default=None,
        description="What produced these facts: factx and pipeline version, strategy, backend "
        "provider, model and server host, time, and the SHA-256 of the article text. Null "
        "in records written before factx recorded it.",
    )

    def __repr__(self) -> str:
        counts = ", ".join(f"{kind}={len(getattr(self, kind))}" for kind in _KINDS)
        extra = ""
        if self.partial:
            extra += ", partial=True"
        if self.warnings:
            extra += f", warnings={len(self.warnings)}"
        if self.cached:
            extra += ", cached=True"
        return f"ArticleFacts(source={self.source!r}, language={self.language!r}, {counts}{extra})"

    def to_html(self, text: str | None = None) -> str:
        """An HTML fragment for a notebook: the article ``text`` (when given, or kept by
        ``extract``) with every evidence span highlighted, and the facts as cards. Escaped and
        self-contained (inline CSS, no script, loads nothing); the full review page is
        ``factx view``."""
        from .report import render_fragment

        return render_fragment(self, text if text is not None else _TEXTS.get(id(self)))

    def _repr_html_(self) -> str:
        return self.to_html()

    def _keep_text(self, text: str) -> None:
        """Remember the article text for :meth:`to_html` while this object lives."""
        key = id(self)
        if key not in _TEXTS:
            weakref.finalize(self, _TEXTS.pop, key, None)
        _TEXTS[key] = text


_KINDS = ("visits", "agreements", "statements", "quotes")
