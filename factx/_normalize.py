"""Normalisation of dates and places found in news text.

Dates: ISO parsing, publication-date detection in a page header, and a finder for
absolute and relative date mentions in Indonesian and English (``23 Februari``,
``Rabu (7/4/2021)``, ``bulan depan``, ``last year``...), resolved against the
publication date at the precision the text supports.

Places: ISO 3166-1 alpha-3 codes for country names (English, Indonesian and the
common forms used in news), demonyms, capitals and major cities, plus a finder for
place mentions in running text.

Everything here is plain regex plus hand tables. ``pycountry`` is only imported
lazily as a fallback; tables and compiled patterns are built on first use.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
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

# Common names, Indonesian exonyms and variants (matched case-insensitively).
_COUNTRY_NAMES: dict[str, str] = {
    # Indonesian
    "rusia": "RUS", "federasi rusia": "RUS", "tiongkok": "CHN", "cina": "CHN", "china": "CHN",
    "republik rakyat tiongkok": "CHN", "republik rakyat china": "CHN",
    "republik rakyat cina": "CHN", "tiongkok daratan": "CHN",
    "amerika serikat": "USA", "amerika": "USA", "pakistan": "PAK", "afganistan": "AFG",
    "afghanistan": "AFG", "inggris": "GBR", "inggris raya": "GBR", "britania raya": "GBR",
    "kerajaan inggris": "GBR", "kerajaan bersatu": "GBR", "skotlandia": "GBR",
    "korea selatan": "KOR", "korsel": "KOR", "korea utara": "PRK", "korut": "PRK",
    "arab saudi": "SAU", "jepang": "JPN", "jerman": "DEU", "prancis": "FRA",
    "perancis": "FRA", "belanda": "NLD", "turki": "TUR", "mesir": "EGY",
    "selandia baru": "NZL", "filipina": "PHL", "india": "IND", "iran": "IRN",
    "ukraina": "UKR", "suriah": "SYR", "yordania": "JOR", "irak": "IRQ", "kuwait": "KWT",
    "qatar": "QAT", "katar": "QAT", "bahrain": "BHR", "oman": "OMN", "yaman": "YEM",
    "lebanon": "LBN", "libanon": "LBN", "palestina": "PSE", "israel": "ISR",
    "uni emirat arab": "ARE", "persatuan emirat arab": "ARE", "emirat arab": "ARE",
    "libya": "LBY", "tunisia": "TUN", "aljazair": "DZA", "maroko": "MAR", "sudan": "SDN",
    "sudan selatan": "SSD", "etiopia": "ETH", "ethiopia": "ETH", "afrika selatan": "ZAF",
    "kenya": "KEN", "nigeria": "NGA", "kamerun": "CMR", "pantai gading": "CIV",
    "mozambik": "MOZ", "madagaskar": "MDG", "republik demokratik kongo": "COD",
    "kanada": "CAN", "meksiko": "MEX", "brasil": "BRA", "brazil": "BRA", "argentina": "ARG",
    "chili": "CHL", "kolombia": "COL", "venezuela": "VEN", "peru": "PER", "kuba": "CUB",
    "ekuador": "ECU", "jamaika": "JAM", "nikaragua": "NIC", "kosta rika": "CRI",
    "republik dominika": "DOM", "italia": "ITA", "spanyol": "ESP", "portugal": "PRT",
    "portugis": "PRT", "belgia": "BEL", "luksemburg": "LUX", "swiss": "CHE", "austria": "AUT",
    "polandia": "POL", "ceko": "CZE", "republik ceko": "CZE", "slowakia": "SVK",
    "hungaria": "HUN", "rumania": "ROU", "romania": "ROU", "bulgaria": "BGR",
    "yunani": "GRC", "kroasia": "HRV", "serbia": "SRB", "slovenia": "SVN",
    "bosnia": "BIH", "bosnia dan herzegovina": "BIH", "makedonia utara": "MKD",
    "albania": "ALB", "siprus": "CYP", "malta": "MLT", "irlandia": "IRL",
    "islandia": "ISL", "norwegia": "NOR", "swedia": "SWE", "finlandia": "FIN",
    "denmark": "DNK", "estonia": "EST", "latvia": "LVA", "lituania": "LTU",
    "belarus": "BLR", "belarusia": "BLR", "moldova": "MDA", "georgia": "GEO",
    "armenia": "ARM", "azerbaijan": "AZE", "kazakhstan": "KAZ", "kazakstan": "KAZ",
    "uzbekistan": "UZB", "turkmenistan": "TKM", "tajikistan": "TJK", "kirgistan": "KGZ",
    "kirgizstan": "KGZ", "kirgizia": "KGZ", "mongolia": "MNG", "taiwan": "TWN",
    "hong kong": "HKG", "makau": "MAC", "vietnam": "VNM", "laos": "LAO", "kamboja": "KHM",
    "thailand": "THA", "myanmar": "MMR", "malaysia": "MYS", "singapura": "SGP",
    "brunei": "BRN", "brunei darussalam": "BRN", "timor leste": "TLS", "timor-leste": "TLS",
    "papua nugini": "PNG", "australia": "AUS", "bangladesh": "BGD", "nepal": "NPL",
    "bhutan": "BTN", "sri lanka": "LKA", "maladewa": "MDV", "vatikan": "VAT",
    "monako": "MCO", "indonesia": "IDN", "republik indonesia": "IDN",
    # English and other common forms
    "russia": "RUS", "russian federation": "RUS", "people's republic of china": "CHN",
    "mainland china": "CHN", "united states": "USA", "united states of america": "USA",
    "america": "USA", "united kingdom": "GBR", "great britain": "GBR", "britain": "GBR",
    "england": "GBR", "scotland": "GBR", "wales": "GBR", "northern ireland": "GBR",
    "south korea": "KOR", "republic of korea": "KOR", "north korea": "PRK",
    "democratic people's republic of korea": "PRK", "saudi arabia": "SAU", "syria": "SYR",
    "turkey": "TUR", "turkiye": "TUR", "czech republic": "CZE", "czechia": "CZE",
    "ivory coast": "CIV", "palestine": "PSE", "vatican": "VAT", "vatican city": "VAT",
    "holland": "NLD", "netherlands": "NLD", "the netherlands": "NLD", "burma": "MMR",
    "macedonia": "MKD", "north macedonia": "MKD", "laos pdr": "LAO", "bolivia": "BOL",
    "tanzania": "TZA", "viet nam": "VNM",
    "east timor": "TLS", "cape verde": "CPV", "swaziland": "SWZ", "micronesia": "FSM",
    "uae": "ARE", "united arab emirates": "ARE",
    "kyrgyzstan": "KGZ", "japan": "JPN", "germany": "DEU", "france": "FRA",
    "egypt": "EGY", "new zealand": "NZL", "philippines": "PHL", "the philippines": "PHL",
    "ukraine": "UKR", "jordan": "JOR", "iraq": "IRQ", "yemen": "YEM", "algeria": "DZA",
    "morocco": "MAR", "south africa": "ZAF", "south sudan": "SSD", "canada": "CAN",
    "mexico": "MEX", "colombia": "COL", "cuba": "CUB", "italy": "ITA", "spain": "ESP",
    "belgium": "BEL", "switzerland": "CHE", "poland": "POL", "hungary": "HUN",
    "greece": "GRC", "croatia": "HRV", "ireland": "IRL", "iceland": "ISL", "norway": "NOR",
    "sweden": "SWE", "finland": "FIN", "lithuania": "LTU", "cambodia": "KHM",
    "singapore": "SGP", "the gambia": "GMB", "democratic republic of the congo": "COD",
    "dr congo": "COD", "republic of the congo": "COG", "irlandia utara": "GBR",
}  # fmt: skip

# Abbreviations: matched only exactly as written here.
_COUNTRY_ABBR: dict[str, str] = {
    "AS": "USA", "US": "USA", "U.S.": "USA", "USA": "USA", "U.S.A.": "USA", "UK": "GBR",
    "U.K.": "GBR", "RRT": "CHN", "RRC": "CHN", "PRC": "CHN", "UAE": "ARE", "UEA": "ARE",
    "PEA": "ARE", "DPRK": "PRK", "ROK": "KOR", "RI": "IDN", "NKRI": "IDN", "KSA": "SAU",
    "DRC": "COD",
}  # fmt: skip

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

# Landmarks/metonyms standing for a state (no city reported).
_LANDMARKS: dict[str, str] = {
    "kremlin": "RUS", "gedung putih": "USA", "white house": "USA", "zhongnanhai": "CHN",
    "downing street": "GBR", "istana elysee": "FRA", "elysee": "FRA",
}  # fmt: skip

# (English name, country, aliases...)
_CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Moscow", "RUS", ("Moskow", "Moskwa", "Moskva")),
    ("Saint Petersburg", "RUS", ("St. Petersburg", "St Petersburg", "Sankt Peterburg",
                                 "Sankt-Peterburg", "Petersburg")),
    ("Vladivostok", "RUS", ()), ("Sochi", "RUS", ()), ("Kazan", "RUS", ()),
    ("Beijing", "CHN", ("Peking", "Beijing")), ("Shanghai", "CHN", ()),
    ("Guangzhou", "CHN", ()), ("Shenzhen", "CHN", ()), ("Wuhan", "CHN", ()),
    ("Xiamen", "CHN", ()), ("Chongqing", "CHN", ()), ("Tianjin", "CHN", ()),
    ("Hangzhou", "CHN", ()), ("Chengdu", "CHN", ()), ("Urumqi", "CHN", ()),
    ("Islamabad", "PAK", ()), ("Karachi", "PAK", ()), ("Lahore", "PAK", ()),
    ("Rawalpindi", "PAK", ()), ("Peshawar", "PAK", ()), ("Quetta", "PAK", ()),
    ("Washington", "USA", ("Washington D.C.", "Washington DC", "Washington, D.C.")),
    ("New York", "USA", ("New York City",)), ("Los Angeles", "USA", ()),
    ("San Francisco", "USA", ()), ("Chicago", "USA", ()), ("Camp David", "USA", ()),
    ("Kabul", "AFG", ()), ("Kandahar", "AFG", ()), ("Herat", "AFG", ()),
    ("Doha", "QAT", ()), ("New Delhi", "IND", ("Delhi", "New Delhi")),
    ("Mumbai", "IND", ("Bombay",)), ("Kolkata", "IND", ("Calcutta",)),
    ("Bengaluru", "IND", ("Bangalore",)), ("Chennai", "IND", ()),
    ("Tokyo", "JPN", ("Tokio",)), ("Osaka", "JPN", ()), ("Hiroshima", "JPN", ()),
    ("Seoul", "KOR", ()), ("Busan", "KOR", ()), ("Pyongyang", "PRK", ()),
    ("London", "GBR", ()), ("Edinburgh", "GBR", ()), ("Manchester", "GBR", ()),
    ("Paris", "FRA", ()), ("Berlin", "DEU", ()), ("Munich", "DEU", ("Muenchen", "München")),
    ("Frankfurt", "DEU", ()), ("Hamburg", "DEU", ()), ("Bonn", "DEU", ()),
    ("Ankara", "TUR", ()), ("Istanbul", "TUR", ()),
    ("Tehran", "IRN", ("Teheran",)), ("Riyadh", "SAU", ("Riyad",)),
    ("Jeddah", "SAU", ("Jeddah", "Jiddah")), ("Mecca", "SAU", ("Mekkah", "Mekah", "Makkah")),
    ("Medina", "SAU", ("Madinah",)),
    ("Kyiv", "UKR", ("Kiev", "Kiev", "Kyiv")), ("Kharkiv", "UKR", ("Kharkov",)),
    ("Odesa", "UKR", ("Odessa",)), ("Lviv", "UKR", ()),
    ("Jakarta", "IDN", ()), ("Surabaya", "IDN", ()), ("Bandung", "IDN", ()),
    ("Medan", "IDN", ()), ("Denpasar", "IDN", ()), ("Yogyakarta", "IDN", ()),
    ("Makassar", "IDN", ()), ("Semarang", "IDN", ()), ("Nusantara", "IDN", ()),
    ("Kuala Lumpur", "MYS", ()), ("Putrajaya", "MYS", ()),
    ("Singapore", "SGP", ("Singapura",)), ("Bangkok", "THA", ()),
    ("Hanoi", "VNM", ()), ("Ho Chi Minh City", "VNM", ("Ho Chi Minh", "Saigon")),
    ("Manila", "PHL", ()), ("Phnom Penh", "KHM", ()), ("Vientiane", "LAO", ()),
    ("Naypyidaw", "MMR", ("Naypyitaw", "Nay Pyi Taw")), ("Yangon", "MMR", ("Rangoon",)),
    ("Bandar Seri Begawan", "BRN", ()), ("Dili", "TLS", ()),
    ("Canberra", "AUS", ()), ("Sydney", "AUS", ()), ("Melbourne", "AUS", ()),
    ("Perth", "AUS", ()), ("Wellington", "NZL", ()), ("Auckland", "NZL", ()),
    ("Port Moresby", "PNG", ()),
    ("Brussels", "BEL", ("Brussel", "Bruxelles")), ("Geneva", "CHE", ("Jenewa", "Genève")),
    ("Bern", "CHE", ()), ("Zurich", "CHE", ("Zürich",)), ("Davos", "CHE", ()),
    ("Vienna", "AUT", ("Wina", "Wien")), ("Rome", "ITA", ("Roma",)),
    ("Milan", "ITA", ("Milano",)), ("Madrid", "ESP", ()), ("Barcelona", "ESP", ()),
    ("Lisbon", "PRT", ("Lisboa",)), ("Amsterdam", "NLD", ()),
    ("The Hague", "NLD", ("Den Haag",)), ("Luxembourg City", "LUX", ()),
    ("Copenhagen", "DNK", ("Kopenhagen",)), ("Stockholm", "SWE", ()), ("Oslo", "NOR", ()),
    ("Helsinki", "FIN", ()), ("Reykjavik", "ISL", ()), ("Dublin", "IRL", ()),
    ("Warsaw", "POL", ("Warsawa", "Warszawa")), ("Prague", "CZE", ("Praha",)),
    ("Bratislava", "SVK", ()), ("Budapest", "HUN", ()), ("Bucharest", "ROU", ("Bukares",)),
    ("Sofia", "BGR", ()), ("Athens", "GRC", ("Athena",)), ("Belgrade", "SRB", ("Beograd",)),
    ("Zagreb", "HRV", ()), ("Ljubljana", "SVN", ()), ("Sarajevo", "BIH", ()),
    ("Tirana", "ALB", ()), ("Skopje", "MKD", ()), ("Nicosia", "CYP", ()),
    ("Valletta", "MLT", ()), ("Tallinn", "EST", ()), ("Riga", "LVA", ()),
    ("Vilnius", "LTU", ()), ("Minsk", "BLR", ()), ("Chisinau", "MDA", ()),
    ("Tbilisi", "GEO", ()), ("Yerevan", "ARM", ()), ("Baku", "AZE", ()),
    ("Astana", "KAZ", ("Nur-Sultan", "Nursultan")), ("Almaty", "KAZ", ()),
    ("Tashkent", "UZB", ("Tashkent",)), ("Samarkand", "UZB", ()),
    ("Ashgabat", "TKM", ()), ("Dushanbe", "TJK", ()), ("Bishkek", "KGZ", ()),
    ("Ulaanbaatar", "MNG", ("Ulan Bator",)), ("Taipei", "TWN", ()),
    ("Dhaka", "BGD", ()), ("Kathmandu", "NPL", ()), ("Thimphu", "BTN", ()),
    ("Colombo", "LKA", ()), ("Male", "MDV", ()),
    ("Baghdad", "IRQ", ("Bagdad",)), ("Erbil", "IRQ", ()), ("Damascus", "SYR", ("Damaskus",)),
    ("Aleppo", "SYR", ()), ("Amman", "JOR", ()), ("Beirut", "LBN", ()),
    ("Jerusalem", "ISR", ("Yerusalem",)), ("Tel Aviv", "ISR", ()),
    ("Ramallah", "PSE", ()), ("Gaza", "PSE", ()),
    ("Kuwait City", "KWT", ()), ("Manama", "BHR", ()), ("Muscat", "OMN", ("Masqat",)),
    ("Sanaa", "YEM", ("Sana'a",)), ("Abu Dhabi", "ARE", ()), ("Dubai", "ARE", ()),
    ("Cairo", "EGY", ("Kairo",)), ("Alexandria", "EGY", ("Aleksandria",)),
    ("Sharm el-Sheikh", "EGY", ("Sharm El Sheikh",)), ("Tripoli", "LBY", ()),
    ("Tunis", "TUN", ()), ("Algiers", "DZA", ("Aljir",)), ("Rabat", "MAR", ()),
    ("Casablanca", "MAR", ()), ("Khartoum", "SDN", ()), ("Addis Ababa", "ETH", ()),
    ("Nairobi", "KEN", ()), ("Abuja", "NGA", ()), ("Lagos", "NGA", ()),
    ("Accra", "GHA", ()), ("Dakar", "SEN", ()), ("Kinshasa", "COD", ()),
    ("Luanda", "AGO", ()), ("Harare", "ZWE", ()), ("Lusaka", "ZMB", ()),
    ("Dar es Salaam", "TZA", ()), ("Dodoma", "TZA", ()), ("Kampala", "UGA", ()),
    ("Kigali", "RWA", ()), ("Mogadishu", "SOM", ()), ("Pretoria", "ZAF", ()),
    ("Johannesburg", "ZAF", ()), ("Cape Town", "ZAF", ("Cape Town",)),
    ("Ottawa", "CAN", ()), ("Toronto", "CAN", ()), ("Montreal", "CAN", ()),
    ("Vancouver", "CAN", ()), ("Mexico City", "MEX", ("Kota Meksiko",)),
    ("Havana", "CUB", ("Havana",)), ("Caracas", "VEN", ()), ("Bogota", "COL", ("Bogotá",)),
    ("Lima", "PER", ()), ("Santiago", "CHL", ()), ("Buenos Aires", "ARG", ()),
    ("Brasilia", "BRA", ("Brasília",)), ("Rio de Janeiro", "BRA", ()),
    ("Sao Paulo", "BRA", ("São Paulo",)), ("Montevideo", "URY", ()),
    ("Quito", "ECU", ()), ("La Paz", "BOL", ()), ("Asuncion", "PRY", ("Asunción",)),
    ("Panama City", "PAN", ()), ("Managua", "NIC", ()), ("Vatican City", "VAT", ()),
)  # fmt: skip

# Regions that sit inside a country but are not cities.
_REGIONS: dict[str, str] = {
    "new jersey": "USA", "new mexico": "USA", "new south wales": "AUS",
    "papua": "IDN",
}  # fmt: skip

_PLACE_PREFIX = re.compile(r"^(?:ibu\s*kota|ibukota|kota|the\s+city\s+of|city\s+of)\s+", re.I)


def _fold(s: str) -> str:
    """Case-fold, strip accents, unify apostrophes and collapse whitespace."""
    s = unicodedata.normalize("NFKD", s.replace("’", "'").replace("`", "'"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.casefold().split())


@dataclass(frozen=True)
class _PlaceTables:
    countries: dict[str, str]  # folded name -> alpha-3 (countries, regions, landmarks)
    cities: dict[str, tuple[str, str]]  # folded name -> (English name, alpha-3)
    demonyms: dict[str, str]


@cache
def _place_tables() -> _PlaceTables:
    countries = {_fold(k): v for k, v in _COUNTRY_NAMES.items()}
    countries.update({_fold(k): v for k, v in _LANDMARKS.items()})
    countries.update({_fold(k): v for k, v in _REGIONS.items()})
    cities: dict[str, tuple[str, str]] = {}
    for eng, code, aliases in _CITIES:
        for n in (eng, *aliases):
            cities.setdefault(_fold(n), (eng, code))
    return _PlaceTables(countries, cities, {_fold(k): v for k, v in _DEMONYMS.items()})


@cache
def _pycountry_names() -> dict[str, str]:
    """Folded pycountry names (name, common_name, official_name) -> alpha-3."""
    import pycountry  # lazy: loads a JSON database

    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            val = getattr(c, attr, None)
            if isinstance(val, str) and "," not in val:
                out.setdefault(_fold(val), str(c.alpha_3))
    return out


@cache
def _pycountry_codes() -> dict[str, str]:
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        out[str(c.alpha_2)] = str(c.alpha_3)
        out[str(c.alpha_3)] = str(c.alpha_3)
    return out


def _clean_place(name: str) -> str:
    s = " ".join(name.replace("’", "'").split()).strip(" ,;:()[]\"'")
    prev = None
    while prev != s:
        prev = s
        s = _PLACE_PREFIX.sub("", s).strip()
    return s


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-3 code for a country, demonym, capital or major city.

    Handles English and Indonesian forms (``Rusia``, ``Tiongkok``, ``Amerika Serikat``,
    ``AS``, ``Inggris``...), English demonyms (``Russian``), cities (``Moskow``) and a
    few metonyms (``Kremlin``), then falls back to exact pycountry names. Two- and
    three-letter codes count only when written in capitals. Supranational bodies
    (``Uni Eropa``) give None.

    Args:
        name: A place or state name; a leading ``ibu kota``/``kota``/``the city of``
            is ignored.

    Returns:
        The alpha-3 code, or None if the name is unknown.
    """
    if not isinstance(name, str):
        return None
    raw = _clean_place(name)
    if not raw:
        return None
    if raw in _COUNTRY_ABBR:
        return _COUNTRY_ABBR[raw]
    key = _fold(raw)
    t = _place_tables()
    if key in t.countries:
        return t.countries[key]
    if key in t.cities:
        return t.cities[key][1]
    if key in t.demonyms:
        return t.demonyms[key]
    if key.startswith("the ") and key[4:] in t.countries:
        return t.countries[key[4:]]
    if len(raw) <= 3:
        if raw.isalpha() and raw.isupper():
            return _pycountry_codes().get(raw)
        return None
    return _pycountry_names().get(key)


