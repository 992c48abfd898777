"""Visits read by code: cue, destination, visitor (named, owner, role), nationality, tense."""

from __future__ import annotations

import asyncio

from factx import _pipeline, _visits
from factx._actors import build_actors
from factx._article import Article
from factx._session import Session, Settings
from factx.backends import FakeBackend


def _cands(text: str, people: list[str], published: str | None = None) -> list[_visits.Candidate]:
    article = Article.parse(text, published=published)
    actors = build_actors(article, [(p, "person") for p in people])
    strip = {s.index: _pipeline._strip_quotes(article, s) for s in article.sentences}
    return _visits.candidates(article, _visits.People.read(article, actors), strip)


def _summary(cands: list[_visits.Candidate]) -> list[tuple[str | None, str, str, list[str]]]:
    return [
        (c.visitor.name if c.visitor else None, c.place.country, c.status, c.dates) for c in cands
    ]


def _visits_of(text: str, people: list[str], published: str | None = None, answers=()):
    """Staged visits with ``answers`` for the visitor questions."""
    article = Article.parse(text, published=published)
    scripted = list(answers)

    def respond(messages, model):
        return scripted.pop(0)

    backend = FakeBackend(responder=respond)
    session = Session(backend, article, Settings())
    actors = build_actors(article, [(p, "person") for p in people])
    people = _visits.People.read(article, actors)
    visits = asyncio.run(_pipeline._staged_visits(session, people))
    return visits, backend


def test_planned_visit_with_verb_and_nationality_from_title() -> None:
    got = _cands(
        "Presiden Rusia Vladimir Putin akan mengunjungi Beijing bulan depan untuk berunding.",
        ["Vladimir Putin"],
    )
    assert _summary(got) == [("Vladimir Putin", "CHN", "planned", [])]


def test_english_arrival_is_completed_by_date() -> None:
    got = _cands(
        "Russian Foreign Minister Sergei Lavrov arrived in Islamabad on April 6 for two days "
        "of talks with his counterpart.",
        ["Sergei Lavrov"],
        published="2021-04-08",
    )
    assert _summary(got) == [("Sergei Lavrov", "PAK", "completed", ["2021-04-06"])]
    assert got[0].place.city == "Islamabad"


def test_a_host_at_home_is_not_a_visitor() -> None:
    text = (
        "Menteri Luar Negeri Pakistan Shah Mehmood Qureshi menghadiri pertemuan dengan "
        "mitranya di Islamabad pada hari Rabu."
    )
    assert _cands(text, ["Shah Mehmood Qureshi"]) == []


def test_noun_cue_takes_its_owner_after_it() -> None:
    got = _cands(
        "Menteri Luar Negeri Rusia Sergei Lavrov bertemu mitranya pada hari Rabu.\n\n"
        "Kunjungan Lavrov ke Pakistan adalah yang pertama dalam sembilan tahun.",
        ["Sergei Lavrov"],
    )
    assert _summary(got) == [("Sergei Lavrov", "PAK", "completed", [])]


def test_owner_after_a_noun_cue_whose_destination_came_first() -> None:
    got = _cands(
        "Ini akan menjadi kunjungan pertama ke Moskow setelah perjalanan tiga hari mantan "
        "Presiden Asif Ali Zardari pada tahun 2011 atas undangan Presiden Dmitry Medvedev.",
        ["Asif Ali Zardari", "Dmitry Medvedev"],
        published="2022-02-22",
    )
    zardari = [c for c in got if c.visitor and c.visitor.name == "Asif Ali Zardari"]
    assert _summary(zardari) == [("Asif Ali Zardari", "RUS", "completed", ["2011"])]
    assert zardari[0].inviter is not None and zardari[0].inviter.name == "Dmitry Medvedev"


def test_role_is_resolved_to_the_last_person_of_that_country() -> None:
    text = (
        "Presiden Rusia Vladimir Putin berbicara kepada wartawan pada hari Senin.\n\n"
        "Pemimpin Kremlin tersebut menghadiri Forum Sabuk dan Jalan di Tiongkok pada tahun "
        "2017 dan 2019."
    )
    visits, _ = _visits_of(text, ["Vladimir Putin"], published="2023-09-20")
    assert [(v.visitor.name, v.destination.country, v.start_date) for v in visits] == [
        ("Vladimir Putin", "CHN", "2017"),
        ("Vladimir Putin", "CHN", "2019"),
    ]
    assert all(v.status == "completed" for v in visits)


