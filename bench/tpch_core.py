"""TPC-H core benchmark: Quiver (over Flight SQL, through ADBC) against DuckDB, same run.

Both engines read the same Parquet files written by tpchgen-cli. Each query runs once to
warm caches, then --runs times; the median is reported. The results of the two engines
are compared, so a fast wrong answer shows up as such. See bench/README.md.
"""

import argparse
import datetime
import decimal
import math
import os
import platform
import re
import selectors
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
LISTENING = re.compile(r"^quiver server listening on grpc://(?P<host>[^:]+):(?P<port>\d+) ")
REL_TOL = 1e-6


def ensure_requirements():
    """Installs bench/requirements.txt into the running interpreter's environment when missing."""
    tpchgen = Path(sys.executable).parent / "tpchgen-cli"
    if not tpchgen.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "-r", str(BENCH / "requirements.txt")],
            check=True,
        )
    return tpchgen


def generate_data(tpchgen: Path, scale: str, data_dir: Path, tables):
    """Writes one directory per table (what CREATE EXTERNAL TABLE ... LOCATION expects).

    Generation goes to a sibling directory renamed at the end, so an interrupted run never
    leaves a half-written data set that a later run would take as complete.
    """
    marker = data_dir / "COMPLETE"
    if marker.exists():
        if marker.read_text().strip() != f"scale {scale}":
            sys.exit(f"{data_dir} holds another scale factor ({marker.read_text().strip()}); use another --data-dir")
        return
    if data_dir.exists():
        sys.exit(f"{data_dir} exists but is incomplete; remove it and run again")
    staging = data_dir.with_name(data_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    print(f"generating TPC-H SF{scale} Parquet into {data_dir} ...", flush=True)
    started = time.monotonic()
    # --parts 1 gives each table its own directory holding a single file.
    subprocess.run(
        [str(tpchgen), "parquet", "--scale-factor", scale, "--parts", "1",
         "--output-dir", str(staging), "--no-progress", "--quiet"],
        check=True,
    )
    for table in tables:
        if not any((staging / table).glob("*.parquet")):
            sys.exit(f"tpchgen-cli wrote no Parquet for {table} under {staging}")
    (staging / "COMPLETE").write_text(f"scale {scale}\n")
    staging.rename(data_dir)
    print(f"generated in {time.monotonic() - started:.1f}s", flush=True)


class QuiverServer:
    """A `quiver server` process on a free loopback port over a throwaway data dir."""

    def __init__(self, binary: Path, threads: int, work_dir: Path):
        self.binary = binary
        self.threads = threads
        self.work_dir = work_dir
        self.starts = 0
        self.process = None
        self.uri = None

    def start(self):
        self.starts += 1
        data_dir = self.work_dir / f"catalog{self.starts}"
        self.stderr_path = self.work_dir / f"server{self.starts}.stderr"
        with open(self.stderr_path, "w") as stderr:
            self.process = subprocess.Popen(
                [str(self.binary), "server", "--host", "127.0.0.1", "--port", "0",
                 "--data-dir", str(data_dir), "--threads", str(self.threads)],
                stdout=subprocess.PIPE, stderr=stderr, text=True,
            )
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout=30)
        selector.close()
        line = self.process.stdout.readline().rstrip("\n") if ready else ""
        match = LISTENING.match(line)
        if not match:
            self.process.kill()
            self.process.wait()
            sys.exit(f"quiver server did not start: first line {line!r}\n{self.stderr_path.read_text()}")
        self.uri = f"grpc://{match['host']}:{match['port']}"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def last_stderr_line(self) -> str:
        lines = self.stderr_path.read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""

    def stop(self) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process.stdout.close()
        self.process = None
        return code