def city_name(name: str) -> str | None:
    """English name of a city in the table (``Moskow`` -> ``Moscow``), else None.

    Args:
        name: A city name in any supported spelling; countries give None.

    Returns:
        The English exonym, or None.
    """
    if not isinstance(name, str):
        return None
    hit = _place_tables().cities.get(_fold(_clean_place(name)))
    return hit[0] if hit else None


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


def _trie_regex(words: Iterable[str]) -> str:
    """A compact regex for a set of literal words (shared prefixes factored out).

    At every node the alternatives start with distinct characters and the "word ends
    here" option comes last, so the regex prefers the longest word along a path.
    """
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts: list[str] = []
        for ch in sorted(k for k in node if k):
            if ch == " ":
                piece = r"\s+"
            elif ch == "'":
                piece = "['’]"
            else:
                piece = re.escape(ch)
            alts.append(piece + emit(node[ch]))
        if not alts:
            return ""
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return emit(trie)


# Phrases that contain a place name but are not that place (consumed, never reported).
_NOT_PLACES: tuple[str, ...] = (
    "amerika latin", "amerika selatan", "amerika utara", "amerika tengah",
    "latin america", "south america", "north america", "central america",
    "laut china selatan", "laut cina selatan", "laut tiongkok selatan", "laut china timur",
    "laut cina timur", "laut tiongkok timur", "south china sea", "east china sea",
    "new york times", "washington post", "jakarta post", "moscow times", "hong kong dollar",
    "indian ocean", "samudra hindia",
)  # fmt: skip

