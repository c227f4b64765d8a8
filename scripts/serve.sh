#!/usr/bin/env bash
# README's first command: installs what Quiver needs (Debian packages, the project
# virtualenv with the pinned pyarrow wheel), builds the `quiver` binary and starts
# `quiver server` on localhost. The data directory is $QUIVER_HOME (default
# var/quiver in this checkout) and gets the demo tables on first start.
# Extra arguments go to `quiver server` (e.g. --port 32011).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target quiver_cli
exec build/quiver server "$@"
