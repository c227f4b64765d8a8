"""Runs TPC-H queries on one engine inside this process and reports on a pipe.

Started by run.py, one worker per engine, so that each engine gets its own thread
limits (read from the environment at import time) and its own peak memory. Reports are
JSON lines on the original stdout; the engine's own output goes to stderr so it cannot
corrupt them. Each query runs once to warm up, then --runs times; each result of the
last run is written as Arrow IPC for comparison.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]


def open_report_channel():
    report = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--results-dir", type=Path, required=True)
    parser.add_argument("--work-dir", type=Path, required=True)
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--quiver-bin", type=Path)
    parser.add_argument("queries", nargs="+")
    args = parser.parse_args()

    report_channel = open_report_channel()

    def report(**event):
        report_channel.write(json.dumps(event) + "\n")

    import pyarrow.feather

    from tpch.engines import ENGINES, Unsupported
    from tpch.queries import load_queries
    from tpch.quiver import QueryFailed, peak_rss_bytes, reset_peak_rss

    engine = ENGINES[args.engine](
        data_dir=args.data_dir, threads=args.threads, quiver_bin=args.quiver_bin, work_dir=args.work_dir,
        timeout_s=args.timeout, on_restart=lambda pid: report(event="memory_pid", pid=pid),
    )
    report(event="ready", memory_pid=engine.memory_pid, version=engine.version)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    for query in load_queries(args.queries):
        times = []
        # Each query's own peak memory, warm-up included; run.py reads the engine's peak
        # over setup and all queries before this reset can hide it.
        reset_peak_rss(engine.memory_pid)
        try:
            for run in range(args.runs + 1):
                report(event="start", query=query.name, run=run)
                started = time.perf_counter()
                table = engine.run(query.sql)
                if run > 0:  # run 0 warms caches and is not timed
                    times.append(time.perf_counter() - started)
        except Unsupported as error:
            report(event="failed", query=query.name, status="unsupported", message=str(error))
            continue
        except (QueryFailed, Exception) as error:
            message = " ".join(str(error).split()) or type(error).__name__
            status = "crashed" if message.startswith("server crashed") else "error"
            if message.startswith("timed out"):
                status = "timeout"
            report(event="failed", query=query.name, status=status, message=message)
            continue
        pyarrow.feather.write_feather(table, args.results_dir / f"{query.name}.arrow", compression="uncompressed")
        report(event="done", query=query.name, seconds=times, rows=table.num_rows,
               peak_rss=peak_rss_bytes(engine.memory_pid))
    code = engine.close()
    report(event="finished", exit_code=code or 0)


if __name__ == "__main__":
    # Import the tpch package from bench/, not sibling modules from this directory.
    sys.path[0] = str(BENCH)
    main()
