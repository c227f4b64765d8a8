"""Compares a query result with a reference result (DuckDB's).

Engines pick different types for the same expression (decimal or double, decimal scales,
int32 or int64, an EXTRACT result as integer or numeric), so numbers are compared as
numbers, to a relative tolerance of 1e-9; everything else must be equal. Column names are
not compared: SQL leaves the names of unaliased expressions (Q18's sum(l_quantity)) to
the engine.
"""

import datetime
import decimal
import math

REL_TOL = 1e-9


def _normalize(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, decimal.Decimal)):
        return float(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        # A date computed by date arithmetic comes back as a timestamp at midnight from
        # some engines; it is the same day.
        return value.date()
    return value


def rows_of(table) -> list[tuple]:
    columns = [[_normalize(v) for v in column.to_pylist()] for column in table.columns]
    return list(zip(*columns))


def _sort_key(row):
    # None sorts last and values of different types never meet in one comparison.
    return tuple((value is None, type(value).__name__, value if value is not None else 0) for value in row)


def _equal(a, b, rel_tol, abs_tol) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)
    return a == b


def difference(actual, expected, ordered: bool, rel_tol: float = REL_TOL, abs_tol: float = 0.0) -> str | None:
    """None when the results agree, otherwise the first difference in a few words.

    Unordered results are compared as multisets, both sides sorted first. (Every TPC-H
    query without ORDER BY returns a single row, so float noise cannot pair rows wrongly.)
    """
    if actual.num_columns != expected.num_columns:
        return f"{actual.num_columns} columns, expected {expected.num_columns}"
    if actual.num_rows != expected.num_rows:
        return f"{actual.num_rows} rows, expected {expected.num_rows}"
    actual_rows, expected_rows = rows_of(actual), rows_of(expected)
    if not ordered:
        actual_rows.sort(key=_sort_key)
        expected_rows.sort(key=_sort_key)
    for index, (got, want) in enumerate(zip(actual_rows, expected_rows)):
        for column, (g, w) in enumerate(zip(got, want)):
            if not _equal(g, w, rel_tol, abs_tol):
                name = expected.column_names[column]
                return f"row {index} column {name}: {g!r}, expected {w!r}"
    return None
