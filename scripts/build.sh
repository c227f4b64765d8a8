#!/usr/bin/env bash
# Configures and builds Quiver into build/ (ccache is used when installed).
set -euo pipefail
cd "$(dirname "$0")/.."
# Let ccache reuse objects across checkouts in different directories (CI clones anew).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
[ -f build/build.ninja ] || cmake -S . -B build -G Ninja
cmake --build build "$@"
