"""Quote speakers named by pronoun, document or role are resolved by code, not the model."""

from __future__ import annotations

import asyncio

from factx import _pipeline, _visits
from factx._actors import build_actors
from factx._article import Article
from factx._session import Session, Settings
from factx.backends import FakeBackend


def _quotes(text: str, entities: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int]:
    article = Article.parse(text)
    actors = build_actors(article, entities)
    backend = FakeBackend(responder=lambda messages, model: {"speaker": "unknown"})
    session = Session(backend, article, Settings())
    people = _visits.People.read(article, actors)
    quotes = asyncio.run(_pipeline._staged_quotes(session, actors, people))
    return [(q.speaker, q.text.split()[0]) for q in quotes], len(backend.calls)


def test_pronoun_cue_takes_the_last_speaker() -> None:
    text = (
        "“Kami sangat khawatir tentang situasi di kawasan itu,” kata Menteri Luar Negeri "
        "Rusia Sergei Lavrov kepada wartawan.\n\n"
        "“Kami siap membantu semua pihak untuk mencapai perdamaian yang abadi,” katanya."
    )
    got, calls = _quotes(text, [("Sergei Lavrov", "person")])
    assert got == [("Sergei Lavrov", "Kami"), ("Sergei Lavrov", "Kami")]
    assert calls == 0


def test_role_with_country_is_the_person_of_that_country_and_office() -> None:
    text = (
        "Menteri Luar Negeri Rusia Sergei Lavrov bertemu Menteri Luar Negeri Pakistan Shah "
        "Mehmood Qureshi di Islamabad pada hari Rabu untuk pembicaraan.\n\n"
        "Qureshi menyambut baik kunjungan itu dan berbicara tentang perdagangan kedua negara.\n\n"
        "“Kami berharap pipa gas itu segera dibangun oleh perusahaan kedua negara,” kata "
        "menteri luar negeri Rusia."
    )
    got, calls = _quotes(text, [("Sergei Lavrov", "person"), ("Shah Mehmood Qureshi", "person")])
    assert got == [("Sergei Lavrov", "Kami")]
    assert calls == 0


def test_the_statement_is_the_organisation_last_named_as_a_source() -> None:
    text = (
        "Perdana Menteri Imran Khan akan berkunjung ke Rusia, kata Kementerian Luar Negeri "
        "(FO) dalam sebuah pernyataan pada hari Senin.\n\n"
        "“Perdana Menteri akan didampingi oleh delegasi tingkat tinggi,” kata pernyataan itu."
    )
    got, calls = _quotes(text, [("Imran Khan", "person"), ("Kementerian Luar Negeri", "org")])
    assert got == [("Kementerian Luar Negeri", "Perdana")]
    assert calls == 0


def test_an_indefinite_role_goes_to_the_model() -> None:
    text = (
        "Presiden Joko Widodo bertemu Perdana Menteri Anthony Albanese di Jakarta pada hari "
        "Senin untuk membahas perdagangan.\n\n"
        "“Kami akan terus bekerja sama dengan erat di bidang energi,” kata seorang pejabat."
    )
    got, calls = _quotes(text, [("Joko Widodo", "person"), ("Anthony Albanese", "person")])
    assert calls == 1 and got == []  # the model said 'unknown': no speaker is invented


def test_english_subject_before_said_is_the_speaker_not_the_country_after() -> None:
    text = (
        "Indonesian President Prabowo Subianto met Australian Prime Minister Anthony Albanese "
        "in Jakarta on Tuesday for talks on trade and security.\n\n"
        "Prabowo said Indonesia welcomed closer security ties with its southern neighbour.\n\n"
        '"We are friends to all countries, and enemies of none," he said.'
    )
    got, calls = _quotes(text, [("Prabowo Subianto", "person"), ("Anthony Albanese", "person")])
    assert got == [("Prabowo Subianto", "We")]  # 'he' = the last person reported speaking
    assert calls == 0
    article = Article.parse(text)
    actors = build_actors(article, [("Prabowo Subianto", "person"), ("Anthony Albanese", "person")])
    s = article.sentences[1]
    assert _pipeline._attributed(s.text, s.start, actors, article.lex).name == "Prabowo Subianto"


def test_an_unnamed_subject_before_said_is_not_the_person_named_earlier() -> None:
    text = (
        "Prime Minister Anthony Albanese arrived in Jakarta for talks with President Prabowo "
        "Subianto, the Australian embassy said."
    )
    article = Article.parse(text)
    actors = build_actors(article, [("Prabowo Subianto", "person"), ("Anthony Albanese", "person")])
    s = article.sentences[0]
    assert _pipeline._attributed(s.text, s.start, actors, article.lex) is None


def test_said_followed_by_a_clause_subject_takes_the_speaker_before() -> None:
    text = (
        "Ukrainian President Volodymyr Zelenskiy, who flew to Istanbul from Kyiv on Friday, "
        "said Ukraine was grateful for Turkey's mediation in the talks."
    )
    article = Article.parse(text)
    actors = build_actors(article, [("Volodymyr Zelenskiy", "person")])
    s = article.sentences[0]
    assert _pipeline._attributed(s.text, s.start, actors, article.lex).name == "Volodymyr Zelenskiy"


def test_an_agreement_that_was_not_made_is_not_asked() -> None:
    text = (
        "Menteri Luar Negeri Rusia Sergei Lavrov bertemu Menteri Luar Negeri Pakistan Shah "
        "Mehmood Qureshi di Islamabad pada hari Rabu.\n\n"
        "Permusuhan akan meningkat karena tidak adanya kesepakatan politik antara Rusia dan "
        "Pakistan mengenai masa depan kawasan itu.\n\n"
        "Rusia dan Pakistan sepakat untuk meningkatkan latihan militer bersama tahun ini."
    )
    article = Article.parse(text)
    actors = build_actors(
        article, [("Sergei Lavrov", "person"), ("Shah Mehmood Qureshi", "person")]
    )
    backend = FakeBackend(
        responder=lambda m, r: {"parties": ["Rusia", "Pakistan"], "what": "x", "status": "agreed"}
    )
    session = Session(backend, article, Settings())
    people = _visits.People.read(article, actors)
    got = asyncio.run(_pipeline._staged_agreements(session, actors, people))
    assert len(backend.calls) == 1  # only the sentence where they did agree
    assert [a.evidence[0].text.split()[0] for a in got] == ["Rusia"]
