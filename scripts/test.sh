#!/usr/bin/env bash
# Tests: set up, then the whole suite (including the end-to-end runs on the embedded model).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python scripts/gen_schemas.py --check
.venv/bin/ruff check factx tests examples scripts benchmarks
.venv/bin/ruff format --check factx tests
.venv/bin/mypy factx
.venv/bin/lint-imports
.venv/bin/python -m pytest -q "$@"
