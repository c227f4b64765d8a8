"""EXPLAIN ANALYZE over Flight SQL (ADBC) on TPC-H SF0.1 Q3: the query runs, its rows
are not returned, and each plan line carries the estimated and the actual rows (equal to
what counting queries give), times, CPU time and, for operators that hold rows, memory."""

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from tpch import datagen  # noqa: E402
from tpch.queries import load_queries  # noqa: E402

DATA_DIR = REPO / "var" / "tpch-sf0.1"

OPERATOR = re.compile(
    r"^(?P<indent> *)(?P<text>.*)  \(estimated [0-9.]+[kMG]? rows, actual (?P<rows>\d+) rows, "
    r"time (?P<first>\d+\.\d{3})\.\.(?P<last>\d+\.\d{3}) s(?:, cpu (?P<cpu>\d+\.\d{3}) s)?(?:, held (?P<held>\d+(?:\.\d)? (?:B|KiB|MiB|GiB)))?\)$"
)
CPU = re.compile(r"^CPU time (?P<operators>\d+\.\d{3}) s in operators other than scans, \d+\.\d{3} s in plan tasks not attributed$")
SUMMARY = re.compile(
    r"^Execution time (?P<total>\d+\.\d{3}) s, (?P<rows>\d+) rows returned \(discarded\), "
    r"peak memory (?P<peak>\d+(?:\.\d)?) (?P<unit>B|KiB|MiB|GiB)$"
)

# Q3's joins and grouping without its ORDER BY and LIMIT.
Q3_JOINED = """
    select l_orderkey, o_orderdate, o_shippriority
    from customer, orders, lineitem
    where c_mktsegment = 'BUILDING' and c_custkey = o_custkey and l_orderkey = o_orderkey
      and o_orderdate < date '1995-03-15' and l_shipdate > date '1995-03-15'
"""


@pytest.fixture(scope="module")
def tpch_data() -> Path:
    return datagen.generate("0.1", DATA_DIR)


def scalar(cursor, sql):
    cursor.execute(sql)
    return cursor.fetchone()[0]


def test_explain_analyze_tpch_q3(tpch_data, dbapi_connection):
    q3 = load_queries(["q03"])[0].sql
    with dbapi_connection.cursor() as cursor:
        for table in ("customer", "orders", "lineitem"):
            cursor.execute(f"CREATE EXTERNAL TABLE {table} STORED AS PARQUET LOCATION '{tpch_data / table}/'")
        cursor.execute("EXPLAIN ANALYZE " + q3)
        result = cursor.fetch_arrow_table()
        joined_rows = scalar(cursor, f"select count(*) from ({Q3_JOINED}) as q")
        groups = scalar(cursor, f"select count(*) from ({Q3_JOINED} group by 1, 2, 3) as q")

    # One text column; Q3's own ten rows are not returned.
    assert result.column_names == ["plan"]
    lines = result.column("plan").to_pylist()
    assert lines[0] == "Logical plan:"
    physical = lines.index("Physical plan:")
    # ORDER BY … LIMIT 10 runs as one top-N node, measured on the LIMIT's line.
    sort_lines = [line for line in lines[1:physical] if line.strip().startswith("Sort:")]
    assert len(sort_lines) == 1 and sort_lines[0].endswith("done by the top-N of the LIMIT above)"), sort_lines
    operators = [OPERATOR.match(line) for line in lines[1:physical] if line not in sort_lines]
    assert all(operators), [line for line, match in zip(lines[1:physical], operators) if not match]
    for match in operators:
        assert float(match["first"]) <= float(match["last"])
        assert (match["cpu"] is None) == match["text"].startswith("Scan ")

    def first(prefix):
        return next(match for match in operators if match["text"].startswith(prefix))

    assert int(operators[0]["rows"]) == 10  # the root: LIMIT 10
    assert int(first("Limit")["rows"]) == 10
    assert int(first("Aggregate")["rows"]) == groups
    assert first("Aggregate")["held"] is not None
    # The top join of the three tables produces every joined row.
    top_join = first("Inner Join")
    assert int(top_join["rows"]) == joined_rows
    assert top_join["held"] is not None
    scans = [match for match in operators if match["text"].startswith("Scan ")]
    assert sorted(match["text"].split(":")[0] for match in scans) == ["Scan customer", "Scan lineitem", "Scan orders"]

    cpu = CPU.match(lines[-2])
    assert cpu, lines[-2]
    assert abs(float(cpu["operators"]) - sum(float(match["cpu"] or 0) for match in operators)) < 0.001 * len(operators)
    summary = SUMMARY.match(lines[-1])
    assert summary, lines[-1]
    assert int(summary["rows"]) == 10
    assert float(summary["total"]) >= float(operators[0]["last"])
    assert float(summary["peak"]) > 0 and summary["unit"] in ("KiB", "MiB", "GiB")
