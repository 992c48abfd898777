"""Visits read off the sentence structure: who travels where, when, and in which tense.

A visit sentence has a travel cue (a verb such as *mengunjungi*/*visited*, or a noun such as
*kunjungan*/*visit*), a destination (a place right after the cue or introduced by a
preposition: *ke*, *di*, *to*, *in*) and a visitor (the subject before the cue, the owner after
a noun cue, or a role such as "the Kremlin leader" resolved to the person of that country
mentioned last). A person never visits their own country, so nationality read from titles
("Presiden Rusia Putin", "Russian Foreign Minister Lavrov") rules out hosts. Tense markers and
dates give the status. Code does all of this; the model is asked only when a visit sentence
names its visitor in a way code cannot resolve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._actors import Actor, mentions
from ._article import Article, Sentence
from ._lang import Lexicon
from ._normalize import PlaceMention, country_code, find_dates, find_places
from .models import VisitStatus


@dataclass
class Candidate:
    """One travel cue read as a visit."""

    sentence: Sentence
    visitor: Actor | None
    place: PlaceMention  # offsets are article offsets
    status: VisitStatus
    dates: list[str]
    inviter: Actor | None
    cue: str
    needs_model: bool = False  # the visitor is a role or pronoun code could not resolve
    by_role: bool = False
    places: list[PlaceMention] = field(default_factory=list)  # destinations to choose from


@dataclass
class People:
    """The article's people with what their titles say: nationality and office words."""

    actors: list[Actor]
    nationality: dict[str, str] = field(default_factory=dict)  # name -> ISO alpha-3
    titles: dict[str, set[str]] = field(default_factory=dict)  # name -> office words

    @classmethod
    def read(cls, article: Article, actors: list[Actor]) -> People:
        people = cls([a for a in actors if a.kind == "person"])
        body = [(s.start, s.text) for s in article.sentences]
        for a in people.actors:
            votes: dict[str, int] = {}
            words: set[str] = set()
            for offset, text in body:
                for m in mentions(text, offset, [a]):
                    run = _title_run(text[: m.start - offset], article.lex)
                    words |= {w.casefold() for w in run.split()}
                    for iso in _countries(run):
                        votes[iso] = votes.get(iso, 0) + 1
            if votes:
                people.nationality[a.name] = max(votes, key=lambda k: votes[k])
            people.titles[a.name] = words
        return people


def _title_run(before: str, lex: Lexicon) -> str:
    """The capitalised title words right before a name ("Menteri Luar Negeri Rusia")."""
    words = before.rstrip().split(" ")
    run: list[str] = []
    for w in reversed(words):
        bare = w[:-2] if w.endswith(("'s", "’s")) else w
        bare = bare.strip(".,“”\"'‘’(")
        if (
            not bare
            or w[-1:] in ",;:"
            or not (bare[0].isupper() or bare.casefold() in lex.honorifics)
        ):
            break
        run.append(bare)
        if len(run) == 6:
            break
    return " ".join(reversed(run))


def _countries(text: str) -> list[str]:
    """Countries named in ``text`` as states or demonyms (cities do not count)."""
    out = [p.country for p in find_places(text) if p.city is None]
    for w in re.findall(r"[A-Z][\w’']+", text):
        iso = country_code(w.removesuffix("'s").removesuffix("’s"))
        if iso and not find_places(w) and iso not in out:
            out.append(iso)
    return out


def candidates(article: Article, people: People, strip: dict[int, str]) -> list[Candidate]:
    """Every travel cue with a destination, read as a visit.

    Args:
        article: the parsed article.
        people: the article's people with nationalities.
        strip: sentence index -> sentence text with its quotations blanked (same offsets).
    """
    out: list[Candidate] = []
    for s in article.sentences:
        text = strip.get(s.index, s.text)
        cues = list(article.lex.travel.finditer(text))
        for i, cue in enumerate(cues):
            nxt = cues[i + 1].start() if i + 1 < len(cues) else len(text)
            prev = cues[i - 1].end() if i else 0
            c = _read_cue(article, people, s, text, cue, prev, nxt)
            if c is not None:
                out.append(c)
    return out


