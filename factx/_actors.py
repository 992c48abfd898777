"""Who acts in an article: people, organisations and states, with the forms they go by.

The model names the actors; code finds every form of each name in the text (fullest form,
surname, acronym in parentheses, country names) so later steps can tell who a sentence mentions
without asking the model again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._article import Article
from ._ground import fold
from ._lang import CAP_WORD, Lexicon
from ._normalize import _LANDMARKS, country_code, find_places


@dataclass
class Actor:
    name: str
    kind: str  # person | organisation | country
    country: str | None = None
    forms: set[str] = field(default_factory=set)  # surface forms that mention this actor


def _strip_titles(name: str, lex: Lexicon) -> str:
    words = name.split()
    while len(words) > 1 and (
        words[0].casefold().strip(".,") in lex.honorifics or country_code(words[0]) is not None
    ):
        words.pop(0)
    return " ".join(words)


def _fullest(article: Article, name: str) -> str:
    """Extend ``name`` leftwards with capitalised words before it in the text, minus titles."""
    best = name
    pattern = re.compile(rf"(?:{CAP_WORD}\s+){{0,3}}{re.escape(name)}\b")
    for m in pattern.finditer(article.text):
        if not article.in_body(m.start(), m.end()):
            continue
        cand = _strip_titles(m.group(0), article.lex)
        if len(cand.split()) > len(best.split()) and len(cand.split()) <= 4:
            best = cand
    return best


def titled_people(article: Article) -> list[str]:
    """Names that follow an office title in the body, titles and countries stripped."""
    out: list[str] = []
    for s in article.sentences:
        for m in article.lex.titled.finditer(s.text):
            words = _strip_titles(m.group(1).strip(), article.lex).split()
            while words and find_places(words[-1]):
                words.pop()  # "... Zardari Rusia" cannot end a name
            name = " ".join(words).removesuffix("'s").removesuffix("’s")
            if (
                name
                and name.split()[0].casefold() not in article.lex.honorifics
                and not find_places(name)
                and name not in out
            ):
                out.append(name)
    return out


def build_actors(article: Article, entities: list[tuple[str, str]]) -> list[Actor]:
    """Merge the model's ``(name, kind)`` list with what code finds in the text."""
    titles = article.lex
    entities = [*entities, *((n, "person") for n in titled_people(article))]
    body = " ".join(s.text for s in article.sentences)
    folded_body = fold(body).text
    actors: list[Actor] = []
    by_country: dict[str, Actor] = {}
    # States first, from the text itself (language tables), then the model's list.
    for p in find_places(body):
        if p.text.casefold() in _LANDMARKS:  # "Gedung Putih said": the institution speaks
            if not any(a.kind == "organisation" and a.name == p.text for a in actors):
                actors.append(Actor(p.text, "organisation", forms={p.text}))
            continue
        if p.city is None:
            a = by_country.get(p.country)
            if a is None:
                a = by_country[p.country] = Actor(p.text, "country", p.country)
                actors.append(a)
            a.forms.add(p.text)
    people: list[Actor] = []
    for raw_name, kind in entities:
        name = " ".join(raw_name.split()).strip(" .,;:\"'“”")
        if len(name) < 2 or fold(name).text not in folded_body:
            continue  # not in the article body: not an actor of this article
        places = find_places(name)
        landmark = name.casefold() in _LANDMARKS  # "Gedung Putih" speaks as an institution
        if len(places) == 1 and places[0].text == name and not landmark:  # a place
            if places[0].city is not None:
                continue
            iso: str | None = places[0].country
        else:
            iso = country_code(name) if kind == "country" else None
        if iso is not None or kind == "country":
            if iso is None:
                continue
            a = by_country.get(iso)
            if a is None:
                a = by_country[iso] = Actor(name, "country", iso)
                actors.append(a)
            a.forms.add(name)
            continue
        if kind == "person":
            if any(p.city is None for p in find_places(_strip_titles(name, titles))):
                continue  # "Pipa Gas Aliran Pakistan": a person's name has no country in it
            name = _strip_titles(name, titles)
            if titles.has_data:  # without title words, capitalised words before a name
                name = _fullest(article, name)  # may be an office ("Utrikesminister")
            tokens = set(name.split())
            merged = False
            for other in people:
                ot = set(other.name.split())
                if tokens <= ot or ot <= tokens:
                    if len(tokens) > len(ot):
                        other.name = name
                    other.forms.add(name)
                    merged = True
                    break
            if not merged:
                a = Actor(name, "person", forms={name})
                people.append(a)
                actors.append(a)
        else:
            folded = fold(name).text
            if any(a.kind == "organisation" and fold(a.name).text == folded for a in actors):
                continue
            if any(fold(p.name).text in folded for p in people):
                continue  # "Perdana Menteri Imran Khan" is the person, not an organisation
            if all(w.casefold() in titles.honorifics or find_places(w) for w in name.split()):
                continue  # "Menteri Luar Negeri Rusia" is an office held by a person
            a = Actor(name, "organisation", forms={name})
            # "Kementerian Luar Negeri (FO)": the acronym in parentheses is a form too.
            m = re.search(re.escape(name) + r"\s*\(([A-Z][A-Za-z]{1,7})\)", article.text)
            if m:
                a.forms.add(m.group(1))
            actors.append(a)
    # A person's distinctive words (surname, given name) are forms of them; words shared by
    # two people (e.g. a family name) are not.
    counts: dict[str, int] = {}
    for person in people:
        for w in set(person.name.split()):
            counts[w] = counts.get(w, 0) + 1
    for person in people:
        for w in person.name.split():
            if (
                counts[w] == 1
                and len(w) >= 2
                and w[0].isupper()
                and w.casefold() not in titles.honorifics
                and not find_places(w)
            ):
                person.forms.add(w)
    return actors


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor: Actor


def mentions(text: str, offset: int, actors: list[Actor]) -> list[Mention]:
    """Actors mentioned in ``text`` (which starts at article offset ``offset``), in order."""
    found: list[Mention] = []
    for a in actors:
        for form in a.forms:
            flags = re.IGNORECASE if a.kind == "organisation" and len(form) > 5 else 0
            for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text, flags):
                found.append(Mention(offset + m.start(), offset + m.end(), a))
    # Same span named by an organisation and a state ("Gedung Putih"): the organisation.
    rank = {"person": 0, "organisation": 1, "country": 2}
    found.sort(key=lambda m: (m.start, -(m.end - m.start), rank.get(m.actor.kind, 3)))
    out: list[Mention] = []
    for mention in found:
        if out and mention.start < out[-1].end:
            continue
        out.append(mention)
    return out
