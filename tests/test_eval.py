"""Tests for ``factx.eval`` on the real seed files."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

if importlib.util.find_spec("factx") is None:  # not installed in the venv: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from factx.eval import (
    EvalReport,
    evaluate,
    locate,
    main,
    name_matches,
    quote_token_f1,
    to_iso3,
)

ROOT = Path(__file__).resolve().parents[1]

SEEDS = ROOT / "seeds"
GOLD_PATH = SEEDS / "seeds.gold.jsonl"
DOC0 = "000_b1cba7760af5b319.txt"
DOC1 = "001_505f7a10906b88f1.txt"
DOC4 = "004_6b736f0b0c07c482.txt"

Record = dict[str, Any]


def _gold() -> list[Record]:
    return [json.loads(line) for line in GOLD_PATH.read_text(encoding="utf-8").splitlines()]


def _spans(article: str, evidence: list[str]) -> list[Record]:
    out = []
    for text in evidence:
        start, end = locate(article, text)[0]
        out.append({"text": article[start:end], "start": start, "end": end})
    return out


def _first(speaker: Any) -> Any:
    return speaker[0] if isinstance(speaker, list) else speaker


def _to_prediction(rec: Record) -> Record:
    """Turn a gold record into an ArticleFacts-shaped prediction (optional facts included)."""
    art = (SEEDS / rec["doc"]).read_text(encoding="utf-8")
    return {
        "source": f"seeds/{rec['doc']}",
        "published": rec["published"],
        "visits": [
            {
                "visitor": {"name": v["visitor"]},
                "destination": {"country": v["destination_country"], "city": v["destination_city"]},
                "start_date": v["start_date"],
                "end_date": v["end_date"],
                "inviter": v["inviter"],
                "status": v["status"],
                "evidence": _spans(art, v["evidence"]),
            }
            for v in rec["visits"]
        ],
        "agreements": [
            {
                "parties": [
                    {"name": p, "country": p if len(p) == 3 and p.isupper() else None}
                    for p in a["parties"]
                ],
                "subject": a["subject"],
                "status": a["status"],
                "date": a["date"],
                "evidence": _spans(art, a["evidence"]),
            }
            for a in rec["agreements"]
        ],
        "statements": [
            {
                "speaker": {"name": _first(s["speaker"])},
                "content": s["content"],
                "date": s["date"],
                "evidence": _spans(art, s["evidence"]),
            }
            for s in rec["statements"]
        ],
        "quotes": [
            {
                "speaker": _first(q["speaker"]),
                "text": q["text"],
                "evidence": _spans(art, q["evidence"]),
            }
            for q in rec["quotes"]
        ],
    }


@pytest.fixture(scope="module")
def gold() -> list[Record]:
    return _gold()


@pytest.fixture(scope="module")
def perfect_preds(gold: list[Record]) -> list[Record]:
    return [_to_prediction(r) for r in gold]


@pytest.fixture
def preds(perfect_preds: list[Record]) -> list[Record]:
    return copy.deepcopy(perfect_preds)


def _run(preds: list[Record]) -> EvalReport:
    return evaluate(GOLD_PATH, preds, SEEDS)


def _counts(report: EvalReport, kind: str) -> tuple[int, int, int]:
    s = report.per_kind[kind]
    return s.tp, s.fp, s.fn


def _pred(preds: list[Record], doc: str) -> Record:
    return next(p for p in preds if p["source"].endswith(doc))


def _gold_doc(gold: list[Record], doc: str) -> Record:
    return next(g for g in gold if g["doc"] == doc)


@pytest.fixture(scope="module")
def baseline(perfect_preds: list[Record]) -> EvalReport:
    return _run(copy.deepcopy(perfect_preds))


def test_perfect_prediction_scores_one(baseline: EvalReport) -> None:
    for kind, s in baseline.per_kind.items():
        assert (s.fp, s.fn) == (0, 0), kind
        assert s.precision == s.recall == s.f1 == 1.0, kind
        assert s.tp > 0
    assert baseline.micro.f1 == 1.0
    assert baseline.macro.f1 == 1.0
    assert baseline.errors == []
    assert baseline.failures == []
    assert baseline.warnings == []
    for attrs in baseline.attributes.values():
        for a in attrs.values():
            assert a.correct == a.total > 0


def test_perfect_prediction_text_only_without_articles(
    gold: list[Record], preds: list[Record]
) -> None:
    report = evaluate(gold, preds)  # gold as records: no articles dir, text-only evidence
    assert report.micro.f1 == 1.0
    assert all(s.fp == s.fn == 0 for s in report.per_kind.values())


def test_wrong_quote_speaker_is_one_fp_and_one_fn(
    preds: list[Record], baseline: EvalReport
) -> None:
    quotes = _pred(preds, DOC0)["quotes"]
    q = next(q for q in quotes if q["speaker"] == "Jen Psaki")
    q["speaker"] = "Joe Biden"
    report = _run(preds)
    tp = baseline.per_kind["quotes"].tp
    assert _counts(report, "quotes") == (tp - 1, 1, 1)
    for kind in ("visits", "agreements", "statements"):
        assert _counts(report, kind) == _counts(baseline, kind)


def test_removing_required_quote_is_one_fn(preds: list[Record], baseline: EvalReport) -> None:
    quotes = _pred(preds, DOC1)["quotes"]
    quotes.pop(0)
    tp, fp, fn = _counts(baseline, "quotes")
    assert _counts(_run(preds), "quotes") == (tp - 1, fp, fn + 1)


def test_extra_fact_is_one_fp(preds: list[Record], baseline: EvalReport) -> None:
    art = (SEEDS / DOC0).read_text(encoding="utf-8")
    ev = _spans(art, ["Ini akan menjadi kunjungan pertama seorang pemimpin Pakistan ke Moskow"])
    _pred(preds, DOC0)["statements"].append(
        {"speaker": {"name": "Joe Biden"}, "content": "something", "evidence": ev}
    )
    report = _run(preds)
    tp, fp, fn = _counts(baseline, "statements")
    assert _counts(report, "statements") == (tp, fp + 1, fn)
    assert report.micro.fp == 1
    assert report.per_kind["statements"].precision < 1.0
    assert report.per_kind["statements"].recall == 1.0


def test_missing_optional_fact_changes_nothing(preds: list[Record], baseline: EvalReport) -> None:
    p = _pred(preds, DOC0)
    p["quotes"] = [q for q in p["quotes"] if q["text"] != "tegas"]  # the optional one
    report = _run(preds)
    for kind in baseline.per_kind:
        assert _counts(report, kind) == _counts(baseline, kind)
        assert report.per_kind[kind].f1 == 1.0
    assert report.per_kind["quotes"].optional_matched == (
        baseline.per_kind["quotes"].optional_matched - 1
    )


def test_predicting_only_optional_fact_is_not_fp(gold: list[Record]) -> None:
    g = _gold_doc(gold, DOC0)
    full = _to_prediction(g)
    only_optional = {"source": DOC0, "quotes": [q for q in full["quotes"] if q["text"] == "tegas"]}
    report = evaluate([g], [only_optional], SEEDS)
    s = report.per_kind["quotes"]
    assert s.fp == 0
    assert s.tp == 0
    assert s.optional_matched == 1
    assert s.fn == sum(1 for q in g["quotes"] if not q["optional"])


def test_required_gold_is_matched_before_optional(gold: list[Record]) -> None:
    # Doc 002 has a required and an optional Lavrov->PAK visit; one prediction must take the
    # required one.
    g = next(r for r in gold if r["doc"].startswith("002_"))
    full = _to_prediction(g)
    one = copy.deepcopy(full["visits"][0])
    one["evidence"] = []
    one["start_date"] = "2012"  # looks more like the optional visit, still must pair required
    report = evaluate([g], [{"source": g["doc"], "visits": [one]}], SEEDS)
    assert _counts(report, "visits") == (1, 0, 0)
    assert report.per_kind["visits"].optional_matched == 0


def test_alias_names_match(preds: list[Record], baseline: EvalReport) -> None:
    quotes = _pred(preds, DOC1)["quotes"]
    lavrov = [q for q in quotes if q["speaker"] == "Sergey Lavrov"]
    lavrov[0]["speaker"] = "Lavrov"
    lavrov[1]["speaker"] = "Sergei Lavrov"
    # Not an alias, but contains one (and "Rusia", a shorter alias of another person).
    lavrov[2]["speaker"] = "Menteri Luar Negeri Rusia yang baru Sergei Lavrov"
    statements = _pred(preds, DOC0)["statements"]
    fo = next(s for s in statements if s["speaker"]["name"] == "Pakistan Foreign Office")
    fo["speaker"]["name"] = "Kementerian Luar Negeri (FO)"
    report = _run(preds)
    assert _counts(report, "quotes") == _counts(baseline, "quotes")
    assert _counts(report, "statements") == _counts(baseline, "statements")


def test_name_matching_rules() -> None:
    people = {
        "Vladimir Putin": ["Putin", "Presiden Putin"],
        "Sergey Lavrov": ["Lavrov"],
        "Russia": ["Rusia", "RUS"],
    }
    assert name_matches("PUTIN", "Vladimir Putin", people)
    assert name_matches("Presiden Rusia Vladimir Putin", "Vladimir Putin", people)
    assert not name_matches("Putin dan Lavrov", "Vladimir Putin", people)  # ambiguous
    assert not name_matches("Lavrov", "Vladimir Putin", people)
    assert name_matches("para  ahli.", "Para ahli", people)  # not in the table: equality
    assert name_matches(None, None, people)
    assert not name_matches("Putin", None, people)
    assert not name_matches(None, "Vladimir Putin", people)
    assert name_matches("Lavrov", ["Vladimir Putin", "Sergey Lavrov"], people)


def test_gold_speaker_list_matches_any_member(preds: list[Record], baseline: EvalReport) -> None:
    quotes = _pred(preds, DOC4)["quotes"]
    era = next(q for q in quotes if q["text"] == "era baru")
    assert era["speaker"] == "Xi Jinping"
    era["speaker"] = "Presiden Putin"  # second member of the gold list, by alias
    stmt = next(s for s in _pred(preds, DOC4)["statements"] if s["speaker"]["name"] == "Xi Jinping")
    stmt["speaker"]["name"] = "Vladimir Putin"
    report = _run(preds)
    assert _counts(report, "quotes") == _counts(baseline, "quotes")
    assert _counts(report, "statements") == _counts(baseline, "statements")
    era["speaker"] = "Nikolai Patrushev"  # not in the list
    tp, fp, fn = _counts(baseline, "quotes")
    assert _counts(_run(preds), "quotes") == (tp - 1, fp + 1, fn + 1)


def test_quote_text_overlap_threshold(preds: list[Record], baseline: EvalReport) -> None:
    q = next(q for q in _pred(preds, DOC0)["quotes"] if q["speaker"] == "Jen Psaki")
    q["text"] = q["text"].upper().rstrip(",") + " tambahan"  # case/punct ignored; F1 > 0.5
    assert _counts(_run(preds), "quotes") == _counts(baseline, "quotes")
    q["text"] = "sepertinya sesuatu yang lain sama sekali tidak berkaitan"
    assert quote_token_f1(q["text"], "Dan saat ini, sepertinya Rusia sedang") < 0.5
    tp, fp, fn = _counts(baseline, "quotes")
    assert _counts(_run(preds), "quotes") == (tp - 1, fp + 1, fn + 1)


def test_attribute_accuracy_counts_wrong_date(preds: list[Record], baseline: EvalReport) -> None:
    _pred(preds, DOC0)["visits"][0]["start_date"] = "2022-02-25"
    _pred(preds, DOC0)["statements"][0]["date"] = None
    report = _run(preds)
    assert _counts(report, "visits") == _counts(baseline, "visits")
    start = report.attributes["visits"]["start_date"]
    assert (start.correct, start.total) == (start.total - 1, baseline.per_kind["visits"].tp)
    assert (
        report.attributes["visits"]["end_date"].correct
        == report.attributes["visits"]["end_date"].total
    )
    date = report.attributes["statements"]["date"]
    assert date.correct == date.total - 1


def test_agreement_parties_by_indonesian_name(preds: list[Record], baseline: EvalReport) -> None:
    for agreement in _pred(preds, DOC1)["agreements"]:
        for party in agreement["parties"]:
            party["name"] = {"RUS": "Rusia", "PAK": "Pakistan", "USA": "Amerika Serikat"}.get(
                party["name"], party["name"]
            )
            party["country"] = None
    assert _counts(_run(preds), "agreements") == _counts(baseline, "agreements")
    for agreement in _pred(preds, DOC1)["agreements"]:
        agreement["parties"] = [{"name": "Tiongkok", "country": "CHN"}]
    report = _run(preds)
    fn = baseline.per_kind["agreements"].fn
    assert report.per_kind["agreements"].fn == fn + 2  # the two required agreements of doc 001


def test_country_mapping() -> None:
    assert to_iso3("Rusia") == "RUS"
    assert to_iso3("Tiongkok") == "CHN"
    assert to_iso3("AS") == "USA"
    assert to_iso3("Amerika Serikat") == "USA"
    assert to_iso3("Afganistan") == "AFG"
    assert to_iso3("pak", code_field=True) == "PAK"
    assert to_iso3("Taliban") is None
    assert to_iso3("FO") is None  # not a country code in a name field


def test_statement_needs_evidence_overlap(preds: list[Record], baseline: EvalReport) -> None:
    art = (SEEDS / DOC0).read_text(encoding="utf-8")
    stmt = _pred(preds, DOC0)["statements"][1]
    stmt["evidence"] = _spans(art, ["Ini akan menjadi kunjungan pertama seorang pemimpin"])
    tp, fp, fn = _counts(baseline, "statements")
    assert _counts(_run(preds), "statements") == (tp - 1, fp + 1, fn + 1)


def test_wrong_offsets_are_relocated_by_text(preds: list[Record], baseline: EvalReport) -> None:
    for s in _pred(preds, DOC0)["statements"]:
        for ev in s["evidence"]:
            ev["start"], ev["end"] = 0, 5
    assert _counts(_run(preds), "statements") == _counts(baseline, "statements")


def test_locate_normalises_quotes_dashes_and_spaces() -> None:
    article = "Dia berkata, \u201cKami  siap\u201d \u2013 lalu pergi."
    assert locate(article, "Kami  siap") == [(14, 24)]
    start, end = locate(article, '"Kami siap" - lalu')[0]
    assert article[start:end] == "\u201cKami  siap\u201d \u2013 lalu"
    assert locate(article, "tidak ada") == []


def test_gold_evidence_not_found_warns_and_uses_text(
    gold: list[Record], capsys: pytest.CaptureFixture[str]
) -> None:
    g = copy.deepcopy(_gold_doc(gold, DOC0))
    g["statements"][1]["evidence"] = ["FO juga menekankan bahwa kedua negara xyz"]
    pred = _to_prediction(_gold_doc(gold, DOC0))
    pred["statements"][1]["evidence"] = [
        {"text": "FO juga menekankan bahwa kedua negara xyz", "start": 0, "end": 41}
    ]
    report = evaluate([g], [pred], SEEDS)
    assert any("not found" in w for w in report.warnings)
    assert "not found" in capsys.readouterr().err
    assert _counts(report, "statements")[1:] == (0, 0)


def test_error_records_count_as_failures(preds: list[Record], baseline: EvalReport) -> None:
    idx = next(i for i, p in enumerate(preds) if p["source"].endswith(DOC1))
    preds[idx] = {
        "source": f"seeds/{DOC1}",
        "error": {"type": "ExtractionError", "message": "model kept failing"},
    }
    report = _run(preds)
    assert [(f.doc, f.type) for f in report.failures] == [(DOC1, "ExtractionError")]
    required = {
        k: sum(1 for f in _gold_doc(_gold(), DOC1)[k] if not f["optional"])
        for k in ("visits", "agreements", "statements", "quotes")
    }
    for kind, n in required.items():
        tp, fp, fn = _counts(baseline, kind)
        assert _counts(report, kind) == (tp - n, fp, fn + n)
    assert "failures (1" in report.format_table()
    assert "model kept failing" in report.format_table()


def test_missing_doc_counts_as_fn_and_unknown_doc_warns(
    preds: list[Record], baseline: EvalReport, capsys: pytest.CaptureFixture[str]
) -> None:
    preds = [p for p in preds if not p["source"].endswith(DOC4)]
    preds.append({"source": "elsewhere/999_unknown.txt", "quotes": []})
    report = _run(preds)
    assert report.missing == [DOC4]
    assert report.per_kind["visits"].fn == 7
    assert "999_unknown.txt" in capsys.readouterr().err


def test_show_errors_lists_fp_and_fn(preds: list[Record], tmp_path: Path) -> None:
    q = next(q for q in _pred(preds, DOC0)["quotes"] if q["speaker"] == "Jen Psaki")
    q["speaker"] = "Joe Biden"
    report = _run(preds)
    assert sorted(e.type for e in report.errors) == ["false_negative", "false_positive"]
    fn = next(e for e in report.errors if e.type == "false_negative")
    assert fn.kind == "quotes" and fn.doc == DOC0 and fn.key["speaker"] == "Jen Psaki"
    table = report.format_table(show_errors=True)
    assert "[FP] false_positive quotes" in table
    assert "[FN] false_negative quotes" in table
    assert "Joe Biden" in table and "Jen Psaki" in table
    assert "false_positive" not in report.format_table()


def _write_jsonl(path: Path, records: list[Record]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def test_main_table_and_show_errors(
    preds: list[Record], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pred(preds, DOC0)["quotes"].pop()
    pred_file = _write_jsonl(tmp_path / "pred.jsonl", preds)
    args = ["--gold", str(GOLD_PATH), str(pred_file), "--articles", str(SEEDS)]
    assert main([*args, "--show-errors"]) == 0
    out = capsys.readouterr().out
    assert "micro" in out and "macro" in out
    assert "[FN] false_negative quotes 000_b1cba7760af5b319.txt" in out


def test_main_json(preds: list[Record], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred_file = _write_jsonl(tmp_path / "pred.jsonl", preds)
    assert main(["--gold", str(GOLD_PATH), str(pred_file), "--articles", str(SEEDS), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["per_kind"]) == {"visits", "agreements", "statements", "quotes"}
    assert data["micro"]["f1"] == 1.0
    assert data["macro"]["f1"] == 1.0
    assert data["attributes"]["visits"]["start_date"]["accuracy"] == 1.0
    assert data["errors"] == [] and data["failures"] == []


def test_main_malformed_line_fails_clearly(
    preds: list[Record], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred_file = _write_jsonl(tmp_path / "pred.jsonl", preds[:2])
    with pred_file.open("a", encoding="utf-8") as fh:
        fh.write('{"source": "x.txt", "quotes": [\n')
    assert main(["--gold", str(GOLD_PATH), str(pred_file)]) == 2
    err = capsys.readouterr().err
    assert f"{pred_file}:3" in err and "malformed JSON" in err


def test_main_wrong_shape_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred_file = _write_jsonl(tmp_path / "pred.jsonl", [{"source": DOC0, "quotes": [{"x": 1}]}])
    assert main(["--gold", str(GOLD_PATH), str(pred_file)]) == 2
    err = capsys.readouterr().err
    assert f"{pred_file}:1" in err and "quotes.0" in err


def test_main_bad_arguments_return_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pred.jsonl"]) == 2  # --gold missing
    assert "--gold" in capsys.readouterr().err
