"""Each language file, on an invented short article in its language, through the public API.

The fake model names the article's people and gives the emptiest answer to every other
question ('unknown', 'none', empty lists), so every fact asserted here is read by
the rules from the words of ``factx/lang/<code>.toml``. Each case fails without its file: the
statement needs a speech cue, the visit a travel cue and a tense marker, and one quote a cue
that names its speaker (a pronoun, a role, or a verb beside one of two people named).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import factx
from factx import _lang
from factx._actors import build_actors
from factx._article import Article
from factx.backends import FakeBackend

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LANG_DIR = Path(__file__).resolve().parents[1] / "factx" / "lang"

PUBLISHED = "2024-05-06"


@dataclass(frozen=True)
class Case:
    text: str
    people: tuple[str, ...]
    quotes: tuple[tuple[str, str], ...]  # (speaker, first word of the quotation), in order
    statement: tuple[str, str]  # (speaker, a word of the reported clause)
    visit: tuple[str, str, str, str]  # (visitor, country, city, status)


CASES: dict[str, Case] = {
    "de": Case(
        "Außenministerin Anna Berg reist nächste Woche nach Tokio. Dort will sie mit der "
        "japanischen Regierung über Energiepolitik sprechen.\n\n"
        "„Wir wollen die Zusammenarbeit mit Japan deutlich vertiefen“, sagte Berg, nachdem sie "
        "Jonas Weber getroffen hatte.\n\n"
        "Berg sagte, dass die Regierung bis zum Sommer ein neues Abkommen vorbereiten werde.\n\n"
        "Jonas Weber von der Opposition kritisierte die Pläne scharf. „Das kommt viel zu "
        "spät“, sagte er.",
        ("Anna Berg", "Jonas Weber"),
        (("Anna Berg", "Wir"), ("Jonas Weber", "Das")),
        ("Anna Berg", "Abkommen"),
        ("Anna Berg", "JPN", "Tokyo", "planned"),
    ),
    "fr": Case(
        "Le chef de la diplomatie Paul Martin se rendra la semaine prochaine à Tokyo pour une "
        "visite de trois jours.\n\n"
        "« Nous voulons renforcer notre coopération avec le Japon », a dit Paul Martin, après "
        "un entretien avec Claire Dubois.\n\n"
        "Paul Martin a affirmé que le gouvernement préparait un nouvel accord avant l'été.\n\n"
        "La socialiste Claire Dubois a critiqué ce calendrier. « Cela arrive beaucoup trop "
        "tard », a-t-elle déclaré.",
        ("Paul Martin", "Claire Dubois"),
        (("Paul Martin", "Nous"), ("Claire Dubois", "Cela")),
        ("Paul Martin", "accord"),
        ("Paul Martin", "JPN", "Tokyo", "planned"),
    ),
    "es": Case(
        "El ministro de Exteriores Luis Ruiz viajará la próxima semana a Tokio para una visita "
        "oficial de tres días.\n\n"
        "«Queremos reforzar nuestra cooperación con Japón», dijo Ruiz, tras reunirse con la "
        "diputada Marta Gómez.\n\n"
        "Ruiz afirmó que el Gobierno prepara un nuevo acuerdo comercial antes del verano.\n\n"
        "Marta Gómez criticó el plan en el Congreso. «Esto llega demasiado tarde para las "
        "empresas», según Gómez.",
        ("Luis Ruiz", "Marta Gómez"),
        (("Luis Ruiz", "Queremos"), ("Marta Gómez", "Esto")),
        ("Luis Ruiz", "acuerdo"),
        ("Luis Ruiz", "JPN", "Tokyo", "planned"),
    ),
    "pt": Case(
        "O ministro dos Negócios Estrangeiros João Costa vai viajar na próxima semana para "
        "Madrid para uma visita oficial de dois dias.\n\n"
        '"Queremos reforçar a nossa cooperação com Espanha", disse Costa, após um encontro com '
        "a deputada Ana Silva.\n\n"
        "Costa afirmou que o Governo está a preparar um novo acordo comercial antes do verão.\n\n"
        'Ana Silva criticou o calendário. "Isto chega tarde demais para as empresas", disse '
        "ela.",
        ("João Costa", "Ana Silva"),
        (("João Costa", "Queremos"), ("Ana Silva", "Isto")),
        ("João Costa", "acordo"),
        ("João Costa", "ESP", "Madrid", "planned"),
    ),
    "nl": Case(
        "Minister van Buitenlandse Zaken Jan de Vries reist volgende week naar Tokio voor een "
        "bezoek van drie dagen.\n\n"
        "„We willen de samenwerking met Japan op het gebied van energie versterken”, zei De "
        "Vries, na een gesprek met Kamerlid Sanne Bakker.\n\n"
        "De Vries zei dat de regering voor de zomer een nieuw handelsakkoord wil voorbereiden."
        "\n\n"
        "Sanne Bakker had kritiek op de plannen. „Dit komt veel te laat voor de bedrijven”, "
        "zei ze.",
        ("Jan de Vries", "Sanne Bakker"),
        (("Jan de Vries", "We"), ("Sanne Bakker", "Dit")),
        ("Jan de Vries", "handelsakkoord"),
        ("Jan de Vries", "JPN", "Tokyo", "planned"),
    ),
    "it": Case(
        "Il ministro degli Esteri Marco Rossi si recherà la prossima settimana a Tokyo per una "
        "visita ufficiale di tre giorni.\n\n"
        "«Vogliamo rafforzare la nostra cooperazione con il Giappone», ha detto Rossi, dopo un "
        "incontro con la deputata Giulia Bianchi.\n\n"
        "Rossi ha dichiarato che il governo prepara un nuovo accordo commerciale prima "
        "dell'estate.\n\n"
        "Giulia Bianchi ha criticato il calendario. «Arriva troppo tardi per le imprese», "
        "secondo lei.",
        ("Marco Rossi", "Giulia Bianchi"),
        (("Marco Rossi", "Vogliamo"), ("Giulia Bianchi", "Arriva")),
        ("Marco Rossi", "accordo"),
        ("Marco Rossi", "JPN", "Tokyo", "planned"),
    ),
    "tr": Case(
        "Dışişleri Bakanı Ayşe Demir gelecek hafta resmi bir ziyaret için Berlin'e gidecek."
        "\n\n"
        'Demir, "Almanya ile enerji alanındaki işbirliğimizi güçlendirmek istiyoruz" dedi.\n\n'
        "Demir'e göre hükümet yaz aylarından önce Almanya ile yeni bir ticaret anlaşması "
        "hazırlıyor.\n\n"
        "Milletvekili Mehmet Kaya ise planı sert bir dille eleştirdi. "
        '"Bu adım şirketler için çok geç kaldı" diye ekledi.',
        ("Ayşe Demir", "Mehmet Kaya"),
        (("Ayşe Demir", "Almanya"), ("Mehmet Kaya", "Bu")),
        ("Ayşe Demir", "anlaşması"),
        ("Ayşe Demir", "DEU", "Berlin", "planned"),
    ),
    "pl": Case(
        "Minister spraw zagranicznych Jan Nowak w przyszłym tygodniu uda się z trzydniową "
        "wizytą do Tokio.\n\n"
        "„Chcemy zacieśnić współpracę z Japonią w dziedzinie energetyki” – powiedział Nowak."
        "\n\n"
        "Nowak powiedział, że rząd przygotowuje nową umowę handlową przed latem.\n\n"
        "Posłanka Ewa Zielińska skrytykowała te plany w Sejmie. „To przychodzi zdecydowanie za "
        "późno dla firm” – stwierdziła posłanka.",
        ("Jan Nowak", "Ewa Zielińska"),
        (("Jan Nowak", "Chcemy"), ("Ewa Zielińska", "To")),
        ("Jan Nowak", "umowę"),
        ("Jan Nowak", "JPN", "Tokyo", "planned"),
    ),
    "vi": Case(
        "Bộ trưởng Ngoại giao Trần Văn Hùng sẽ thăm chính thức Tokyo vào tuần tới.\n\n"
        "“Chúng tôi muốn tăng cường hợp tác với Nhật Bản trong lĩnh vực năng lượng”, ông Hùng "
        "nói sau cuộc gặp với đại biểu Lê Thị Lan.\n\n"
        "Ông Hùng cho biết chính phủ đang chuẩn bị một hiệp định thương mại mới trước mùa hè."
        "\n\n"
        "Đại biểu Quốc hội Lê Thị Lan đã phê phán kế hoạch này. “Điều này đến quá muộn đối "
        "với các doanh nghiệp”, bà nói.",
        ("Trần Văn Hùng", "Lê Thị Lan"),
        (("Trần Văn Hùng", "Chúng"), ("Lê Thị Lan", "Điều")),
        ("Trần Văn Hùng", "hiệp"),
        ("Trần Văn Hùng", "JPN", "Tokyo", "planned"),
    ),
    "ms": Case(
        "Menteri Luar Negeri Ahmad Razali akan mengadakan lawatan rasmi ke Tokyo minggu depan."
        "\n\n"
        "“Kami mahu memperkukuh kerjasama dengan Jepun dalam sektor tenaga,” kata Ahmad "
        "selepas bertemu Ahli Parlimen Siti Aminah.\n\n"
        "Beliau berkata kerajaan sedang menyediakan satu perjanjian perdagangan baharu sebelum "
        "akhir tahun ini.\n\n"
        "Siti Aminah mengkritik rancangan itu. “Langkah ini sudah terlambat bagi syarikat "
        "tempatan,” katanya.",
        ("Ahmad Razali", "Siti Aminah"),
        (("Ahmad Razali", "Kami"), ("Siti Aminah", "Langkah")),
        ("Ahmad Razali", "perjanjian"),
        ("Ahmad Razali", "JPN", "Tokyo", "planned"),
    ),
}


def _emptiest(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """The least committal answer a schema admits: 'none'/'unknown', empty lists."""
    if "$ref" in schema:
        return _emptiest(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "enum" in schema:
        values = schema["enum"]
        return next((v for v in ("none", "unknown") if v in values), values[0])
    if "anyOf" in schema:
        return None
    kind = schema.get("type")
    if kind == "object":
        return {k: _emptiest(v, defs) for k, v in schema.get("properties", {}).items()}
    return {"array": [], "string": ""}.get(kind)


def _extract(case: Case) -> factx.ArticleFacts:
    def responder(messages: list[Any], model: Any) -> Any:
        if model.__name__ == "_Entities":
            return {"people": list(case.people), "organisations": []}
        schema = model.model_json_schema()
        return _emptiest(schema, schema.get("$defs", {}))

    ex = factx.Extractor(FakeBackend(responder=responder, tier="small"), strategy="staged")
    return ex.extract(case.text, published=PUBLISHED)


LANGS = sorted(CASES)


@pytest.mark.parametrize("code", LANGS)
def test_the_article_is_read_in_its_language(code: str) -> None:
    assert code in _lang.available()
    assert Article.parse(CASES[code].text).language == code


@pytest.mark.parametrize("code", LANGS)
def test_quotes_get_their_speakers_from_the_cue_words(code: str) -> None:
    case = CASES[code]
    facts = _extract(case)
    assert facts.language == code
    got = [(q.speaker, q.text.split()[0].strip(",.")) for q in facts.quotes]
    assert got == list(case.quotes)


@pytest.mark.parametrize("code", LANGS)
def test_reported_speech_is_a_statement_of_its_speaker(code: str) -> None:
    case = CASES[code]
    speaker, word = case.statement
    found = [s for s in _extract(case).statements if word in s.content]
    assert [s.speaker.name for s in found] == [speaker]


@pytest.mark.parametrize("code", LANGS)
def test_travel_cue_destination_and_tense_make_a_visit(code: str) -> None:
    case = CASES[code]
    got = [
        (v.visitor.name, v.destination.country, v.destination.city, v.status)
        for v in _extract(case).visits
    ]
    assert got == [case.visit]


def _keys(data: dict[str, Any], prefix: str = "") -> set[str]:
    out = set()
    for k, v in data.items():
        out |= _keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
    return out


def _file(code: str) -> dict[str, Any]:
    return tomllib.loads((LANG_DIR / f"{code}.toml").read_text("utf-8"))


@pytest.mark.parametrize("code", [c for c in _lang.available() if c != "en"])
def test_every_file_has_the_keys_of_en_toml(code: str) -> None:
    assert _keys(_file(code)) == _keys(_file("en"))


def test_the_readme_documents_every_key() -> None:
    readme = (LANG_DIR / "README.md").read_text("utf-8")
    missing = sorted(k for k in _keys(_file("en")) if f"`{k}`" not in readme)
    assert missing == []


# A capital letter is an upper-case letter: 'déclaré', 'übernimmt', 'önümüzdeki' beside a
# name are not part of it.
@pytest.mark.parametrize(
    ("code", "text", "name"),
    [
        ("fr", "« Nous sommes prêts à signer cet accord », a déclaré Paul Martin.", "Paul Martin"),
        ("de", "Kanzlerin Anna Berg übernimmt am Montag den Vorsitz der Konferenz.", "Anna Berg"),
        ("tr", "Bakan Ayşe Demir önümüzdeki hafta Berlin'de temaslarda bulunacak.", "Ayşe Demir"),
    ],
)
def test_a_lower_case_accented_word_beside_a_name_is_not_part_of_it(
    code: str, text: str, name: str
) -> None:
    article = Article.parse(text)
    assert article.language == code
    people = [a.name for a in build_actors(article, [(name, "person")]) if a.kind == "person"]
    assert people == [name]