# Table entries too ambiguous to report from running text ("Lima orang" = five people).
_AMBIGUOUS_IN_TEXT: frozenset[str] = frozenset({"lima", "male", "sofia", "nusantara", "petersburg"})


@cache
def _pycountry_raw_names() -> tuple[str, ...]:
    import pycountry

    out: list[str] = []
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            val = getattr(c, attr, None)
            if isinstance(val, str) and "," not in val:
                out.append(val)
    return tuple(out)


@cache
def _place_regex() -> re.Pattern[str]:
    t = _place_tables()
    raw: set[str] = set(_COUNTRY_NAMES) | set(_LANDMARKS) | set(_REGIONS) | set(_NOT_PLACES)
    for eng, _code, aliases in _CITIES:
        raw.update((eng, *aliases))
    raw.update(_pycountry_raw_names())
    raw.update(_COUNTRY_ABBR)
    words = {" ".join(w.lower().split()) for w in raw}
    words |= set(t.countries) | set(t.cities) | set(_pycountry_names())
    body = _trie_regex(sorted(words))
    return re.compile(rf"(?<![\w.])(?:{body})(?![\w]|\.\w)", re.IGNORECASE)


@cache
def _not_place_keys() -> frozenset[str]:
    return frozenset(_fold(w) for w in _NOT_PLACES)


