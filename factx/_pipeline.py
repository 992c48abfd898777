"""What to ask the model, and how answers become grounded facts.

Two strategies behind one function:

- ``staged`` (small models): code finds the structure (body sentences, quotation spans, names,
  places, dates); the model answers small questions whose answers are enums built from the
  article (who said this quote? is this sentence a visit, and whose?). Evidence is always a
  whole sentence located by code, so it is grounded by construction.
- ``single`` (strong models): one call returns all four kinds, citing sentence numbers; quotes
  must be verbatim; failures are re-asked with the precise reason.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, create_model

from . import _prompts, _visits
from ._actors import Actor, Mention, build_actors, mentions
from ._article import Article, Quotation, Sentence
from ._ground import Grounder, span_of
from ._lang import Lexicon
from ._normalize import PlaceMention, city_name, country_code, find_dates, find_places
from ._session import Session
from .exceptions import ExtractionError
from .models import (
    Agreement,
    AgreementStatus,
    Destination,
    Party,
    Person,
    Quote,
    Span,
    Statement,
    Visit,
)

_UNKNOWN = "unknown"
_NONE = "none"


# ----------------------------------------------------------------------------- shared helpers


def _enum(name: str, values: list[str]) -> Any:
    """A str Enum for a JSON Schema enum: the grammar then only admits these answers."""
    uniq = list(dict.fromkeys(values))
    return enum.Enum(name, {f"v{i}": v for i, v in enumerate(uniq)}, type=str)


def _dates(article: Article, s: Sentence) -> list[str]:
    return [d.iso for d in find_dates(s.text, article.published)]


def _sentence_span(article: Article, s: Sentence) -> Span:
    return span_of(article, s.start, s.end)


def _context(article: Article, s: Sentence, before: int = 2) -> str:
    prev = [x for x in article.sentences if s.index - before <= x.index < s.index]
    return "\n".join(f"[{x.index}] {x.text}" for x in [*prev, s])


def _strip_quotes(article: Article, s: Sentence) -> str:
    """The sentence with its quotations blanked out (offsets kept)."""
    chars = list(s.text)
    for q in article.quotations:
        if q.sentence == s.index:
            for i in range(max(q.start - 1, s.start), min(q.end + 1, s.end)):
                chars[i - s.start] = " "
    return "".join(chars)


_RANK = {"person": 0, "organisation": 1, "country": 2}


def _pick(ms: list[Mention], after: int | None = None) -> Actor | None:
    """The most specific actor mentioned: people before offices before states."""
    if after is not None:
        later = [m for m in ms if m.start >= after]
        ms = later or ms
    if not ms:
        return None
    best = min(_RANK[m.actor.kind] for m in ms)
    return next(m.actor for m in ms if _RANK[m.actor.kind] == best)


def _distinct(ms: list[Mention]) -> list[Actor]:
    out: list[Actor] = []
    for m in ms:
        if all(m.actor is not a for a in out):
            out.append(m.actor)
    return out


def _subject_like(m: Mention, sentence: str, offset: int) -> bool:
    """A person, or a state/office not used as a modifier ('menteri Pakistan', 'dengan Rusia')."""
    if m.actor.kind == "person":
        return True
    before = sentence[: m.start - offset].rstrip(" ")
    word = re.search(r"(\w+)$", before)
    return not (word and before.endswith(word.group(1)) and word.group(1)[0].islower())


def _attributed(rest: str, offset: int, actors: list[Actor], lex: Lexicon) -> Actor | None:
    """The speaker a speech verb points at, by position alone (no model call), or None when
    the sentence names them only by role or pronoun ('kata menteri itu', 'Dia mengatakan').

    ``rest`` is a sentence with its quotations blanked, starting at article ``offset``.
    """
    ms = mentions(rest, offset, actors)
    if not ms:
        return None
    for cue in lex.speech.finditer(rest):
        a, b = offset + cue.start(), offset + cue.end()
        clause = re.split(r"[,;:]", rest[: cue.start()])[-1]  # back to the last comma
        adjacent = [m for m in ms if a - len(clause) <= m.start and m.end <= a]
        either = cue.group(0).casefold() in lex.either_side
        if lex.speaker_follows.fullmatch(cue.group(0)):
            if adjacent and either:
                return _pick(adjacent[::-1])  # 'Prabowo said Indonesia ...'
            follow = [m for m in ms if b <= m.start <= b + 40]
            if follow and either:
                after = rest[follow[0].end - offset :]
                if re.match(r"(?:'s)?\s+[a-z]", after):
                    follow = []  # 'X, who flew in, said Ukraine was ...': a clause, not a name
            if follow:
                gap = rest[b - offset : follow[0].start - offset]
                people = [m for m in follow if m.actor.kind == "person"]
                if not gap.strip(" ,:") or people:
                    return people[0].actor if people else follow[0].actor
                return None  # 'kata menteri luar negeri Rusia': a role, not the state
        if not adjacent and lex.determiner.match(clause):
            return None  # '..., the embassy said': a subject that is not a named actor
        before = [m for m in ms if m.end <= a and _subject_like(m, rest, offset)]
        near = [m for m in before if a - m.end <= 60]
        if near:
            return _pick(near[::-1])  # the closest to the verb among the most specific
    return None


def _person(actor: Actor) -> Person:
    return Person(name=actor.name, country=actor.country if actor.kind == "country" else None)


# ----------------------------------------------------------------------------- staged


# Bounded so that the answer's token limit can be sized from the schema (issue #19: a list
# that ran past a fixed limit was cut mid-name, on every re-ask).
_Name = Annotated[str, Field(max_length=60)]


class _Entities(BaseModel):
    people: list[_Name] = Field(max_length=12)
    organisations: list[_Name] = Field(max_length=8)


async def staged(session: Session) -> dict[str, list[Any]]:
    """The small-model plan; every step's cost is one short constrained answer."""
    article = session.article
    # Its token limit comes from the schema. If it still fails, the article goes on without
    # the model's list: code still finds people by their titles (build_actors).
    ents = await _ask_or_skip(session, _prompts.ENTITIES, _Entities) or _Entities(
        people=[], organisations=[]
    )
    actors = build_actors(
        article,
        [(n, "person") for n in ents.people] + [(n, "organisation") for n in ents.organisations],
    )
    names = [a.name for a in actors]
    people = _visits.People.read(article, actors)
    # Without a data file for the language no cue word is known: the model finds the
    # candidate sentences, and the same questions follow.
    found = None if article.lex.has_data else await _model_candidates(session)
    quotes = await _staged_quotes(session, actors, people)
    statements = await _staged_statements(session, actors, names, people, found)
    visits = await _staged_visits(session, people, found)
    agreements = await _staged_agreements(session, actors, people, found)
    return {"quotes": quotes, "statements": statements, "visits": visits, "agreements": agreements}


