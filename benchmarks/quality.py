"""Run a backend over development sets, score it, print P/R/F1 per kind and language with cost.

    python benchmarks/quality.py --backend local                      # the seeds, as before
    python benchmarks/quality.py --set diplomacy --backend local --limit 8
    python benchmarks/quality.py --set all --ablation                 # rules alone
    python benchmarks/quality.py --set polnear-train --set pfsa-dev --json out/q.json

Sets: seeds (``seeds/``), diplomacy (``SHARED/diplomacy/``), polnear-train and pfsa-dev
(``DEVSETS/<set>/``, built by ``SHARED/build_devsets.py``); SHARED defaults to
``../shared/devsets`` beside the project root, DEVSETS to ``devsets/`` in it. ``--limit N`` runs
a fixed sample: N docs evenly spaced over the sorted doc names, the same N giving the same docs.

Articles are read as ``factx extract`` reads a .txt file (UTF-8, BOM dropped, CRLF kept); the
gold record's ``published`` (else the manifest's) is passed when it is a full ISO date. Scoring
uses ``SHARED/score.py`` when it exists (the scorer the project is judged by), else
``factx.eval``; the output says which. ``--ablation`` replaces the model by one that answers
every question with the emptiest valid answer (``benchmarks/_null.py``): what is left is what
the rules find alone. A set whose files are missing is skipped, and the exit status is then 1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factx import Extractor, FactxError
from factx._io import Source, read_sources
from factx.eval import KINDS, evaluate

ROOT = Path(__file__).resolve().parent.parent
SETS = ("seeds", "diplomacy", "polnear-train", "pfsa-dev")
ABLATION = "ablation (model answers nothing)"
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class DevSet:
    name: str
    gold: Path
    articles: Path
    language: str | None = None  # the set's one language; else per doc from the manifest
    manifest: Path | None = None


def dev_sets(args: argparse.Namespace) -> dict[str, DevSet]:
    shared, devsets, seeds = Path(args.shared), Path(args.devsets), Path(args.seeds)
    dip = shared / "diplomacy"
    return {
        "seeds": DevSet("seeds", seeds / "seeds.gold.jsonl", seeds, "id"),
        "diplomacy": DevSet(
            "diplomacy", dip / "gold.jsonl", dip / "articles", None, dip / "manifest.jsonl"
        ),
        "polnear-train": DevSet(
            "polnear-train",
            devsets / "polnear-train" / "gold.jsonl",
            devsets / "polnear-train" / "articles",
            "en",
        ),
        "pfsa-dev": DevSet(
            "pfsa-dev", devsets / "pfsa-dev" / "gold.jsonl", devsets / "pfsa-dev" / "articles", "id"
        ),
    }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def sample(docs: list[str], limit: int | None) -> list[str]:
    """``limit`` names evenly spaced over the sorted ``docs`` (the first of each of ``limit``
    equal stretches): deterministic, and spread over the whole set."""
    docs = sorted(docs)
    if limit is None or limit >= len(docs):
        return docs
    n = len(docs)
    return [docs[i * n // limit] for i in range(limit)]


@dataclass
class Doc:
    name: str
    gold: dict[str, Any]
    language: str
    published: str | None  # passed to extract(): a full ISO date or None
    note: str | None = None


def load_docs(ds: DevSet, only: list[str] | None, limit: int | None) -> list[Doc]:
    gold = read_jsonl(ds.gold)
    manifest = {r["doc"]: r for r in read_jsonl(ds.manifest)} if ds.manifest else {}
    by_name = {g["doc"]: g for g in gold}
    names = [n for n in by_name if not only or any(n.startswith(p) for p in only)]
    docs = []
    for name in sample(names, limit):
        g, m = by_name[name], manifest.get(name, {})
        published = g.get("published") or m.get("published")
        note = None
        if published and not _FULL_DATE.fullmatch(published):
            note = f"published {published!r} is not a full date: not passed"
            published = None
        language = g.get("language") or m.get("language") or ds.language or "?"
        raw = (ds.articles / name).read_bytes() if (ds.articles / name).is_file() else b""
        if raw.startswith(b"\xef\xbb\xbf") or b"\r" in raw:
            # factx drops a BOM and keeps CR; score.py keeps a BOM and turns CRLF into LF, so
            # evidence offsets in this article do not line up for score.py.
            note = ((note + "; ") if note else "") + "BOM or CR in the file: offsets may differ"
        docs.append(Doc(name, g, language, published, note))
    return docs


def read_article(path: Path) -> tuple[str | None, FactxError | None]:
    """The article as ``factx extract`` reads a .txt file (``factx._io``)."""
    item = next(iter(read_sources([Source(str(path))])))
    return item.text, item.error


# ------------------------------------------------------------------------------------ running


def run_set(
    ds: DevSet, docs: list[Doc], extractor: Extractor
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    records: list[dict[str, Any]] = []
    seconds: list[float] = []
    tokens: list[int] = []
    calls: list[int] = []
    load_start = os.getloadavg()
    for d in docs:
        text, error = read_article(ds.articles / d.name)
        t = time.perf_counter()
        try:
            if error is not None:
                raise error
            assert text is not None
            facts = extractor.extract(text, source=d.name, published=d.published)
            rec = facts.model_dump(mode="json")
            tokens.append(facts.usage.prompt_tokens + facts.usage.completion_tokens)
            calls.append(facts.usage.calls)
        except FactxError as e:
            rec = {"source": d.name, "error": {"type": type(e).__name__, "message": str(e)}}
            usage = getattr(e, "usage", None)
            if usage is not None:
                tokens.append(usage.prompt_tokens + usage.completion_tokens)
                calls.append(usage.calls)
        seconds.append(time.perf_counter() - t)
        records.append(rec)
        n = {k: len(rec.get(k, [])) for k in KINDS}
        print(f"{ds.name}/{d.name}: {seconds[-1]:.2f}s {n} {rec.get('error', '')}", file=sys.stderr)
    speed = _speed(records, seconds, tokens, calls)
    speed["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    speed["load_start"], speed["load_end"] = _load(load_start), _load(os.getloadavg())
    return records, speed


def load_predictions(path: Path, docs: list[Doc]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Records of an earlier run (``--pred``) for ``docs``; speed from their usage, where the
    run recorded it (``usage.seconds``, or a ``_seconds`` field)."""
    by_doc: dict[str, dict[str, Any]] = {}
    for r in read_jsonl(path):
        name = Path(str(r.get("source") or r.get("doc") or r.get("id") or "")).name
        by_doc[name] = r
    records = [by_doc.get(d.name, {"source": d.name, "error": {"type": "Missing",
               "message": f"no record in {path}"}}) for d in docs]  # fmt: skip
    seconds = [
        float(r.get("_seconds") or (r.get("usage") or {}).get("seconds") or 0.0)
        for r in records
        if "error" not in r
    ]
    usage = [r.get("usage") or {} for r in records if "error" not in r]
    tokens = [u.get("prompt_tokens", 0) + u.get("completion_tokens", 0) for u in usage]
    speed = _speed(records, seconds, tokens, [u.get("calls", 0) for u in usage])
    for r in records:
        r.setdefault("source", r.get("doc"))
    return records, speed


