"""TPC-H, all 22 queries: Quiver against DuckDB, DataFusion and Polars, same data, same run.

Every engine runs in its own worker process (worker.py) limited to --threads threads;
each query runs on every engine in turn (or, with --in-blocks, each engine runs all its
queries in one block); each query runs once to warm up, then --runs times, and the
median is reported. Results
are compared with DuckDB's. A query that fails, crashes its engine or runs past
--timeout is shown as such in the table and the run goes on. See bench/README.md.
"""

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
REPO = BENCH.parent
WORKER = Path(__file__).resolve().parent / "worker.py"
STARTUP_TIMEOUT_S = 120
ENGINE_ORDER = ["quiver", "duckdb", "datafusion", "polars"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_bench_requirements():
    """Installs bench/requirements.txt into this virtualenv when a pin is not met."""
    requirements = BENCH / "requirements.txt"
    for line in requirements.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" not in line:
            continue
        name, version = line.split("==")
        try:
            if importlib.metadata.version(name) == version:
                continue
        except importlib.metadata.PackageNotFoundError:
            pass
        log(f"installing {requirements} ({line} is missing)")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-r", str(requirements)], check=True)
        return


def run_engine(engine: str, queries: list, args, work_dir: Path, results_dir: Path = None):
    """Runs the queries on one engine and returns its EngineRun.

    The worker reports each execution as it starts; if one runs past the timeout or the
    worker dies, the query is recorded as such and a new worker carries on with the next
    query. The engine's peak RSS is read from /proc here, before a worker is killed too.
    """
    from tpch.engines import thread_environment
    from tpch.quiver import peak_rss_bytes
    from tpch.report import EngineRun, Outcome

    run = EngineRun(engine)
    remaining = list(queries)
    attempt = 0
    env = {**os.environ, **thread_environment(args.threads), "PYTHONPATH": str(BENCH)}
    while remaining:
        attempt += 1
        engine_dir = work_dir / f"{engine}{attempt}"
        engine_dir.mkdir(parents=True)
        stderr_path = engine_dir / "worker.stderr"
        command = [sys.executable, str(WORKER), "--engine", engine, "--data-dir", str(args.data_dir),
                   "--threads", str(args.threads), "--runs", str(args.runs), "--timeout", str(args.timeout),
                   "--results-dir", str((results_dir or work_dir / "results") / engine), "--work-dir", str(engine_dir),
                   "--quiver-bin", str(args.quiver_bin), *remaining]
        with open(stderr_path, "w") as stderr:
            # A session of its own, so that a stuck worker is killed with everything it
            # started (Quiver's server) and nothing else.
            worker = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env,
                                      start_new_session=True)
        memory_pid = worker.pid
        current = None
        ready = False
        # Quiver's client gives up on a query at --timeout itself and restarts the server;
        # this deadline only catches a worker that hangs regardless.
        patience = args.timeout * 1.1 + 30
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        selector = selectors.DefaultSelector()
        selector.register(worker.stdout, selectors.EVENT_READ)

        def sample_memory():
            run.peak_rss = max(run.peak_rss, peak_rss_bytes(memory_pid) or 0)

        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(timeout=left):
                if time.monotonic() < deadline:
                    continue
                sample_memory()
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
                if current is None:
                    message = f"worker did not start within {STARTUP_TIMEOUT_S}s"
                    for query in remaining:
                        run.outcomes[query] = Outcome("error", message=message)
                else:
                    run.outcomes[current] = Outcome("timeout", message=f"still running after {patience:.0f}s")
                break
            line = worker.stdout.readline()
            if not line:
                code = worker.wait()
                stderr_lines = stderr_path.read_text(errors="replace").strip().splitlines()
                last = stderr_lines[-1] if stderr_lines else ""
                if not ready:
                    for query in remaining:
                        run.outcomes[query] = Outcome("error", message=f"worker failed to start (exit {code}): {last}")
                elif current is not None:
                    run.outcomes[current] = Outcome("crashed", message=f"{engine} worker died (exit {code}): {last}")
                break
            event = json.loads(line)
            sample_memory()
            kind = event["event"]
            if kind == "ready":
                ready = True
                run.version = event["version"]
                memory_pid = event["memory_pid"]
            elif kind == "memory_pid":
                memory_pid = event["pid"]
            elif kind == "start":
                current = event["query"]
                if event["run"] == 0:
                    log(f"  {engine} {current} ...")
            elif kind == "done":
                run.outcomes[current] = Outcome("ok", times=event["seconds"], rows=event["rows"],
                                                peak_rss=event["peak_rss"])
                run.peak_rss = max(run.peak_rss, event["peak_rss"] or 0)
                log(f"  {engine} {current} {run.outcomes[current].seconds:.3f}s")
                current = None
            elif kind == "failed":
                run.outcomes[event["query"]] = Outcome(event["status"], message=event["message"])
                log(f"  {engine} {event['query']} {event['status']}: {event['message'][:200]}")
                current = None
            elif kind == "finished":
                if event["exit_code"] != 0:
                    log(f"  note: quiver server exited with status {event['exit_code']} on SIGTERM")
            deadline = time.monotonic() + (patience if ready else STARTUP_TIMEOUT_S)
        selector.close()
        worker.stdout.close()
        if worker.poll() is None:
            worker.wait()
        remaining = [query for query in remaining if query not in run.outcomes]
    return run