@dataclass
class _Found:
    """Candidate sentences (indexes) the model pointed at, per kind."""

    speech: set[int]
    travel: set[int]
    agreement: set[int]


async def _model_candidates(session: Session) -> _Found:
    """One constrained question: which numbered sentences report speech, travel or an
    agreement. Its answers can only be sentence numbers of the article."""
    numbers = [s.index for s in session.article.sentences]
    n: Any = Literal.__getitem__(tuple(numbers))
    model = create_model(
        "Candidates",
        speech=(list[n], Field(max_length=min(len(numbers), 16))),
        travel=(list[n], Field(max_length=min(len(numbers), 8))),
        agreement=(list[n], Field(max_length=min(len(numbers), 8))),
    )
    ans = await _ask_or_skip(session, _prompts.CANDIDATES, model)
    if ans is None:
        return _Found(set(), set(), set())
    return _Found(set(ans.speech), set(ans.travel), set(ans.agreement))


# The questions in a reader's words, by response model, for warnings.
_QUESTIONS = {
    "Candidates": "which sentences report speech, travel or an agreement",
    "_Entities": "the list of people and organisations",
    "QuoteSpeaker": "who said the quotation in sentence {n}",
    "StatementSpeaker": "who is speaking in sentence {n}",
    "Visitor": "who travels in sentence {n}",
    "VisitAnswer": "who travels in sentence {n}, and where to",
    "AgreementAnswer": "whether sentence {n} reports an agreement, and between whom",
}


def _question_label(question: str, model: Any) -> str:
    label = _QUESTIONS.get(getattr(model, "__name__", ""), "a question about sentence {n}")
    n = re.match(r"Sentence \[(\d+)\]", question)
    return label.format(n=n.group(1) if n else "?")


