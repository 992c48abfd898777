"""``benchmarks/quality.py``: fixed samples, language groups, and an ablation run on the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import quality


def test_limit_is_a_fixed_evenly_spaced_sample() -> None:
    docs = [f"dip_{i:02d}.txt" for i in range(24, 0, -1)]  # unsorted on purpose
    picked = quality.sample(docs, 5)
    assert picked == ["dip_01.txt", "dip_05.txt", "dip_10.txt", "dip_15.txt", "dip_20.txt"]
    assert quality.sample(list(reversed(docs)), 5) == picked
    assert len(set(quality.sample(docs, 23))) == 23
    assert quality.sample(docs, 99) == sorted(docs)


def test_language_groups_add_a_non_id_en_row_to_mixed_sets() -> None:
    docs = [quality.Doc(f"d{i}", {}, lang, None) for i, lang in enumerate("id id en nl it".split())]
    groups = quality.language_groups(docs)
    assert groups == {
        "id": ["d0", "d1"],
        "en": ["d2"],
        "it": ["d4"],
        "nl": ["d3"],
        "non-id/en": ["d3", "d4"],
    }
    assert list(quality.language_groups(docs[:2])) == ["id"]


@pytest.mark.parametrize("scorer", ["score.py", "factx.eval"])
def test_ablation_on_the_seeds_writes_predictions_and_summary(
    tmp_path: Path, scorer: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = Path(quality.ROOT.parent / "shared" / "devsets")
    if scorer == "score.py" and not (shared / "score.py").is_file():
        pytest.skip("no shared/devsets/score.py beside the project")
    argv = ["--ablation", "--out", str(tmp_path / "q.{set}.{backend}.jsonl")]
    argv += ["--json", str(tmp_path / "q.json"), "--limit", "2"]
    if scorer == "factx.eval":
        argv += ["--shared", str(tmp_path / "none")]
    assert quality.main(argv) == 0

    printed = capsys.readouterr().out
    assert "ablation (model answers nothing)" in printed
    assert f"scorer: {scorer}" in printed
    summary = json.loads((tmp_path / "q.json").read_text())
    seeds = summary["sets"]["seeds"]
    assert seeds["docs"] == ["000_b1cba7760af5b319.txt", "002_a5886b662a4499da.txt"]
    assert set(seeds["overall"]["kinds"]) == {"visits", "agreements", "statements", "quotes"}
    assert seeds["speed"]["articles"] == 2 and seeds["speed"]["failures"] == 0
    preds = (tmp_path / "q.seeds.ablation.jsonl").read_text().splitlines()
    assert [json.loads(line)["source"] for line in preds] == seeds["docs"]
