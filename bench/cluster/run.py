"""Distributed execution on one machine, in one run (see bench/README.md):

1. TPC-H: the 22 queries on single-node Quiver (one `quiver server`, execution_mode
   local) and on local clusters of 2 and 4 `quiver server` processes (`quiver cluster
   up`, execution_mode distributed), each query on each setup in turn, median of --runs
   after a warm-up; the ratio cluster/single per query and their geometric mean.
2. Result fetch: a SELECT * of lineitem fetched by a pyarrow.flight client from a bare
   pyarrow.flight server holding the table in memory (the transport's limit), from
   Quiver through its one endpoint, and from Quiver's clusters through all endpoints at
   once (from a pool of client threads, each endpoint from the worker holding it).
   Quiver is measured twice: reading the Parquet file on every fetch, then with the
   table marked CACHE TABLE, its decoded columns in memory like the bare server's (the
   first fetch after the mark, the warm-up, fills the cache). Fetches are measured in rounds, every
   source once per round, and the bare server's median is over all of its rounds.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO / "tests" / "integration"))

import pyarrow as pa  # noqa: E402
import pyarrow.flight as flight  # noqa: E402

import flight_sql_wire as wire  # noqa: E402
from flight_cookies import CookieJar  # noqa: E402
from tpch import datagen  # noqa: E402
from tpch.compare import difference  # noqa: E402
from tpch.queries import TABLES, load_queries  # noqa: E402
from tpch.quiver import QuiverServer  # noqa: E402


def log(message):
    print(message, file=sys.stderr, flush=True)


class Setup:
    """A Quiver front door to send queries to, and how it runs them.

    Like a client library (ADBC keeps a client per location), a setup keeps one Flight
    client per worker location and one pool of fetching threads across queries: a new
    connection and new threads per fetch cost the client more than Quiver (each fresh
    thread's allocations fault in fresh pages)."""

    def __init__(self, name, uri, mode, stop):
        self.name, self.uri, self.mode, self.stop = name, uri, mode, stop
        self.client = flight.FlightClient(uri, middleware=[CookieJar()])
        self.sources = {}
        self.fetchers = ThreadPoolExecutor(max_workers=8)
        self.run(f"SET execution_mode = '{mode}'")

    def info(self, sql):
        return self.client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(sql)))

    def run(self, sql, parallel=False):
        """The whole result: every endpoint fetched, one after another, or at once (each
        from its first location, the worker holding it)."""
        info = self.info(sql)
        if not parallel or len(info.endpoints) == 1:
            return pa.concat_tables([self.client.do_get(e.ticket).read_all() for e in info.endpoints])
        return pa.concat_tables(list(self.fetchers.map(self.fetch_from_holder, info.endpoints)))

    def fetch_from_holder(self, endpoint):
        location = endpoint.locations[0]
        source = self.sources.get(location.uri)
        if source is None:
            source = self.sources.setdefault(location.uri, flight.FlightClient(location))
        return source.do_get(endpoint.ticket).read_all()

    def close(self):
        self.fetchers.shutdown()
        for source in self.sources.values():
            source.close()
        self.client.close()
        self.stop()


def start_single(binary, threads, work_dir):
    server = QuiverServer(binary, threads, work_dir / "single")
    (work_dir / "single").mkdir()
    server.start()

    def stop():
        server.process.terminate()
        server.process.wait(timeout=30)

    return Setup("single", server.uri, "local", stop)


def start_cluster(binary, nodes, threads, work_dir):
    directory = work_dir / f"cluster{nodes}"
    subprocess.run([str(binary), "cluster", "up", "--workers", str(nodes), "--threads", str(threads), "--no-demo",
                    "--port", "0", "--dir", str(directory)], check=True, capture_output=True, text=True)
    front_door = json.loads((directory / "cluster.json").read_text())["nodes"][0]

    def stop():
        subprocess.run([str(binary), "cluster", "down", "--dir", str(directory)], check=True, capture_output=True)

    return Setup(f"{nodes} nodes", f"grpc://127.0.0.1:{front_door['port']}", "distributed", stop)


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def geomean(values):
    values = [v for v in values if v and v > 0]
    return statistics.geometric_mean(values) if values else float("nan")


def tpch_part(setups, queries, runs):
    """Per query, each setup's median seconds and whether its answer is the single node's."""
    rows = []
    for query in queries:
        row = {"query": query.name, "seconds": {}, "same": {}}
        expected = None
        for setup in setups:
            try:
                _, result = timed(lambda: setup.run(query.sql))  # warm-up
                seconds = [timed(lambda: setup.run(query.sql))[0] for _ in range(runs)]
            except Exception as error:
                log(f"{query.name} on {setup.name}: {' '.join(str(error).split())[:300]}")
                row["seconds"][setup.name] = None
                row["same"][setup.name] = False
                continue
            row["seconds"][setup.name] = statistics.median(seconds)
            if expected is None:
                expected = result
            else:
                problem = difference(result, expected, query.ordered)
                row["same"][setup.name] = problem is None
                if problem:
                    log(f"{query.name} on {setup.name} differs from single: {problem}")
        log(f"{query.name}: " + ", ".join(f"{name} {s:.3f}s" if s else f"{name} failed"
                                          for name, s in row["seconds"].items()))
        rows.append(row)
    return rows