async def _ask_or_skip(session: Session, question: str, model: Any, **kw: Any) -> Any:
    """A failed small question loses what depends on it, not the article: the record gets a
    warning naming the question and why, and is marked partial."""
    label = _question_label(question, model)
    try:
        return await session.ask(question, model, label=label, **kw)
    except ExtractionError as e:
        if type(e) is not ExtractionError:  # budget exhaustion ends the article
            raise
        why = e.errors[-1] if e.errors else "no valid answer"
        session.warnings.append(f"{label} could not be read: {why} ({e.attempts} attempts)")
        session.partial = True
        return None


async def _staged_quotes(
    session: Session, actors: list[Actor], people: _visits.People
) -> list[Quote]:
    article = session.article
    out: list[Quote] = []
    by_index = {s.index: s for s in article.sentences}
    last_speaker: Actor | None = None
    last_sentence = -10
    run: list[Quotation] = []  # parts of a quotation running over several paragraphs
    for q in article.quotations:
        if q.continues:
            run.append(q)  # its speaker is named where the run ends
            continue
        if q.words < 2 and not run:
            continue  # one-word quotations are mostly scare quotes
        s = by_index[q.sentence]
        attribution = _strip_quotes(article, s)
        ms = mentions(attribution, s.start, actors)
        speaker: Actor | None
        distinct = _distinct(ms)
        if (found := _attributed(attribution, s.start, actors, article.lex)) is not None:
            speaker = found
        elif len(distinct) == 1 and distinct[0].kind == "person":
            speaker = distinct[0]
        elif (
            not ms
            and last_speaker is not None
            and q.sentence - last_sentence <= 1
            and not article.lex.speech.search(attribution)
        ):
            speaker = last_speaker  # a quotation continued in the next sentence
        elif (
            found := _referenced(
                article, actors, people, s, attribution, last_speaker, q.sentence - last_sentence
            )[0]
        ) is not None:
            speaker = found
        else:
            speaker = await _ask_speaker(session, q, s, actors)
        parts, run = [*run, q], []
        if speaker is None:
            continue
        last_speaker, last_sentence = speaker, q.sentence
        out += [
            Quote(
                speaker=speaker.name,
                text=p.text,
                cue=_cue(attribution, article.lex),
                evidence=[span_of(article, p.start, p.end)],
            )
            for p in parts
        ]
    return out


def _referenced(
    article: Article,
    actors: list[Actor],
    people: _visits.People,
    s: Sentence,
    attribution: str,
    last_speaker: Actor | None,
    distance: int,
) -> tuple[Actor | None, bool]:
    """Resolve 'katanya' / 'he said' (the last speaker), 'kata pernyataan itu' (the last
    organisation named) and 'kata menteri luar negeri Rusia' (the person of that office and
    country named last) without asking the model. Returns (actor, unresolved): (None, False)
    when the attribution is none of these, (None, True) when it names a role nobody fits."""
    lex = article.lex
    cue = lex.speech.search(attribution) or lex.speaker_follows.search(attribution)
    if cue is None:
        return None, False
    if lex.pronoun_cue.search(attribution):
        for x in reversed([x for x in article.sentences if s.index - 3 <= x.index < s.index]):
            if x.index == s.index - distance and last_speaker is not None:
                return last_speaker, False  # the last quotation's speaker
            said = _attributed(_strip_quotes(article, x), x.start, actors, lex)
            if said is not None and said.kind == "person":
                return said, False  # the last person reported as speaking
        if last_speaker is not None and distance <= 3:
            return last_speaker, False
        seen = _visits.mentioned_before(article, people.actors, s.start)
        return (seen[-1], False) if seen else (None, True)
    if lex.speaker_follows.fullmatch(cue.group(0)):
        window = re.split(r"[,.;:]", attribution[cue.end() :], maxsplit=1)[0]
        rel = cue.end()
    else:
        window = re.split(r"[,.;:]", attribution[: cue.start()])[-1]
        rel = cue.start() - len(window)
    if lex.document.search(window):  # the organisation last named as a source
        orgs = [a for a in actors if a.kind == "organisation"]
        for x in reversed([x for x in article.sentences if x.index < s.index]):
            unquoted = _strip_quotes(article, x)
            if lex.speech.search(unquoted) and (ms := mentions(unquoted, x.start, orgs)):
                return ms[-1].actor, False
        return None, True
    actor, _, unresolved = _visits.resolve_role(article, people, s, window, rel, lenient=True)
    return actor, unresolved


