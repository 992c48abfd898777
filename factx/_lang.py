"""Language data: the words factx's rules read, one TOML file per language (``factx/lang/``).

No word of any language lives in the pipeline's code: speech, travel and agreement cues, tense
markers, pronouns, titles and page-furniture words are loaded here from the file of the
article's language (detected with py3langid, or given). A language without a file gets an
empty :class:`Lexicon`: no rule fires, and the pipeline asks the model for the candidate
sentences instead. Adding a language means adding a file with the keys of ``en.toml``.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_NEVER = re.compile(r"(?!)")
# Capital letters of the Latin, Greek and Cyrillic blocks (Vietnamese included): a
# capitalised word is one of these and then word characters.
_UPPER = "A-Z" + "".join(
    chr(c)
    for lo, hi in ((0xC0, 0x250), (0x370, 0x400), (0x400, 0x530), (0x1E00, 0x1F00))
    for c in range(lo, hi)
    if chr(c).isupper()
)
CAP_WORD = rf"(?<!\w)[{_UPPER}][\w'’\-]*"


def available() -> tuple[str, ...]:
    """Codes of the languages that have a data file."""
    files = resources.files("factx.lang")
    return tuple(sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".toml")))


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first; spaces match any whitespace and a
    trailing ``*`` any word ending."""
    parts = []
    for w in sorted(set(words), key=lambda w: (-len(w), w)):
        stem = w[:-1] if w.endswith("*") else w
        body = r"\s+".join(re.escape(p) for p in stem.split())
        parts.append(body + (r"\w*" if w.endswith("*") else ""))
    return "|".join(parts)


def _words_rx(words: Iterable[str], template: str = r"\b(?:{})\b") -> re.Pattern[str]:
    alt = alternation(words)
    return re.compile(template.format(alt), re.IGNORECASE) if alt else _NEVER


