"""The queries the TPC-H core benchmark runs, identical text for Quiver and DuckDB.

The TPC-H queries are read from bench/tpch/queries/, the specification's text with its
validation parameters; this set keeps the seven the core benchmark started with.
The simple queries isolate one operator each (scan, filter, aggregate, join) so a gap in
a TPC-H query can be traced to the operator behind it.
"""

from dataclasses import dataclass

from tpch.queries import load_queries


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    # Whether the result order is defined by the query; unordered results are compared
    # as multisets of rows.
    ordered: bool


def _specification_query(number):
    """A TPC-H query as bench/tpch/queries/ holds it (the specification's text)."""
    (query,) = load_queries([str(number)])
    return Query(f"TPC-H Q{number}", query.sql, query.ordered)


QUERIES = [
    Query(
        "count(*) lineitem",
        "SELECT count(*) FROM lineitem",
        ordered=True,
    ),
    Query(
        "filter scan l_shipdate",
        """
        SELECT l_orderkey, l_linenumber, l_extendedprice, l_discount
        FROM lineitem
        WHERE l_shipdate >= date '1995-03-01' AND l_shipdate < date '1995-03-08'
        """,
        ordered=False,
    ),
    Query(
        "group by l_partkey",
        """
        SELECT l_partkey, count(*) AS n, sum(l_quantity) AS qty, avg(l_extendedprice) AS avg_price
        FROM lineitem
        GROUP BY l_partkey
        """,
        ordered=False,
    ),
    # The same join grouped once by an integer and once by a string key, so the cost of
    # carrying string columns through a join shows apart from the join itself.
    Query(
        "join orders-customer, int key",
        """
        SELECT c_nationkey, count(*) AS orders, sum(o_totalprice) AS total
        FROM orders, customer
        WHERE o_custkey = c_custkey
        GROUP BY c_nationkey
        ORDER BY c_nationkey
        """,
        ordered=True,
    ),
    Query(
        "join orders-customer, string key",
        """
        SELECT c_mktsegment, count(*) AS orders, sum(o_totalprice) AS total
        FROM orders, customer
        WHERE o_custkey = c_custkey
        GROUP BY c_mktsegment
        ORDER BY c_mktsegment
        """,
        ordered=True,
    ),
    *(_specification_query(number) for number in (1, 3, 5, 6, 10, 12, 14)),
]