def _speed(
    records: list[dict[str, Any]], seconds: list[float], tokens: list[int], calls: list[int]
) -> dict[str, Any]:
    """Speed figures of a run (peak RSS and load averages: only for a run made here)."""
    return {
        "articles": len(records),
        "failures": sum("error" in r for r in records),
        "median_s": round(statistics.median(seconds), 3) if seconds else None,
        "max_s": round(max(seconds), 3) if seconds else None,
        "total_s": round(sum(seconds), 3),
        "tokens_per_article": round(statistics.mean(tokens), 1) if tokens else 0.0,
        "calls_per_article": round(statistics.mean(calls), 2) if calls else 0.0,
        "peak_rss_mib": 0.0,
        "load_start": [],
        "load_end": [],
    }


def _load(values: tuple[float, float, float]) -> list[float]:
    """The machine's load average over 1, 5 and 15 minutes."""
    return [round(v, 2) for v in values]


# ------------------------------------------------------------------------------------ scoring


def scored_kinds(golds: list[dict[str, Any]]) -> list[str]:
    """Kinds scored for at least one doc (a record's ``scored`` list, else all four)."""
    kinds: set[str] = set()
    for g in golds:
        kinds.update(g.get("scored", KINDS))
    return [k for k in KINDS if k in kinds]


