"""Running SQL through Flight SQL: plain and prepared statements, parameters, DDL,
streaming, logging."""

import re
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.flight as flight
import pyarrow.parquet as pq
import pytest

import flight_sql_wire as wire

def write_parquet(path, rows: int, row_group_size: int = 10_000):
    table = pa.table({"id": pa.array(range(rows), pa.int64()), "label": pa.array([f"row {i}" for i in range(rows)])})
    pq.write_table(table, path, row_group_size=row_group_size)
    return table


def test_select_literals(dbapi_connection):
    cursor = dbapi_connection.cursor()
    cursor.execute("SELECT 1 AS x, 'a' AS y")
    assert cursor.fetch_arrow_table().to_pylist() == [{"x": 1, "y": "a"}]
    cursor.close()


def test_question_mark_parameters(dbapi_connection):
    cursor = dbapi_connection.cursor()
    cursor.execute("SELECT ? + 1 AS n, ? AS s", parameters=(41, "hi"))
    assert cursor.fetch_arrow_table().to_pylist() == [{"n": 42, "s": "hi"}]
    cursor.close()


def test_dollar_parameters_and_reexecution(dbapi_connection):
    cursor = dbapi_connection.cursor()
    for value in (1, 21):
        cursor.execute("SELECT $1 * 2 AS n", parameters=(value,))
        assert cursor.fetch_arrow_table().column("n").to_pylist() == [value * 2]
    cursor.close()


def test_prepared_query_runs_once_per_parameter_row(flight_client):
    results = list(flight_client.do_action(flight.Action("CreatePreparedStatement", wire.create_prepared_statement("SELECT $1 * 10 AS n"))))
    created = wire.unpack_any(results[0].body.to_pybytes(), "ActionCreatePreparedStatementResult")
    handle = wire.read_bytes_field(created, 1)
    parameter_schema = pa.ipc.read_schema(pa.py_buffer(wire.read_bytes_field(created, 3)))
    assert len(parameter_schema) == 1

    descriptor = flight.FlightDescriptor.for_command(wire.prepared_statement_query(handle))
    parameters = pa.record_batch([pa.array([1, 2, 3], pa.int64())], names=["$1"])
    writer, metadata = flight_client.do_put(descriptor, parameters.schema)
    writer.write_batch(parameters)
    writer.done_writing()
    reply = metadata.read()
    writer.close()
    if reply is not None:  # DoPutPreparedStatementResult may hand out a new handle
        handle = wire.read_bytes_field(reply.to_pybytes(), 1) or handle

    info = flight_client.get_flight_info(flight.FlightDescriptor.for_command(wire.prepared_statement_query(handle)))
    table = flight_client.do_get(info.endpoints[0].ticket).read_all()
    assert table.column("n").to_pylist() == [10, 20, 30]
    list(flight_client.do_action(flight.Action("ClosePreparedStatement", wire.close_prepared_statement(handle))))


def test_ddl_runs_when_executed_without_fetching(dbapi_connection):
    cursor = dbapi_connection.cursor()
    cursor.execute("CREATE VIEW answer AS SELECT 42 AS value")
    cursor.close()
    assert dbapi_connection.adbc_get_table_schema("answer").names == ["value"]


def test_statement_update_runs_at_do_put(flight_client):
    descriptor = flight.FlightDescriptor.for_command(wire.statement_update("CREATE VIEW two AS SELECT 2 AS y"))
    writer, metadata = flight_client.do_put(descriptor, pa.schema([]))
    writer.done_writing()
    reply = metadata.read()
    writer.close()
    assert reply is not None, "DoPut on CommandStatementUpdate must answer with DoPutUpdateResult"
    wire.read_varint_field(reply.to_pybytes(), 1)  # record_count parses (-1 for DDL is fine)
    tables = flight_client.do_get(
        flight_client.get_flight_info(flight.FlightDescriptor.for_command(wire.get_tables())).endpoints[0].ticket
    ).read_all()
    assert "two" in tables.column("table_name").to_pylist()