class Lexicon:
    """One language's words and the patterns built from them (compiled on first use).

    ``code`` is the language (ISO 639-1); ``has_data`` says whether a file was found.
    """

    def __init__(self, code: str | None, data: dict[str, Any]) -> None:
        self.code = code
        self.has_data = bool(data)
        self._data = data

    def __repr__(self) -> str:
        return f"Lexicon({self.code!r}, has_data={self.has_data})"

    def words(self, key: str) -> tuple[str, ...]:
        """The list under ``section.name`` (empty when the file has none)."""
        node: Any = self._data
        for part in key.split("."):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return tuple(node) if isinstance(node, list) else ()

    def wordset(self, *keys: str) -> frozenset[str]:
        """Single casefolded words of the lists (multi-word entries split)."""
        return frozenset(w.casefold() for k in keys for e in self.words(k) for w in e.split())

    # --- speech
    @functools.cached_property
    def speech(self) -> re.Pattern[str]:
        """Any speech cue."""
        return _words_rx(
            self.words("speech.verbs")
            + self.words("speech.after")
            + self.words("speech.either")
            + self.words("speech.anaphoric")
        )

    @functools.cached_property
    def speaker_follows(self) -> re.Pattern[str]:
        """Cues the speaker may follow ('kata X', 'said X', 'according to X')."""
        return _words_rx(self.words("speech.after") + self.words("speech.either"))

    @functools.cached_property
    def either_side(self) -> frozenset[str]:
        """Cues whose speaker may also precede them ('X said')."""
        return frozenset(w.casefold() for w in self.words("speech.either"))

    @functools.cached_property
    def pronoun_cue(self) -> re.Pattern[str]:
        """The speaker named by pronoun or suffix ('katanya', 'he said', 'said she')."""
        verbs = alternation(
            self.words("speech.verbs") + self.words("speech.either") + self.words("speech.after")
        )
        pron = alternation(self.words("grammar.pronouns"))
        either = alternation(self.words("speech.either"))
        parts = []
        if self.words("speech.anaphoric"):
            parts.append(alternation(self.words("speech.anaphoric")))
        if pron and verbs:
            parts.append(rf"(?:{pron})\s+(?:\w+\s+)?(?:{verbs})")
        if pron and either:
            parts.append(rf"(?:{either})\s+(?:{pron})")
        return re.compile(rf"\b(?:{'|'.join(parts)})\b", re.IGNORECASE) if parts else _NEVER

    @functools.cached_property
    def document(self) -> re.Pattern[str]:
        return _words_rx(self.words("speech.documents"))

    @functools.cached_property
    def complementiser(self) -> re.Pattern[str]:
        return _words_rx(self.words("speech.complementisers"))

    # --- travel
    @functools.cached_property
    def travel(self) -> re.Pattern[str]:
        """A travel cue: group ``verb`` or ``noun``."""
        verbs, nouns = (
            alternation(self.words("travel.verbs")),
            alternation(self.words("travel.nouns")),
        )
        alts = ([rf"(?P<verb>{verbs})"] if verbs else []) + (
            [rf"(?P<noun>{nouns})"] if nouns else []
        )
        if not alts:
            return re.compile(r"(?P<verb>(?!))(?P<noun>(?!))")
        if not nouns:
            alts.append(r"(?P<noun>(?!))")
        if not verbs:
            alts.insert(0, r"(?P<verb>(?!))")
        return re.compile(rf"\b(?:{'|'.join(alts)})\b", re.IGNORECASE)

    @functools.cached_property
    def destination_before(self) -> re.Pattern[str]:
        """Ends with a word introducing a destination ('ke', 'to the capital of')."""
        to, place = (
            alternation(self.words("travel.to")),
            alternation(self.words("travel.place_words")),
        )
        if not to:
            return _NEVER
        opt = rf"(?:(?:{place})\s+)?" if place else ""
        return re.compile(rf"\b(?:{to})\s+{opt}$", re.IGNORECASE)

    @functools.cached_property
    def by_before(self) -> re.Pattern[str]:
        return _words_rx(self.words("travel.by"), r"\b(?:{})\s+$")

    @functools.cached_property
    def invite(self) -> re.Pattern[str]:
        return _words_rx(self.words("travel.invite"))

    # --- tense
    @functools.cached_property
    def planned(self) -> re.Pattern[str]:
        return _words_rx(self.words("tense.planned"))

    @functools.cached_property
    def ongoing(self) -> re.Pattern[str]:
        return _words_rx(self.words("tense.ongoing"))

    @functools.cached_property
    def completed(self) -> re.Pattern[str]:
        return _words_rx(self.words("tense.completed"))

    # --- agreement
    @functools.cached_property
    def agreement(self) -> re.Pattern[str]:
        return _words_rx(self.words("agreement.cues"))

    @functools.cached_property
    def not_agreed(self) -> re.Pattern[str]:
        """Ends with a negation or condition, one word allowed between ('tidak ada')."""
        return _words_rx(self.words("agreement.negations"), r"\b(?:{})\s+(?:\w+\s+)?$")

    # --- grammar
    @functools.cached_property
    def pronoun(self) -> re.Pattern[str]:
        return _words_rx(self.words("grammar.pronouns"))

    @functools.cached_property
    def determiner(self) -> re.Pattern[str]:
        return _words_rx(self.words("grammar.determiners"), r"\s*(?:{})\b")

    @functools.cached_property
    def anaphor_after(self) -> re.Pattern[str]:
        return _words_rx(self.words("grammar.anaphora_after"), r"\s+(?:{})\b")

    @functools.cached_property
    def anaphor_before(self) -> re.Pattern[str]:
        return _words_rx(self.words("grammar.anaphora_before"), r"\b(?:{})\s+$")

    @functools.cached_property
    def relative(self) -> re.Pattern[str]:
        return _words_rx(self.words("grammar.relative"), r"\s*(?:{})\b")

    @functools.cached_property
    def clause_break(self) -> re.Pattern[str]:
        words = alternation(self.words("grammar.clause_breaks"))
        return re.compile(r"[;:]|,(?!\d)" + (rf"|\b(?:{words})\b" if words else ""), re.I)

    # --- titles
    @functools.cached_property
    def honorifics(self) -> frozenset[str]:
        return self.wordset("titles.honorifics")

    @functools.cached_property
    def offices(self) -> frozenset[str]:
        return self.wordset("titles.offices")

    @functools.cached_property
    def role_words(self) -> frozenset[str]:
        return self.wordset("titles.honorifics", "titles.offices", "titles.roles")

    @functools.cached_property
    def titled(self) -> re.Pattern[str]:
        """A capitalised office title, then the name (group 1)."""
        titles = alternation(self.words("titles.person_titles"))
        if not titles:
            return _NEVER
        return re.compile(rf"(?<!\w)(?:{titles})((?:\s+{CAP_WORD}){{1,6}})")


@functools.cache
def lexicon(code: str | None) -> Lexicon:
    """The lexicon of language ``code`` (empty when factx has no file for it)."""
    if code and code in available():
        data = tomllib.loads(
            resources.files("factx.lang").joinpath(f"{code}.toml").read_text("utf-8")
        )
        return Lexicon(code, data)
    return Lexicon(code, {})


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> str | None:
    """The language of ``text`` (ISO 639-1), or None when it cannot be told.

    Close languages (Indonesian and Malay, say) are told apart by the lexicons: among the
    candidates within reach of the best, the one whose cue words occur most in the text wins.
    """
    sample = text[:5000]
    if sum(c.isalpha() for c in sample) < 20:
        return None
    ranked = [(str(c), float(p)) for c, p in _identifier().rank(sample)[:3]]
    best, p_best = ranked[0]
    close = [c for c, p in ranked if p >= 0.25 * p_best and c in available()]
    if len(close) < 2:
        return close[0] if close else best
    return max(close, key=lambda c: (_hits(lexicon(c), sample), c == best))


def _hits(lex: Lexicon, text: str) -> int:
    """Distinct cue words of ``lex`` in ``text``."""
    found = set()
    for rx in (
        lex.speech,
        lex.travel,
        lex.agreement,
        lex.planned,
        lex.completed,
        lex.document,
        lex.complementiser,
    ):
        found |= {m.group(0).casefold() for m in rx.finditer(text)}
    return len(found)
