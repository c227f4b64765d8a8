"""The 22 TPC-H queries, one file each under queries/ (see bench/README.md for the text's
provenance and the few spellings the specification leaves to the implementation)."""

import re
from dataclasses import dataclass
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent / "queries"
TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]


@dataclass(frozen=True)
class Query:
    name: str  # q01 ... q22
    sql: str  # the file's text without its terminating semicolon
    ordered: bool  # the outermost query has ORDER BY, so row order is part of the answer


def has_outer_order_by(sql: str) -> bool:
    """ORDER BY outside any parentheses belongs to the outermost query; one inside a
    subquery does not order the result."""
    depth = 0
    outer = []
    for char in sql:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            outer.append(char)
    return re.search(r"\border\s+by\b", "".join(outer), re.IGNORECASE) is not None


def load_queries(names=None) -> list[Query]:
    """All queries in order, or those whose name (q07) or number (7) is in `names`."""
    queries = []
    for path in sorted(QUERY_DIR.glob("q*.sql")):
        name = path.stem
        if names and name not in names and str(int(name[1:])) not in names:
            continue
        # The terminator ends a statement in a script; sent as a single statement it is
        # not part of the query, and some engines' single-statement APIs reject it.
        sql = path.read_text().strip().removesuffix(";").rstrip()
        queries.append(Query(name, sql, has_outer_order_by(sql)))
    return queries
