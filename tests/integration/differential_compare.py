"""Comparing two query results that should be equal up to type differences.

Quiver and DuckDB may pick different result types for the same expression (int32 vs
int64, decimal vs double for avg, hugeint sums as decimal(38,0), date_trunc giving a date
or a timestamp), so values are normalized before comparing: every number becomes a float
compared with a relative tolerance, dates become midnight timestamps. Column names are
ignored (engines name unaliased expressions differently); columns are compared by position.
"""

import datetime
import decimal
import functools
import math

REL_TOL = 1e-9
# Sums of doubles in a different order can leave a little noise near zero.
ABS_TOL = 1e-7
MAX_UNORDERED_MATCH = 2000  # beyond this many leftover rows, don't try pairing them one by one


def normalize(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    return value


def rows_of(table) -> list[tuple]:
    """Rows by position (to_pylist would merge columns that share a name)."""
    columns = [[normalize(v) for v in column.to_pylist()] for column in table.columns]
    return list(zip(*columns)) if columns else []


def values_equal(a, b, rel_tol=REL_TOL) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=ABS_TOL)
    return type(a) is type(b) and a == b


def rows_equal(a: tuple, b: tuple, rel_tol=REL_TOL) -> bool:
    return len(a) == len(b) and all(values_equal(x, y, rel_tol) for x, y in zip(a, b))


def _order_comparator(order, tolerant=True):
    """A row comparator for ORDER BY `order` [(column, descending, nulls first)]. When
    `tolerant`, floats equal within the tolerance tie: rounding noise in a sum must not decide
    the order of two engines' rows."""
    def compare(left, right):
        for column, descending, nulls_first in order:
            a, b = left[column], right[column]
            if a is None or b is None:
                if a is None and b is None:
                    continue
                return -1 if (a is None) == nulls_first else 1
            if (values_equal(a, b) if tolerant else a == b):
                continue
            result = -1 if a < b else 1
            return -result if descending else result
        return 0
    return compare


def _sort_key(row):
    # Type rank first so mixed None/float/str columns sort without TypeError; floats rounded
    # so that values equal within the tolerance usually land next to each other.
    key = []
    for value in row:
        if value is None:
            key.append((0,))
        elif isinstance(value, bool):
            key.append((1, value))
        elif isinstance(value, float):
            key.append((2, float(f"{value:.6g}")))
        elif isinstance(value, str):
            key.append((3, value))
        else:
            key.append((4, str(value)))
    return key


def _unordered_leftovers(expected, actual, rel_tol):
    """Rows of each side with no partner on the other, as multisets."""
    expected = sorted(expected, key=_sort_key)
    actual = sorted(actual, key=_sort_key)
    if len(expected) == len(actual) and all(rows_equal(a, b, rel_tol) for a, b in zip(expected, actual)):
        return [], []
    # Sorting by rounded floats can place near-equal rows differently; pair the rest greedily.
    only_expected, unmatched = [], list(actual)
    if len(expected) + len(actual) > 2 * MAX_UNORDERED_MATCH:
        exact_actual = {tuple(_sort_key(r)): r for r in actual}
        only_expected = [r for r in expected if tuple(_sort_key(r)) not in exact_actual]
        exact_expected = {tuple(_sort_key(r)) for r in expected}
        return only_expected, [r for r in actual if tuple(_sort_key(r)) not in exact_expected]
    for row in expected:
        for index, candidate in enumerate(unmatched):
            if rows_equal(row, candidate, rel_tol):
                del unmatched[index]
                break
        else:
            only_expected.append(row)
    return only_expected, unmatched


def describe_difference(expected_table, actual_table, order=None, rel_tol=REL_TOL, shown: int = 5):
    """None when the results agree, else a readable description of how they differ.

    `expected` is DuckDB's result, `actual` Quiver's; `order` is the query's ORDER BY over all
    output columns, or None to compare as multisets.
    """
    expected, actual = rows_of(expected_table), rows_of(actual_table)
    if expected_table.num_columns != actual_table.num_columns:
        return f"column count: duckdb {expected_table.num_columns}, quiver {actual_table.num_columns}"
    counts = f"rows: duckdb {len(expected)}, quiver {len(actual)}"
    if order:
        # Quiver orders its own values exactly, noise included.
        exact = _order_comparator(order, tolerant=False)
        for index in range(len(actual) - 1):
            if exact(actual[index], actual[index + 1]) > 0:
                return f"{counts}; quiver rows {index} and {index + 1} are out of order:\n  {actual[index]}\n  {actual[index + 1]}"
        # Both sides are sorted; re-sorting with float ties makes near-equal keys line up.
        compare = _order_comparator(order)
        expected = sorted(expected, key=functools.cmp_to_key(compare))
        actual = sorted(actual, key=functools.cmp_to_key(compare))
        for index, (a, b) in enumerate(zip(expected, actual)):
            if not rows_equal(a, b, rel_tol):
                return f"{counts}; first difference at row {index}:\n  duckdb {a}\n  quiver {b}"
        if len(expected) != len(actual):
            index = min(len(expected), len(actual))
            extra = expected[index:index + shown] or actual[index:index + shown]
            return f"{counts}; rows from {index} on only in {'duckdb' if len(expected) > index else 'quiver'}: {extra}"
        return None
    only_expected, only_actual = _unordered_leftovers(expected, actual, rel_tol)
    if not only_expected and not only_actual:
        return None
    lines = [f"{counts}; {len(only_expected)} rows only in duckdb, {len(only_actual)} only in quiver"]
    lines += [f"  duckdb only: {row}" for row in only_expected[:shown]]
    lines += [f"  quiver only: {row}" for row in only_actual[:shown]]
    return "\n".join(lines)