def _place_for(matched: str) -> tuple[str, str | None] | None:
    """(country, city) for a matched span, applying the case rules; None to skip."""
    if matched in _COUNTRY_ABBR:
        return _COUNTRY_ABBR[matched], None
    if not matched[:1].isupper():
        return None
    key = _fold(matched)
    if key in _not_place_keys() or key in _AMBIGUOUS_IN_TEXT:
        return None
    if len(key.replace(".", "")) <= 3 and key.upper() in {a.upper() for a in _COUNTRY_ABBR}:
        return None  # "Us", "As": an abbreviation not written exactly
    t = _place_tables()
    if key in t.cities:
        eng, code = t.cities[key]
        return code, eng
    if key in t.countries:
        return t.countries[key], None
    found = _pycountry_names().get(key)
    return (found, None) if found else None


def find_places(text: str) -> list[PlaceMention]:
    """Find mentions of known countries and cities in ``text``.

    Matches whole words from the country, city and pycountry tables; the first letter
    must be a capital (``ISLAMABAD`` and ``Islamabad`` match, ``islamabad`` does not) and
    abbreviations such as ``AS``/``US`` must be written exactly. The longest match wins
    (``Amerika Serikat``, ``St. Petersburg``); phrases like ``Amerika Latin`` or
    ``Laut China Selatan`` are not reported.

    Args:
        text: The text to search.

    Returns:
        Non-overlapping mentions sorted by start offset.
    """
    out: list[PlaceMention] = []
    if not text:
        return out
    for m in _place_regex().finditer(text):
        hit = _place_for(m.group())
        if hit is not None:
            out.append(PlaceMention(m.start(), m.end(), m.group(), hit[0], hit[1]))
    return out
