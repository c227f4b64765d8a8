#!/usr/bin/env bash
# Installs everything Quiver needs to build and test: Debian packages by name and the
# project virtualenv (.venv) with the pinned pyarrow wheel that provides Arrow C++.
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  python3-venv
  libpg-query-dev protobuf-compiler libprotobuf-dev
  tao-pegtl-dev libcli11-dev nlohmann-json3-dev libedit-dev libsodium-dev
  libgtest-dev libbenchmark-dev
  libzookeeper-mt-dev zookeeper
  openjdk-17-jdk-headless maven
)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Install only when a pinned requirement is missing (pip is slow even when idle).
not_installed=$(comm -13 <(.venv/bin/pip freeze 2>/dev/null | sort) <(grep -v '^#' requirements.txt | sort))
if [ -n "$not_installed" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
fi

# DuckDB reads Quiver's Delta tables in the tests through its delta extension, which
# PyPI ships only for DuckDB 1.5.5: that pair lives beside the project's DuckDB, in a
# directory the tests put on PYTHONPATH of the process that uses it.
DUCKDB_DELTA=.venv/duckdb-delta
if [ ! -d "$DUCKDB_DELTA/duckdb_extension_delta" ]; then
  .venv/bin/pip install -q --disable-pip-version-check --target "$DUCKDB_DELTA" \
    duckdb==1.5.5 duckdb-extension-delta==1.5.5
fi

# The Arrow Flight SQL JDBC driver, from Maven Central, for tests/integration/test_jdbc.py.
JDBC_DRIVER_VERSION=18.3.0
if [ ! -f ".venv/jdbc/flight-sql-jdbc-driver-$JDBC_DRIVER_VERSION.jar" ]; then
  mvn -q -B dependency:copy -Dartifact="org.apache.arrow:flight-sql-jdbc-driver:$JDBC_DRIVER_VERSION" \
    -DoutputDirectory=.venv/jdbc
fi