def sentence_candidates(
    article: Article, strip: dict[int, str], indexes: list[int], per_sentence: int = 4
) -> list[Candidate]:
    """Visits in sentences the model said report travel (no cue words for the language):
    the model names the visitor and picks the destination among the countries named."""
    by_index = {s.index: s for s in article.sentences}
    out: list[Candidate] = []
    for i in indexes:
        s = by_index.get(i)
        if s is None:
            continue
        text = strip.get(i, s.text)
        dates = [d.iso for d in find_dates(text, article.published)]
        places: list[PlaceMention] = []
        for p in find_places(text):
            if all(p.country != q.country for q in places) and len(places) < per_sentence:
                places.append(
                    PlaceMention(s.start + p.start, s.start + p.end, p.text, p.country, p.city)
                )
        if places:
            out.append(
                Candidate(
                    sentence=s,
                    visitor=None,
                    place=places[0],
                    status=_status(text, dates, article),
                    dates=dates,
                    inviter=None,
                    cue="travel",
                    needs_model=True,
                    places=places,
                )
            )
    return out


def _read_cue(
    article: Article,
    people: People,
    s: Sentence,
    text: str,
    cue: re.Match[str],
    prev: int,
    nxt: int,
) -> Candidate | None:
    noun = cue.group("noun") is not None
    lex = article.lex
    place = _destination(text, cue.end(), nxt, lex)
    if place is None and noun:
        place = _place_before(text, prev, cue.start(), lex)
    if place is None:
        return None
    start = _clause_start(text, prev, cue.start(), lex)
    visitor, by_role, unresolved = None, False, False
    if noun:
        visitor = _owner_after(text, s.start, cue.end(), place.start, people, lex)
    if visitor is None:
        visitor, by_role, unresolved = _subject(article, people, s, text, start, cue.start())
    if visitor is None and noun and not unresolved:
        visitor, by_role, unresolved = resolve_role(
            article, people, s, text[cue.end() : place.start], cue.end()
        )
    if visitor is not None and people.nationality.get(visitor.name) == place.country:
        return None  # at home: a host, not a visitor
    window = text[start:nxt]
    dates = [d.iso for d in find_dates(window, article.published)]
    inviter = None
    inv = lex.invite.search(text, cue.end())
    if inv:
        after = mentions(text[inv.end() :], s.start + inv.end(), people.actors)
        inviter = after[0].actor if after and after[0].start - s.start - inv.end() < 40 else None
    return Candidate(
        sentence=s,
        visitor=visitor,
        place=PlaceMention(
            s.start + place.start, s.start + place.end, place.text, place.country, place.city
        ),
        status=_status(window, dates, article),
        dates=dates,
        inviter=inviter,
        cue=cue.group(0),
        needs_model=visitor is None and unresolved,
        by_role=by_role,
    )


def _destination(text: str, begin: int, end: int, lex: Lexicon) -> PlaceMention | None:
    """The first place after the cue that is a destination: right after it or after 'ke/to'."""
    for p in find_places(text[begin:end]):
        gap = text[begin : begin + p.start]
        if re.search(r"[,;:]", gap):
            break
        if not gap.strip() or lex.destination_before.search(gap):
            return PlaceMention(begin + p.start, begin + p.end, p.text, p.country, p.city)
        if len(gap) > 100:
            break
    return None


def _place_before(text: str, begin: int, end: int, lex: Lexicon) -> PlaceMention | None:
    """A noun cue's location given earlier in the sentence ('... di Islamabad ... kunjungan')."""
    found = None
    for p in find_places(text[begin:end]):
        if lex.destination_before.search(text[begin : begin + p.start]):
            found = PlaceMention(begin + p.start, begin + p.end, p.text, p.country, p.city)
    return found


