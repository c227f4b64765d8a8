"""Bad requests fail alone, with INVALID_ARGUMENT and a message naming the problem; the
server keeps serving."""

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import flight_sql_wire as wire


def assert_still_serving(client):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(wire.get_sql_info(wire.FLIGHT_SQL_SERVER_NAME)))
    table = client.do_get(info.endpoints[0].ticket).read_all()
    assert table.column("value").to_pylist() == ["Quiver"]


# pyarrow turns a Flight INVALID_ARGUMENT into ArrowInvalid.
def test_garbage_command_bytes(flight_client):
    with pytest.raises(pa.ArrowInvalid, match="not a Flight SQL message"):
        flight_client.get_flight_info(flight.FlightDescriptor.for_command(b"\xff\xfe\x00 garbage"))
    assert_still_serving(flight_client)


def test_unknown_command_type(flight_client):
    with pytest.raises(pa.ArrowInvalid, match="CommandMakeCoffee"):
        flight_client.get_flight_info(flight.FlightDescriptor.for_command(wire.any_message("CommandMakeCoffee")))
    assert_still_serving(flight_client)


def test_garbage_ticket(flight_client):
    with pytest.raises(pa.ArrowInvalid, match="ticket"):
        flight_client.do_get(flight.Ticket(b"\x00\x01 junk")).read_all()
    assert_still_serving(flight_client)


def test_forged_statement_ticket(flight_client):
    ticket = wire.any_message("TicketStatementQuery", wire.length_delimited(1, b"forged"))
    with pytest.raises(pa.ArrowInvalid, match="malformed statement ticket"):
        flight_client.do_get(flight.Ticket(ticket)).read_all()
    assert_still_serving(flight_client)


def test_garbage_action_body(flight_client):
    with pytest.raises(pa.ArrowInvalid, match="CreatePreparedStatement body"):
        list(flight_client.do_action(flight.Action("CreatePreparedStatement", b"junk")))
    assert_still_serving(flight_client)


def test_path_descriptor(flight_client):
    with pytest.raises(pa.ArrowInvalid, match="path descriptors"):
        flight_client.get_flight_info(flight.FlightDescriptor.for_path("a", "b"))
    assert_still_serving(flight_client)


def test_savepoints_are_not_implemented(flight_client):
    with pytest.raises(pa.ArrowNotImplementedError, match="savepoints"):
        list(flight_client.do_action(flight.Action("BeginSavepoint", wire.any_message("ActionBeginSavepointRequest"))))
    assert_still_serving(flight_client)


def test_bad_sql_fails_at_execute_with_the_engines_message(dbapi_connection):
    from adbc_driver_manager import Error

    cursor = dbapi_connection.cursor()
    with pytest.raises(Error) as failure:
        cursor.execute("SELEKT 1")
    assert str(failure.value).strip()
    cursor.close()
