"""Quotations found by how they are printed, in many conventions (invented text)."""

from __future__ import annotations

import pytest

from factx import Extractor
from factx._article import Article
from factx.backends import FakeBackend

_LEAD = (
    "The two delegations met on Tuesday in the capital for a long round of talks about "
    "trade, energy and the border, officials said after the meeting ended late at night."
)


def _quoted(body: str) -> list[str]:
    """Quotation texts of an article whose body is ``body`` after a prose lead."""
    art = Article.parse(f"{_LEAD}\n{body}\n{_LEAD}")
    return [q.text for q in art.quotations]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # English, Dutch, Indonesian: “…”
        (
            "“We are ready to sign the deal,” the minister said on Tuesday evening.",
            ["We are ready to sign the deal,"],
        ),
        # Kompas and Swedish/Finnish print style: the same mark on both sides
        (
            "”Kami akan terus memantau situasi di lapangan,” kata Rina kepada wartawan. "
            "”Tidak ada yang dikecualikan,” ujarnya.",
            ["Kami akan terus memantau situasi di lapangan,", "Tidak ada yang dikecualikan,"],
        ),
        # Kompas style with the closing mark set against the next word
        (
            "”Tiket bisa dipakai lagi dalam setahun ke depan, ”katanya. ”Kami rugi,”ujar Rina.",
            ["Tiket bisa dipakai lagi dalam setahun ke depan,", "Kami rugi,"],
        ),
        # English: a mark after a comma opens ('said, "the ...')
        (
            'The minister said, "the talks went well," and left the hall in a hurry.',
            ["the talks went well,"],
        ),
        # German „…“ and Polish „…”
        (
            "„Das ist ein guter Tag für Europa“, sagte die Ministerin am Abend in Berlin.",
            ["Das ist ein guter Tag für Europa"],
        ),
        (
            "„To dobry dzień dla obu krajów” – powiedział minister po spotkaniu w Berlinie.",
            ["To dobry dzień dla obu krajów"],
        ),
        # French guillemets with (thin) spaces, Danish »…«, Swedish »…»
        (
            "« C’est une nouvelle ère pour nos deux pays », a déclaré le président hier soir.",
            ["C’est une nouvelle ère pour nos deux pays"],
        ),
        (
            "«\u202fNous resterons vigilants\u202f», a ajouté la ministre devant la presse.",
            ["Nous resterons vigilants"],
        ),
        (
            "»Vi er klar til at underskrive aftalen«, sagde ministeren til pressen i går.",
            ["Vi er klar til at underskrive aftalen"],
        ),
        (
            "»Vi är redo att skriva under avtalet», sade ministern till pressen i går.",
            ["Vi är redo att skriva under avtalet"],
        ),
        # typewriter marks, twice in one sentence
        (
            'He said "we are ready" and "we will sign" before leaving the hall on Friday.',
            ["we are ready", "we will sign"],
        ),
        # CJK corner brackets
        (
            "「これは両国にとって新しい時代だ」と大臣は記者団に語った。",
            ["これは両国にとって新しい時代だ"],
        ),
        # a nested quotation stays inside the outer one
        (
            "“They told us ‘never again’ and we believed them,” the envoy said in Geneva.",
            ["They told us ‘never again’ and we believed them,"],
        ),
    ],
)
def test_conventions(body: str, expected: list[str]) -> None:
    assert _quoted(body) == expected


def test_quotation_over_several_paragraphs_is_one_quote_per_paragraph() -> None:
    text = (
        f"{_LEAD}\n"
        "“We came here to listen to each other and to find a way forward for both peoples.\n"
        "“We found one, and we will put it to our parliaments next month,” the minister said.\n"
        f"{_LEAD}"
    )
    art = Article.parse(text)
    assert [q.text for q in art.quotations] == [
        "We came here to listen to each other and to find a way forward for both peoples.",
        "We found one, and we will put it to our parliaments next month,",
    ]
    assert [q.continues for q in art.quotations] == [True, False]


def test_stray_or_missing_mark_does_not_swallow_the_article() -> None:
    text = (
        f"{_LEAD}\n"
        "The talks, described as ”frank by one delegate, went on past midnight in the hall.\n"
        "“We will meet again in June,” said the envoy as the delegations left the building.\n"
        "Officials said a “roadmap was discussed but no document was signed at the end.\n"
        f"{_LEAD}"
    )
    art = Article.parse(text)
    assert [q.text for q in art.quotations] == ["We will meet again in June,"]
    # the sentence splitter is not blocked by the stray marks either
    assert len(art.sentences) == 5


def test_closing_mark_typed_as_opening_one() -> None:
    assert _quoted(
        "“The region must serve all the states in it, “the minister said in a statement."
    ) == ["The region must serve all the states in it,"]


def test_sentence_ending_in_a_quotation_is_cut_after_it() -> None:
    art = Article.parse(f"{_LEAD}\nShe said: “We stop here.” Then she left the room.\n{_LEAD}")
    texts = [s.text for s in art.sentences]
    assert "She said: “We stop here.”" in texts
    assert "Then she left the room." in texts


def test_kompas_quotes_through_the_public_api() -> None:
    """Same-mark quotations reach the result as quotes with their speaker."""
    text = (
        "JAKARTA — Kepala dinas kesehatan kota, Rina Wulandari, meninjau posko pengungsian di "
        "tepi sungai pada Senin pagi bersama petugas gabungan dan relawan setempat.\n"
        "”Kami akan terus memantau situasi di lapangan sampai air benar-benar surut,” kata "
        "Rina kepada wartawan.\n"
        "Menurut dia, bantuan logistik untuk para pengungsi sudah tiba sejak Minggu malam dan "
        "dibagikan kepada warga di tiga kelurahan yang terdampak banjir.\n"
    )

    def respond(messages: list[dict[str, str]], model: type) -> dict[str, object]:
        if "people" in model.model_fields:
            return {"people": ["Rina Wulandari"], "organisations": []}
        field = next(iter(model.model_fields))
        return (
            {field: "none"}
            if field != "parties"
            else {"parties": [], "what": "", "status": "proposed"}
        )

    ex = Extractor(FakeBackend(responder=respond, tier="small"), strategy="staged")
    facts = ex.extract(text, published="2024-03-04")
    assert [(q.speaker, q.text) for q in facts.quotes] == [
        (
            "Rina Wulandari",
            "Kami akan terus memantau situasi di lapangan sampai air benar-benar surut,",
        )
    ]
    span = facts.quotes[0].evidence[0]
    assert text[span.start : span.end] == facts.quotes[0].text


def test_a_short_last_paragraph_that_is_a_sentence_is_body() -> None:
    text = (
        "BEIJING — The two leaders met for three hours on Tuesday and agreed to restore "
        "direct flights, to reopen consulates and to hold annual talks on trade.\n"
        "Officials from both sides described the meeting as frank and said that more "
        "meetings would follow in the coming months, starting in Hanoi.\n"
        '"This is a new era," Xi said.\n'
        "Related: Five things to know about the summit\n"
    )
    art = Article.parse(text)
    kinds = [b.kind for b in art.blocks]
    assert kinds == ["body", "body", "body", "boilerplate"]
    assert [q.text for q in art.quotations] == ["This is a new era,"]