def _kind_row(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """P/R/F1 from counts; None when there is nothing to score (no gold, no prediction)."""
    if tp + fp + fn == 0:
        return {"tp": 0, "fp": 0, "fn": 0, "p": None, "r": None, "f1": None}
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "p": round(p, 3), "r": round(r, 3), "f1": round(f1, 3)}


def _summary(counts: dict[str, tuple[int, int, int]], kinds: list[str]) -> dict[str, Any]:
    per_kind = {k: _kind_row(*counts[k]) for k in kinds}
    micro = _kind_row(*(sum(counts[k][i] for k in kinds) for i in range(3)))
    f1s = [row["f1"] for row in per_kind.values() if row["f1"] is not None]
    return {
        "kinds": per_kind,
        "micro": micro,
        "macro_f1": round(sum(f1s) / len(f1s), 3) if f1s else None,
        "macro_kinds": [k for k, row in per_kind.items() if row["f1"] is not None],
    }


class Scorer:
    """``score.py`` in a subprocess when it exists, else ``factx.eval.evaluate``."""

    def __init__(self, shared: Path) -> None:
        path = shared / "score.py"
        self.script = path if path.is_file() else None
        self.name = f"score.py ({path})" if self.script else "factx.eval (no score.py found)"

    def score(
        self,
        golds: list[dict[str, Any]],
        preds: list[dict[str, Any]],
        articles: Path,
        errors: Path | None = None,
    ) -> dict[str, Any]:
        kinds = scored_kinds(golds)
        if self.script is not None:
            counts, extra = self._score_py(golds, preds, articles, errors)
        else:
            counts, extra = self._factx_eval(golds, preds, articles, errors)
        return {"docs": len(golds), "scored_kinds": kinds, **_summary(counts, kinds), **extra}

    def _score_py(
        self,
        golds: list[dict[str, Any]],
        preds: list[dict[str, Any]],
        articles: Path,
        errors: Path | None,
    ) -> tuple[dict[str, tuple[int, int, int]], dict[str, Any]]:
        assert self.script is not None
        with tempfile.TemporaryDirectory(prefix="quality-") as tmp:
            gold_path, pred_path = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
            write_jsonl(gold_path, golds)
            write_jsonl(pred_path, preds)
            cmd = [sys.executable, str(self.script), str(gold_path), str(pred_path)]
            cmd += [str(articles), "--json"]
            if errors is not None:
                cmd.append(f"--errors={errors}")
            # score.py reads articles with the locale's encoding: make it UTF-8.
            env = {**os.environ, "PYTHONUTF8": "1"}
            done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            raise SystemExit(f"score.py failed ({done.returncode}): {done.stderr.strip()}")
        out = json.loads(done.stdout.strip().splitlines()[-1])
        counts = {k: (out[k]["tp"], out[k]["fp"], out[k]["fn"]) for k in KINDS}
        extra = {
            "visit_attr_acc": out.get("visit_attr_acc"),
            "docs_missing": out.get("docs_missing"),
            "scorer_macro_f1_scored": out.get("macro_f1_scored"),
        }
        return counts, extra

    def _factx_eval(
        self,
        golds: list[dict[str, Any]],
        preds: list[dict[str, Any]],
        articles: Path,
        errors: Path | None,
    ) -> tuple[dict[str, tuple[int, int, int]], dict[str, Any]]:
        # factx.eval does not know `scored`: a kind a doc does not score is emptied on both
        # sides, so it gives neither false negatives nor false positives (as score.py).
        scored = {g["doc"]: set(g.get("scored", KINDS)) for g in golds}
        golds = [{**g, **{k: [] for k in KINDS if k not in scored[g["doc"]]}} for g in golds]
        blanked = []
        for p in preds:
            keep = scored.get(Path(str(p.get("source", ""))).name, set(KINDS))
            blanked.append({**p, **{k: [] for k in KINDS if k not in keep and k in p}})
        report = evaluate(golds, blanked, articles=articles)
        if errors is not None:
            write_jsonl(errors, [e.model_dump(mode="json") for e in report.errors])
        counts = {k: (s.tp, s.fp, s.fn) for k, s in report.per_kind.items()}
        visits = report.attributes.get("visits", {})
        correct = sum(a.correct for a in visits.values())
        total = sum(a.total for a in visits.values())
        extra = {
            "visit_attr_acc": round(correct / total, 3) if total else None,
            "docs_missing": len(report.missing),
        }
        return counts, extra


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )


