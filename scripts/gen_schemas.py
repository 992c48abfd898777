"""Write the JSON Schemas of factx's public models to ``schemas/``.

Usage::

    python scripts/gen_schemas.py            # (re)write schemas/<Model>.json
    python scripts/gen_schemas.py --check    # exit 1 and list stale files; write nothing

The files are the contract for outside tools: ``model_json_schema()``, indent 2, sorted keys,
one trailing newline.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "schemas"
sys.path.insert(0, str(ROOT))  # this checkout's factx, not another installed copy


def models() -> list[type[BaseModel]]:
    from factx.models import Agreement, ArticleFacts, Quote, Statement, Visit

    return [ArticleFacts, Visit, Agreement, Statement, Quote]


def render(model: type[BaseModel]) -> str:
    return (
        json.dumps(model.model_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )


def expected() -> dict[str, str]:
    """File name -> content for every schema."""
    return {f"{m.__name__}.json": render(m) for m in models()}


def stale(out: Path) -> list[Path]:
    """Schema files that are missing or differ from the models."""
    return [
        out / name
        for name, content in expected().items()
        if not (out / name).is_file() or (out / name).read_text(encoding="utf-8") != content
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files, write nothing")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    out: Path = args.out
    if args.check:
        bad = stale(out)
        for path in bad:
            print(f"stale: {path}", file=sys.stderr)
        if bad:
            print("run: python scripts/gen_schemas.py", file=sys.stderr)
            return 1
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name, content in expected().items():
        path = out / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
