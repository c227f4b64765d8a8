"""Bulk ingest: TPC-H lineitem rows pushed into Quiver with ADBC's adbc_ingest, against
DuckDB's CREATE TABLE AS SELECT from the same Arrow table (into a database file) and
against pyarrow writing the same rows as one Snappy Parquet file (the disk's limit, and
the target: Quiver at least half its speed). Every writer makes its result durable
(fsync / CHECKPOINT) before the clock stops. Prints rows/s, MB/s (of the Arrow data)
and each peer's ratio to pyarrow.

    .venv/bin/python bench/ingest/run.py [--rows 10000000] [--repeat 3]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from tpch.datagen import ensure_tpchgen  # noqa: E402
from tpch.quiver import QuiverServer  # noqa: E402

REPO = BENCH.parent


def lineitem(rows: int) -> pa.Table:
    """The first `rows` rows of TPC-H lineitem (SF2 has 12M), generated once into bench/data."""
    target = BENCH / "data" / "ingest-lineitem-sf2"
    marker = target / "COMPLETE"
    if not marker.exists():
        staging = target.with_name(target.name + f".partial-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        subprocess.run(
            [str(ensure_tpchgen()), "parquet", "--scale-factor", "2", "--tables", "lineitem", "--parts", "1",
             "--output-dir", str(staging), "--no-progress", "--quiet"],
            check=True,
        )
        (staging / "COMPLETE").write_text("lineitem sf2\n")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    table = pq.read_table(next(target.glob("**/*.parquet")))
    # Plain strings: what a client typically holds (the files store string_view).
    table = table.cast(pa.schema([f.with_type(pa.string()) if pa.types.is_string_view(f.type) else f for f in table.schema]))
    # Batches of 64Ki rows, as a client reading Parquet row groups would hold them (the
    # ADBC driver sends each batch as one message, at most 16 MiB).
    sliced = table.slice(0, rows).combine_chunks()
    return pa.Table.from_batches(sliced.to_batches(max_chunksize=65536))


def sync_tree(path: Path):
    for file in path.rglob("*"):
        if file.is_file():
            fd = os.open(file, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)


def time_pyarrow(table: pa.Table, work: Path) -> float:
    path = work / "lineitem.parquet"
    started = time.perf_counter()
    pq.write_table(table, path, compression="snappy")
    sync_tree(work)
    elapsed = time.perf_counter() - started
    path.unlink()
    return elapsed


def time_duckdb(table: pa.Table, work: Path) -> float:
    import duckdb

    path = work / "duck.db"
    con = duckdb.connect(str(path))
    arrow_table = table  # noqa: F841 (read by DuckDB's replacement scan)
    started = time.perf_counter()
    con.execute("CREATE TABLE lineitem AS SELECT * FROM arrow_table")
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - started
    con.close()
    for leftover in work.glob("duck.db*"):
        leftover.unlink()
    return elapsed


def time_quiver(table: pa.Table, uri: str, name: str) -> float:
    from adbc_driver_flightsql import dbapi

    with dbapi.connect(uri, autocommit=True) as con, con.cursor() as cursor:
        started = time.perf_counter()
        loaded = cursor.adbc_ingest(name, table, mode="create")
        elapsed = time.perf_counter() - started
        cursor.execute(f"SELECT count(*) FROM {name}")
        assert cursor.fetchone()[0] == table.num_rows == loaded, (loaded, table.num_rows)
        cursor.execute(f"DROP TABLE {name}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work-dir", type=Path, default=None, help="where files are written (default: a temp dir)")
    args = parser.parse_args()

    table = lineitem(args.rows)
    megabytes = table.nbytes / 1e6
    print(f"lineitem: {table.num_rows:,} rows, {megabytes:,.0f} MB as Arrow, {table.num_columns} columns")
    work = Path(tempfile.mkdtemp(prefix="quiver-ingest-", dir=args.work_dir))
    server = QuiverServer(REPO / "build" / "quiver", threads=0, work_dir=work)
    server.start()
    times = {"pyarrow write_table": [], "DuckDB CTAS": [], "Quiver adbc_ingest": []}
    try:
        for run in range(args.repeat):
            times["pyarrow write_table"].append(time_pyarrow(table, work))
            times["DuckDB CTAS"].append(time_duckdb(table, work))
            times["Quiver adbc_ingest"].append(time_quiver(table, server.uri, f"lineitem_{run}"))
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    best = {name: min(values) for name, values in times.items()}
    baseline = best["pyarrow write_table"]
    print(f"\nbest of {args.repeat} runs, {table.num_rows:,} rows\n")
    print(f"| {'writer':<20} | {'seconds':>8} | {'rows/s':>12} | {'MB/s':>8} | {'vs pyarrow':>10} |")
    print(f"|{'-' * 22}|{'-' * 10}|{'-' * 14}|{'-' * 10}|{'-' * 12}|")
    for name, seconds in best.items():
        print(f"| {name:<20} | {seconds:>8.2f} | {table.num_rows / seconds:>12,.0f} | {megabytes / seconds:>8.0f} | "
              f"{baseline / seconds:>9.2f}x |")
    ratio = baseline / best["Quiver adbc_ingest"]
    print(f"\nQuiver ingest at {ratio:.2f}x pyarrow's Parquet write speed (target >= 0.5x)")


if __name__ == "__main__":
    main()