def _cue(attribution: str, lex: Lexicon) -> str | None:
    m = lex.speech.search(attribution)
    return m.group(0) if m else None


async def _ask_speaker(
    session: Session, q: Quotation, s: Sentence, actors: list[Actor]
) -> Actor | None:
    article = session.article
    recent = [
        m.actor
        for x in article.sentences
        if s.index - 3 <= x.index <= s.index
        for m in mentions(_strip_quotes(article, x), x.start, actors)
    ]
    pool = [a for a in [*reversed(recent), *actors] if a.kind != "country" or a in recent]
    choices = list(dict.fromkeys(a.name for a in pool))[:12]
    if not choices:
        return None
    speaker_enum = _enum("Speaker", [*choices, _UNKNOWN])
    model = create_model("QuoteSpeaker", speaker=(speaker_enum, ...))
    question = _prompts.QUOTE_SPEAKER.format(
        n=s.index, quote=q.text, context=_context(article, s, before=2)
    )
    ans = await _ask_or_skip(session, question, model, max_tokens=40)
    if ans is None or ans.speaker.value == _UNKNOWN:
        return None
    return next(a for a in pool if a.name == ans.speaker.value)


def _reports_more_than_quotes(article: Article, s: Sentence) -> bool:
    """Eight words or more outside the sentence's quotations."""
    return len(re.findall(r"\w+", _strip_quotes(article, s))) >= 8


def _is_statement_candidate(article: Article, s: Sentence) -> bool:
    rest = _strip_quotes(article, s)
    if not article.lex.speech.search(rest):
        return False
    opens = any(q.sentence == s.index and q.start - s.start <= 2 for q in article.quotations)
    if opens and not article.lex.complementiser.search(rest):
        return False  # '“...,” kata X.': the quotation is the whole utterance, a Quote only
    return len(re.findall(r"\w+", rest)) >= 8


async def _staged_statements(
    session: Session,
    actors: list[Actor],
    names: list[str],
    people: _visits.People,
    found: _Found | None = None,
) -> list[Statement]:
    """Sentences with a speech verb outside quotation marks (or that the model pointed at);
    the speaker is the one actor the sentence names, or the model's pick among the actors
    when it names several or none."""
    article = session.article
    out: list[Statement] = []
    for s in article.sentences:
        if found is not None:
            if s.index not in found.speech or not _reports_more_than_quotes(article, s):
                continue
        elif not _is_statement_candidate(article, s):
            continue
        rest = _strip_quotes(article, s)
        actor = _attributed(rest, s.start, actors, article.lex)
        local = _distinct(mentions(rest, s.start, actors))
        if actor is None:
            actor, unresolved = _referenced(article, actors, people, s, rest, None, 99)
            if unresolved:
                continue  # 'kata para pejabat': unnamed officials, nobody to report
        if actor is None:
            choices = [a.name for a in local] + [
                n for n in names if n not in {a.name for a in local}
            ]
            model = create_model(
                "StatementSpeaker", speaker=(_enum("Speaker", [*choices[:12], _NONE]), ...)
            )
            ans = await _ask_or_skip(
                session,
                _prompts.STATEMENT_SPEAKER.format(n=s.index, sentence=s.text),
                model,
                max_tokens=30,
            )
            if ans is None or ans.speaker.value == _NONE:
                continue
            actor = next((a for a in actors if a.name == ans.speaker.value), None)
        if actor is None:
            continue
        dates = _dates(article, s)
        out.append(
            Statement(
                speaker=_person(actor),
                content=_reported_clause(rest, article.lex),
                date=dates[0] if dates else None,
                evidence=[_sentence_span(article, s)],
            )
        )
    return out


def _reported_clause(rest: str, lex: Lexicon) -> str:
    """What was said, in the article's words: the sentence from its speech verb on."""
    m = lex.speech.search(rest)
    clause = rest[m.end() :] if m and len(rest) - m.end() > 20 else rest
    return " ".join(clause.split()).strip(" ,.")


