"""The facts factx extracts, as Pydantic models.

The JSON field names are a contract: gold files, the scorer and outside tools read them.
Definitions follow ``seeds/GUIDELINES.md``. Every fact carries ``evidence``: spans of the
article located by character offsets (``article[start:end] == text``), checked by factx.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Agreement",
    "ArticleFacts",
    "Destination",
    "Party",
    "Person",
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