def run_in_turn(engines: list, queries: list, args, work_dir: Path):
    """Runs query by query, each on every engine in turn (a fresh worker each time).

    On a shared machine, load comes and goes over seconds; an engine that ran all its
    queries in one block could meet much more or much less of it than its peers, which
    skews the ratios. In turn, each query's timings on all engines are taken within
    seconds of each other.
    """
    from tpch.report import EngineRun

    runs = {engine: EngineRun(engine) for engine in engines}
    for query in queries:
        for engine in engines:
            part = run_engine(engine, [query], args, work_dir / query, results_dir=work_dir / "results")
            run = runs[engine]
            run.version = run.version or part.version
            run.outcomes.update(part.outcomes)
            run.peak_rss = max(run.peak_rss, part.peak_rss)
    return [runs[engine] for engine in engines]


def compare_with_duckdb(runs, queries, results_dir: Path):
    import pyarrow.feather

    from tpch.compare import difference
    from tpch.report import PEER_TOL, QUIVER_TOL

    for run in runs:
        if run.name == "duckdb":
            continue
        for query in queries:
            expected = results_dir / "duckdb" / f"{query.name}.arrow"
            actual = results_dir / run.name / f"{query.name}.arrow"
            if run.seconds(query.name) is None or not expected.exists():
                continue
            run.differences[query.name] = difference(
                pyarrow.feather.read_table(actual), pyarrow.feather.read_table(expected), query.ordered,
                **({"rel_tol": QUIVER_TOL} if run.name == "quiver" else {"rel_tol": PEER_TOL, "abs_tol": PEER_TOL}))


def checkout_revision() -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1", help="TPC-H scale factor: 1 (default), 10, or 0.1 for a quick run")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query after one warm-up; the median is reported")
    parser.add_argument("--threads", type=int, default=2, help="threads for every engine")
    parser.add_argument("--data-dir", type=Path, help="where the Parquet data lives (default bench/data/sf<scale>)")
    parser.add_argument("--timeout", type=float,
                        help="seconds one execution of a query may take (default 120 per unit of scale, at least 120)")
    parser.add_argument("--engine", action="append", choices=ENGINE_ORDER, help="run only this engine (repeatable)")
    parser.add_argument("--query", action="append", help="run only this query, e.g. 7 or q07 (repeatable)")
    parser.add_argument("--in-blocks", action="store_true",
                        help="run each engine's queries in one block (faster) instead of the engines in turn, "
                             "query by query")
    parser.add_argument("--quiver-bin", type=Path, default=Path(os.environ.get("QUIVER_BIN", REPO / "build" / "quiver")))
    args = parser.parse_args()

    from tpch import datagen
    from tpch.queries import load_queries
    from tpch.report import print_report

    if args.timeout is None:
        args.timeout = 120 * max(1.0, float(args.scale))
    args.data_dir = (args.data_dir or BENCH / "data" / f"sf{args.scale}").resolve()
    args.quiver_bin = args.quiver_bin.resolve()
    engines = [e for e in ENGINE_ORDER if not args.engine or e in args.engine]
    if "quiver" in engines and not args.quiver_bin.is_file():
        sys.exit(f"{args.quiver_bin} does not exist; build it first (scripts/build.sh)")
    queries = load_queries(args.query)
    if not queries:
        sys.exit(f"no query matches {args.query}")

    ensure_bench_requirements()
    datagen.generate(args.scale, args.data_dir, log=log)

    versions = ", ".join(f"{name} {importlib.metadata.version(name)}"
                         for name in ("duckdb", "datafusion", "polars", "pyarrow", "adbc-driver-flightsql"))
    print(f"TPC-H SF{args.scale}, 22-query benchmark: median of {args.runs} runs after 1 warm-up, "
          f"{args.threads} threads per engine, {os.cpu_count()} cores, {platform.machine()}, {datetime.date.today()}")
    print(f"quiver {args.quiver_bin} (checkout {checkout_revision()}); {versions}")
    print(f"load average at the start {os.getloadavg()[0]:.2f}", flush=True)

    with tempfile.TemporaryDirectory(prefix="quiver-tpch-") as work_dir:
        work_dir = Path(work_dir)
        if args.in_blocks:
            runs = []
            for engine in engines:
                log(f"{engine}:")
                runs.append(run_engine(engine, [q.name for q in queries], args, work_dir))
        else:
            runs = run_in_turn(engines, [q.name for q in queries], args, work_dir)
        compare_with_duckdb(runs, queries, work_dir / "results")
    # Another process busy on a 2-core machine skews every number; the load says so.
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    print()
    print_report([q.name for q in queries], runs)


if __name__ == "__main__":
    # Import the tpch package from bench/, not sibling modules from this directory.
    sys.path[0] = str(BENCH)
    main()
