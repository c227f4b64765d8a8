"""The Arrow Flight SQL JDBC driver (from Maven Central) against Quiver, driven by a small
Java program (jdbc/QuiverJdbcCheck.java). scripts/install-deps.sh puts the driver in
.venv/jdbc/ and installs a JDK."""

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

JDBC_DIR = REPO / ".venv" / "jdbc"
ROWS = 3_000_000


def test_jdbc_driver_end_to_end(quiver_server, tmp_path):
    [driver] = sorted(JDBC_DIR.glob("flight-sql-jdbc-driver-*.jar"))
    javac = shutil.which("javac")
    assert javac, "a JDK is needed (scripts/install-deps.sh installs one)"
    source = Path(__file__).parent / "jdbc" / "QuiverJdbcCheck.java"
    subprocess.run([javac, "-cp", str(driver), "-d", str(tmp_path), str(source)], check=True)
    result = subprocess.run(
        ["java", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", f"{driver}:{tmp_path}", "QuiverJdbcCheck",
         quiver_server.host, str(quiver_server.port), str(ROWS)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr[-4000:]}"
    lines = result.stdout.splitlines()
    assert len(lines) == 15, lines
    assert all(line.startswith("ok ") for line in lines)