def _clause_start(text: str, begin: int, cue: int, lex: Lexicon) -> int:
    start = begin
    for m in lex.clause_break.finditer(text, begin, cue):
        start = m.end()
    return start


def _owner_after(
    text: str, offset: int, begin: int, dest: int, people: People, lex: Lexicon
) -> Actor | None:
    """'kunjungan Lavrov ke ...', 'the visit by Putin to ...': a person before the destination
    (anywhere when the destination came before the cue, or after 'by'), in the same clause."""
    stop = lex.clause_break.search(text, begin)
    limit = stop.start() if stop else len(text)
    for m in mentions(text[begin:limit], offset + begin, people.actors):
        rel = m.start - offset
        if rel < dest or dest < begin or lex.by_before.search(text[begin:rel]):
            return m.actor
    return None


def _subject(
    article: Article, people: People, s: Sentence, text: str, start: int, cue: int
) -> tuple[Actor | None, bool, bool]:
    """The person before the cue in its clause: named, or a role/pronoun resolved."""
    ms = mentions(text[start:cue], s.start + start, people.actors)
    if ms:
        return ms[-1].actor, False, False
    window = text[start:cue]
    if article.lex.relative.match(window) and start > 0:
        before = mentions(text[:start], s.start, people.actors)
        if before:
            return before[-1].actor, False, False
    return resolve_role(article, people, s, window, start)


def resolve_role(
    article: Article,
    people: People,
    s: Sentence,
    window: str,
    rel: int,
    *,
    lenient: bool = False,
) -> tuple[Actor | None, bool, bool]:
    """'Kepala diplomat Rusia', 'the Kremlin leader', 'perdana menteri', 'he': the person of
    that country or office mentioned last before this point. With ``lenient``, a person whose
    country or office is unknown may stand in when nobody is known to fit. Returns (actor,
    by_role, unresolved) where unresolved means a role was there but matched nobody."""
    places = {w.casefold() for p in find_places(window) for w in p.text.split()}
    words = {w.casefold() for w in re.findall(r"\w+", window)} - places
    countries = _countries(window)
    lex = article.lex
    pronoun = lex.pronoun.search(window) is not None
    office = words & lex.role_words
    if not (countries and office) and not pronoun and not office:
        return None, False, False
    point = s.start + rel
    seen = mentioned_before(article, people.actors, point)
    if pronoun and not countries and not office:
        return (seen[-1], True, False) if seen else (None, False, True)
    named = office & lex.offices
    if not countries and not named:
        return None, False, True  # "a senior official": which one, code cannot tell

    def fits(a: Actor, strict: bool) -> bool:
        nat = people.nationality.get(a.name)
        if countries and (nat not in countries if strict else nat is not None):
            return False
        title = people.titles.get(a.name, set())
        return not (strict and named and not named <= title)

    for strict in (True, False) if lenient else (True,):  # known fits first
        for a in reversed(seen):
            if fits(a, strict):
                return a, True, False
    return None, False, True


def mentioned_before(article: Article, actors: list[Actor], point: int) -> list[Actor]:
    """Actors in order of their last mention before ``point`` (last = most recent)."""
    order: list[Actor] = []
    for x in article.sentences:
        if x.start >= point:
            break
        upto = min(x.end, point) - x.start
        for m in mentions(x.text[:upto], x.start, actors):
            if m.actor in order:
                order.remove(m.actor)
            order.append(m.actor)
    return order


def _status(window: str, dates: list[str], article: Article) -> VisitStatus:
    if dates and article.published is not None:
        pub = article.published.isoformat()
        iso = dates[0]
        if iso < pub[: len(iso)]:
            return "completed"
        if iso > pub[: len(iso)]:
            return "planned"
    if article.lex.planned.search(window):
        return "planned"
    if article.lex.ongoing.search(window):
        return "ongoing"
    return "completed"
