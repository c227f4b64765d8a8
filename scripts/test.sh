#!/usr/bin/env bash
# README's test command: installs dependencies, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure --timeout 300 -j2
.venv/bin/python -m pytest -q tests/integration
