#!/usr/bin/env python3
"""Fills in (or checks) the expected results of tests/sql/*.test from a reference engine.

Expected rows in the test files are never written by hand: this script runs every record
against PostgreSQL (default) or DuckDB and rewrites the rows after each `----`, rendered
with the same rules as quiver_sqllogictest (see ../README.md). Review the diff before
committing: where Quiver deliberately differs from the reference, keep the record out of
the script's reach with a `# reference: skip` comment line directly above it.

  fill_expected.py FILE.test...              rewrite expected rows in place
  fill_expected.py --check FILE.test...      only report differences
  --reference duckdb                         use DuckDB (run the script with the project
                                             venv's python, which has the duckdb module);
                                             a file can also ask with `# reference: duckdb`
  --pg "psql connection options"             default: -h 127.0.0.1 -p 54329 -U postgres

PostgreSQL is a scratch tool here, not a project dependency: any local server works.
"""
import argparse
import decimal
import math
import os
import re
import subprocess
import sys
import tempfile


# ---------------------------------------------------------------- rendering rules

def render_real(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    text = "%.3f" % v
    return "0.000" if text == "-0.000" else text


def render(value, letter, warnings):
    """value is None, bool, int, float, Decimal, or str (already in canonical text form)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, decimal.Decimal)):
        if letter == "R":
            return render_real(value)
        if isinstance(value, int):
            return str(value)
        f = float(value)
        if letter == "I":
            if math.isfinite(f) and f == math.trunc(f):
                return str(int(f))
            warnings.append("non-integral value %s in an I column" % value)
            return render_real(f)
        warnings.append("non-integer number %s in a %s column (prefer R)" % (value, letter))
        if math.isfinite(f) and f == math.trunc(f) and abs(f) < 1e15:
            return str(int(f))
        return repr(f)
    text = str(value)
    return "(empty)" if text == "" else text


# ---------------------------------------------------------------- test file model

HEADER = re.compile(r"^(statement ok|statement error|query|halt)\b")


def parse(lines):
    """Yields (kind, header_index, sql_lines_range, result_range_or_None)."""
    i = 0
    records = []
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.startswith("#"):
            i += 1
            continue
        if not HEADER.match(line):
            raise SystemExit("line %d: unexpected text: %s" % (i + 1, line))
        header = i
        if line.startswith("halt"):
            break
        i += 1
        sql_start = i
        while i < len(lines) and lines[i].strip() and lines[i] != "----":
            i += 1
        sql_end = i
        result = None
        if line.startswith("query"):
            if i >= len(lines) or lines[i] != "----":
                raise SystemExit("line %d: query without ----" % (header + 1))
            i += 1
            start = i
            while i < len(lines) and lines[i] != "":
                i += 1
            result = (start, i)
        skip = header > 0 and lines[header - 1].strip() == "# reference: skip"
        records.append(dict(header=header, sql=(sql_start, sql_end), result=result, skip=skip))
    return records


# ---------------------------------------------------------------- reference engines

class Postgres:
    NUMERIC_INT = {"smallint", "integer", "bigint"}
    NUMERIC_FLOAT = {"double precision", "real"}

    def __init__(self, conn, db):
        self.conn = conn.split()
        self.db = db
        admin = self.conn + ["-d", "postgres"]
        self._psql(admin, "DROP DATABASE IF EXISTS %s;" % db)
        self._psql(admin, "CREATE DATABASE %s;" % db)

    def _psql(self, base, script):
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"] + base,
                           input=script, capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr

    def run(self, sql):
        """Returns (error or None, rows or None)."""
        sql = sql.strip().rstrip(";")
        base = self.conn + ["-d", self.db]
        # \gdesc describes the result without running the statement; DDL has no columns.
        _, desc, _ = self._psql(base, sql + "\n\\gdesc\n")
        types = [line.split("\t", 1)[1] for line in desc.splitlines() if "\t" in line]
        # -c sends the text as one query, so an unterminated string cannot swallow the end.
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-P", "null=NULL",
                            "-v", "ON_ERROR_STOP=1"] + base + ["-c", sql],
                           capture_output=True, text=True, env=dict(os.environ, PGTZ="UTC"))
        if p.returncode != 0:
            return p.stderr.strip() or "error", None
        if not types:
            return None, None
        rows = []
        for line in p.stdout.splitlines():
            values = line.split("\t")
            rows.append([self._value(v, t) for v, t in zip(values, types)])
        return None, rows

    def _value(self, text, type_name):
        if text == "NULL":
            return None
        base = type_name.split("(")[0]
        if base == "boolean":
            return text == "t"
        if base in self.NUMERIC_INT:
            return int(text)
        if base in self.NUMERIC_FLOAT:
            return float(text.replace("Infinity", "inf"))
        if base == "numeric":
            return decimal.Decimal(text)
        return text


def array_element(v):
    """One element of an array in PostgreSQL's text form (as psql prints arrays)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, float) and not math.isfinite(v):
        text = "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    elif isinstance(v, float) and v == int(v) and abs(v) < 1e15:
        text = str(int(v))
    else:
        text = str(v)
    if text == "" or text == "NULL" or any(c in text for c in ' {},"\\'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


class DuckDB:
    def __init__(self):
        import duckdb
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")

    @staticmethod
    def rewrite(sql):
        sql = re.sub(r"CREATE\s+EXTERNAL\s+TABLE\s+(\w+)\s+STORED\s+AS\s+PARQUET\s+LOCATION\s+('[^']*')",
                     r"CREATE VIEW \1 AS SELECT * FROM read_parquet(\2)", sql, flags=re.I)
        sql = re.sub(r"CREATE\s+EXTERNAL\s+TABLE\s+(\w+)\s+STORED\s+AS\s+CSV\s+LOCATION\s+('[^']*')",
                     r"CREATE VIEW \1 AS SELECT * FROM read_csv(\2, header = true)", sql, flags=re.I)
        return sql.replace("=>", "=")

    def run(self, sql):
        try:
            cur = self.con.execute(self.rewrite(sql))
            if cur.description is None:
                return None, None
            rows = cur.fetchall()
        except Exception as e:  # noqa: BLE001 - any engine error is an outcome
            return str(e), None
        return None, [[self._value(v) for v in row] for row in rows]

    @staticmethod
    def _value(v):
        import datetime
        if isinstance(v, list):
            return DuckDB._array(v)
        if isinstance(v, datetime.datetime):
            text = v.strftime("%Y-%m-%d %H:%M:%S")
            if v.microsecond:
                text += (".%06d" % v.microsecond).rstrip("0")
            return text
        if isinstance(v, datetime.date):
            return v.isoformat()
        return v

    @staticmethod
    def _array(values):
        return "{" + ",".join(array_element(DuckDB._value(v)) for v in values) + "}"


# ---------------------------------------------------------------- main

def same_rows(expected, actual, header):
    """Compares as the runner does: sorted first under rowsort or valuesort."""
    words = header.split()
    mode = words[2] if len(words) > 2 else "nosort"
    if mode == "rowsort":
        return sorted(r.split("\t") for r in expected) == sorted(r.split("\t") for r in actual)
    if mode == "valuesort":
        return sorted(v for r in expected for v in r.split("\t")) == sorted(v for r in actual for v in r.split("\t"))
    return expected == actual


def process(path, args):
    with open(path) as f:
        original = f.read()
    lines = original.split("\n")
    test_dir = os.path.dirname(os.path.abspath(path))
    work_dir = tempfile.mkdtemp(prefix="slt_reference_")
    reference = args.reference
    if any(l.strip() == "# reference: duckdb" for l in lines[:20]):
        reference = "duckdb"
    if reference == "duckdb":
        engine = DuckDB()
    else:
        db = "slt_" + re.sub(r"\W", "_", os.path.basename(path).rsplit(".", 1)[0])
        engine = Postgres(args.pg, db)

    problems = 0
    replacements = []
    for rec in parse(lines):
        header = lines[rec["header"]]
        sql = "\n".join(lines[rec["sql"][0]:rec["sql"][1]])
        sql = sql.replace("__TEST_DIR__", test_dir).replace("__WORK_DIR__", work_dir)
        where = "%s:%d" % (path, rec["header"] + 1)
        if rec["skip"]:
            continue
        error, rows = engine.run(sql)
        if header.startswith("statement ok"):
            if error:
                print("%s: statement fails on %s: %s" % (where, reference, error))
                problems += 1
        elif header.startswith("statement error"):
            if not error:
                print("%s: statement succeeds on %s" % (where, reference))
                problems += 1
        else:
            letters = header.split()[1]
            if error or rows is None:
                print("%s: query fails on %s: %s" % (where, reference, error or "no result set"))
                problems += 1
                continue
            warnings = []
            if rows and len(rows[0]) != len(letters):
                warnings.append("%d columns but types %s" % (len(rows[0]), letters))
            rendered = ["\t".join(render(v, letters[i] if i < len(letters) else "T", warnings)
                                  for i, v in enumerate(row)) for row in rows]
            for w in warnings:
                print("%s: %s" % (where, w))
                problems += 1
            start, end = rec["result"]
            if not same_rows(lines[start:end], rendered, header):
                if args.check:
                    print("%s: expected rows differ from %s:\n  file: %s\n  %s: %s"
                          % (where, reference, lines[start:end], reference, rendered))
                    problems += 1
                replacements.append((start, end, rendered))
    if not args.check and replacements:
        for start, end, rendered in reversed(replacements):
            lines[start:end] = rendered
        with open(path, "w") as f:
            f.write("\n".join(lines))
    print("%s: %d records differ from the file%s, %d problems" %
          (path, len(replacements), "" if args.check else " (rewritten)", problems))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--reference", choices=["postgres", "duckdb"], default="postgres")
    parser.add_argument("--pg", default="-h 127.0.0.1 -p 54329 -U postgres")
    args = parser.parse_args()
    problems = sum(process(p, args) for p in args.files)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
