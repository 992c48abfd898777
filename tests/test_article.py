"""Article segmentation on the real seeds: body vs furniture, sentences, quotations, dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from factx import InputError
from factx._article import Article
from factx.backends import FakeBackend

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_FILES = sorted(SEEDS.glob("0*.txt"))


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=[p.name for p in SEED_FILES])
def seeded(request: pytest.FixtureRequest) -> Article:
    return Article.parse((SEEDS / request.param).read_text(encoding="utf-8"), source=request.param)


def block_starting(article: Article, prefix: str) -> str:
    kinds = [b.kind for b in article.blocks if b.text.startswith(prefix)]
    assert kinds, f"no line starts with {prefix!r}"
    (kind,) = set(kinds)
    return kind


# ----------------------------------------------------------------------------- invariants


def test_seeds_are_present() -> None:
    assert len(SEED_FILES) == 5


def test_offsets_are_exact(seeded: Article) -> None:
    text = seeded.text
    assert seeded.sentences, "every seed has a body"
    for b in seeded.blocks:
        assert text[b.start : b.end] == b.text
        assert b.kind in ("body", "caption", "boilerplate", "hostile")
    for s in seeded.sentences:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()
        assert seeded.in_body(s.start, s.end)
    for q in seeded.quotations:
        assert text[q.start : q.end] == q.text
        assert text[q.start - 1] in '"“„«‘‹「 '  # the marks are outside the span


def test_sentences_are_numbered_from_one_in_order(seeded: Article) -> None:
    assert [s.index for s in seeded.sentences] == list(range(1, len(seeded.sentences) + 1))
    starts = [s.start for s in seeded.sentences]
    assert starts == sorted(starts)
    ends = [s.end for s in seeded.sentences]
    assert all(e <= s for e, s in zip(ends[:-1], starts[1:], strict=True))  # no overlap


def test_sentences_never_split_inside_a_quotation(seeded: Article) -> None:
    by_index = {s.index: s for s in seeded.sentences}
    for q in seeded.quotations:
        s = by_index[q.sentence]
        assert s.start <= q.start and q.end <= s.end, (q.text, s.text)


def test_numbered_lists_body_sentences(seeded: Article) -> None:
    lines = seeded.numbered().splitlines()
    assert lines == [f"[{s.index}] {s.text}" for s in seeded.sentences]


def test_sentence_at(seeded: Article) -> None:
    s = seeded.sentences[-1]
    assert seeded.sentence_at(s.start) == s
    assert seeded.sentence_at(s.end - 1) == s
    assert seeded.sentence_at(len(seeded.text) + 10) is None


# ----------------------------------------------------------------------------- furniture


def test_related_articles_are_not_body() -> None:
    article = Article.parse(seed("003"))
    assert block_starting(article, "Rencana Prioritaskan Vaksin") != "body"
    assert block_starting(article, "Ada yang berkomentar") != "body"
    assert block_starting(article, "Indonesia dan Arab Saudi") != "body"
    assert block_starting(article, "DUNIA | 8 April 2021") != "body"
    assert all("ibuku" not in q.text for q in article.quotations)
    assert all("ibuku" not in s.text for s in article.sentences)
    at = article.text.index("berikan dulu pada ibuku")
    assert not article.in_body(at, at + len("berikan dulu pada ibuku"))


def test_article_body_of_seed_003() -> None:
    article = Article.parse(seed("003"))
    assert article.sentences[0].text.startswith("Islamabad, Beritasatu.com- Pakistan dan Rusia")
    assert article.sentences[-1].text.startswith('"Rusia dan Pakistan telah sepakat')
    assert [q.text for q in article.quotations][1] == (
        "Ini demi kepentingan semua negara di kawasan itu,"
    )
    for furniture in ("Logo BeritaSatu", "Oleh : Unggul Wirawan / WIR", "BAGIKAN", "CLOSE ADS"):
        assert block_starting(article, furniture) == "boilerplate"


def test_caption_line_is_a_caption() -> None:
    article = Article.parse(seed("004"))
    prefix = "Presiden Rusia Vladimir Putin di St. Petersburg pada 29 Juli."
    (block,) = [b for b in article.blocks if b.text.startswith(prefix)]
    assert block.text.endswith("Foto: AFP")
    assert block.kind == "caption"
    assert all("Foto: AFP" not in s.text for s in article.sentences)


def test_page_furniture_after_body_of_seed_004() -> None:
    article = Article.parse(seed("004"))
    for furniture in ("[iklan_2]", "Tautan sumber", "Komentar (0)"):
        assert block_starting(article, furniture) == "boilerplate"


def test_dateline_header_is_not_body() -> None:
    article = Article.parse(seed("000"))
    assert block_starting(article, "22 Februari 2022") == "boilerplate"
    assert article.sentences[0].text.startswith("ISLAMABAD")


# ----------------------------------------------------------------------------- sentences


def test_quotation_with_sentence_punctuation_stays_in_one_sentence() -> None:
    body = (
        'Menteri itu berkata kepada wartawan, "Kami siap. Kami menunggu! Apa lagi?" lalu dia '
        "pergi dari gedung itu. Kalimat berikutnya dimulai di sini dengan kata-kata lain.\n"
    )
    article = Article.parse(body)
    assert [s.text for s in article.sentences] == [
        'Menteri itu berkata kepada wartawan, "Kami siap. Kami menunggu! Apa lagi?" lalu dia '
        "pergi dari gedung itu.",
        "Kalimat berikutnya dimulai di sini dengan kata-kata lain.",
    ]
    (q,) = article.quotations
    assert q.text == "Kami siap. Kami menunggu! Apa lagi?"
    assert q.sentence == 1
    assert q.words == 6


def test_abbreviations_do_not_end_sentences() -> None:
    body = (
        "Dr. Smith and Mr. J. Brown arrived in St. Petersburg on Monday for two days of talks. "
        "They met the mayor.\n"
    )
    texts = [s.text for s in Article.parse(body).sentences]
    assert texts == [
        "Dr. Smith and Mr. J. Brown arrived in St. Petersburg on Monday for two days of talks.",
        "They met the mayor.",
    ]


def test_no_body_means_no_sentences_and_no_model_call() -> None:
    import factx

    article = Article.parse("Menu\nHome\nLogin")
    assert article.sentences == []
    facts = factx.extract("Menu\nHome\nLogin", backend=FakeBackend([]), strategy="single")
    assert (facts.quotes, facts.visits, facts.statements, facts.agreements) == ([], [], [], [])
    assert facts.usage.calls == 0


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        " \n\t \r\n ",
        "\x00\x01\x02\x03binary",
        "PK\x03\x04\x14\x00\x06\x00" + "a" * 20,
        "\x01\x02\x03\x04\x05\x06" * 40 + " some words",
    ],
    ids=["empty", "spaces", "whitespace", "nul", "zip", "control"],
)
def test_unusable_text_raises_input_error(text: str) -> None:
    with pytest.raises(InputError):
        Article.parse(text)


def test_non_text_raises_input_error() -> None:
    with pytest.raises(InputError, match="str"):
        Article.parse(b"bytes are not text")  # type: ignore[arg-type]


def test_extract_refuses_empty_text_before_calling_the_model() -> None:
    import factx

    fake = FakeBackend([])
    with pytest.raises(InputError):
        factx.extract("   ", backend=fake)
    assert fake.calls == []


# ----------------------------------------------------------------------------- dates


def test_published_date_from_seed_000_header() -> None:
    assert Article.parse(seed("000")).published == date(2022, 2, 22)


def test_published_date_from_seed_003_header() -> None:
    # "Kamis, 8 April 2021 | 19:40 WIB"
    assert Article.parse(seed("003")).published == date(2021, 4, 8)


def test_published_argument_wins_over_header() -> None:
    assert Article.parse(seed("000"), published="2023-10-05").published == date(2023, 10, 5)
    assert Article.parse(seed("000"), published=date(2020, 1, 2)).published == date(2020, 1, 2)


def test_published_must_be_iso() -> None:
    with pytest.raises(InputError, match="ISO"):
        Article.parse(seed("000"), published="kemarin")


def test_no_date_in_header() -> None:
    assert Article.parse(seed("004")).published is None


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        ("Menteri Luar Negeri Rusia Sergey Lavrov, 7 April 2021.", True),
        ("Lavrov speaks to reporters in Islamabad, Pakistan, April 7, 2021.", True),
        ("FILE – Pengiriman vaksin Sputnik tiba di Bandara Kosice, Slovakia, 1 Maret 2021.", True),
        ("The agreement was signed in Moscow on Tuesday, March 18, 2025.", False),
        ("Kesepakatan itu ditandatangani di Jakarta pada Rabu, 7 April 2021.", False),
        ("Lavrov mengatakan kedua negara sepakat untuk meningkatkan latihan militer.", False),
    ],
)
def test_caption_by_shape(line: str, caption: bool) -> None:
    from factx._article import _is_caption

    assert _is_caption(line) is caption
