"""TPC-H data as Parquet, written by tpchgen-cli at the version pinned in the project's
requirements.txt (installed into the running virtualenv when missing)."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tpch.queries import TABLES

REPO = Path(__file__).resolve().parents[2]


def pinned_requirement(name: str, requirements: Path = REPO / "requirements.txt") -> str:
    for line in requirements.read_text().splitlines():
        if re.match(rf"^{re.escape(name)}==", line.strip()):
            return line.strip()
    raise RuntimeError(f"{requirements} pins no version of {name}")


def ensure_tpchgen() -> Path:
    tpchgen = Path(sys.executable).parent / "tpchgen-cli"
    if not tpchgen.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             pinned_requirement("tpchgen-cli")],
            check=True,
        )
    return tpchgen


def generate(scale: str, data_dir: Path, log=print) -> Path:
    """Writes one directory per table, each holding one Parquet file (what both
    CREATE EXTERNAL TABLE ... LOCATION and the peers' directory readers expect).

    A COMPLETE marker names the scale factor. Generation goes to a sibling directory
    renamed at the end, so an interrupted run never leaves a half-written data set that
    a later run would take as complete. The layout is the one bench/tpch_core.py writes,
    so both benchmarks share bench/data/.
    """
    marker = data_dir / "COMPLETE"
    if marker.exists():
        found = marker.read_text().strip()
        if found != f"scale {scale}":
            raise RuntimeError(f"{data_dir} holds another scale factor ({found}); use another directory")
        return data_dir
    if data_dir.exists():
        raise RuntimeError(f"{data_dir} exists but is incomplete; remove it and run again")
    tpchgen = ensure_tpchgen()
    # Named per process, so that two runs generating at once (two test sessions) do not
    # write into each other's files; the first rename wins.
    staging = data_dir.with_name(f"{data_dir.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    log(f"generating TPC-H SF{scale} Parquet into {data_dir} ...")
    started = time.monotonic()
    subprocess.run(
        [str(tpchgen), "parquet", "--scale-factor", scale, "--parts", "1",
         "--output-dir", str(staging), "--no-progress", "--quiet"],
        check=True,
    )
    for table in TABLES:
        if not any((staging / table).glob("*.parquet")):
            raise RuntimeError(f"tpchgen-cli wrote no Parquet for {table} under {staging}")
    (staging / "COMPLETE").write_text(f"scale {scale}\n")
    try:
        staging.rename(data_dir)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not marker.exists():
            raise
        return data_dir
    log(f"generated in {time.monotonic() - started:.1f}s")
    return data_dir
