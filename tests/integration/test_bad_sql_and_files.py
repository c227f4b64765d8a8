"""A user's mistakes over Flight SQL: each fails alone with the right status code and
a message naming the problem (and its position, for SQL), and the server keeps
serving the next query."""

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import flight_sql_wire as wire


def run_query(client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(sql)))
    return client.do_get(info.endpoints[0].ticket).read_all()


def assert_still_serving(client):
    assert run_query(client, "SELECT 41 + 1 AS answer").column("answer").to_pylist() == [42]


@pytest.mark.parametrize("sql, error, message", [
    ("SELEC 1", pa.ArrowInvalid, r'syntax error at or near "SELEC" at line 1, column 1'),
    ("SELECT (1 + 2", pa.ArrowInvalid, r"syntax error at end of input at line 1, column 14"),
    ("SELECT nope FROM (VALUES (1)) AS t(x)", pa.ArrowInvalid, r'column "nope" does not exist at line 1, column 8'),
    ("SELECT * FROM no_such_table", pa.ArrowKeyError, r'relation "no_such_table" does not exist'),
    ("SELECT 'a'::text + 1", pa.ArrowInvalid, r"operator does not exist: text \+ integer"),
    ("SELECT date '2024-13-45'", pa.ArrowInvalid, r'invalid input syntax for type date: "2024-13-45"'),
    ("SELECT x FROM (VALUES (1)) AS t(x) GROUP BY x HAVING y > 1", pa.ArrowInvalid, r'column "y" does not exist'),
    ("SELECT lower(1)", pa.ArrowInvalid, r"function lower expects text"),
])
def test_sql_mistakes(flight_client, sql, error, message):
    with pytest.raises(error, match=message):
        run_query(flight_client, sql)
    assert_still_serving(flight_client)


def test_missing_file(flight_client, tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(flight.FlightUnavailableError, match="no such file or directory: '.*nowhere'"):
        run_query(flight_client, f"SELECT * FROM read_parquet('{missing}')")
    assert_still_serving(flight_client)


def test_corrupt_parquet_file(flight_client, tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 this is not really parquet")
    with pytest.raises(flight.FlightUnavailableError, match="bad.parquet"):
        run_query(flight_client, f"SELECT * FROM read_parquet('{bad}')")
    assert_still_serving(flight_client)


def test_file_replaced_by_garbage_after_create(flight_client, tmp_path):
    import pyarrow.parquet as pq
    data = tmp_path / "t"
    data.mkdir()
    pq.write_table(pa.table({"x": [1, 2, 3]}), data / "part.parquet")
    statement = wire.statement_update(f"CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '{data}'")
    writer, reader = flight_client.do_put(flight.FlightDescriptor.for_command(statement), pa.schema([]))
    writer.done_writing()
    reader.read()
    writer.close()
    assert run_query(flight_client, "SELECT sum(x) AS s FROM t").column("s").to_pylist() == [6]
    (data / "part.parquet").write_bytes(b"garbage")
    with pytest.raises(pa.ArrowException, match="part.parquet"):
        run_query(flight_client, "SELECT sum(x) FROM t")
    assert_still_serving(flight_client)
