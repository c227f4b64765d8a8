"""TPC-H core benchmark: Quiver (over Flight SQL, through ADBC) against DuckDB, same run.

Both engines read the same Parquet files written by tpchgen-cli. Each query runs once to
warm caches, then --runs times; the median is reported. The results of the two engines
are compared, so a fast wrong answer shows up as such. See bench/README.md.
"""

import argparse
import datetime
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

# Data generation, the server and its client, and result comparison are the 22-query
# benchmark's (bench/tpch/), so both benchmarks read the same data the same way.
from tpch import datagen  # noqa: E402
from tpch.compare import difference  # noqa: E402
from tpch.queries import TABLES  # noqa: E402
from tpch.quiver import QueryFailed, QuiverClient, QuiverServer  # noqa: E402

# Values agree to 1e-6 relative (the tolerance this benchmark has always used).
REL_TOL = 1e-6


class DuckDBRunner:
    def __init__(self, data_dir: Path, tables, threads: int):
        import duckdb

        self.connection = duckdb.connect()
        self.connection.execute(f"SET threads = {threads}")
        for table in tables:
            self.connection.execute(
                f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{data_dir / table}/*.parquet')"
            )

    def run(self, sql: str):
        try:
            return self.connection.sql(sql).to_arrow_table()
        except Exception as error:
            raise QueryFailed(" ".join(str(error).split())) from None


@dataclass
class Measurement:
    seconds: float | None = None
    table: object = None
    error: str | None = None


def measure(runner, sql: str, runs: int) -> Measurement:
    """One warm-up run, then the median of `runs` timed runs (client-side wall time)."""
    try:
        table = runner.run(sql)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            table = runner.run(sql)
            times.append(time.perf_counter() - started)
    except QueryFailed as failure:
        return Measurement(error=str(failure))
    return Measurement(seconds=statistics.median(times), table=table)


def compare(quiver_table, duckdb_table, ordered: bool) -> str:
    """'yes', or a short reason the results differ."""
    problem = difference(quiver_table, duckdb_table, ordered, rel_tol=REL_TOL, abs_tol=1e-9)
    return "yes" if problem is None else f"NO: {problem}"


@dataclass
class Result:
    name: str
    quiver: Measurement
    duckdb: Measurement
    same: str = ""
    notes: list = field(default_factory=list)

    @property
    def ratio(self):
        if self.quiver.seconds is None or self.duckdb.seconds is None:
            return None
        return self.quiver.seconds / self.duckdb.seconds


def cell(measurement: Measurement) -> str:
    return "ERROR" if measurement.error is not None else f"{measurement.seconds:.3f}"


def print_table(results, out=sys.stdout):
    headers = ["query", "rows", "quiver s", "duckdb s", "quiver/duckdb", "same"]
    body = []
    for result in results:
        rows = result.duckdb.table.num_rows if result.duckdb.table is not None else ""
        ratio = f"{result.ratio:.2f}" if result.ratio is not None else "-"
        body.append([result.name, str(rows), cell(result.quiver), cell(result.duckdb), ratio, result.same])
    ratios = [r.ratio for r in results if r.ratio is not None]
    both = [r for r in results if r.ratio is not None]
    if both:
        body.append([
            f"geometric mean ({len(both)} of {len(results)})", "",
            f"{geometric_mean([r.quiver.seconds for r in both]):.3f}",
            f"{geometric_mean([r.duckdb.seconds for r in both]):.3f}",
            f"{geometric_mean(ratios):.2f}", "",
        ])
    widths = [max(len(row[i]) for row in [headers] + body) for i in range(len(headers))]
    numeric = {1, 2, 3, 4}

    def line(row):
        cells = [row[i].rjust(widths[i]) if i in numeric else row[i].ljust(widths[i]) for i in range(len(row))]
        return "| " + " | ".join(cells) + " |"

    print(line(headers), file=out)
    print("|" + "|".join(("-" * (w + 1) + ":") if i in numeric else "-" * (w + 2) for i, w in enumerate(widths)) + "|", file=out)
    for row in body:
        print(line(row), file=out)
    errors = [(r.name, engine, m.error) for r in results for engine, m in (("quiver", r.quiver), ("duckdb", r.duckdb)) if m.error]
    if errors:
        print(file=out)
        for name, engine, error in errors:
            print(f"ERROR {engine} {name}: {error[:400]}", file=out)
    if any(r.same.startswith("NO") for r in results):
        print(file=out)
        print("!!! RESULTS DIFFER between Quiver and DuckDB: see the 'same' column !!!", file=out)


def checkout_revision() -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def geometric_mean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main():
    from tpch_queries import QUERIES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1", help="TPC-H scale factor (1 = 1 GB; 0.1 for a quick run)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query after one warm-up; the median is reported")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads and quiver server --threads")
    parser.add_argument("--data-dir", type=Path, help="where the Parquet data lives (default bench/data/sf<scale>)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a Quiver query may take before it counts as failed")
    parser.add_argument("--query", action="append", help="run only queries whose name contains this text (repeatable)")
    parser.add_argument("--quiver-bin", type=Path, default=Path(os.environ.get("QUIVER_BIN", REPO / "build" / "quiver")))
    args = parser.parse_args()

    data_dir = (args.data_dir or BENCH / "data" / f"sf{args.scale}").resolve()
    if not args.quiver_bin.is_file():
        sys.exit(f"{args.quiver_bin} does not exist; build it first (scripts/build.sh)")
    queries = [q for q in QUERIES if not args.query or any(s.lower() in q.name.lower() for s in args.query)]

    try:
        datagen.generate(args.scale, data_dir, log=lambda message: print(message, flush=True))
    except RuntimeError as error:
        sys.exit(str(error))

    import duckdb
    import pyarrow

    print(f"TPC-H SF{args.scale}, {args.runs} runs (median) after 1 warm-up, {args.threads} threads, "
          f"{os.cpu_count()} cores, {platform.machine()}, {datetime.date.today()}")
    print(f"duckdb {duckdb.__version__}, pyarrow {pyarrow.__version__}, quiver {args.quiver_bin} "
          f"(checkout {checkout_revision()}), load average {os.getloadavg()[0]:.2f}", flush=True)

    duck = DuckDBRunner(data_dir, TABLES, args.threads)
    with tempfile.TemporaryDirectory(prefix="quiver-bench-") as work_dir:
        quiver = QuiverClient(QuiverServer(args.quiver_bin, args.threads, Path(work_dir)), data_dir, args.timeout)
        quiver.open()
        results = []
        try:
            for query in queries:
                print(f"  {query.name} ...", end="", flush=True)
                result = Result(query.name, measure(quiver, query.sql, args.runs), measure(duck, query.sql, args.runs))
                if result.quiver.table is not None and result.duckdb.table is not None:
                    result.same = compare(result.quiver.table, result.duckdb.table, query.ordered)
                elif result.quiver.error:
                    result.same = "-"
                results.append(result)
                print(f" quiver {cell(result.quiver)}  duckdb {cell(result.duckdb)}  {result.same}", flush=True)
        finally:
            code = quiver.close()
        if code != 0:
            print(f"note: quiver server exited with status {code} on SIGTERM", flush=True)
    # Another process busy on a 2-core machine skews every number; the load says so.
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    print()
    print_table(results)


if __name__ == "__main__":
    main()