def test_ongoing_marker() -> None:
    text = (
        "Menteri Luar Negeri Tiongkok Wang Yi bertemu Putin di Moskow.\n\n"
        "Bapak Wang sedang dalam kunjungan empat hari ke Rusia untuk membahas keamanan."
    )
    got = _cands(text, ["Wang Yi", "Vladimir Putin"])
    assert ("Wang Yi", "RUS", "ongoing", []) in _summary(got)


def test_a_cue_without_a_destination_is_not_a_visit() -> None:
    text = "Sejak perang, Putin terutama mengunjungi negara-negara bekas Soviet."
    assert _cands(text, ["Vladimir Putin"]) == []


def test_sentences_about_one_trip_merge_and_an_old_trip_stays_apart() -> None:
    text = (
        "Perdana Menteri Imran Khan akan melakukan kunjungan dua hari ke Rusia mulai 23 "
        "Februari.\n\n"
        "Menteri Luar Negeri mengungkapkan bahwa perdana menteri akan mengunjungi Rusia pada "
        "bulan Februari.\n\n"
        "Imran Khan terakhir mengunjungi Rusia pada 2012 sebagai anggota delegasi parlemen."
    )
    visits, backend = _visits_of(text, ["Imran Khan"], published="2022-02-10")
    assert backend.calls == []  # the role 'perdana menteri' was resolved by code
    assert [(v.start_date, v.status, len(v.evidence)) for v in visits] == [
        ("2022-02-23", "planned", 2),
        ("2012", "completed", 1),
    ]


def test_unresolved_visitor_is_asked_and_none_is_respected() -> None:
    text = (
        "Presiden Joko Widodo menerima Perdana Menteri Anthony Albanese di Jakarta.\n\n"
        "Seorang pejabat tinggi tiba di Canberra pada hari Senin."
    )
    visits, backend = _visits_of(
        text, ["Joko Widodo", "Anthony Albanese"], answers=[{"visitor": "Joko Widodo"}]
    )
    assert [c[1].__name__ for c in backend.calls] == ["Visitor"]
    assert [(v.visitor.name, v.destination.country) for v in visits] == [("Joko Widodo", "AUS")]
    visits, _ = _visits_of(text, ["Joko Widodo", "Anthony Albanese"], answers=[{"visitor": "none"}])
    assert visits == []


def test_captions_are_not_body() -> None:
    text = (
        "Lavrov tiba di Islamabad pada hari Selasa untuk pembicaraan dua hari.\n\n"
        "FILE – Menteri Luar Negeri Rusia Sergei Lavrov tiba di Islamabad, 6 April 2021.\n\n"
        "Menteri Luar Negeri Rusia Sergei Lavrov, 7 April 2021.\n\n"
        "Pembicaraan itu membahas perdagangan, energi dan keamanan kawasan, kata kementerian.\n\n"
        "Kedua menteri juga membahas situasi di Afghanistan menjelang penarikan pasukan asing."
    )
    kinds = [b.kind for b in Article.parse(text).blocks]
    assert kinds == ["body", "caption", "caption", "body", "body"]


def test_titled_people_are_actors_even_when_the_model_omits_them() -> None:
    from factx._actors import titled_people

    text = (
        "Ini akan menjadi kunjungan pertama ke Moskow setelah perjalanan tiga hari mantan "
        "Presiden Asif Ali Zardari pada tahun 2011.\n\n"
        "Kantor Presiden Turki Tayyip Erdogan mengatakan Perdana Menteri Li Qiang telah tiba."
    )
    english = (
        "Turkish President Tayyip Erdogan's office said on Monday that Prime Minister Li Qiang "
        "arrived in Ankara for talks."
    )
    assert titled_people(Article.parse(text)) == ["Asif Ali Zardari", "Tayyip Erdogan", "Li Qiang"]
    assert titled_people(Article.parse(english)) == ["Tayyip Erdogan", "Li Qiang"]
    got = _cands(text, [], published="2022-02-22")  # the model listed nobody
    assert ("Asif Ali Zardari", "RUS", "completed", ["2011"]) in _summary(got)
