"""factx.events: grouping facts of many articles into events, actor keys, exports, scoring."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import factx
from factx._actorkeys import ActorTable
from factx._eventeval import load_merge_gold, records_from_gold, score_events
from factx._eventexport import ICEWS_COLUMNS, cameo_rows, plover_records, plover_rows
from factx.cli import main
from factx.events import Event, events

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds" / "seeds.gold.jsonl"
MERGE_GOLD = ROOT / "benchmarks" / "events_gold.jsonl"
LAVROV = ("001_505f7a10906b88f1.txt", "002_a5886b662a4499da.txt", "003_11419a4754fb116b.txt")


@pytest.fixture(scope="module")
def seed_records() -> list[dict[str, Any]]:
    return records_from_gold(SEEDS)


@pytest.fixture(scope="module")
def seed_events(seed_records: list[dict[str, Any]]) -> list[Event]:
    return events(seed_records)


def _record(source: str, published: str | None, **facts: Any) -> dict[str, Any]:
    return {"source": source, "published": published, **facts}


# --------------------------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------------------------


def test_lavrov_trip_is_one_event_with_three_sources(seed_events: list[Event]) -> None:
    lavrov = [e for e in seed_events if e.kind == "visit" and e.actor and "lavrov" in e.actor.key]
    trip = [e for e in lavrov if e.n_sources > 1]
    assert len(trip) == 1
    ev = trip[0]
    assert sorted(s.article for s in ev.sources) == sorted(LAVROV)
    assert ev.target is not None and ev.target.key == "PAK"
    assert ev.fields["destination.city"].value == "Islamabad"
    assert ev.status == "completed"  # the latest report says so
    assert {h.status for h in ev.status_history} == {"ongoing", "completed"}
    # nothing else merges with it: his 2012 visit stays apart
    assert [e.date for e in lavrov if e is not ev] == ["2012"]
    assert all(s.evidence and s.evidence[0].text for s in ev.sources)
    assert {link.rule for link in ev.links} == {"visit.undated-same-city"}
    assert ev.confidence == pytest.approx(1 - 0.5**3)


def test_seed_merge_gold_scores(seed_events: list[Event]) -> None:
    gold = load_merge_gold(MERGE_GOLD, prefix="seeds/")
    assert gold.events["seeds/lavrov-pakistan-2021-04"][0].doc == LAVROV[0]
    score = score_events(seed_events, gold)
    assert score.unaligned_gold == 0
    assert score.per_kind["visits"].pairwise.f1 == 1.0
    assert score.per_kind["agreements"].pairwise.f1 == 1.0
    assert score.pairwise.precision >= 0.9
    assert score.bcubed.f1 >= 0.9
    table = score.format_table()
    assert "pair F1" in table and "B3 F1" in table


def test_merge_gold_covers_every_seed_fact(seed_records: list[dict[str, Any]]) -> None:
    gold = load_merge_gold(MERGE_GOLD, prefix="seeds/")
    named = {(f.doc, f.kind, f.index) for fs in gold.events.values() for f in fs}
    facts = {
        (r["source"], kind, i)
        for r in seed_records
        for kind in ("visits", "agreements", "statements", "quotes")
        for i in range(len(r[kind]))
    }
    assert named == facts


def test_same_input_in_any_order_gives_the_same_events(
    seed_records: list[dict[str, Any]], seed_events: list[Event]
) -> None:
    shuffled = list(seed_records)
    random.Random(7).shuffle(shuffled)
    again = events(shuffled)
    assert [e.id for e in again] == [e.id for e in seed_events]


# --------------------------------------------------------------------------------------------
# Merge rules
# --------------------------------------------------------------------------------------------


def test_planned_and_completed_visit_merge_with_status_history() -> None:
    recs = [
        _record("a.txt", "2022-02-22", visits=[{
            "visitor": {"name": "Imran Khan", "country": "PAK"},
            "destination": {"country": "RUS", "city": "Moscow"},
            "start_date": "2022-02-23", "end_date": "2022-02-24", "status": "planned"}]),
        _record("b.txt", "2022-02-25", visits=[{
            "visitor": {"name": "Perdana Menteri Imran Khan"},
            "destination": {"country": "RUS", "city": "Moskow"},
            "start_date": "2022-02-23", "status": "completed"}]),
    ]  # fmt: skip
    (ev,) = events(recs)
    assert ev.n_sources == 2
    assert ev.actor is not None and ev.actor.key == "imran_khan@PAK"
    assert [(h.status, h.published) for h in ev.status_history] == [
        ("planned", "2022-02-22"),
        ("completed", "2022-02-25"),
    ]
    assert ev.status == "completed"
    assert ev.fields["status"].dissent[0].value == "planned"
    city = ev.fields["destination.city"]
    assert city.value in ("Moscow", "Moskow") and len(city.dissent) == 1  # disagreement kept
    assert ev.date == "2022-02-23"
    assert ev.links[0].rule == "visit.same-visitor-destination-dates"


def test_different_visitors_or_years_do_not_merge() -> None:
    visit = {"destination": {"country": "PAK", "city": "Islamabad"}, "status": "completed"}
    recs = [
        _record("a.txt", "2021-04-08", visits=[{**visit, "visitor": {"name": "Sergey Lavrov"}}]),
        _record("b.txt", "2021-04-08", visits=[{**visit, "visitor": {"name": "Wang Yi"}}]),
        _record("c.txt", "2012-10-04", visits=[{**visit, "visitor": {"name": "Sergei Lavrov"}}]),
        _record("d.txt", None, visits=[{**visit, "visitor": {"name": "Lavrov"},
                                        "start_date": "2012", "destination": {"country": "PAK"}}]),
    ]  # fmt: skip
    evs = events(recs)
    assert len(evs) == 3
    multi = [e for e in evs if e.n_sources > 1]
    assert [sorted(s.article for s in multi[0].sources)] == [["c.txt", "d.txt"]]


def test_agreements_join_on_parties_subject_and_date() -> None:
    def agreement(subject: str, parties: list[str], date: str | None = None) -> dict[str, Any]:
        return {"parties": [{"name": p, "country": p} for p in parties], "subject": subject,
                "status": "agreed", "date": date}  # fmt: skip

    recs = [
        _record("a.txt", "2021-04-08", agreements=[agreement("hold more joint military exercises",
                                                              ["PAK", "RUS"], "2021-04-07")]),
        _record("b.txt", "2021-04-09", agreements=[agreement(
            "increase joint military and naval exercises", ["RUS", "PAK"])]),
        _record("c.txt", "2021-04-09", agreements=[agreement(
            "hold more joint military exercises", ["RUS", "CHN"])]),
        _record("d.txt", "2023-06-01", agreements=[agreement(
            "hold more joint military exercises", ["RUS", "PAK"])]),
    ]  # fmt: skip
    evs = events(recs)
    (joined,) = [e for e in evs if e.n_sources > 1]
    assert sorted(s.article for s in joined.sources) == ["a.txt", "b.txt"]
    assert {a.key for a in joined.parties} == {"PAK", "RUS"}
    assert joined.links[0].rule == "agreement.same-parties-subject"


def test_quotes_join_on_speaker_and_words_and_a_repeated_quote_in_one_article() -> None:
    words = "we are ready to strengthen the anti-terrorist potential of Pakistan"
    recs = [
        _record("a.txt", "2021-04-07", quotes=[
            {"speaker": "Sergey Lavrov", "text": words},
            {"speaker": "Sergey Lavrov", "text": "the anti-terrorist potential of Pakistan"},
        ]),
        _record("b.txt", "2021-04-08", quotes=[{"speaker": "Lavrov", "text": words + " too"}]),
        _record("c.txt", "2021-04-08", quotes=[{"speaker": "Wang Yi", "text": words}]),
    ]  # fmt: skip
    evs = events(recs)
    (joined,) = [e for e in evs if len(e.sources) > 1]
    assert sorted(s.fact_id for s in joined.sources) == [
        "a.txt#quotes/0", "a.txt#quotes/1", "b.txt#quotes/0"]  # fmt: skip
    rules = {link.rule for link in joined.links}
    assert rules == {"quote.same-speaker-text", "quote.repeated-in-article"}
    assert joined.n_sources == 2


def test_copies_count_once_as_independent_sources() -> None:
    span = {"text": "Sergey Lavrov arrived in Islamabad on Tuesday for two days of talks with "
                    "Pakistan's leaders", "start": 0, "end": 90}  # fmt: skip
    visit = {"visitor": {"name": "Sergey Lavrov"}, "destination": {"country": "PAK"},
             "start_date": "2021-04-06", "evidence": [span]}  # fmt: skip
    recs = [
        {"source": "a", "url": "https://www.one.example/x", "visits": [visit]},
        {"source": "b", "url": "https://two.example/y", "visits": [visit]},
        {"source": "c", "url": "https://one.example/z", "visits": [dict(visit, evidence=[])]},
    ]
    (ev,) = events(recs)
    assert ev.n_sources == 3
    assert ev.n_independent == 1  # a and b copy each other; c is a.txt's outlet
    assert ev.confidence == 0.5


# --------------------------------------------------------------------------------------------
# Actors
# --------------------------------------------------------------------------------------------


def test_transliterations_and_short_forms_share_a_key() -> None:
    table = ActorTable(
        [("Sergey Lavrov", "RUS"), ("Sergei Lavrov", None), ("Лавров", None),
         ("Сергей Лавров", None), ("Lavrov", None),
         ("Menteri Luar Negeri Rusia Sergey Lavrov", None), ("Rusia", None), ("Russia", None),
         ("Kim Jong Un", None), ("Kim Jong Il", None), ("Kim", None)]
    )  # fmt: skip
    forms = ("Sergey Lavrov", "Sergei Lavrov", "Лавров", "Сергей Лавров", "Lavrov",
             "Menteri Luar Negeri Rusia Sergey Lavrov")  # fmt: skip
    keys = {table.key(n) for n in forms}
    assert keys == {"sergey_lavrov@RUS"}
    assert table.key("Rusia") == table.key("Russia") == "RUS"
    assert table.key("Kim Jong Un") != table.key("Kim Jong Il")
    assert table.key("Kim") == "kim"  # ambiguous short form stays apart
    aliases = {a.name for a in table.aliases()["sergey_lavrov@RUS"]}
    assert {"Sergei Lavrov", "Лавров"} <= aliases


def test_events_use_the_corpus_wide_key() -> None:
    visit = {"destination": {"country": "PAK", "city": "Islamabad"}, "status": "completed"}
    recs = [
        _record("a", "2021-04-08", visits=[{**visit, "visitor": {"name": "Sergey Lavrov",
                                                                  "country": "RUS"}}]),
        _record("b", "2021-04-08", visits=[{**visit, "visitor": {"name": "Сергей Лавров"}}]),
        _record("c", "2021-04-09", visits=[{**visit, "visitor": {"name": "Sergei Lavrov"}}]),
    ]  # fmt: skip
    (ev,) = events(recs)
    assert ev.actor is not None and ev.actor.key == "sergey_lavrov@RUS"
    assert ev.actor.country == "RUS" and ev.n_sources == 3


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def test_cameo_rows_have_the_documented_columns(seed_events: list[Event]) -> None:
    rows = cameo_rows(seed_events)
    assert rows and all(list(r)[: len(ICEWS_COLUMNS)] == list(ICEWS_COLUMNS) for r in rows)
    trip = [r for r in rows if r["Sources"] == 3 and r["CAMEO Code"] in ("042", "043")]
    assert {r["CAMEO Code"] for r in trip} == {"042", "043"}
    visit = next(r for r in trip if r["CAMEO Code"] == "042")
    assert visit["Source Name"] == "Sergey Lavrov" and visit["Target Country"] == "Pakistan"
    assert visit["Event Text"] == "Make a visit" and visit["Target Country Code"] == "PAK"
    codes = {r["CAMEO Code"] for r in rows}
    assert "036" in codes  # a planned visit: express intent to meet
    assert "057" in codes  # the signed US-Taliban agreement
    assert codes <= {"010", "012", "013", "018", "019", "030", "031", "032", "033", "036", "037",
                     "042", "043", "051", "057"}  # fmt: skip
    per_source = cameo_rows(seed_events, per_source=True)
    assert len([r for r in per_source if r["factx Event ID"] == visit["factx Event ID"]]) == 6


def test_plover_records_follow_the_codebook_fields(seed_events: list[Event]) -> None:
    recs = plover_records(seed_events)
    kinds = {e.id: e.kind for e in seed_events}
    assert {kinds[r["id"]] for r in recs} == {"visit", "agreement"}  # PLOVER drops comments
    trip = next(r for r in recs if r["n_sources"] == 3 and r["event"] == ["CONSULT"])
    assert trip["mode"] == ["visit"] and trip["quad_code"] == 1
    assert trip["source"][0]["actor_text"] == "Sergey Lavrov"
    assert trip["recipient"][0]["code"] == "PAK"
    assert len(trip["cite_info"]) == 3 and set(trip) >= {"id", "date", "event_text"}
    signed = [r for r in recs if r["event"] == ["SUPPORT"]]
    assert signed and all(not r["recipient"] for r in signed)
    planned = [r for r in recs if r["context"] == ["future"]]
    assert planned
    flat = plover_rows(seed_events)
    assert {"id", "date", "event", "mode", "source_code", "recipient_code"} <= set(flat[0])


def test_csv_and_parquet_round_trip(tmp_path: Path, seed_records: list[dict[str, Any]]) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r) + "\n" for r in seed_records), encoding="utf-8")
    for fmt in ("events", "cameo", "plover"):
        for per_source in (False, True):
            extra = ["--per-source"] if per_source else []
            csv_out, pq_out = (
                tmp_path / f"{fmt}{per_source}.csv",
                tmp_path / f"{fmt}{per_source}.parquet",
            )
            for out in (csv_out, pq_out):
                code = main(["events", str(pred), "-o", str(out), "--format", fmt, "-q", *extra])
                assert code == 0
            a, b = pd.read_csv(csv_out), pd.read_parquet(pq_out)
            assert list(a.columns) == list(b.columns) and len(a) == len(b) > 0
            key = {"events": "event_id", "cameo": "Event ID", "plover": "id"}[fmt]
            assert list(a[key]) == list(b[key])
    trip = pd.read_csv(tmp_path / "eventsFalse.csv")
    assert (trip["n_sources"] == 3).sum() >= 1


def test_parquet_without_pyarrow_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_records: list[dict[str, Any]]
) -> None:
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps(seed_records[0]) + "\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    err = io.StringIO()
    code = main(["events", str(pred), "-o", str(tmp_path / "x.parquet")], stderr=err)
    assert code == 2
    assert 'pip install "factx[parquet]"' in err.getvalue()


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def test_cli_explain_names_the_rule(tmp_path: Path, seed_records: list[dict[str, Any]]) -> None:
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r) + "\n" for r in seed_records), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["events", str(pred), "--explain"], stdout=out, stderr=err) == 0
    text = err.getvalue()
    assert "visit.undated-same-city" in text and "quote.same-speaker-text" in text
    assert f"{LAVROV[0]}#visits/0 + {LAVROV[1]}#visits/0" in text
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert all(Event.model_validate(x).id == x["id"] for x in lines)


def test_cli_scores_against_the_merge_gold(
    tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r) + "\n" for r in seed_records), encoding="utf-8")
    out = io.StringIO()
    args = ["events", str(pred), "--gold", str(MERGE_GOLD), "--gold-prefix", "seeds/", "--json"]
    assert main([*args, "-q"], stdout=out) == 0
    report = json.loads(out.getvalue())
    assert report["per_kind"]["visits"]["pairwise"]["f1"] == 1.0
    kinds = ("visits", "agreements", "statements", "quotes")
    assert report["facts"] == sum(len(r[k]) for r in seed_records for k in kinds)


def test_cli_aliases_and_bad_kind(tmp_path: Path, seed_records: list[dict[str, Any]]) -> None:
    pred = tmp_path / "pred.jsonl"
    extra = _record("x.txt", "2021-04-07", quotes=[{"speaker": "Sergei Lavrov", "text": "Da"}])
    rows = [*seed_records, extra]
    pred.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    aliases = tmp_path / "aliases.json"
    assert main(["events", str(pred), "-q", "--aliases", str(aliases)], stdout=io.StringIO()) == 0
    table = json.loads(aliases.read_text(encoding="utf-8"))
    assert "Sergei Lavrov" in table["sergey_lavrov"]["aliases"]
    err = io.StringIO()
    assert main(["events", str(pred), "--kinds", "visits,meetings"], stderr=err) == 2
    assert "unknown kinds" in err.getvalue()


def test_python_api_is_exported() -> None:
    assert factx.events is events


def test_import_factx_does_not_load_the_matchers() -> None:
    code = (
        "import json, sys, factx; "
        "print(json.dumps([m for m in ('rapidfuzz', 'anyascii') if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert json.loads(out.stdout) == []
