#!/usr/bin/env bash
# Idempotent set-up: a venv in .venv with factx and every extra the tests use.
# llama-cpp-python compiles from source the first time (~7 min on 2 cores); pip caches the wheel.
# ray[data] is a ~70 MB wheel plus pyarrow (~55 MB): about a minute more.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev,html,local,server,ray]"