class QuiverRunner:
    """Runs SQL on Quiver through ADBC; restarts the server after a failure.

    A query that crashes the server or times out must not take the rest of the benchmark
    with it, and a timed-out query may still be running on the server, so after any
    failure the server is replaced by a fresh one with the tables registered again.
    """

    def __init__(self, server: QuiverServer, data_dir: Path, tables, timeout_s: float):
        self.server = server
        self.data_dir = data_dir
        self.tables = tables
        self.timeout_s = timeout_s
        self.connection = None

    def open(self):
        from adbc_driver_flightsql import DatabaseOptions, dbapi

        self.server.start()
        self.connection = dbapi.connect(
            self.server.uri,
            db_kwargs={
                DatabaseOptions.TIMEOUT_QUERY.value: str(self.timeout_s),
                DatabaseOptions.TIMEOUT_FETCH.value: str(self.timeout_s),
            },
            autocommit=True,
        )
        for table in self.tables:
            location = f"{self.data_dir / table}/"
            self.execute(f"CREATE EXTERNAL TABLE {table} STORED AS PARQUET LOCATION '{location}'")

    def close(self) -> int:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:
                pass  # the server may be gone; closing is best effort
            self.connection = None
        return self.server.stop()

    def execute(self, sql: str):
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql)
            return cursor.fetch_arrow_table()
        finally:
            # Closing raises too when the server is gone; the query's own error is the
            # one worth reporting.
            try:
                cursor.close()
            except Exception:
                pass

    def run(self, sql: str):
        try:
            return self.execute(sql)
        except Exception as error:
            message = " ".join(str(error).split())
            # The Flight SQL driver appends a generic list of causes to transport errors.
            message = re.sub(r"; possible causes: [^)]*", "", message)
            crashed = not self.server.alive()
            if crashed:
                message = f"server crashed: {self.server.last_stderr_line()} ({message})"
            self.close()
            self.open()
            raise QueryFailed(message) from None


class QueryFailed(Exception):
    pass


def quiet_adbc_cleanup_errors():
    """Drops the driver manager's complaint when a cursor whose close already failed
    (its server had crashed) is garbage collected; the crash itself is reported."""
    default_hook = sys.unraisablehook

    def hook(unraisable):
        if isinstance(unraisable.exc_value, RuntimeError) and "Underflow in closing" in str(unraisable.exc_value):
            return
        default_hook(unraisable)

    sys.unraisablehook = hook


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


def normalize(value):
    # Engines pick different result types for the same expression (decimal vs double,
    # decimal scales, int32 vs int64), so values are compared as numbers.
    if isinstance(value, (decimal.Decimal, int)) and not isinstance(value, bool):
        return float(value)
    return value


def rows_of(table):
    columns = [[normalize(v) for v in column.to_pylist()] for column in table.columns]
    return list(zip(*columns))


def sort_key(row):
    return tuple((value is None, str(type(value)), value if value is not None else 0) for value in row)


def values_equal(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-9)
    return a == b


def compare(quiver_table, duckdb_table, ordered: bool) -> str:
    """'yes', or a short reason the results differ."""
    if quiver_table.num_columns != duckdb_table.num_columns:
        return f"NO: {quiver_table.num_columns} vs {duckdb_table.num_columns} columns"
    if quiver_table.num_rows != duckdb_table.num_rows:
        return f"NO: {quiver_table.num_rows} vs {duckdb_table.num_rows} rows"
    quiver_rows, duckdb_rows = rows_of(quiver_table), rows_of(duckdb_table)
    if not ordered:
        quiver_rows.sort(key=sort_key)
        duckdb_rows.sort(key=sort_key)
    for index, (q, d) in enumerate(zip(quiver_rows, duckdb_rows)):
        for column, (qv, dv) in enumerate(zip(q, d)):
            if not values_equal(qv, dv):
                name = duckdb_table.column_names[column]
                return f"NO: row {index} {name}: {qv!r} vs {dv!r}"
    return "yes"


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
    from tpch_queries import QUERIES, TABLES

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

    quiet_adbc_cleanup_errors()
    tpchgen = ensure_requirements()
    generate_data(tpchgen, args.scale, data_dir, TABLES)

    import duckdb
    import pyarrow

    print(f"TPC-H SF{args.scale}, {args.runs} runs (median) after 1 warm-up, {args.threads} threads, "
          f"{os.cpu_count()} cores, {platform.machine()}, {datetime.date.today()}")
    print(f"duckdb {duckdb.__version__}, pyarrow {pyarrow.__version__}, quiver {args.quiver_bin} "
          f"(checkout {checkout_revision()}), load average {os.getloadavg()[0]:.2f}", flush=True)

    duck = DuckDBRunner(data_dir, TABLES, args.threads)
    with tempfile.TemporaryDirectory(prefix="quiver-bench-") as work_dir:
        quiver = QuiverRunner(QuiverServer(args.quiver_bin, args.threads, Path(work_dir)), data_dir, TABLES, args.timeout)
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
    sys.path.insert(0, str(BENCH))
    main()
