"""Cost: the price table, ``usage.cost_usd``, the batch budget (``max_cost``) and its resume."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest

from factx import Extractor
from factx._batch import BatchStats, extract_many
from factx._io import InputItem, load_results, read_jsonl_state
from factx._pricing import PRICES, Price, PriceTable, parse_price
from factx.backends import FakeBackend
from factx.cli import main
from factx.exceptions import ConfigError, ExtractionError
from tests._single import ANSWER

PROSE = (
    "Menteri Luar Negeri Rusia Sergey Lavrov tiba di Islamabad pada hari Rabu "
    "untuk pembicaraan dua hari."
)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FACTX_CACHE_DIR", str(tmp_path / ".cache"))
    for name in ("FACTX_PRICES", "FACTX_BACKEND", "FACTX_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)


def article(n: int) -> str:
    # Same length for every n < 10, so every article costs the same.
    return f"{PROSE}\n\nArtikel nomor {n} ditulis oleh wartawan kami di kota itu.\n"


class SlowFake(FakeBackend):
    """A FakeBackend whose calls take ``delay`` seconds (so several are in flight at once)."""

    def __init__(self, delay: float = 0.05, **kw: Any) -> None:
        super().__init__(responder=lambda m, r: ANSWER, **kw)
        self.delay = delay

    async def complete(self, messages: Any, response_model: Any, *, max_tokens: Any = None) -> Any:
        await asyncio.sleep(self.delay)
        return await super().complete(messages, response_model, max_tokens=max_tokens)


def run(gen: Any) -> list[dict[str, Any]]:
    async def collect() -> list[dict[str, Any]]:
        return [r async for r in gen]

    return asyncio.run(collect())


# --------------------------------------------------------------------------- price table


def test_builtin_prices_and_dated_snapshots() -> None:
    table = PriceTable()
    assert table.get("gpt-4o-mini") == Price(0.15, 0.60)
    # the longest known prefix wins: a gpt-4o-mini snapshot is not priced as gpt-4o
    assert table.get("gpt-4o-mini-2024-07-18") == PRICES["gpt-4o-mini"]
    assert table.get("gpt-4o-2024-08-06") == PRICES["gpt-4o"]
    assert table.get("Qwen/Qwen2.5-7B-Instruct") is None
    assert table.get(None) is None


def test_env_extends_and_arguments_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTX_PRICES", "qwen-7b=0.1,0.2; gpt-4o-mini=1,2")
    table = PriceTable({"qwen-7b": (0.5, 0.5)})
    assert table.get("qwen-7b") == Price(0.5, 0.5)  # argument beats the environment
    assert table.get("gpt-4o-mini") == Price(1.0, 2.0)  # environment beats the built-in table


@pytest.mark.parametrize("spec", ["gpt-4o", "=1,2", "m=1", "m=a,b", "m=1,2,3", "m=-1,2"])
def test_malformed_prices_are_config_errors(spec: str) -> None:
    with pytest.raises(ConfigError):
        parse_price(spec)


def test_malformed_env_price_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTX_PRICES", "m=cheap")
    with pytest.raises(ConfigError, match="FACTX_PRICES"):
        PriceTable()


# --------------------------------------------------------------------------- usage.cost_usd


def test_usage_carries_the_cost_of_a_known_model() -> None:
    fake = FakeBackend(responder=lambda m, r: ANSWER, model="gpt-4o-mini")
    facts = Extractor(fake, strategy="single").extract(article(1))
    u = facts.usage
    assert u.prompt_tokens > 0 and u.completion_tokens > 0
    expected = (u.prompt_tokens * 0.15 + u.completion_tokens * 0.60) / 1_000_000
    assert u.cost_usd == pytest.approx(expected)


def test_unknown_model_has_no_cost_and_local_costs_nothing() -> None:
    fake = FakeBackend(responder=lambda m, r: ANSWER, model="my-own-model")
    assert Extractor(fake, strategy="single").extract(article(1)).usage.cost_usd is None
    fake.cost_free = True  # type: ignore[attr-defined]  # as LocalBackend declares
    assert Extractor(fake, strategy="single").extract(article(1)).usage.cost_usd == 0.0


def test_failed_extraction_carries_its_cost() -> None:
    fake = FakeBackend(responder=lambda m, r: "not json", model="m")
    ex = Extractor(fake, strategy="single", prices={"m": (1_000_000, 0)})  # $1 per token
    with pytest.raises(ExtractionError) as info:
        ex.extract(article(1))
    usage = info.value.usage
    assert usage is not None and usage.prompt_tokens > 0
    assert usage.cost_usd == pytest.approx(usage.prompt_tokens)


# --------------------------------------------------------------------------- budget


def per_article_cost(model: str, price: tuple[float, float]) -> float:
    fake = FakeBackend(responder=lambda m, r: ANSWER, model=model)
    cost = Extractor(fake, strategy="single", prices={model: price}).extract(article(0)).usage
    assert cost.cost_usd is not None and cost.cost_usd > 0
    return cost.cost_usd


def test_budget_stops_new_articles_and_records_the_rest_as_skipped() -> None:
    one = per_article_cost("m", (1.0, 1.0))
    fake = FakeBackend(responder=lambda m, r: ANSWER, model="m")
    ex = Extractor(fake, strategy="single", prices={"m": (1.0, 1.0)})
    items = [InputItem(f"a{i}", text=article(i)) for i in range(8)]
    stats = BatchStats()
    records = run(extract_many(items, ex, concurrency=1, stats=stats, max_cost=2.5 * one))
    # one at a time: after 2 articles 2x < 2.5x, so a third starts; after it the budget is spent
    done = [r for r in records if "skipped" not in r]
    skipped = [r for r in records if "skipped" in r]
    assert [r["source"] for r in done] == ["a0", "a1", "a2"]
    assert [r["source"] for r in skipped] == [f"a{i}" for i in range(3, 8)]
    assert skipped[0]["skipped"]["reason"] == "budget"
    assert len(fake.calls) == 3
    assert stats.budget_skipped == 5 and stats.succeeded == 3 and stats.failed == 0
    assert stats.cost_usd == pytest.approx(3 * one)
    summary = stats.summary()
    assert "cost $" in summary and "5 not started: cost budget spent" in summary
    assert f"{stats.prompt_tokens:,} prompt" in summary


def test_articles_in_flight_finish_when_the_budget_runs_out() -> None:
    fake = SlowFake(model="m")
    ex = Extractor(fake, strategy="single", prices={"m": (1.0, 1.0)})
    items = [InputItem(f"a{i}", text=article(i)) for i in range(9)]
    stats = BatchStats()
    # any finished article spends the budget; the 3 started together all finish
    records = run(extract_many(items, ex, concurrency=3, stats=stats, max_cost=1e-9))
    assert len(records) == 9 and len({r["source"] for r in records}) == 9
    assert sum("skipped" not in r for r in records) == 3
    assert stats.budget_skipped == 6 and len(fake.calls) == 3


def test_budget_needs_a_known_price() -> None:
    ex = Extractor(FakeBackend(responder=lambda m, r: ANSWER, model="nameless"))
    with pytest.raises(ConfigError, match="--price"):
        run(extract_many(["x"], ex, max_cost=1.0))
    with pytest.raises(ConfigError):
        run(extract_many(["x"], Extractor(FakeBackend([]), prices={"fake": (1, 1)}), max_cost=-1))


def test_summary_without_a_price_says_so() -> None:
    ex = Extractor(FakeBackend(responder=lambda m, r: ANSWER, model="nameless"), strategy="single")
    stats = BatchStats()
    run(extract_many([article(1)], ex, stats=stats))
    assert "cost unknown (no price for the model)" in stats.summary()


# --------------------------------------------------------------------------- CLI


def cli(*argv: str, backend: Any) -> tuple[int, str]:
    err = io.StringIO()
    code = main(list(argv), backend=backend, stdout=io.StringIO(), stderr=err)
    return code, err.getvalue()


def test_cli_max_cost_then_resume_processes_the_skipped() -> None:
    Path("in").mkdir()
    for i in range(6):
        Path(f"in/{i:02d}.txt").write_text(article(i), encoding="utf-8")
    one = per_article_cost("m", (1.0, 1.0))
    common = ["--strategy", "single", "-j", "1", "--no-cache", "--price", "m=1,1"]
    first = FakeBackend(responder=lambda m, r: ANSWER, model="m")
    code, err = cli("extract", "in", "-o", "out.jsonl", *common, "--max-cost", str(1.5 * one),
                    backend=first)  # fmt: skip
    assert code == 0
    assert len(first.calls) == 2
    assert "4 not started: cost budget spent" in err and "cost $" in err
    state = read_jsonl_state("out.jsonl")
    assert len(state.done) == 2 and len(state.skipped) == 4

    second = FakeBackend(responder=lambda m, r: ANSWER, model="m")
    code, err = cli("extract", "in", "-o", "out.jsonl", *common, backend=second)
    assert code == 0
    assert "2 done, 4 skipped before (cost budget), resuming" in err
    assert len(second.calls) == 4
    final = load_results("out.jsonl")
    assert len(final) == 6 and all("skipped" not in r and "error" not in r for r in final.values())
    assert all(r["usage"]["cost_usd"] == pytest.approx(one) for r in final.values())


def test_cli_max_cost_without_price_is_a_usage_error() -> None:
    Path("a.txt").write_text(article(1), encoding="utf-8")
    backend = FakeBackend(responder=lambda m, r: ANSWER, model="nameless")
    code, err = cli("extract", "a.txt", "-o", "out.jsonl", "--max-cost", "1", backend=backend)
    assert code == 2 and "needs the price of model 'nameless'" in err
    assert not Path("out.jsonl").exists() and backend.calls == []


def test_cli_bad_price_is_a_usage_error() -> None:
    Path("a.txt").write_text(article(1), encoding="utf-8")
    code, err = cli("extract", "a.txt", "--price", "m=1", backend=FakeBackend([]))
    assert code == 2 and "IN,OUT" in err


def test_skipped_record_in_csv() -> None:
    from factx._io import csv_rows, skipped_record

    rows = csv_rows(skipped_record("a", "budget", "spent"))
    assert rows == [["a", "skipped", "", "budget", "", "", "", "", "", ""]]
    assert json.loads(json.dumps(skipped_record("a", "budget", "spent")))["skipped"]