async def _staged_visits(
    session: Session, people: _visits.People, found: _Found | None = None
) -> list[Visit]:
    """Visits read by code (cue, destination, visitor, tense); the model names the visitor
    only when the sentence refers to them in a way code cannot resolve, or when the model
    found the sentence (no data file for the language)."""
    article = session.article
    if not people.actors:
        return []
    strip = {s.index: _strip_quotes(article, s) for s in article.sentences}
    out: list[Visit] = []
    if found is None:
        cands = _visits.candidates(article, people, strip)
    else:
        cands = _visits.sentence_candidates(article, strip, sorted(found.travel))
    for c in cands:
        visitor = c.visitor
        # A yes/no "is this trip reported?" check of the visits code read was tried and
        # measured: the 1.5B model said no to nearly every trip (diplomacy visits F1 0.375 ->
        # 0.061), so code decides when it read a visitor and a destination.
        if visitor is None and c.needs_model:
            visitor, c.place = await _ask_visitor(session, c, people)
        if visitor is None or people.nationality.get(visitor.name) == c.place.country:
            continue  # nobody, or a host at home
        years = [d for d in c.dates if len(d) == 4]
        if len(years) > 1 and len(years) == len(c.dates):
            date_sets: list[str | None] = list(years)  # "in 2017 and 2019": one visit each
        else:
            date_sets = [c.dates[0] if c.dates else None]
        city = c.place.city or _city_in(c.sentence.text, c.place.country)
        for d in date_sets:
            out.append(
                Visit(
                    visitor=Person(name=visitor.name),
                    destination=Destination(country=c.place.country, city=city),
                    start_date=d,
                    inviter=c.inviter.name if c.inviter and c.inviter is not visitor else None,
                    status=c.status,
                    evidence=[_sentence_span(article, c.sentence)],
                )
            )
    published = article.published.isoformat() if article.published else None
    return _merge_visits(out, published)


async def _ask_visitor(
    session: Session, c: _visits.Candidate, people: _visits.People
) -> tuple[Actor | None, PlaceMention]:
    """Who travels in the candidate's sentence; when it offers several destinations, also
    which one."""
    article = session.article
    s = c.sentence
    near = [x for x in article.sentences if s.index - 2 <= x.index <= s.index]
    local: list[Actor] = []
    for x in reversed(near):
        local += [a for a in _distinct(mentions(x.text, x.start, people.actors)) if a not in local]
    if not local:
        return None, c.place
    visitor_enum = _enum("Visitor", [*[a.name for a in local[:10]], _NONE])
    if len(c.places) > 1:
        places = {p.text: p for p in c.places}
        model = create_model(
            "VisitAnswer",
            visitor=(visitor_enum, ...),
            destination=(_enum("Destination", list(places)), ...),
        )
        question = _prompts.VISIT.format(n=s.index, sentence=s.text)
    else:
        model = create_model("Visitor", visitor=(visitor_enum, ...))
        question = _prompts.VISITOR.format(
            n=s.index, sentence=s.text, cue=c.cue, place=c.place.text
        )
    ans = await _ask_or_skip(session, question, model, max_tokens=40)
    if ans is None or ans.visitor.value == _NONE:
        return None, c.place
    place = places[ans.destination.value] if len(c.places) > 1 else c.place
    return next(a for a in local if a.name == ans.visitor.value), place


def _city_in(text: str, country: str) -> str | None:
    for p in find_places(text):
        if p.city and p.country == country:
            return p.city
    return None


def _merge_visits(visits: list[Visit], published: str | None) -> list[Visit]:
    """Sentences about the same trip become one visit with several pieces of evidence.

    Same visitor, destination country and status, and the same date; an undated sentence
    joins a dated one only when that date is in the publication's year (the trip the article
    is about), so "last visited in 2012" stays a separate visit.
    """
    out: list[Visit] = []
    for v in visits:
        same = next((o for o in out if _same_trip(o, v, published)), None)
        if same is None:
            out.append(v)
            continue
        same.evidence.extend(e for e in v.evidence if e not in same.evidence)
        same.start_date = same.start_date or v.start_date
        same.inviter = same.inviter or v.inviter
        same.destination.city = same.destination.city or v.destination.city
    return out