def print_tpch(rows, setups):
    single, clusters = setups[0].name, [s.name for s in setups[1:]]
    header = ["query", "single s"] + [f"{c} s" for c in clusters] + [f"{c}/single" for c in clusters] + ["same answers"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|")
    ratios = {c: [] for c in clusters}
    for row in rows:
        base = row["seconds"].get(single)
        cells = [row["query"], f"{base:.3f}" if base else "failed"]
        for c in clusters:
            s = row["seconds"].get(c)
            cells.append(f"{s:.3f}" if s else "failed")
        for c in clusters:
            s = row["seconds"].get(c)
            if base and s and row["same"].get(c):
                ratios[c].append(s / base)
                cells.append(f"{s / base:.2f}")
            else:
                cells.append("-")
        cells.append("yes" if all(row["same"].get(c) for c in clusters) else "NO")
        print("| " + " | ".join(cells) + " |")
    print()
    for c in clusters:
        print(f"Geometric mean {c}/single over {len(ratios[c])} queries: **{geomean(ratios[c]):.2f}**")
    print()


def fetch_part(setups, lineitem_file, runs):
    """Seconds and bytes of a SELECT * of lineitem: bare Flight, then each setup.

    Measured in rounds, each fetching from the bare server and then from every setup,
    so that the machine's drift over the run falls on all of them alike."""
    bare = subprocess.Popen([sys.executable, str(Path(__file__).with_name("bare_flight_server.py")),
                             str(lineitem_file)], stdout=subprocess.PIPE, text=True)
    try:
        port = int(bare.stdout.readline().split()[1])
        client = flight.FlightClient(f"grpc://127.0.0.1:{port}")
        bare_label = "bare pyarrow.flight server, one stream"
        fetch_bare = lambda: client.do_get(flight.Ticket(b"lineitem")).read_all()  # noqa: E731
        sql = "SELECT * FROM lineitem"
        samples = {}
        for cached in (False, True):
            fetches = [(bare_label, fetch_bare)]
            for setup in setups:
                if cached:
                    setup.run("CACHE TABLE lineitem")
                label = ("Quiver single node, one endpoint" if setup.mode == "local"
                         else f"Quiver {setup.name}, all endpoints in parallel")
                label += ", cached table" if cached else ", from the Parquet file"
                fetches.append((label, lambda setup=setup: setup.run(sql, parallel=True)))
            measure_in_rounds(fetches, runs, samples)
        return [(label, *summary(label_samples)) for label, label_samples in samples.items()]
    finally:
        bare.terminate()
        bare.wait()


def measure_in_rounds(fetches, runs, samples):
    """Adds (seconds, bytes, rows) of `runs` rounds of every fetch to samples[label]."""
    for _, fetch in fetches:
        fetch()  # warm-up (for a cached table, this fills the cache)
    for _ in range(runs):
        for label, fetch in fetches:
            seconds, table = timed(fetch)
            samples.setdefault(label, []).append((seconds, table.nbytes, table.num_rows))
            del table


def summary(samples):
    """The median seconds, the bytes and the rows of a fetch's samples."""
    return statistics.median(s for s, _, _ in samples), samples[0][1], samples[0][2]


def print_fetch(results):
    bare_rate = results[0][2] / results[0][1]
    print("| fetch | rows | MB | seconds | MB/s | vs bare Flight |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, seconds, nbytes, num_rows in results:
        rate = nbytes / seconds
        print(f"| {label} | {num_rows:,} | {nbytes / 1e6:,.0f} | {seconds:.3f} | {rate / 1e6:,.0f} | "
              f"{rate / bare_rate:.2f}x |")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="threads of the single node")
    parser.add_argument("--node-threads", type=int, default=1, help="threads of each cluster node")
    parser.add_argument("--nodes", type=int, action="append", help="cluster sizes (default 2 and 4)")
    parser.add_argument("--query", action="append", help="only these queries (7 or q07)")
    parser.add_argument("--skip-tpch", action="store_true")
    parser.add_argument("--skip-fetch", action="store_true")
    parser.add_argument("--quiver-bin", default=os.environ.get("QUIVER_BIN", str(REPO / "build" / "quiver")))
    args = parser.parse_args()
    binary = Path(args.quiver_bin)
    data = datagen.generate(args.scale, BENCH / "data" / f"sf{args.scale}", log=log)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="quiver-bench-cluster-") as temp:
        work_dir = Path(temp)
        setups = [start_single(binary, args.threads, work_dir)]
        try:
            for nodes in args.nodes or [2, 4]:
                setups.append(start_cluster(binary, nodes, args.node_threads, work_dir))
            # Each front door knows the tables; its workers read the files by path.
            for setup in setups:
                for table in TABLES:
                    setup.run(f"CREATE EXTERNAL TABLE {table} STORED AS PARQUET LOCATION '{data / table}/'")
            print(f"# bench/cluster: TPC-H SF{args.scale}, {datetime.date.today()}, commit {commit}, "
                  f"{platform.machine()} with {os.cpu_count()} cores; single node {args.threads} threads, "
                  f"cluster nodes {args.node_threads} thread(s) each; median of {args.runs} after a warm-up\n")
            if not args.skip_tpch:
                print_tpch(tpch_part(setups, load_queries(args.query), args.runs), setups)
            if not args.skip_fetch:
                lineitem_file = next((data / "lineitem").glob("*.parquet"))
                print_fetch(fetch_part(setups, lineitem_file, args.runs))
        finally:
            for setup in setups:
                setup.close()


if __name__ == "__main__":
    main()
