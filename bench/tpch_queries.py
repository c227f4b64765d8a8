"""The queries the TPC-H core benchmark runs, identical text for Quiver and DuckDB.

TPC-H queries keep the specification's text with its validation parameters (spec 2.4,
"Query Validation"); only the dialect of date intervals is PostgreSQL's. The set is limited
to queries without subqueries or window functions, which the engine does not plan yet.
The simple queries isolate one operator each (scan, filter, aggregate, join) so a gap in
a TPC-H query can be traced to the operator behind it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    # Whether the result order is defined by the query; unordered results are compared
    # as multisets of rows.
    ordered: bool


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
    Query(
        "TPC-H Q1",
        """
        SELECT
            l_returnflag,
            l_linestatus,
            sum(l_quantity) AS sum_qty,
            sum(l_extendedprice) AS sum_base_price,
            sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
            sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
            avg(l_quantity) AS avg_qty,
            avg(l_extendedprice) AS avg_price,
            avg(l_discount) AS avg_disc,
            count(*) AS count_order
        FROM lineitem
        WHERE l_shipdate <= date '1998-12-01' - interval '90' day
        GROUP BY l_returnflag, l_linestatus
        ORDER BY l_returnflag, l_linestatus
        """,
        ordered=True,
    ),
    Query(
        "TPC-H Q3",
        """
        SELECT
            l_orderkey,
            sum(l_extendedprice * (1 - l_discount)) AS revenue,
            o_orderdate,
            o_shippriority
        FROM customer, orders, lineitem
        WHERE c_mktsegment = 'BUILDING'
            AND c_custkey = o_custkey
            AND l_orderkey = o_orderkey
            AND o_orderdate < date '1995-03-15'
            AND l_shipdate > date '1995-03-15'
        GROUP BY l_orderkey, o_orderdate, o_shippriority
        ORDER BY revenue DESC, o_orderdate
        LIMIT 10
        """,
        ordered=True,
    ),
    Query(
        "TPC-H Q5",
        """
        SELECT
            n_name,
            sum(l_extendedprice * (1 - l_discount)) AS revenue
        FROM customer, orders, lineitem, supplier, nation, region
        WHERE c_custkey = o_custkey
            AND l_orderkey = o_orderkey
            AND l_suppkey = s_suppkey
            AND c_nationkey = s_nationkey
            AND s_nationkey = n_nationkey
            AND n_regionkey = r_regionkey
            AND r_name = 'ASIA'
            AND o_orderdate >= date '1994-01-01'
            AND o_orderdate < date '1994-01-01' + interval '1' year
        GROUP BY n_name
        ORDER BY revenue DESC
        """,
        ordered=True,
    ),
    Query(
        "TPC-H Q6",
        """
        SELECT sum(l_extendedprice * l_discount) AS revenue
        FROM lineitem
        WHERE l_shipdate >= date '1994-01-01'
            AND l_shipdate < date '1994-01-01' + interval '1' year
            AND l_discount BETWEEN 0.06 - 0.01 AND 0.06 + 0.01
            AND l_quantity < 24
        """,
        ordered=True,
    ),
    Query(
        "TPC-H Q10",
        """
        SELECT
            c_custkey,
            c_name,
            sum(l_extendedprice * (1 - l_discount)) AS revenue,
            c_acctbal,
            n_name,
            c_address,
            c_phone,
            c_comment
        FROM customer, orders, lineitem, nation
        WHERE c_custkey = o_custkey
            AND l_orderkey = o_orderkey
            AND o_orderdate >= date '1993-10-01'
            AND o_orderdate < date '1993-10-01' + interval '3' month
            AND l_returnflag = 'R'
            AND c_nationkey = n_nationkey
        GROUP BY c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment
        ORDER BY revenue DESC
        LIMIT 20
        """,
        ordered=True,
    ),
    Query(
        "TPC-H Q12",
        """
        SELECT
            l_shipmode,
            sum(CASE
                WHEN o_orderpriority = '1-URGENT' OR o_orderpriority = '2-HIGH' THEN 1
                ELSE 0
            END) AS high_line_count,
            sum(CASE
                WHEN o_orderpriority <> '1-URGENT' AND o_orderpriority <> '2-HIGH' THEN 1
                ELSE 0
            END) AS low_line_count
        FROM orders, lineitem
        WHERE o_orderkey = l_orderkey
            AND l_shipmode IN ('MAIL', 'SHIP')
            AND l_commitdate < l_receiptdate
            AND l_shipdate < l_commitdate
            AND l_receiptdate >= date '1994-01-01'
            AND l_receiptdate < date '1994-01-01' + interval '1' year
        GROUP BY l_shipmode
        ORDER BY l_shipmode
        """,
        ordered=True,
    ),
    Query(
        "TPC-H Q14",
        """
        SELECT
            100.00 * sum(CASE
                WHEN p_type LIKE 'PROMO%' THEN l_extendedprice * (1 - l_discount)
                ELSE 0
            END) / sum(l_extendedprice * (1 - l_discount)) AS promo_revenue
        FROM lineitem, part
        WHERE l_partkey = p_partkey
            AND l_shipdate >= date '1995-09-01'
            AND l_shipdate < date '1995-09-01' + interval '1' month
        """,
        ordered=True,
    ),
]