def language_groups(docs: list[Doc]) -> dict[str, list[str]]:
    """Doc names per language, most docs first; plus "non-id/en" when a set mixes those with
    other languages."""
    langs: dict[str, list[str]] = {}
    for d in docs:
        langs.setdefault(d.language, []).append(d.name)
    groups = dict(sorted(langs.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    other = [d.name for d in docs if d.language not in ("id", "en")]
    if len(groups) > 1 and other and len(other) < len(docs):
        groups["non-id/en"] = other
    return groups


# ------------------------------------------------------------------------------------ printing


def _f(x: float | None) -> str:
    return "    -" if x is None else f"{x:.3f}"


def format_kinds(res: dict[str, Any]) -> str:
    lines = [f"{'kind':<12} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for kind in KINDS:
        if kind not in res["kinds"]:
            lines.append(f"{kind:<12} (not scored in this set)")
            continue
        row = res["kinds"][kind]
        lines.append(
            f"{kind:<12} {_f(row['p']):>6} {_f(row['r']):>6} {_f(row['f1']):>6} "
            f"{row['tp']:>5} {row['fp']:>5} {row['fn']:>5}"
        )
    m = res["micro"]
    lines.append(
        f"{'micro':<12} {_f(m['p']):>6} {_f(m['r']):>6} {_f(m['f1']):>6} "
        f"{m['tp']:>5} {m['fp']:>5} {m['fn']:>5}"
    )
    lines.append(
        f"{'macro':<12} {'':>6} {'':>6} {_f(res['macro_f1']):>6}   "
        f"(mean F1 over {', '.join(res['macro_kinds']) or 'no kind'})"
    )
    if res.get("visit_attr_acc") is not None:
        lines.append(f"visit date/status accuracy on matched visits: {res['visit_attr_acc']:.3f}")
    return "\n".join(lines)


def format_languages(langs: dict[str, dict[str, Any]], kinds: list[str]) -> str:
    head = f"{'language':<10} {'docs':>4} " + " ".join(f"{k + ' F1 (tp/fp/fn)':>26}" for k in kinds)
    lines = [head + f" {'micro F1':>8} {'macro F1':>8}"]
    for lang, res in langs.items():
        cells = []
        for k in kinds:
            row = res["kinds"][k]
            cells.append(f"{_f(row['f1'])} ({row['tp']}/{row['fp']}/{row['fn']})".rjust(26))
        lines.append(
            f"{lang:<10} {res['docs']:>4} "
            + " ".join(cells)
            + f" {_f(res['micro']['f1']):>8} {_f(res['macro_f1']):>8}"
        )
    return "\n".join(lines)


def format_speed(s: dict[str, Any], estimated_tokens: bool) -> str:
    def load(values: list[float]) -> str:
        return "/".join(f"{v:.2f}" for v in values)

    median = f"{s['median_s']:.2f}s" if s["median_s"] is not None else "-"
    longest = f"{s['max_s']:.2f}s" if s["max_s"] is not None else "-"
    tokens = f"{s['tokens_per_article']:.0f}" + (
        " (estimated: chars/4)" if estimated_tokens else ""
    )
    return (
        f"articles={s['articles']} failures={s['failures']} median={median}/article "
        f"max={longest} tokens/article={tokens} calls/article={s['calls_per_article']:.1f} "
        f"peak_rss={s['peak_rss_mib']:.0f}MiB load_avg(1/5/15 min) start={load(s['load_start'])} "
        f"end={load(s['load_end'])}"
    )


def format_errors(path: Path) -> str:
    lines = []
    for e in read_jsonl(path):
        fact = e.get("gold") or e.get("pred") or e.get("key") or {}
        kind, typ = e.get("kind"), e.get("type")
        lines.append(f"  {e.get('doc')} {kind} {typ} {e.get('cause', '')} {json.dumps(fact)[:160]}")
    return "\n".join(lines) or "  (none)"


# ------------------------------------------------------------------------------------ main


def _per_set_path(template: str, set_name: str, tag: str, several: bool) -> Path:
    if "{set}" in template or "{backend}" in template:
        return Path(template.replace("{set}", set_name).replace("{backend}", tag))
    path = Path(template)
    if several:  # one file per set
        path = path.with_name(f"{path.stem}.{set_name}{path.suffix}")
    return path


def _null_backend() -> Any:
    try:
        from benchmarks._null import null_backend
    except ImportError:  # run as a script without the project root on sys.path
        from _null import null_backend  # type: ignore[no-redef]
    return null_backend()


def _set_names(values: list[str] | None) -> list[str]:
    names: list[str] = []
    for v in values or ["seeds"]:
        for name in SETS if v == "all" else [v]:
            if name not in names:
                names.append(name)
    return names


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--set",
        action="append",
        choices=[*SETS, "all"],
        help="development set to run (repeatable; 'all' for every set; default: seeds)",
    )
    who = ap.add_mutually_exclusive_group()
    who.add_argument("--backend", help="backend to run (default: local)")
    who.add_argument(
        "--ablation",
        action="store_true",
        help="rules alone: a fake model that answers every question with nothing",
    )
    ap.add_argument("--strategy", default="auto")
    ap.add_argument(
        "--max-tokens-per-article",
        type=int,
        default=200_000,
        help="token cap per article, as Extractor's (0: none; default: %(default)s)",
    )
    ap.add_argument("--limit", type=int, help="a fixed sample of N docs per set (evenly spaced)")
    ap.add_argument("--only", nargs="*", help="doc name prefixes to run")
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "devsets"))
    ap.add_argument("--devsets", default=str(ROOT / "devsets"))
    ap.add_argument(
        "--out",
        default=str(ROOT / "out" / "quality.{set}.{backend}.jsonl"),
        help="predictions JSONL ({set} and {backend} are filled in; default: %(default)s)",
    )
    ap.add_argument(
        "--pred",
        help="score the predictions of an earlier run instead of running ({set} in the path "
        "stands for the set's name)",
    )
    ap.add_argument("--json", dest="json_out", help="write the whole summary as JSON here")
    ap.add_argument("--errors", help="every miss, from the scorer (score.py --errors=FILE)")
    ap.add_argument("--show-errors", action="store_true", help="print every miss")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.limit is not None and args.limit < 1:
        raise SystemExit("--limit must be at least 1")
    names = _set_names(args.set)
    sets = dev_sets(args)
    cap = args.max_tokens_per_article or None
    if args.ablation:
        backend_label, tag = ABLATION, "ablation"
        extractor = Extractor(_null_backend(), strategy=args.strategy, max_tokens_per_article=cap)
    else:
        backend = args.backend or "local"
        backend_label, tag = f"backend={backend}", re.sub(r"[^\w.-]+", "_", backend)
        extractor = Extractor(backend, strategy=args.strategy, max_tokens_per_article=cap)
    scorer = Scorer(Path(args.shared))
    t0 = time.perf_counter()
    if hasattr(extractor.backend, "llama"):
        extractor.backend.llama()  # model load is excluded from per-article times
    load_s = time.perf_counter() - t0
    summary: dict[str, Any] = {
        "run": {
            "mode": backend_label,
            "backend": None if args.ablation else (args.backend or "local"),
            "ablation": args.ablation,
            "strategy": extractor.strategy,
            "max_tokens_per_article": cap,
            "scorer": scorer.name,
            "limit": args.limit,
            "only": args.only,
            "model_load_s": round(load_s, 2),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_start": _load(os.getloadavg()),
        },
        "sets": {},
    }
    status = 0
    for name in names:
        ds = sets[name]
        if not ds.gold.is_file() or not ds.articles.is_dir():
            print(
                f"\n== {name}: not found ({ds.gold}); diplomacy lives in --shared, polnear-train "
                f"and pfsa-dev are built into --devsets by build_devsets.py: skipped",
                file=sys.stderr,
            )
            summary["sets"][name] = {"skipped": f"not found: {ds.gold}"}
            status = 1
            continue
        docs = load_docs(ds, args.only, args.limit)
        if not docs:
            print(f"\n== {name}: no docs selected: skipped", file=sys.stderr)
            summary["sets"][name] = {"skipped": "no docs selected"}
            continue
        several = len(names) > 1
        out = _per_set_path(args.out, name, tag, several)
        errors = _per_set_path(args.errors, name, tag, several) if args.errors else None
        if args.pred:
            records, speed = load_predictions(_per_set_path(args.pred, name, tag, several), docs)
        else:
            records, speed = run_set(ds, docs, extractor)
            write_jsonl(out, records)

        tmp_errors = None
        if args.show_errors and errors is None:
            tmp_errors = Path(tempfile.mkstemp(prefix="quality-errors-", suffix=".jsonl")[1])
        overall = scorer.score([d.gold for d in docs], records, ds.articles, errors or tmp_errors)
        pred_by_doc = {r["source"]: r for r in records}
        languages = {}
        for lang, members in language_groups(docs).items():
            golds = [d.gold for d in docs if d.name in members]
            languages[lang] = scorer.score(golds, [pred_by_doc[m] for m in members], ds.articles)

        notes = [f"{d.name}: {d.note}" for d in docs if d.note]
        print(f"\n== {name}: {len(docs)} docs, {backend_label}, strategy={extractor.strategy}")
        print(f"scorer: {scorer.name}")
        if args.limit is not None or args.only:
            print("docs: " + " ".join(d.name for d in docs))
        else:
            print(f"docs: all {len(docs)} ({docs[0].name} .. {docs[-1].name})")
        for note in notes:
            print(f"note: {note}")
        print(format_kinds(overall))
        if len(languages) > 1:
            print("per language:")
            print(format_languages(languages, overall["scored_kinds"]))
        else:
            print(f"language: {next(iter(languages))} (every doc)")
        print(format_speed(speed, estimated_tokens=args.ablation))
        for r in records:
            if "error" in r:
                print(f"failed: {r['source']}: {r['error']['type']}: {r['error']['message']}")
        print(f"predictions: {out}" + (f"  errors: {errors}" if errors else ""))
        if args.show_errors:
            print("misses:")
            print(format_errors(errors or tmp_errors))  # type: ignore[arg-type]
        if tmp_errors is not None:
            tmp_errors.unlink()
        summary["sets"][name] = {
            "docs": [d.name for d in docs],
            "notes": notes,
            "predictions": str(out),
            "errors": str(errors) if errors else None,
            "overall": overall,
            "languages": languages,
            "speed": speed,
        }
    summary["run"]["load_end"] = _load(os.getloadavg())
    print(
        f"\n{backend_label} strategy={extractor.strategy} load={load_s:.1f}s "
        f"machine={platform.machine()} cpus={os.cpu_count()} "
        f"load_avg start={summary['run']['load_start'][0]:.2f} "
        f"end={summary['run']['load_end'][0]:.2f} (1 min)"
    )
    if args.json_out:
        path = Path(args.json_out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
        print(f"summary: {path}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
