"""Regenerate ``factx/_place_words.py``: city names that are also common words or given names.

geonames' names for cities include ordinary words of the languages factx reads ("Anda", "Itu",
"Bukan", "Negara", "Kota", "Natal", "Mobile", "Nice", "Van") and given names ("Vladimir",
"Victoria"). ``factx._normalize`` treats a city name in this list with care: it is reported from
running text only when its context does not say otherwise, and ``country_code`` does not resolve
it alone. The list is the intersection of the single-word names ``factx._normalize`` takes from
geonames with

* the lower-case words of each language's Debian word lists (``wamerican wbritish wdutch
  wngerman wfrench wspanish witalian wportuguese wpolish``) and Hunspell dictionaries
  (``hunspell-id hunspell-tr hunspell-vi``), and
* the given names of ``gender-guesser``'s name dictionary (``pip install --target DIR
  gender-guesser``; pass DIR with ``--names``).

Run from the project root after changing the city selection or the word lists::

    python scripts/gen_place_words.py --names /tmp/gg > factx/_place_words.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factx import _normalize as N  # noqa: E402

WORDLISTS = {
    "en": ("american-english", "british-english"),
    "nl": ("dutch",),
    "de": ("ngerman",),
    "fr": ("french",),
    "es": ("spanish",),
    "it": ("italian",),
    "pt": ("portuguese",),
    "pl": ("polish",),
}
HUNSPELL = {"id": "id_ID", "tr": "tr_TR", "vi": "vi_VN"}


def words(lang: str) -> set[str]:
    """The lower-case words of one language's word list, folded."""
    out: set[str] = set()
    files = [Path("/usr/share/dict") / f for f in WORDLISTS.get(lang, ())]
    if lang in HUNSPELL:
        files.append(Path("/usr/share/hunspell") / f"{HUNSPELL[lang]}.dic")
    for path in files:
        if not path.exists():
            sys.exit(f"missing {path}: apt-get install the word lists named in this script")
        lines = path.read_text(encoding="utf-8", errors="ignore").splitlines()
        if path.suffix == ".dic":
            lines = lines[1:]
        for line in lines:
            w = line.split("/")[0].strip()
            if w[:1].islower() and " " not in w:
                out.add(N._fold_token(w))
    return out


def given_names(folder: str) -> set[str]:
    path = Path(folder) / "gender_guesser" / "data" / "nam_dict.txt"
    out: set[str] = set()
    for line in path.read_text(encoding="iso-8859-1").splitlines():
        if line.startswith("#") or len(line) < 30:
            continue
        name = line[3:29].strip()
        if name and " " not in name and "+" not in name and "-" not in name:
            out.add(N._fold_token(name))
    return out


def _words_literal(words: set[str], indent: str) -> str:
    """A frozenset literal of the words, laid out as ``ruff format`` leaves it."""
    pad = indent + "    "
    lines = []
    line = pad
    for w in sorted(words):
        if len(line) + len(w) + 1 > 96:
            lines.append(line)
            line = pad
        line += (" " if line.strip() else "") + w
    lines.append(line)
    body = "\n".join(lines)
    return f'frozenset(\n{pad}"""\n{body}\n{pad}""".split()\n{indent})'


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", required=True, help="folder where gender-guesser is installed")
    args = ap.parse_args()
    names = N._single_word_city_names()
    print(
        '"""Single-word city names that are also common words or given names (generated).\n\n'
        "Made by ``scripts/gen_place_words.py`` (see there for the sources); do not edit.\n"
        '"""\n'
    )
    print("# Lower-case words of each language that are also city names.")
    print("WORDS: dict[str, frozenset[str]] = {")
    for lang in sorted({*WORDLISTS, *HUNSPELL}):
        print(f'    "{lang}": {_words_literal(names & words(lang), "    ")},')
    print("}  # fmt: skip\n")
    print("# Given names that are also city names.")
    print(f"GIVEN_NAMES: frozenset[str] = {_words_literal(names & given_names(args.names), '')}")


if __name__ == "__main__":
    main()
