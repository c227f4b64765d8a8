"""Managed tables are Delta Lake tables other engines read, that survive SIGKILL at any
moment of a write, and that concurrent writers change safely."""

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest
from adbc_driver_flightsql import dbapi

from conftest import REPO, restart_after_sigkill, sigkill_later, start_server

# DuckDB reads Delta tables through its delta extension, which PyPI ships for DuckDB
# 1.5.5; scripts/install-deps.sh installs that pair here, beside the project's DuckDB.
DUCKDB_DELTA = REPO / ".venv" / "duckdb-delta"


def table_dir(server, name: str, schema: str = "public") -> Path:
    [found] = (server.data_dir / "tables" / schema).glob(f"{name}-*")
    return found


def rows(connection, sql: str) -> pa.Table:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetch_arrow_table()


def execute(connection, sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def test_rows_affected_and_results(dbapi_connection):
    execute(dbapi_connection, "CREATE TABLE t (id bigint NOT NULL, v text)")
    assert execute(dbapi_connection, "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g") == 1000
    assert execute(dbapi_connection, "UPDATE t SET v = 'even' WHERE id % 2 = 0") == 500
    assert execute(dbapi_connection, "DELETE FROM t WHERE id > 900") == 100
    assert execute(dbapi_connection, "DELETE FROM t WHERE id > 5000") == 0
    result = rows(dbapi_connection, "SELECT count(*) AS n, count(*) FILTER (WHERE v = 'even') AS e FROM t")
    assert result.to_pylist() == [{"n": 900, "e": 450}]


def test_prepared_insert_with_parameters(dbapi_connection):
    execute(dbapi_connection, "CREATE TABLE p (id int, name text, day date)")
    with dbapi_connection.cursor() as cursor:
        cursor.execute("INSERT INTO p VALUES (?, ?, ?)", parameters=(1, "one", "2024-05-01"))
        cursor.execute("INSERT INTO p VALUES (?, ?, ?)", parameters=(2, "two", "2024-05-02"))
    result = rows(dbapi_connection, "SELECT id, name, CAST(day AS text) AS day FROM p ORDER BY id")
    assert result.to_pylist() == [
        {"id": 1, "name": "one", "day": "2024-05-01"},
        {"id": 2, "name": "two", "day": "2024-05-02"},
    ]


def make_typed_table(connection):
    execute(
        connection,
        "CREATE TABLE typed (id bigint NOT NULL, small smallint, name text, price numeric(12, 2), "
        "day date, at timestamptz, score double precision, flag boolean)",
    )
    execute(
        connection,
        "INSERT INTO typed SELECT g, CAST(g % 100 AS smallint), CASE WHEN g % 7 = 0 THEN NULL ELSE 'name ' || g END, "
        "CAST(g AS numeric(12, 2)) / 4, date '2024-01-01' + CAST(g % 365 AS int), "
        "to_timestamp(1704067200 + g * 60), g / 3.0, g % 3 = 0 "
        "FROM generate_series(1, 5000) g",
    )
    execute(connection, "UPDATE typed SET name = 'updated' WHERE id BETWEEN 100 AND 199")
    execute(connection, "DELETE FROM typed WHERE id % 10 = 0")
    # Enough further commits for a checkpoint (every tenth version).
    for i in range(12):
        execute(connection, f"INSERT INTO typed (id, name) VALUES ({10000 + i}, 'late {i}')")


def test_other_engines_read_the_tables(quiver_server, dbapi_connection):
    from deltalake import DeltaTable

    make_typed_table(dbapi_connection)
    expected = rows(dbapi_connection, "SELECT * FROM typed ORDER BY id")
    location = table_dir(quiver_server, "typed")
    log = location / "_delta_log"
    assert (log / "00000000000000000010.checkpoint.parquet").exists()
    assert json.loads((log / "_last_checkpoint").read_text())["version"] == 10

    # The deltalake package (delta-rs) reads the log, the checkpoint and the files.
    delta = DeltaTable(str(location))
    assert delta.version() == 15  # create, insert, update, delete, 12 inserts
    read = delta.to_pyarrow_table().sort_by("id")
    assert read.num_rows == expected.num_rows == 4512
    for name in expected.column_names:
        assert read[name].cast(expected[name].type).equals(expected[name]), name
    assert [f.name for f in delta.schema().fields] == expected.column_names
    operations = [entry["operation"] for entry in sorted(delta.history(), key=lambda entry: entry["version"])]
    assert operations[:4] == ["CREATE TABLE", "WRITE", "UPDATE", "DELETE"]

    # DuckDB's delta extension agrees on the totals.
    summary = rows(
        dbapi_connection,
        "SELECT count(*) AS n, sum(id) AS ids, CAST(sum(price) AS double precision) AS prices, "
        "count(name) AS names, CAST(max(day) AS text) AS last_day FROM typed",
    ).to_pylist()[0]
    script = (
        "import duckdb, glob, json, sys\n"
        # No progress bar: it would print to stdout on a slow run.
        "con = duckdb.connect()\n"
        "con.execute('SET enable_progress_bar = false')\n"
        f"[ext] = glob.glob({str(DUCKDB_DELTA)!r} + '/duckdb_extension_delta/extensions/*/delta.duckdb_extension')\n"
        "con.execute(f\"LOAD '{ext}'\")\n"
        "n, ids, prices, names, last_day = con.execute("
        "\"SELECT count(*), sum(id), CAST(sum(price) AS DOUBLE), count(name), CAST(max(day) AS VARCHAR) "
        "FROM delta_scan(?)\", [sys.argv[1]]).fetchone()\n"
        "print(json.dumps({'n': n, 'ids': int(ids), 'prices': prices, 'names': names, 'last_day': last_day}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(location)],
        env={**os.environ, "PYTHONPATH": str(DUCKDB_DELTA)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == summary


def test_files_of_failed_statements_are_not_left_behind(quiver_server, dbapi_connection):
    execute(dbapi_connection, "CREATE TABLE strict (id int NOT NULL)")
    execute(dbapi_connection, "INSERT INTO strict SELECT g FROM generate_series(1, 10) g")
    with pytest.raises(Exception, match="not-null"):
        execute(dbapi_connection, "INSERT INTO strict SELECT CASE WHEN g = 5000 THEN NULL ELSE g END FROM generate_series(1, 10000) g")
    with pytest.raises(Exception, match="division by zero|divide by zero"):
        execute(dbapi_connection, "UPDATE strict SET id = id / (id - 5)")
    location = table_dir(quiver_server, "strict")
    data_files = sorted(p.name for p in location.glob("*.parquet"))
    assert len(data_files) == 1
    assert rows(dbapi_connection, "SELECT count(*) AS n FROM strict").to_pylist() == [{"n": 10}]


BATCH = 500


def check_ledger(connection, acked: dict, in_flight):
    """Every batch is whole: all or none of its rows, all with one value, and the value
    counts every acknowledged update (plus the one in flight at the kill, or not)."""
    result = rows(connection, "SELECT batch, count(*) AS n, min(v) AS lo, max(v) AS hi FROM ledger GROUP BY batch")
    found = {r["batch"]: r for r in result.to_pylist()}
    for batch, row in found.items():
        assert row["n"] == BATCH, f"batch {batch} has {row['n']} rows"
        assert row["lo"] == row["hi"], f"batch {batch} is half updated"
    for batch, updates in acked.items():
        assert batch in found, f"acknowledged batch {batch} is missing"
        allowed = {updates, updates + 1} if in_flight == ("update", batch) else {updates}
        assert found[batch]["lo"] in allowed, (batch, found[batch]["lo"], allowed)
    for batch in found:
        assert batch in acked or in_flight == ("insert", batch), f"batch {batch} was never written"
    return found


def test_sigkill_at_random_moments_leaves_each_table_whole(tmp_path):
    rng = random.Random(20261121)
    server = start_server(tmp_path)
    connection = dbapi.connect(server.uri, autocommit=True)
    execute(connection, "CREATE TABLE ledger (batch int NOT NULL, k int, v int)")
    connection.close()
    acked: dict = {}
    next_batch = 0
    kills = int(os.environ.get("QUIVER_KILL_ROUNDS", "12"))
    for round_number in range(kills):
        connection = dbapi.connect(server.uri, autocommit=True)
        in_flight = None
        stop_at = time.monotonic() + rng.uniform(0.05, 0.6)
        killer = sigkill_later(server, stop_at - time.monotonic())
        try:
            while True:
                if acked and rng.random() < 0.5:
                    batch = rng.choice(sorted(acked))
                    in_flight = ("update", batch)
                    execute(connection, f"UPDATE ledger SET v = v + 1 WHERE batch = {batch}")
                    acked[batch] += 1
                else:
                    batch = next_batch
                    next_batch += 1
                    in_flight = ("insert", batch)
                    execute(connection, f"INSERT INTO ledger SELECT {batch}, g, 0 FROM generate_series(1, {BATCH}) g")
                    acked[batch] = 0
                in_flight = None
        except Exception:
            pass  # the server died mid-statement
        server = restart_after_sigkill(server, killer, connection, tmp_path)
        connection = dbapi.connect(server.uri, autocommit=True)
        found = check_ledger(connection, acked, in_flight)
        if in_flight and in_flight[0] == "insert" and in_flight[1] in found:
            acked[in_flight[1]] = 0
        if in_flight and in_flight[0] == "update" and found[in_flight[1]]["lo"] == acked[in_flight[1]] + 1:
            acked[in_flight[1]] += 1
        connection.close()
        # Nothing uncommitted stays on disk once the server has started again.
        location = table_dir(server, "ledger")
        from deltalake import DeltaTable

        delta = DeltaTable(str(location))
        live = {Path(uri).name for uri in delta.file_uris()}
        tombstones = set()
        for commit in sorted((location / "_delta_log").glob("*.json")):
            for line in commit.read_text().splitlines():
                action = json.loads(line)
                if "remove" in action:
                    tombstones.add(action["remove"]["path"])
        on_disk = {p.name for p in location.glob("*.parquet")}
        assert on_disk <= live | tombstones, on_disk - live - tombstones
        assert not list((location / "_delta_log").glob(".*tmp*"))
    assert sum(1 for _ in acked) > kills  # the workload did write between kills
    code = server.stop()
    assert code == 0


def test_concurrent_writers_succeed_or_get_a_conflict(quiver_server):
    setup = dbapi.connect(quiver_server.uri, autocommit=True)
    execute(setup, "CREATE TABLE counters (id int, n int)")
    execute(setup, "INSERT INTO counters SELECT g, 0 FROM generate_series(0, 3) g")
    execute(setup, "CREATE TABLE appends (writer int, i int)")
    updates_per_writer = 15
    conflicts = []
    errors = []

    def writer(number: int):
        connection = dbapi.connect(quiver_server.uri, autocommit=True)
        try:
            for i in range(updates_per_writer):
                execute(connection, f"INSERT INTO appends VALUES ({number}, {i})")
                while True:
                    try:
                        execute(connection, f"UPDATE counters SET n = n + 1 WHERE id = {number}")
                        break
                    except Exception as error:  # a conflict: retry, as the message says
                        if "write conflict" not in str(error):
                            raise
                        conflicts.append(str(error))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    result = rows(setup, "SELECT id, n FROM counters ORDER BY id").to_pylist()
    assert result == [{"id": i, "n": updates_per_writer} for i in range(4)]
    assert rows(setup, "SELECT count(*) AS n FROM appends").to_pylist() == [{"n": 4 * updates_per_writer}]
    # Updates of one file by four writers at once do collide; each collision was reported.
    assert all("retry the statement" in message for message in conflicts)
    setup.close()


def test_tables_and_schemas_survive_a_restart(tmp_path):
    server = start_server(tmp_path)
    connection = dbapi.connect(server.uri, autocommit=True)
    execute(connection, "CREATE SCHEMA shop")
    execute(connection, "CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(10, 2))")
    execute(connection, "INSERT INTO shop.orders VALUES (1, 9.99), (2, 20)")
    execute(connection, "CREATE VIEW shop_totals AS SELECT sum(total) AS total FROM shop.orders")
    connection.close()
    assert server.stop() == 0
    server = start_server(tmp_path)
    connection = dbapi.connect(server.uri, autocommit=True)
    assert rows(connection, "SELECT CAST(total AS text) AS total FROM shop_totals").to_pylist() == [{"total": "29.99"}]
    connection.close()
    assert server.stop() == 0


def test_primary_keys_are_reported(dbapi_connection, flight_client):
    import pyarrow.flight as flight

    import flight_sql_wire as wire

    execute(dbapi_connection, "CREATE SCHEMA shop")
    execute(dbapi_connection, "CREATE TABLE shop.lines (order_id int, line int, note text, PRIMARY KEY (order_id, line))")
    execute(dbapi_connection, "CREATE TABLE shop.free (a int)")

    def keys(table, schema=None):
        info = flight_client.get_flight_info(flight.FlightDescriptor.for_command(wire.get_primary_keys(table, schema)))
        return flight_client.do_get(info.endpoints[0].ticket).read_all().to_pylist()

    assert keys("lines", "shop") == [
        {"catalog_name": "quiver", "db_schema_name": "shop", "table_name": "lines", "column_name": "order_id",
         "key_sequence": 1, "key_name": "lines_pkey"},
        {"catalog_name": "quiver", "db_schema_name": "shop", "table_name": "lines", "column_name": "line",
         "key_sequence": 2, "key_name": "lines_pkey"},
    ]
    assert keys("free") == []
    # Key columns are NOT NULL.
    with pytest.raises(Exception, match="not-null"):
        execute(dbapi_connection, "INSERT INTO shop.lines (order_id) VALUES (1)")
