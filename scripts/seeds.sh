#!/usr/bin/env bash
# Main job: set up (venv + embedded model), extract the five seed articles, score them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/factx extract "seeds/*.txt" -o out/seeds.jsonl --backend local --no-cache "$@"
.venv/bin/factx eval --gold seeds/seeds.gold.jsonl out/seeds.jsonl --articles seeds
