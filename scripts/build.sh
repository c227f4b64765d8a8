#!/usr/bin/env bash
# Configures and builds Quiver into build/ (ccache is used when installed).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || cmake -S . -B build -G Ninja
cmake --build build "$@"
