"""Flight sessions: settings (SET, SetSessionOptions) last across a client's requests
when it keeps the session cookie; clients without it get defaults every time."""

import pyarrow.flight as flight
import pytest
from adbc_driver_flightsql import dbapi

from flight_cookies import CookieJar
import flight_sql_wire as wire


def cookie_connection(uri):
    # ADBC's Flight SQL driver keeps cookies when asked to.
    return dbapi.connect(uri, db_kwargs={"adbc.flight.sql.rpc.with_cookie_middleware": "true"}, autocommit=True)


def scalar(connection, sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_set_lasts_for_a_client_that_keeps_the_cookie(quiver_server):
    setup = dbapi.connect(quiver_server.uri, autocommit=True)
    with setup.cursor() as cursor:
        cursor.execute("CREATE SCHEMA shop")
        cursor.execute("CREATE TABLE shop.orders (id int)")
        cursor.execute("INSERT INTO shop.orders VALUES (1), (2)")
    keeper = cookie_connection(quiver_server.uri)
    with keeper.cursor() as cursor:
        cursor.execute("SET search_path = shop")
    # Unqualified names now resolve in the schema the session chose ...
    assert scalar(keeper, "SELECT count(*) FROM orders") == 2
    assert scalar(keeper, "SHOW search_path") == "shop"
    with keeper.cursor() as cursor:
        cursor.execute("SET max_recursive_iterations = 5")
    with pytest.raises(Exception, match="max_recursive_iterations"):
        scalar(keeper, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r")
    # ... and nobody else's do.
    with pytest.raises(Exception, match="does not exist"):
        scalar(setup, "SELECT count(*) FROM orders")
    with pytest.raises(Exception, match="does not exist"):
        with keeper.cursor() as cursor:
            cursor.execute("SET search_path = nowhere")
    keeper.close()
    setup.close()


def test_session_options_through_flight_actions(quiver_server):
    jar = CookieJar()
    client = flight.connect(quiver_server.uri, middleware=[jar])
    setup = dbapi.connect(quiver_server.uri, autocommit=True)
    with setup.cursor() as cursor:
        cursor.execute("CREATE SCHEMA sales")

    def act(name, body=b""):
        return [r.body.to_pybytes() for r in client.do_action(flight.Action(name, body))]

    [result] = act("SetSessionOptions", wire.set_session_options({"schema": "sales", "catalog": "quiver"}))
    assert result == b""  # no errors
    assert "arrow_flight_session_id" in jar.cookies
    options = wire.read_session_options(act("GetSessionOptions")[0])
    assert options["schema"] == "sales"
    assert options["catalog"] == "quiver"
    # A bad schema is reported per option, not as a failed call.
    [result] = act("SetSessionOptions", wire.set_session_options({"schema": "nowhere"}))
    assert b"schema" in result
    # Statements of this client create tables in the chosen schema.
    info = client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query("CREATE TABLE t (a int)")))
    assert scalar(setup, "SELECT count(*) FROM sales.t") == 0
    act("CloseSession")
    options = wire.read_session_options(act("GetSessionOptions")[0])
    assert options["schema"] == "public"
    client.close()
    setup.close()


def test_memory_limit_is_a_session_setting(quiver_server):
    connection = cookie_connection(quiver_server.uri)
    heavy = "SELECT count(*) FROM (SELECT DISTINCT g FROM generate_series(1, 2000000) AS g) AS d"
    assert scalar(connection, heavy) == 2000000
    with connection.cursor() as cursor:
        cursor.execute("SET memory_limit = '4MB'")
    with pytest.raises(Exception, match="memory limit of 4.0 MiB"):
        scalar(connection, heavy)
    with pytest.raises(Exception, match="memory_limit: cannot read 'lots'"):
        with connection.cursor() as cursor:
            cursor.execute("SET memory_limit = 'lots'")
    with connection.cursor() as cursor:
        cursor.execute("RESET memory_limit")
    assert scalar(connection, heavy) == 2000000
    connection.close()
