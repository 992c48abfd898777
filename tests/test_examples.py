"""The examples run offline (``--backend fake``) and print what they promise."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel

from factx import ArticleFacts, Extractor
from factx.backends import FakeBackend, Message, Reply

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEEDS = ROOT / "seeds"
SCRIPTS = sorted(EXAMPLES.glob("[0-9][0-9]_*.py"))
SEED_NAMES = sorted(p.name for p in SEEDS.glob("0*.txt"))


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Import an example by file name (its helper ``_demo`` must be importable too)."""
    monkeypatch.syspath_prepend(str(EXAMPLES))

    def _load(stem: str) -> ModuleType:
        (path,) = EXAMPLES.glob(f"{stem}*.py")
        spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look it up
        spec.loader.exec_module(module)
        return module

    return _load


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def test_the_four_examples_exist() -> None:
    assert [p.name for p in SCRIPTS] == [
        "01_one_article.py",
        "02_folder_async.py",
        "03_custom_backend.py",
        "04_pipeline_pandas.py",
    ]


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_every_example_has_a_docstring_and_main(path: Path, load: Any) -> None:
    module = load(path.stem)
    assert module.__doc__ and len(module.__doc__.strip()) > 40
    assert callable(module.main)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_every_example_runs_as_a_script(path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(path), "--backend", "fake"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()


# ----------------------------------------------------------------------------- 01


def test_one_article(load: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert load("01").main(["--backend", "fake"]) == 0
    facts = ArticleFacts.model_validate_json(capsys.readouterr().out)
    text = seed_text("000_b1cba7760af5b319.txt")
    assert facts.source == "000_b1cba7760af5b319.txt"
    assert facts.published == "2022-02-22"
    assert facts.usage.calls == 1
    assert any(q.text.startswith("Dia adalah pemimpin Barat pertama") for q in facts.quotes)
    for fact in [*facts.quotes, *facts.statements]:
        for span in fact.evidence:
            assert text[span.start : span.end] == span.text


def test_one_article_from_a_given_file(
    load: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "mine.txt"
    path.write_text(
        'Foreign Minister Sergey Lavrov arrived in Islamabad on Wednesday for talks. "We are '
        'ready to strengthen our cooperation," said Lavrov at a press conference.\n',
        encoding="utf-8",
    )
    assert load("01").main([str(path), "--backend", "fake"]) == 0
    facts = ArticleFacts.model_validate_json(capsys.readouterr().out)
    (q,) = facts.quotes
    assert (q.speaker, q.text) == ("Lavrov", "We are ready to strengthen our cooperation,")


def test_one_article_reports_config_errors(load: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert load("01").main(["--backend", "opena:gpt"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "did you mean 'openai" in err


# ----------------------------------------------------------------------------- 02


def test_folder_async(load: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert load("02").main(["--backend", "fake", "--concurrency", "2"]) == 0
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["source"] for r in rows] == SEED_NAMES
    assert all("error" not in r and r["calls"] == 1 and r["tokens"] > 0 for r in rows)
    assert sum(r["quotes"] for r in rows) > 5
    assert "5 articles done, 0 failed" in captured.err


def test_folder_async_reports_a_bad_article(
    load: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text(seed_text(SEED_NAMES[0]), encoding="utf-8")
    (tmp_path / "b.txt").write_text("   \n", encoding="utf-8")
    assert load("02").main([str(tmp_path), "--backend", "fake"]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["source"] == "a.txt" and "error" not in rows[0]
    assert rows[1]["source"] == "b.txt" and rows[1]["error"].startswith("InputError")


class SlowBackend:
    """Answers empty facts after a pause, recording how many calls overlap."""

    model = "slow"
    tier = "large"

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0
        self._fake = FakeBackend(responder=lambda m, r: {})

    async def complete(
        self, messages: list[Message], response_model: type[BaseModel], *, max_tokens: Any = None
    ) -> Reply[Any]:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(0.02)
        self.in_flight -= 1
        return await self._fake.complete(messages, response_model)


def test_folder_async_bounds_concurrency(load: Any) -> None:
    backend = SlowBackend()
    paths = sorted(SEEDS.glob("0*.txt")) * 2
    rows = asyncio.run(load("02").extract_folder(paths, Extractor(backend), concurrency=2))
    assert len(rows) == 10
    assert backend.peak == 2


# ----------------------------------------------------------------------------- 03


def test_custom_backend(load: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert load("03").main(["--backend", "fake"]) == 0
    out = capsys.readouterr().out
    assert "call 1: _SAll ok" in out
    assert "model: traced:demo-rules" in out
    assert "Nikolai Patrushev: Kami mengharapkan pembicaraan mendalam" in out


def test_tracing_backend_sees_reasks(load: Any) -> None:
    module = load("03")
    text = seed_text("000_b1cba7760af5b319.txt")
    backend = module.TracingBackend(FakeBackend(["not json", {}]))
    facts = Extractor(backend, strategy="single").extract(text)
    assert [t.ok for t in backend.traces] == [False, True]
    assert [t.messages for t in backend.traces] == [2, 4]  # the re-ask adds answer + reason
    assert facts.usage.reasks == 1
    assert facts.usage.model == "traced:fake"


# ----------------------------------------------------------------------------- 04


def test_pipeline_pandas(load: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    csv = tmp_path / "facts.csv"
    module = load("04")
    assert module.main(["--backend", "fake", "--csv", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "quote" in out and "004_6b736f0b0c07c482.txt" in out
    df = pd.read_csv(csv)
    assert list(df.columns) == module.COLUMNS
    assert set(df["kind"]) <= {"visit", "agreement", "statement", "quote"}
    assert set(df["source"]) == set(SEED_NAMES)
    for row in df.itertuples():
        text = seed_text(row.source)
        assert text[int(row.start) : int(row.end)] == row.evidence


def test_rows_flatten_every_kind(load: Any) -> None:
    module = load("04")
    facts = ArticleFacts.model_validate(
        {
            "source": "x",
            "visits": [
                {
                    "visitor": {"name": "Putin"},
                    "destination": {"country": "CHN", "city": "Beijing"},
                    "start_date": "2023-10",
                    "evidence": [{"text": "a", "start": 0, "end": 1}],
                }
            ],
            "agreements": [
                {"parties": [{"name": "RUS"}, {"name": "PAK"}], "subject": "drills"},
            ],
        }
    )
    df = module.to_frame([facts])
    assert df.to_dict("records")[0]["what"] == "Beijing, CHN"
    assert df.to_dict("records")[1]["who"] == "RUS / PAK"
    assert df["kind"].tolist() == ["visit", "agreement"]