def test_external_table_is_browsable(dbapi_connection, tmp_path):
    expected = write_parquet(tmp_path / "trips.parquet", rows=10)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"CREATE EXTERNAL TABLE trips STORED AS PARQUET LOCATION '{tmp_path / 'trips.parquet'}'")
    cursor.execute("CREATE VIEW trip_labels AS SELECT label FROM trips")
    cursor.close()

    assert dbapi_connection.adbc_get_table_schema("trips").equals(expected.schema, check_metadata=False)
    objects = dbapi_connection.adbc_get_objects(depth="all").read_all().to_pylist()
    tables = {t["table_name"]: t for t in objects[0]["catalog_db_schemas"][0]["db_schema_tables"]}
    assert tables["trips"]["table_type"] == "TABLE"
    assert tables["trip_labels"]["table_type"] == "VIEW"
    assert [c["column_name"] for c in tables["trips"]["table_columns"]] == ["id", "label"]

    filtered = dbapi_connection.adbc_get_objects(table_name_filter="trip\\_%", table_types_filter=["VIEW"]).read_all()
    names = [t["table_name"] for t in filtered.to_pylist()[0]["catalog_db_schemas"][0]["db_schema_tables"]]
    assert names == ["trip_labels"]


def test_fetch_arrow_table_streams_a_file(dbapi_connection, tmp_path):
    expected = write_parquet(tmp_path / "big.parquet", rows=100_000)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"SELECT id, label FROM read_parquet('{tmp_path / 'big.parquet'}') ORDER BY id")
    table = cursor.fetch_arrow_table()
    assert table.num_rows == expected.num_rows
    assert table.column("id").to_pylist()[:3] == [0, 1, 2]
    cursor.close()


def test_unknown_table_error_names_it(dbapi_connection):
    from adbc_driver_manager import ProgrammingError

    cursor = dbapi_connection.cursor()
    with pytest.raises(ProgrammingError, match="no_such_table"):
        cursor.execute("SELECT * FROM no_such_table")
    cursor.close()


def test_each_statement_logs_one_line(quiver_server, dbapi_connection):
    cursor = dbapi_connection.cursor()
    cursor.execute("SELECT * FROM (VALUES (1), (2), (3)) AS t(x)")
    assert cursor.fetch_arrow_table().num_rows == 3
    cursor.close()
    line = re.compile(r'^stmt=\d+ rows=3 bytes=\d+ duration_ms=[\d.]+ status=ok sql="SELECT \* FROM \(VALUES', re.M)
    deadline = time.time() + 5
    while not line.search(quiver_server.stderr()) and time.time() < deadline:
        time.sleep(0.05)
    assert line.search(quiver_server.stderr()), quiver_server.stderr()


# A client process that starts reading a large result, says so, then waits to be killed.
READ_ONE_BATCH_THEN_WAIT = """
import sys, time
import pyarrow.flight as flight
sys.path.insert(0, sys.argv[3])
import flight_sql_wire as wire
client = flight.connect(sys.argv[1])
info = client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(sys.argv[2])))
reader = client.do_get(info.endpoints[0].ticket)
assert reader.read_chunk().data.num_rows > 0
print("reading", flush=True)
time.sleep(600)
"""


def test_client_disconnecting_mid_stream(quiver_server, tmp_path):
    write_parquet(tmp_path / "huge.parquet", rows=2_000_000, row_group_size=20_000)
    sql = f"SELECT * FROM read_parquet('{tmp_path / 'huge.parquet'}')"
    client = subprocess.Popen(
        [sys.executable, "-c", READ_ONE_BATCH_THEN_WAIT, quiver_server.uri, sql, str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert client.stdout.readline().strip() == "reading"
    finally:
        client.kill()  # the connection drops with most of the result unsent
        client.wait()

    deadline = time.time() + 10
    while "status=aborted" not in quiver_server.stderr() and time.time() < deadline:
        time.sleep(0.1)
    assert re.search(r"stmt=\d+ rows=\d+ .*status=aborted", quiver_server.stderr()), quiver_server.stderr()
    fresh = flight.connect(quiver_server.uri)
    info = fresh.get_flight_info(flight.FlightDescriptor.for_command(wire.get_sql_info(wire.FLIGHT_SQL_SERVER_NAME)))
    assert fresh.do_get(info.endpoints[0].ticket).read_all().num_rows == 1
    fresh.close()
    assert quiver_server.process.poll() is None


def test_server_stops_while_a_client_stalls_mid_stream(quiver_server, tmp_path):
    """A client that stops reading but keeps its connection must not keep the server
    from stopping: SIGTERM gives running statements a grace period, then cancels them."""
    write_parquet(tmp_path / "huge.parquet", rows=2_000_000, row_group_size=20_000)
    client = flight.connect(quiver_server.uri)
    sql = f"SELECT * FROM read_parquet('{tmp_path / 'huge.parquet'}')"
    info = client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(sql)))
    reader = client.do_get(info.endpoints[0].ticket)
    assert reader.read_chunk().data.num_rows > 0
    started = time.time()
    assert quiver_server.stop(timeout=30) == 0
    assert time.time() - started < 20
    client.close()