def _same_trip(a: Visit, b: Visit, published: str | None) -> bool:
    if (a.visitor.name, a.destination.country, a.status) != (
        b.visitor.name,
        b.destination.country,
        b.status,
    ):
        return False
    da, db = a.start_date, b.start_date
    if da is None or db is None:
        dated = da or db
        return dated is None or (published is not None and dated[:4] == published[:4])
    return da[: min(len(da), len(db))] == db[: min(len(da), len(db))]


def _local_parties(
    article: Article, s: Sentence, parties: list[Actor], people: _visits.People
) -> list[Actor]:
    """States and organisations named in the sentence or the two before it ('kedua negara',
    'both sides' point back), the sentence's own first; a person named there stands for their
    country ('the two leaders signed')."""
    near = [x for x in article.sentences if s.index - 2 <= x.index <= s.index]
    by_code = {a.country: a for a in parties if a.kind == "country"}
    found: list[Actor] = []
    for x in [near[-1], *reversed(near[:-1])]:
        said = _strip_quotes(article, x)
        for m in mentions(said, x.start, [*parties, *people.actors]):
            a = m.actor
            if a.kind == "person":
                iso = people.nationality.get(a.name)
                if iso is None:
                    continue
                a = by_code.setdefault(iso, Actor(iso, "country", iso, forms=set()))
            if a not in found:
                found.append(a)
    return found


async def _staged_agreements(
    session: Session,
    actors: list[Actor],
    people: _visits.People,
    found: _Found | None = None,
) -> list[Agreement]:
    article = session.article
    parties = [a for a in actors if a.kind != "person"]
    if len(parties) + len(set(people.nationality.values())) < 2:
        return []
    out: list[Agreement] = []
    lex = article.lex
    for s in article.sentences:
        if len(re.findall(r"\w+", s.text)) < 6:
            continue  # a heading ("Kesepakatan AS-Taliban")
        cues = list(lex.agreement.finditer(s.text))
        if found is not None:
            if s.index not in found.agreement:
                continue
        elif not cues:
            continue
        elif all(
            lex.anaphor_after.match(s.text, c.end())
            or lex.anaphor_before.search(s.text, 0, c.start())
            or lex.not_agreed.search(s.text, 0, c.start())
            for c in cues
        ):
            continue  # "Kesepakatan itu ...": an agreement reported in an earlier sentence
        local = _local_parties(article, s, parties, people)
        if len(local) < 2:
            continue  # fewer than two parties in reach: not an agreement between parties
        party_enum = _enum("Party", [a.name for a in local][:14])
        model = create_model(
            "AgreementAnswer",
            parties=(list[party_enum], Field(max_length=4)),  # type: ignore[valid-type]
            what=(str, Field(max_length=80)),
            status=(AgreementStatus, ...),
        )
        ans = await _ask_or_skip(
            session, _prompts.AGREEMENT.format(n=s.index, sentence=s.text), model, max_tokens=70
        )
        if ans is None or len({p.value for p in ans.parties}) < 2:
            continue
        dates = _dates(article, s)
        named = [next(a for a in local if a.name == p.value) for p in ans.parties]
        out.append(
            Agreement(
                parties=[
                    Party(name=a.name, country=a.country or country_code(a.name))
                    for a in {id(a): a for a in named}.values()
                ],
                subject=ans.what.strip(),
                status=ans.status,
                date=dates[0] if dates else None,
                evidence=[_sentence_span(article, s)],
            )
        )
    return out


# ----------------------------------------------------------------------------- single call

_Status = Literal["planned", "ongoing", "completed", "cancelled"]


class _SVisit(BaseModel):
    visitor: str
    visitor_role: str | None = None
    destination_country: str | None = Field(None, description="ISO 3166-1 alpha-3")
    destination_city: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    inviter: str | None = None
    counterparts: list[str] = Field(default_factory=list)
    purpose: str | None = None
    status: _Status | None = None
    sentences: list[int] = Field(description="Numbers of the supporting sentences.")


class _SAgreement(BaseModel):
    parties: list[str] = Field(description="ISO alpha-3 codes for states, else names.")
    subject: str
    status: Literal["proposed", "agreed", "signed", "in_force"] | None = None
    date: str | None = None
    sentences: list[int]


