"""The benchmark's output: one Markdown table of per-query seconds, ratios and result
checks, geometric means, peak memory per engine, and the failures spelled out."""

import math
import sys
from dataclasses import dataclass, field

# Tolerances for numbers when results are compared with DuckDB's: Quiver's must agree to
# 1e-9 relative. The peers are only sanity-checked: DataFusion rounds avg() and decimal
# division to six decimals, so theirs may also differ by 1e-6 absolute.
QUIVER_TOL = 1e-9
PEER_TOL = 1e-6

CELL_FOR_STATUS = {"error": "ERROR", "crashed": "CRASH", "timeout": "TIMEOUT", "unsupported": "unsupported"}


@dataclass
class Outcome:
    status: str  # ok, error, crashed, timeout, unsupported
    times: list = field(default_factory=list)
    rows: int | None = None
    message: str = ""
    peak_rss: int | None = None  # bytes, the query's warm-up and timed runs

    @property
    def seconds(self):
        if self.status != "ok":
            return None
        ordered = sorted(self.times)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass
class EngineRun:
    name: str
    version: str = ""
    outcomes: dict = field(default_factory=dict)  # query name -> Outcome
    peak_rss: int = 0
    # query name -> None (same as DuckDB) or the first difference; absent if not compared
    differences: dict = field(default_factory=dict)

    def seconds(self, query):
        outcome = self.outcomes.get(query)
        return outcome.seconds if outcome else None


def geometric_mean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _cell(run: EngineRun, query: str) -> str:
    outcome = run.outcomes.get(query)
    if outcome is None:
        return "-"
    if outcome.status != "ok":
        return CELL_FOR_STATUS.get(outcome.status, outcome.status)
    return f"{outcome.seconds:.3f}"


def _ratio(run: EngineRun, peer: EngineRun | None, query: str) -> str:
    if peer is None or run.seconds(query) is None or peer.seconds(query) is None:
        return "-"
    return f"{run.seconds(query) / peer.seconds(query):.2f}"


def _same(run: EngineRun | None, query: str) -> str:
    if run is None or query not in run.differences:
        return "-"
    difference = run.differences[query]
    return "yes" if difference is None else "NO"


def _counted(runs, queries, quiver):
    """Queries every given engine ran, leaving out those where Quiver's answer is wrong
    (a fast wrong answer must not improve its mean)."""
    return [q for q in queries
            if all(r.seconds(q) is not None for r in runs)
            and (quiver is None or quiver not in runs or quiver.differences.get(q) is None)]


def _print_memory(queries, runs, out):
    """Peak RSS per query (VmHWM reset before each query) and over the whole run."""
    headers = ["peak RSS MiB"] + [run.name for run in runs]
    body = []
    for query in queries:
        cells = []
        for run in runs:
            outcome = run.outcomes.get(query)
            cells.append(f"{outcome.peak_rss / 2**20:.0f}" if outcome and outcome.peak_rss else "-")
        body.append([query] + cells)
    body.append(["whole run"] + [f"{run.peak_rss / 2**20:.0f}" for run in runs])
    widths = [max(len(row[i]) for row in [headers] + body) for i in range(len(headers))]
    print("| " + " | ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(headers)) + " |", file=out)
    print("|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|", file=out)
    for row in body:
        print("| " + " | ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)) + " |", file=out)


def print_report(queries, runs: list, out=sys.stdout):
    by_name = {run.name: run for run in runs}
    quiver, duckdb, datafusion = by_name.get("quiver"), by_name.get("duckdb"), by_name.get("datafusion")
    headers = ["query", "rows"] + [f"{run.name} s" for run in runs]
    if quiver and duckdb:
        headers.append("quiver/duckdb")
    if quiver and datafusion:
        headers.append("quiver/datafusion")
    if quiver and duckdb:
        headers.append("quiver = duckdb")
    body = []
    for query in queries:
        rows = next((run.outcomes[query].rows for run in runs if run.outcomes.get(query) and run.outcomes[query].rows is not None), None)
        row = [query, "" if rows is None else str(rows)] + [_cell(run, query) for run in runs]
        if quiver and duckdb:
            row.append(_ratio(quiver, duckdb, query))
        if quiver and datafusion:
            row.append(_ratio(quiver, datafusion, query))
        if quiver and duckdb:
            row.append(_same(quiver, query))
        body.append(row)

    # Geometric means over the queries every engine ran, then, since Polars' SQL covers
    # fewer queries, over those Quiver, DuckDB and DataFusion all ran.
    subsets = [runs]
    without_polars = [run for run in runs if run.name != "polars"]
    if len(without_polars) != len(runs) and len(without_polars) > 1:
        subsets.append(without_polars)
    mean_notes = []
    seen = []
    for subset in subsets:
        counted = _counted(subset, queries, quiver)
        if not counted or counted in seen:
            continue
        seen.append(counted)
        label = "all engines" if subset is runs else "+".join(run.name for run in subset)
        row = [f"geomean, {label} ({len(counted)})", ""]
        for run in runs:
            row.append(f"{geometric_mean([run.seconds(q) for q in counted]):.3f}" if run in subset else "")
        if quiver and duckdb:
            row.append(f"{geometric_mean([quiver.seconds(q) / duckdb.seconds(q) for q in counted]):.2f}"
                       if quiver in subset and duckdb in subset else "")
        if quiver and datafusion:
            row.append(f"{geometric_mean([quiver.seconds(q) / datafusion.seconds(q) for q in counted]):.2f}"
                       if quiver in subset and datafusion in subset else "")
        if quiver and duckdb:
            row.append("")
        body.append(row)
        mean_notes.append(f"geomean, {label}: over {', '.join(counted)}")

    widths = [max(len(row[i]) for row in [headers] + body) for i in range(len(headers))]
    left = {0, len(headers) - 1} if quiver and duckdb else {0}

    def line(row):
        return "| " + " | ".join(row[i].ljust(widths[i]) if i in left else row[i].rjust(widths[i])
                                 for i in range(len(row))) + " |"

    print(line(headers), file=out)
    print("|" + "|".join("-" * (w + 2) if i in left else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|", file=out)
    for row in body:
        print(line(row), file=out)
    print(file=out)
    for note in mean_notes:
        print(note, file=out)
    print(file=out)
    _print_memory(queries, runs, out)

    failures = [(run.name, query, run.outcomes[query]) for run in runs for query in queries
                if run.outcomes.get(query) and run.outcomes[query].status != "ok"]
    if failures:
        print(file=out)
        for engine, query, outcome in failures:
            print(f"{engine} {query} {outcome.status}: {outcome.message[:300]}", file=out)
    differences = [(run.name, query, run.differences[query]) for run in runs for query in queries
                   if run.differences.get(query)]
    if differences:
        print(file=out)
        for engine, query, difference in differences:
            print(f"{engine} {query} differs from duckdb: {difference}", file=out)
        print(f"(Quiver's numbers are checked to {QUIVER_TOL:g} relative; the peers' to {PEER_TOL:g} "
              f"relative or absolute.)", file=out)
        if quiver and any(engine == "quiver" for engine, _, _ in differences):
            print("\n!!! QUIVER'S RESULTS DIFFER FROM DUCKDB'S: see the 'quiver = duckdb' column !!!", file=out)