def test_prepared_update_runs_at_do_put(flight_client):
    # JDBC prepares every statement and sends those without a result schema as updates.
    results = list(
        flight_client.do_action(
            flight.Action("CreatePreparedStatement", wire.create_prepared_statement("CREATE VIEW pv AS SELECT 1 AS a"))
        )
    )
    created = wire.unpack_any(results[0].body.to_pybytes(), "ActionCreatePreparedStatementResult")
    handle = wire.read_bytes_field(created, 1)
    assert len(pa.ipc.read_schema(pa.py_buffer(wire.read_bytes_field(created, 2)))) == 0

    update = wire.any_message("CommandPreparedStatementUpdate", wire.length_delimited(1, handle))
    writer, metadata = flight_client.do_put(flight.FlightDescriptor.for_command(update), pa.schema([]))
    writer.done_writing()
    reply = metadata.read()
    writer.close()
    assert reply is not None, "DoPut on CommandPreparedStatementUpdate must answer with DoPutUpdateResult"
    tables = flight_client.do_get(
        flight_client.get_flight_info(flight.FlightDescriptor.for_command(wire.get_tables())).endpoints[0].ticket
    ).read_all()
    assert "pv" in tables.column("table_name").to_pylist()
    list(flight_client.do_action(flight.Action("ClosePreparedStatement", wire.close_prepared_statement(handle))))


def test_statement_errors_surface_before_any_data(dbapi_connection):
    from adbc_driver_manager import ProgrammingError

    cursor = dbapi_connection.cursor()
    with pytest.raises(ProgrammingError, match="INVALID_ARGUMENT"):
        cursor.execute("SELECT 1 +")
    cursor.close()


def test_get_schema_of_a_query_runs_nothing(flight_client):
    descriptor = flight.FlightDescriptor.for_command(wire.statement_query("SELECT 1 AS x, 'a' AS y"))
    assert flight_client.get_schema(descriptor).schema.names == ["x", "y"]


def test_errors_while_streaming_reach_the_client_and_the_log(quiver_server, flight_client):
    info = flight_client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query("SELECT 1/0 AS x")))
    with pytest.raises(pa.ArrowInvalid, match="divide by zero"):
        flight_client.do_get(info.endpoints[0].ticket).read_all()
    deadline = time.time() + 5
    while "divide by zero" not in quiver_server.stderr() and time.time() < deadline:
        time.sleep(0.05)
    assert 'status="error: divide by zero" sql="SELECT 1/0 AS x"' in quiver_server.stderr()
    assert "Failed to close" not in quiver_server.stderr()


def test_array_agg_with_order_by_returns_each_groups_values_sorted(dbapi_connection):
    # sqllogictest files compare with PostgreSQL's text; lists are checked here.
    with dbapi_connection.cursor() as cursor:
        cursor.execute(
            "SELECT g, array_agg(s ORDER BY k DESC NULLS LAST, s) AS a FROM (VALUES "
            "(1, 'a', 3), (1, 'b', NULL), (1, NULL, 2), (1, 'c', 3), (2, 'd', 1)) t(g, s, k) "
            "GROUP BY g ORDER BY g"
        )
        table = cursor.fetch_arrow_table()
    assert table.column("a").to_pylist() == [["a", "c", None, "b"], ["d"]]