class _SStatement(BaseModel):
    speaker: str
    speaker_role: str | None = None
    content: str = Field(description="Short English paraphrase.")
    date: str | None = None
    sentences: list[int]


class _SQuote(BaseModel):
    speaker: str | None
    text: str = Field(description="The quoted words exactly as written, without quote marks.")
    cue: str | None = None
    sentence: int


class _SAll(BaseModel):
    visits: list[_SVisit] = Field(default_factory=list)
    agreements: list[_SAgreement] = Field(default_factory=list)
    statements: list[_SStatement] = Field(default_factory=list)
    quotes: list[_SQuote] = Field(default_factory=list)


_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _check_single(article: Article, grounder: Grounder) -> Any:
    valid = {s.index for s in article.sentences}

    def check(ans: _SAll) -> list[str]:
        errors: list[str] = []
        for kind in ("visits", "agreements", "statements"):
            for i, f in enumerate(getattr(ans, kind)):
                bad = [n for n in f.sentences if n not in valid]
                if bad or not f.sentences:
                    errors.append(f"{kind}[{i}].sentences {f.sentences}: no such sentence numbers")
        for i, q in enumerate(ans.quotes):
            found = grounder.locate(q.text)
            if q.sentence not in valid:
                errors.append(f"quotes[{i}].sentence {q.sentence}: no such sentence number")
            elif not q.text.strip("\"'“”‘’„«»‹› "):
                errors.append(f"quotes[{i}].text is empty: give the quoted words")
            elif found is None:
                errors.append(
                    f"quotes[{i}].text {q.text[:80]!r} is not verbatim in the article; copy "
                    "the quoted words exactly"
                )
            elif not article.in_body(found.start, found.end):
                errors.append(
                    f"quotes[{i}].text {q.text[:80]!r} is not in the article body (page "
                    "furniture such as a related-articles list); leave it out"
                )
        return errors

    return check


async def single(session: Session) -> dict[str, list[Any]]:
    """One call for the whole article (strong models)."""
    article = session.article
    grounder = Grounder(article)
    published = article.published.isoformat() if article.published else "unknown"
    ans = await session.ask(
        _prompts.SINGLE.format(published=published),
        _SAll,
        check=_check_single(article, grounder),
    )
    by_index = {s.index: s for s in article.sentences}

    def spans(ns: list[int]) -> list[Span]:
        return [_sentence_span(article, by_index[n]) for n in dict.fromkeys(ns)]

    def date(value: str | None, ns: list[int]) -> str | None:
        if value and _ISO_DATE.match(value):
            return value
        for n in ns:
            found = _dates(article, by_index[n])
            if found:
                return found[0]
        return None

    visits = [
        Visit(
            visitor=Person(name=v.visitor, role=v.visitor_role),
            destination=Destination(
                country=_iso(v.destination_country) or _iso(v.destination_city),
                city=(city_name(v.destination_city) or v.destination_city)
                if v.destination_city
                else None,
            ),
            start_date=date(v.start_date, []),
            end_date=date(v.end_date, []),
            inviter=v.inviter,
            counterparts=v.counterparts,
            purpose=v.purpose,
            status=v.status,
            evidence=spans(v.sentences),
        )
        for v in ans.visits
    ]
    agreements = [
        Agreement(
            parties=[Party(name=p, country=_iso(p)) for p in a.parties],
            subject=a.subject,
            status=a.status,
            date=date(a.date, []),
            evidence=spans(a.sentences),
        )
        for a in ans.agreements
    ]
    statements = [
        Statement(
            speaker=Person(name=s.speaker, role=s.speaker_role),
            content=s.content,
            date=date(s.date, []),
            evidence=spans(s.sentences),
        )
        for s in ans.statements
    ]
    quotes = []
    for q in ans.quotes:
        found = grounder.locate(q.text, near=by_index[q.sentence].start)
        assert found is not None  # checked above
        text = found.text.strip("\"'“”‘’«» ")
        quotes.append(Quote(speaker=q.speaker, text=text, cue=q.cue, evidence=[found]))
    return {"quotes": quotes, "statements": statements, "visits": visits, "agreements": agreements}


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    if re.fullmatch(r"[A-Z]{3}", value):
        return value
    return country_code(value)
