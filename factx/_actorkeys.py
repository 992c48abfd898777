"""Actor keys across a corpus: one stable key per person, office or state, and an alias table.

Used by :mod:`factx.events`. The rules (``docs/EVENTS.md``, "Actors"):

1. **Fold.** A name is transliterated to ASCII (anyascii: ``Лавров`` → ``Lavrov``,
   ``Çavuşoğlu`` → ``Cavusoglu``), casefolded, punctuation and whitespace runs reduced to single
   spaces. Leading title words of factx's language files (``Menteri Luar Negeri``,
   ``President``) are dropped unless the name is nothing but title words, then one leading
   country name (``Rusia Sergey Lavrov``, ``Pakistan Foreign Office``) when two or more words
   remain; that country counts as a country given for the mention.
2. **States.** A name that is a country (``Rusia``, ``RUS``, ``Russian Federation``, by the
   scorer's table and pycountry) is the state actor keyed by its ISO 3166-1 alpha-3 code.
3. **Spelling variants.** Two names of the same number of words (two or more) are one actor
   when their last words are alike (rapidfuzz ratio >= 80) and the whole names are alike
   (ratio >= 88), or when they are equal without spaces (``Wang Yi`` / ``WangYi``):
   ``Sergey Lavrov`` / ``Sergei Lavrov``, ``Shah Mahmood Qureshi`` / ``Shah Mehmood Qureshi``.
4. **Long forms.** A name of two or more words that contains another known name of two or more
   words as a run of whole words (``Presiden Rusia Vladimir Putin`` ⊃ ``Vladimir Putin``) is
   that actor; the longest contained name wins, and a tie between two actors links nothing.
5. **Short forms.** A one-word name (``Lavrov``, ``Лавров``) is the actor whose longer names
   contain that word, when exactly one actor's do; otherwise it stays its own actor.
6. **Countries.** Links 3-5 are made only between actors whose known countries agree (a
   person's country is the most frequent ``country`` given for their mentions).

The key is ``<canonical folded name, words joined by '_'>@<ISO3>`` (``sergey_lavrov@RUS``), or
without ``@...`` when no country is known; a state's key is its code (``RUS``). The canonical
name is the actor's most frequent form of two or more words (ties: fewer words, then
alphabetical), so the key is the same for the same corpus, whatever the input order.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["ActorTable", "Alias", "fold"]


@functools.lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """ASCII-transliterated, casefolded name with punctuation/whitespace runs as single spaces."""
    from anyascii import anyascii

    text = anyascii(unicodedata.normalize("NFKC", name)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


@functools.lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    from . import _lang

    words: set[str] = set()
    for code in _lang.available():
        lex = _lang.lexicon(code)
        words |= {fold(w) for w in lex.wordset("titles.honorifics", "titles.person_titles")}
    return frozenset(w for w in words if w)


@functools.lru_cache(maxsize=65536)
def country_code(name: str) -> str | None:
    """The ISO alpha-3 code when ``name`` is a country (name, code or capital), else None."""
    from .eval import to_iso3

    raw = name.strip()
    if not raw:
        return None
    if len(raw) == 3 and raw.isalpha() and raw.isupper():
        return to_iso3(raw, code_field=True)
    return to_iso3(raw)


@functools.lru_cache(maxsize=65536)
def _core(name: str) -> tuple[tuple[str, ...], str | None]:
    """The folded words of a name without its leading titles and country (rule 1), and that
    country's code."""
    words = fold(name).split()
    titles = _title_words()
    if not all(w in titles for w in words):
        while words and words[0] in titles:
            words = words[1:]
    if len(words) >= 3:
        code = country_code(words[0])
        if code is not None:
            return tuple(words[1:]), code
    return tuple(words), None


@dataclass
class Alias:
    """One form of an actor's name as it occurs in the corpus."""

    name: str
    count: int
    countries: Counter[str] = field(default_factory=Counter)


