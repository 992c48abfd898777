"""Tests for factx._normalize: dates and places."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest


def _load() -> ModuleType:
    """Import factx._normalize; fall back to loading the file by path.

    The rest of the package may be mid-edit; this module has no package imports.
    """
    try:
        from factx import _normalize

        return _normalize
    except Exception:  # pragma: no cover - only when the package is broken
        path = Path(__file__).resolve().parents[1] / "factx" / "_normalize.py"
        spec = importlib.util.spec_from_file_location("factx_normalize_bypath", path)
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        return mod


N = _load()

PUB_2022 = date(2022, 2, 22)  # a Tuesday
PUB_2021 = date(2021, 4, 8)  # a Thursday
PUB_2023 = date(2023, 9, 20)  # a Wednesday


def isos(text: str, published: date | None = None) -> list[str]:
    return [m.iso for m in N.find_dates(text, published)]


# ----------------------------------------------------------------- parse_date_iso


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        ("2022-02-22", date(2022, 2, 22)),
        ("2022-02-22T10:00:00Z", date(2022, 2, 22)),
        ("2022-02-22T10:00:00+07:00", date(2022, 2, 22)),
        (" 2021-04-08 ", date(2021, 4, 8)),
        ("2022-02-30", None),
        ("22/02/2022", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_date_iso(s: str, expected: date | None) -> None:
    assert N.parse_date_iso(s) == expected


# --------------------------------------------------------------- publication_date


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Kamis, 8 April 2021 | 19:40 WIB", date(2021, 4, 8)),
        ("22 Februari 2022\nISLAMABAD – Perdana Menteri Imran Khan ...", date(2022, 2, 22)),
        ("Published April 8, 2021", date(2021, 4, 8)),
        ("Diterbitkan 2021-04-08", date(2021, 4, 8)),
        ("Oleh: Redaksi\n08/04/2021", date(2021, 4, 8)),
        ("04/13/2021", date(2021, 4, 13)),  # day-first impossible -> month-first
        ("Logo\nPakistan dan Rusia\nOleh : Unggul", None),
        ("Senin lalu Presiden berkunjung", None),  # relative dates need a reference
        ("Posted in 2021", None),  # a year is not a full date
    ],
)
def test_publication_date(header: str, expected: date | None) -> None:
    assert N.publication_date(header) == expected


def test_publication_date_prefers_dateline_over_body_date() -> None:
    header = (
        "Judul berita\n"
        "Menteri bertemu mitranya pada Rabu (7/4/2021) untuk membahas kerja sama energi "
        "dan modernisasi industri di kedua negara.\n"
        "Kamis, 8 April 2021 | 19:40 WIB\n"
    )
    assert N.publication_date(header) == date(2021, 4, 8)


def test_publication_date_first_full_date_fallback() -> None:
    header = (
        "Menteri bertemu mitranya pada Rabu (7/4/2021) untuk membahas kerja sama energi "
        "dan modernisasi industri di kedua negara yang sudah lama bersahabat."
    )
    assert N.publication_date(header) == date(2021, 4, 7)


def test_publication_date_accepts_blocks() -> None:
    class Block:
        def __init__(self, text: str) -> None:
            self.text = text

    assert N.publication_date("ignored", [Block("Logo"), Block("22 Februari 2022")]) == date(
        2022, 2, 22
    )


# --------------------------------------------------------------------- find_dates


def test_article_000_examples() -> None:
    assert isos("mulai 23 Februari atas undangan", PUB_2022) == ["2022-02-23"]
    assert isos("dalam sebuah pernyataan pada hari Senin.", PUB_2022) == ["2022-02-21"]
    assert isos("pada tahun 2011 atas undangan", PUB_2022) == ["2011"]


def test_weekday_with_explicit_date_is_one_mention() -> None:
    ms = N.find_dates("kerja sama, pada Rabu (7/4/2021). Kesepakatan", PUB_2021)
    assert [(m.text, m.iso, m.relative) for m in ms] == [("Rabu (7/4/2021)", "2021-04-07", False)]


def test_day_month_in_parentheses_uses_publication_year() -> None:
    ms = N.find_dates("Rabu (7/4) lalu", PUB_2021)
    assert [(m.iso, m.relative) for m in ms] == [("2021-04-07", True)]
    assert isos("pertemuan (7/4) itu", PUB_2021) == ["2021-04-07"]
    assert isos("Rabu (7/4)") == []  # no publication date: skip


def test_numeric_dates_day_first() -> None:
    assert isos("pada 7/4/2021") == ["2021-04-07"]
    assert isos("pada 7-4-2021") == ["2021-04-07"]
    assert isos("on 07.04.2021") == ["2021-04-07"]
    assert isos("on 4/13/2021") == ["2021-04-13"]  # day-first impossible
    assert isos("on 31/31/2021") == []
    assert isos("2021-04-08T10:00:00Z") == ["2021-04-08"]


def test_day_month_without_year() -> None:
    assert isos("mulai 23 Feb", PUB_2022) == ["2022-02-23"]
    assert isos("on 23 Feb. the talks", PUB_2022) == ["2022-02-23"]
    assert isos("mulai 23 Februari") == []  # year unknown
    assert isos("on Feb 23 the talks", PUB_2022) == ["2022-02-23"]
    m = N.find_dates("mulai 23 Februari", PUB_2022)[0]
    assert (m.text, m.relative) == ("23 Februari", True)


def test_full_dates() -> None:
    assert isos("23 Februari 2022") == ["2022-02-23"]
    assert isos("February 23, 2022") == ["2022-02-23"]
    assert isos("Wednesday, February 23, 2022") == ["2022-02-23"]
    assert isos("tanggal 1 Agu 2021 dan 3 Okt 2021") == ["2021-08-01", "2021-10-03"]
    assert isos("on 5 Sept 2020 and 6 Nop 2020") == ["2020-09-05", "2020-11-06"]
    assert isos("Kamis, 8 April 2021 | 19:40 WIB") == ["2021-04-08"]


def test_day_range() -> None:
    assert isos("kunjungan 7-8 April 2021") == ["2021-04-07", "2021-04-08"]


def test_month_year() -> None:
    assert isos("pada Februari 2022", PUB_2021) == ["2022-02"]
    assert isos("in February 2022") == ["2022-02"]
    assert isos("sejak Des 2019") == ["2019-12"]


def test_bare_month_after_trigger() -> None:
    assert isos("di Beijing pada bulan Oktober", PUB_2023) == ["2023-10"]
    assert isos("pada bulan Maret", PUB_2023) == ["2023-03"]
    assert isos("in March", PUB_2023) == ["2023-03"]
    assert isos("akhir Mei", PUB_2023) == ["2023-05"]
    assert isos("pada bulan Maret") == []  # unknown publication date
    assert isos("Maret adalah bulan", PUB_2023) == []  # no trigger
    assert isos("you may go in may", PUB_2023) == []  # lowercase: not a month


def test_years() -> None:
    assert isos("pada tahun 2017 dan 2019") == ["2017", "2019"]
    assert isos("in 2012, he visited") == ["2012"]
    assert isos("Visi 2030 Arab Saudi") == ["2030"]
    assert isos("periode 2017-2019") == ["2017", "2019"]
    ms = N.find_dates("pada tahun 2017 dan 2019")
    assert [m.text for m in ms] == ["2017", "2019"]


@pytest.mark.parametrize(
    "text",
    [
        "1.100 kilometer",
        "5 juta dosis",
        "sebanyak 2000 orang",
        "2000 km jauhnya",
        "naik 2020%",
        "Resolusi 2231",
        "US$ 2000",
        "Rp2000",
        "12.2020 unit",
        "tahun 1990-an",
        "nomor 2012",
        "20221 kasus",
        "2050 tentara",
    ],
)
def test_numbers_are_not_years(text: str) -> None:
    assert isos(text, PUB_2022) == []


def test_weekdays() -> None:
    assert isos("pada hari Senin", PUB_2022) == ["2022-02-21"]
    assert isos("Rusia pada Rabu menegaskan", PUB_2022) == ["2022-02-16"]
    assert isos("pada hari Selasa", PUB_2022) == ["2022-02-22"]  # same weekday = that day
    assert isos("on Monday", PUB_2022) == ["2022-02-21"]
    assert isos("Jum'at dan Sabtu", PUB_2022) == ["2022-02-18", "2022-02-19"]
    assert isos("hari Ahad", PUB_2022) == ["2022-02-20"]
    assert isos("pada hari Senin") == []  # no reference date
    m = N.find_dates("pada hari Senin", PUB_2022)[0]
    assert m.relative is True


def test_weekday_modifiers() -> None:
    assert isos("Selasa lalu", PUB_2022) == ["2022-02-15"]
    assert isos("last Tuesday", PUB_2022) == ["2022-02-15"]
    assert isos("Jumat depan", PUB_2022) == ["2022-02-25"]
    assert isos("next Friday", PUB_2022) == ["2022-02-25"]


def test_minggu_week_vs_sunday() -> None:
    assert isos("pada hari Minggu", PUB_2022) == ["2022-02-20"]
    assert isos("dua minggu", PUB_2022) == []
    assert isos("Minggu lalu, presiden", PUB_2022) == []  # "last week": too imprecise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hari ini", "2023-09-20"),
        ("today", "2023-09-20"),
        ("kemarin", "2023-09-19"),
        ("yesterday", "2023-09-19"),
        ("besok", "2023-09-21"),
        ("bulan depan", "2023-10"),
        ("next month", "2023-10"),
        ("bulan lalu", "2023-08"),
        ("last month", "2023-08"),
        ("tahun lalu", "2022"),
        ("last year", "2022"),
        ("tahun depan", "2024"),
        ("next year", "2024"),
        ("tahun ini", "2023"),
        ("dua tahun lalu", "2021"),
        ("3 days ago", "2023-09-17"),
    ],
)
def test_relative(text: str, expected: str) -> None:
    ms = N.find_dates(f"X {text} Y", PUB_2023)
    assert [(m.text, m.iso, m.relative) for m in ms] == [(text, expected, True)]


def test_relative_month_wraps_year() -> None:
    assert isos("bulan depan", date(2023, 12, 5)) == ["2024-01"]
    assert isos("bulan lalu", date(2023, 1, 5)) == ["2022-12"]


@pytest.mark.parametrize(
    "text",
    ["pekan lalu", "minggu lalu", "last week", "pekan depan", "next week", "beberapa tahun lalu"],
)
def test_imprecise_relative_skipped(text: str) -> None:
    assert isos(f"X {text} Y", PUB_2023) == []


def test_relative_needs_published() -> None:
    assert isos("bulan depan dan tahun lalu, kemarin") == []


def test_mentions_sorted_non_overlapping_with_offsets() -> None:
    text = "Putin akan mengunjungi Beijing bulan depan. Pada tahun 2017 dan 2019, Senin (18/9)."
    ms = N.find_dates(text, PUB_2023)
    assert [m.iso for m in ms] == ["2023-10", "2017", "2019", "2023-09-18"]
    for m in ms:
        assert text[m.start : m.end] == m.text
    for a, b in zip(ms, ms[1:], strict=False):
        assert a.end <= b.start


def test_date_mention_is_frozen() -> None:
    m = N.find_dates("pada tahun 2011")[0]
    with pytest.raises(AttributeError):
        m.iso = "2012"


def test_empty_text() -> None:
    assert N.find_dates("") == []
    assert N.find_places("") == []


# ------------------------------------------------------------------- country_code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Tiongkok", "CHN"),
        ("China", "CHN"),
        ("Cina", "CHN"),
        ("RRT", "CHN"),
        ("Rusia", "RUS"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("Amerika Serikat", "USA"),
        ("AS", "USA"),
        ("US", "USA"),
        ("U.S.", "USA"),
        ("USA", "USA"),
        ("United States", "USA"),
        ("Pakistan", "PAK"),
        ("Afganistan", "AFG"),
        ("Afghanistan", "AFG"),
        ("Inggris", "GBR"),
        ("Britania Raya", "GBR"),
        ("Korea Selatan", "KOR"),
        ("Korea Utara", "PRK"),
        ("Arab Saudi", "SAU"),
        ("Saudi Arabia", "SAU"),
        ("Jepang", "JPN"),
        ("Jerman", "DEU"),
        ("Prancis", "FRA"),
        ("Perancis", "FRA"),
        ("Belanda", "NLD"),
        ("Turki", "TUR"),
        ("Mesir", "EGY"),
        ("Selandia Baru", "NZL"),
        ("Filipina", "PHL"),
        ("India", "IND"),
        ("Iran", "IRN"),
        ("Ukraina", "UKR"),
        ("Suriah", "SYR"),
        ("Yordania", "JOR"),
        ("  rusia ", "RUS"),
        ("TIONGKOK", "CHN"),
        # demonyms
        ("Russian", "RUS"),
        ("Chinese", "CHN"),
        ("Pakistani", "PAK"),
        ("American", "USA"),
        # cities and metonyms
        ("Moskow", "RUS"),
        ("Moscow", "RUS"),
        ("Beijing", "CHN"),
        ("Peking", "CHN"),
        ("Islamabad", "PAK"),
        ("Washington", "USA"),
        ("Kabul", "AFG"),
        ("Doha", "QAT"),
        ("New Delhi", "IND"),
        ("Delhi", "IND"),
        ("Teheran", "IRN"),
        ("Kiev", "UKR"),
        ("Kyiv", "UKR"),
        ("St. Petersburg", "RUS"),
        ("Sankt Peterburg", "RUS"),
        ("Karachi", "PAK"),
        ("Jakarta", "IDN"),
        ("Singapura", "SGP"),
        ("Brussel", "BEL"),
        ("Jenewa", "CHE"),
        ("Wina", "AUT"),
        ("Roma", "ITA"),
        ("Kairo", "EGY"),
        ("Dubai", "ARE"),
        ("Abu Dhabi", "ARE"),
        ("Tashkent", "UZB"),
        ("Astana", "KAZ"),
        ("Minsk", "BLR"),
        ("Mexico City", "MEX"),
        ("Addis Ababa", "ETH"),
        ("Kremlin", "RUS"),
        ("ibu kota Islamabad", "PAK"),
        ("kota Moskow", "RUS"),
        ("the city of London", "GBR"),
        # pycountry fallback
        ("Vanuatu", "VUT"),
        ("Türkiye", "TUR"),
        ("Côte d'Ivoire", "CIV"),
        ("FJ", "FJI"),
    ],
)
def test_country_code(name: str, code: str) -> None:
    assert N.country_code(name) == code


@pytest.mark.parametrize(
    "name",
    ["Uni Eropa", "European Union", "Bapak", "as", "us", "in", "Korea", "Eropa", "", "  ", "123"],
)
def test_country_code_none(name: str) -> None:
    assert N.country_code(name) is None


# ---------------------------------------------------------------------- city_name


@pytest.mark.parametrize(
    ("name", "city"),
    [
        ("Moskow", "Moscow"),
        ("Beijing", "Beijing"),
        ("Peking", "Beijing"),
        ("Islamabad", "Islamabad"),
        ("Jenewa", "Geneva"),
        ("ISLAMABAD", "Islamabad"),
        ("ibu kota Islamabad", "Islamabad"),
        ("Kiev", "Kyiv"),
    ],
)
def test_city_name(name: str, city: str) -> None:
    assert N.city_name(name) == city


@pytest.mark.parametrize("name", ["Pakistan", "Rusia", "Russian", "Bapak", "Uni Eropa", ""])
def test_city_name_none(name: str) -> None:
    assert N.city_name(name) is None


# -------------------------------------------------------------------- find_places


def places(text: str) -> list[tuple[str, str, str | None]]:
    return [(p.text, p.country, p.city) for p in N.find_places(text)]


def test_find_places_city_then_country() -> None:
    text = "Lavrov berkunjung ke Islamabad, Pakistan"
    ps = N.find_places(text)
    assert [(p.text, p.country, p.city) for p in ps] == [
        ("Islamabad", "PAK", "Islamabad"),
        ("Pakistan", "PAK", None),
    ]
    for p in ps:
        assert text[p.start : p.end] == p.text


def test_find_places_longest_match() -> None:
    assert places("ketegangan dengan Amerika Serikat meningkat") == [
        ("Amerika Serikat", "USA", None)
    ]
    assert places("forum di St. Petersburg kemarin") == [
        ("St. Petersburg", "RUS", "Saint Petersburg")
    ]
    assert places("Papua New Guinea dan Papua Nugini") == [
        ("Papua New Guinea", "PNG", None),
        ("Papua Nugini", "PNG", None),
    ]
    assert places("Korea Selatan dan Korea Utara") == [
        ("Korea Selatan", "KOR", None),
        ("Korea Utara", "PRK", None),
    ]


def test_find_places_abbreviations_exact_case() -> None:
    assert places("Presiden AS Joe Biden") == [("AS", "USA", None)]
    assert places("as well as us") == []
    assert places("the U.S. and Russia") == [("U.S.", "USA", None), ("Russia", "RUS", None)]


def test_find_places_case_rule_and_caps_dateline() -> None:
    assert places("ISLAMABAD – Perdana Menteri") == [("ISLAMABAD", "PAK", "Islamabad")]
    assert places("kata turki itu") == []


def test_find_places_whole_words_and_non_places() -> None:
    assert places("Rusianya Pakistani") == []  # not whole words; demonyms are not places
    assert places("Uni Eropa dan Amerika Latin") == []
    assert places("sengketa Laut China Selatan") == []
    assert places("Lima orang tewas") == []


def test_find_places_hyphenated_and_unicode() -> None:
    assert places("hubungan Rusia-Ukraina") == [("Rusia", "RUS", None), ("Ukraina", "UKR", None)]
    assert places("Türkiye dan Côte d’Ivoire") == [
        ("Türkiye", "TUR", None),
        ("Côte d’Ivoire", "CIV", None),
    ]


def test_place_mention_is_frozen() -> None:
    p = N.find_places("Pakistan")[0]
    with pytest.raises(AttributeError):
        p.country = "RUS"
