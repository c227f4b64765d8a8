"""Temporary tables: ADBC's temporary bulk ingest and CREATE TEMP TABLE, seen only by
the client that made them, for as long as its Flight session lasts."""

import pyarrow as pa
import pyarrow.flight as flight
import pytest
from adbc_driver_flightsql import dbapi

import flight_sql_wire as wire
from conftest import start_server
from test_sessions import CookieJar, cookie_connection, scalar


def session_dirs(server):
    root = server.data_dir / "temp"
    return sorted(root.iterdir()) if root.exists() else []


def test_adbc_ingest_into_a_temporary_table(quiver_server):
    mine = cookie_connection(quiver_server.uri)
    other = cookie_connection(quiver_server.uri)
    with other.cursor() as cursor:
        cursor.execute("CREATE TABLE staging (id bigint)")
        cursor.execute("INSERT INTO staging VALUES (-1)")
    data = pa.table({"id": pa.array(range(50_000), pa.int64()), "tag": pa.array(["x"] * 50_000)})
    with mine.cursor() as cursor:
        assert cursor.adbc_ingest("staging", data, mode="create", temporary=True) == 50_000
        assert cursor.adbc_ingest("staging", data.slice(0, 10), mode="append", temporary=True) == 10
    # The temporary table hides the permanent one of its name, for this client only.
    assert scalar(mine, "SELECT count(*) FROM staging") == 50_010
    assert scalar(mine, "SELECT count(*) FROM public.staging") == 1
    assert scalar(other, "SELECT count(*) FROM staging") == 1
    # It joins permanent tables and feeds them.
    with mine.cursor() as cursor:
        cursor.execute("INSERT INTO public.staging SELECT id FROM pg_temp.staging WHERE id < 5")
    assert scalar(other, "SELECT count(*) FROM staging") == 11
    assert len(session_dirs(quiver_server)) == 1
    # Replace swaps its rows and columns.
    with mine.cursor() as cursor:
        assert cursor.adbc_ingest("staging", pa.table({"k": [1, 2]}), mode="replace", temporary=True) == 2
    assert scalar(mine, "SELECT sum(k) FROM staging") == 3
    mine.close()
    other.close()


def test_temporary_tables_end_with_the_session(quiver_server):
    jar = CookieJar()
    client = flight.connect(quiver_server.uri, middleware=[jar])

    def run(sql):
        info = client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(sql)))
        return [client.do_get(endpoint.ticket).read_all() for endpoint in info.endpoints]

    run("CREATE TEMP TABLE scratch AS SELECT * FROM generate_series(1, 100) AS g(x)")
    assert "arrow_flight_session_id" in jar.cookies
    [result] = run("SELECT count(*) AS n FROM scratch")
    assert result.column("n").to_pylist() == [100]
    [session_dir] = session_dirs(quiver_server)
    assert any(session_dir.rglob("*.parquet"))
    list(client.do_action(flight.Action("CloseSession", b"")))
    assert session_dirs(quiver_server) == []
    with pytest.raises(Exception, match="does not exist"):
        run("SELECT count(*) FROM scratch")
    client.close()


def test_a_client_without_a_session_gets_a_clear_error(quiver_server):
    # Without cookies every request is a new session: the table is gone at once.
    plain = dbapi.connect(quiver_server.uri, autocommit=True)
    with plain.cursor() as cursor:
        cursor.adbc_ingest("lost", pa.table({"a": [1]}), mode="create", temporary=True)
        with pytest.raises(Exception, match='relation "lost" does not exist'):
            cursor.execute("SELECT * FROM lost")
    plain.close()


def test_temporary_tables_do_not_survive_a_restart(tmp_path):
    server = start_server(tmp_path)
    connection = cookie_connection(server.uri)
    with connection.cursor() as cursor:
        cursor.adbc_ingest("t", pa.table({"a": [1, 2, 3]}), mode="create", temporary=True)
    assert len(session_dirs(server)) == 1
    connection.close()
    server.stop()
    server = start_server(tmp_path)
    assert session_dirs(server) == []
    connection = cookie_connection(server.uri)
    with pytest.raises(Exception, match="does not exist"):
        scalar(connection, "SELECT count(*) FROM t")
    connection.close()
    assert server.stop() == 0