@dataclass
class _Node:
    words: tuple[str, ...]
    count: int = 0
    countries: Counter[str] = field(default_factory=Counter)
    forms: Counter[str] = field(default_factory=Counter)


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class ActorTable:
    """Actor keys for every name of a corpus (build once with all names, then look up).

    >>> table = ActorTable([("Sergey Lavrov", "RUS"), ("Sergei Lavrov", None), ("Лавров", None)])
    >>> table.key("Лавров") == table.key("Sergei Lavrov") == "sergey_lavrov@RUS"
    True
    """

    def __init__(self, mentions: Iterable[tuple[str, str | None]]) -> None:
        nodes: dict[tuple[str, ...], _Node] = {}
        states: dict[str, str] = {}  # name -> ISO3
        self._state_forms: dict[str, Counter[str]] = defaultdict(Counter)
        for name, country in mentions:
            if not name or not name.strip():
                continue
            code = country_code(name)
            if code is not None:
                states[name] = code
                self._state_forms[code][name] += 1
                continue
            words, named = _core(name)
            if not words:
                continue
            node = nodes.setdefault(words, _Node(words))
            node.count += 1
            node.forms[name] += 1
            country = country or named
            if country:
                node.countries[country.upper()] += 1
        self._states = states
        order = sorted(nodes, key=lambda w: (len(w), w))
        self._nodes = [nodes[w] for w in order]
        self._index = {w: i for i, w in enumerate(order)}
        self._uf = _Union(len(self._nodes))
        self._cluster_countries: dict[int, Counter[str]] = {
            i: Counter(n.countries) for i, n in enumerate(self._nodes)
        }
        self._link_variants()
        self._link_long_forms()
        self._link_short_forms()
        self._finish()

    # --- linking -------------------------------------------------------------------------

    def _country(self, root: int) -> str | None:
        votes = self._cluster_countries[root]
        if not votes:
            return None
        return sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    def _join(self, a: int, b: int) -> bool:
        ra, rb = self._uf.find(a), self._uf.find(b)
        if ra == rb:
            return True
        ca, cb = self._country(ra), self._country(rb)
        if ca and cb and ca != cb:
            return False
        merged = self._cluster_countries[ra] + self._cluster_countries[rb]
        self._uf.union(ra, rb)
        self._cluster_countries[self._uf.find(ra)] = merged
        return True

    def _link_variants(self) -> None:
        from rapidfuzz import fuzz

        blocks: dict[tuple[int, str], list[int]] = defaultdict(list)
        compact: dict[str, list[int]] = defaultdict(list)
        for i, node in enumerate(self._nodes):
            compact["".join(node.words)].append(i)
            if len(node.words) >= 2:
                blocks[(len(node.words), node.words[-1][:1])].append(i)
        for same in compact.values():
            for j in same[1:]:
                self._join(same[0], j)
        for members in blocks.values():
            for x, i in enumerate(members):
                wi = self._nodes[i].words
                si = " ".join(wi)
                for j in members[x + 1 :]:
                    wj = self._nodes[j].words
                    if fuzz.ratio(wi[-1], wj[-1]) < 80:
                        continue
                    if fuzz.ratio(si, " ".join(wj)) >= 88:
                        self._join(i, j)

    def _contained(self, words: tuple[str, ...], within: tuple[str, ...]) -> bool:
        n = len(words)
        return any(within[k : k + n] == words for k in range(len(within) - n + 1))

    def _link_long_forms(self) -> None:
        by_word: dict[str, set[int]] = defaultdict(set)
        for i, node in enumerate(self._nodes):
            if len(node.words) >= 2:
                for w in node.words:
                    by_word[w].add(i)
        for i, node in enumerate(self._nodes):  # shortest first, so chains resolve
            if len(node.words) < 3:
                continue
            best: dict[int, int] = {}  # root -> longest contained length
            candidates = set().union(*(by_word[w] for w in node.words))
            for j in candidates:
                other = self._nodes[j].words
                if 2 <= len(other) < len(node.words) and self._contained(other, node.words):
                    root = self._uf.find(j)
                    best[root] = max(best.get(root, 0), len(other))
            if not best:
                continue
            top = max(best.values())
            roots = [r for r, n in best.items() if n == top]
            if len(roots) == 1:
                self._join(i, roots[0])

    def _link_short_forms(self) -> None:
        by_word: dict[str, set[int]] = defaultdict(set)
        for i, node in enumerate(self._nodes):
            if len(node.words) >= 2:
                for w in node.words:
                    by_word[w].add(i)
        for i, node in enumerate(self._nodes):
            if len(node.words) != 1:
                continue
            roots = {self._uf.find(j) for j in by_word.get(node.words[0], ())}
            if len(roots) == 1:
                self._join(i, roots.pop())

    def _finish(self) -> None:
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self._nodes)):
            members[self._uf.find(i)].append(i)
        self._key_of_node: dict[int, str] = {}
        self._display: dict[str, str] = {}
        self._country_of: dict[str, str | None] = {}
        self._aliases: dict[str, list[Alias]] = {}
        for root, idx in members.items():
            multi = [i for i in idx if len(self._nodes[i].words) >= 2] or idx
            canon = sorted(
                multi,
                key=lambda i: (
                    -self._nodes[i].count,
                    len(self._nodes[i].words),
                    self._nodes[i].words,
                ),
            )[0]
            country = self._country(root)
            base = "_".join(self._nodes[canon].words)
            key = f"{base}@{country}" if country else base
            forms: Counter[str] = Counter()
            countries: dict[str, Counter[str]] = defaultdict(Counter)
            for i in idx:
                forms.update(self._nodes[i].forms)
                for form in self._nodes[i].forms:
                    countries[form].update(self._nodes[i].countries)
            display = sorted(
                self._nodes[canon].forms.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0])
            )[0][0]
            for i in idx:
                self._key_of_node[i] = key
            self._display[key] = display
            self._country_of[key] = country
            self._aliases[key] = [
                Alias(name, n, countries[name])
                for name, n in sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))
            ]
        for code, forms in self._state_forms.items():
            self._display[code] = _country_name(code)
            self._country_of[code] = code
            self._aliases[code] = [
                Alias(name, n) for name, n in sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))
            ]

    # --- lookups -------------------------------------------------------------------------

    def key(self, name: str | None) -> str | None:
        """The actor key of a name seen when the table was built (None for no name)."""
        if not name or not name.strip():
            return None
        if name in self._states:
            return self._states[name]
        code = country_code(name)
        if code is not None:
            return code
        words, _ = _core(name)
        i = self._index.get(words)
        if i is None:
            return "_".join(words) or None
        return self._key_of_node[i]

    def name(self, key: str) -> str:
        """The display name of an actor: its most frequent form, or the country's name."""
        return self._display.get(key, key)

    def country(self, key: str) -> str | None:
        """The actor's country (ISO alpha-3), when any mention gave one."""
        return self._country_of.get(key)

    def aliases(self) -> dict[str, list[Alias]]:
        """Every actor key with the forms of its name and how often each occurs."""
        return dict(sorted(self._aliases.items()))


@functools.lru_cache(maxsize=512)
def _country_name(code: str) -> str:
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a dependency
        return code
    hit = pycountry.countries.get(alpha_3=code)
    if hit is None:
        return code
    return str(getattr(hit, "common_name", None) or hit.name)


def country_name(code: str | None) -> str | None:
    """The English name of an ISO alpha-3 code (pycountry's common name, else its name)."""
    return _country_name(code) if code else None
