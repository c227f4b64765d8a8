"""Differential test: generated queries must give the same answer on Quiver and DuckDB.

Random Parquet tables (fixed seed; several files and row groups, one Hive-partitioned
table) are registered in both engines, then a few hundred generated queries run on both
and their results are compared as multisets (in order when the query fixes the order).
Every query runs even after a failure; the test fails at the end listing each differing
query with its row counts and first differing rows.

Reproduce one query by hand: the data comes from differential_data.write_tables(dir, DATA_SEED)
and the queries from QueryGenerator(tables, QUERY_SEED).generate(QUERY_COUNT).
"""

import os
import subprocess
import threading
from dataclasses import dataclass

import duckdb
import pytest

from conftest import start_server
from differential_compare import describe_difference
from differential_data import write_tables
from differential_queries import QueryGenerator

DATA_SEED = 20240611
# Other seeds explore further: QUIVER_DIFFERENTIAL_SEED=123 QUIVER_DIFFERENTIAL_QUERIES=2000 pytest ...
QUERY_SEED = int(os.environ.get("QUIVER_DIFFERENTIAL_SEED", "7"))
QUERY_COUNT = int(os.environ.get("QUIVER_DIFFERENTIAL_QUERIES", "300"))
QUERY_TIMEOUT_S = 20
# Marks a difference that vanishes at float32 precision (rel. tol 1e-6).
KINDS = ["select", "group", "join", "union", "subquery", "with", "values", "theta", "window", "filter", "subexpr"]


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return write_tables(tmp_path_factory.mktemp("differential_tables"), DATA_SEED)


@pytest.fixture(scope="module")
def queries(tables):
    generator = QueryGenerator({spec.name: spec.columns for spec in tables}, QUERY_SEED)
    return generator.generate(QUERY_COUNT)


@pytest.fixture(scope="module")
def duckdb_connection(tables):
    connection = duckdb.connect()
    for spec in tables:
        connection.execute(
            f"CREATE VIEW {spec.name} AS SELECT * FROM "
            f"read_parquet('{spec.location}/**/*.parquet', hive_partitioning = {str(spec.hive).lower()})"
        )
    yield connection
    connection.close()


@pytest.fixture
def quiver(tmp_path, tables):
    """A Quiver server with the tables registered; restarted by `restart` after a crash."""
    session = QuiverSession(tmp_path, tables)
    yield session
    session.close()


class QueryHung(Exception):
    pass


class QuiverSession:
    def __init__(self, tmp_path, tables):
        self.tmp_path, self.tables, self.starts = tmp_path, tables, 0
        self.start()

    def start(self):
        from adbc_driver_flightsql import dbapi

        self.starts += 1
        directory = self.tmp_path / f"server{self.starts}"
        directory.mkdir()
        self.server = start_server(directory)
        self.connection = dbapi.connect(self.server.uri, autocommit=True)
        self.cursor = self.connection.cursor()
        for spec in self.tables:
            self.cursor.execute(f"CREATE EXTERNAL TABLE {spec.name} STORED AS PARQUET LOCATION '{spec.location}/'")

    def run(self, sql):
        """The query's result; QueryHung if it takes longer than QUERY_TIMEOUT_S (the driver
        has no timeout of its own, so the call runs in a thread we can stop waiting for)."""
        outcome = {}

        def execute():
            try:
                self.cursor.execute(sql)
                outcome["table"] = self.cursor.fetch_arrow_table()
            except Exception as error:  # noqa: BLE001 - handed to the caller below
                outcome["error"] = error

        worker = threading.Thread(target=execute, daemon=True)
        worker.start()
        worker.join(QUERY_TIMEOUT_S)
        if worker.is_alive():
            raise QueryHung(sql)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["table"]

    def crashed(self) -> bool:
        try:
            self.server.process.wait(timeout=0.5)  # a dying server may take a moment to exit
        except subprocess.TimeoutExpired:
            return False
        return True

    def restart(self):
        # The old connection points at a dead server; closing it may fail, which is fine.
        for closable in (self.cursor, self.connection):
            try:
                closable.close()
            except Exception:  # noqa: BLE001
                pass
        self.start()

    def close(self):
        self.cursor.close()
        self.connection.close()
        code = self.server.stop()
        assert code == 0, f"quiver server exited with {code}; stderr:\n{self.server.stderr()}"


@dataclass
class Failure:
    number: int
    sql: str
    problem: str

    def __str__(self):
        return f"query #{self.number}: {self.sql}\n{self.problem}"


def compare(number, query, duckdb_connection, quiver):
    """A Failure when the engines disagree (or either fails), else None."""
    try:
        expected = duckdb_connection.sql(query.sql).to_arrow_table()
    except duckdb.Error as error:
        # The generator should only produce queries DuckDB accepts.
        return Failure(number, query.sql, f"duckdb error: {error}")
    try:
        actual = quiver.run(query.sql)
    except QueryHung:
        quiver.server.process.kill()
        quiver.restart()
        return Failure(number, query.sql, f"quiver gave no answer within {QUERY_TIMEOUT_S} s (server killed and restarted)")
    except Exception as error:  # noqa: BLE001 - any driver error is a finding to report
        problem = f"quiver error (duckdb returned {expected.num_rows} rows): {error}"
        if quiver.crashed():
            problem += f"\nquiver server crashed (exit {quiver.server.process.returncode}); stderr ends:\n" \
                       + quiver.server.stderr()[-600:]
            quiver.restart()
        return Failure(number, query.sql, problem)
    problem = describe_difference(expected, actual, query.ordered)
    return Failure(number, query.sql, problem) if problem else None


@pytest.mark.parametrize("kind", KINDS)
def test_quiver_matches_duckdb(kind, queries, duckdb_connection, quiver):
    selected = [(number, q) for number, q in enumerate(queries) if q.kind == kind]
    assert selected, f"the generator made no {kind} queries"
    failures = [f for f in (compare(number, q, duckdb_connection, quiver) for number, q in selected) if f]
    print(f"\ndifferential [{kind}]: {len(selected)} queries, {len(failures)} differences")
    if failures:
        pytest.fail(f"{len(failures)} of {len(selected)} {kind} queries differ between Quiver and DuckDB:\n\n"
                    + "\n\n".join(str(f) for f in failures), pytrace=False)
