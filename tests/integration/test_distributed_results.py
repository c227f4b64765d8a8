"""A distributed query's result comes from the workers holding it: its FlightInfo has one
endpoint per final task, located at that task's worker with the other workers as
alternates; any of them, and the front door, produces it. Cancelling the FlightInfo or
leaving the stream stops the query's tasks on every worker.

The server is the default one: `quiver server` with two in-process workers (local:2),
each a real Flight service on its own loopback port.
"""

import json
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import flight_sql_wire as wire
from flight_cookies import CookieJar

GROUPED = "SELECT city, count(*) AS trips, sum(distance_km) AS km FROM trips GROUP BY city"
# Runs for minutes unless stopped: long enough to cancel mid-way.
ENDLESS = "SELECT sum(x) FROM generate_series(1, 100000000000) AS t(x)"


def session_client(uri):
    """A client whose session runs every query distributed, in as many tasks as it can."""
    client = flight.FlightClient(uri, middleware=[CookieJar()])
    for setting in ("SET execution_mode = 'distributed'", "SET distributed_task_bytes = 1"):
        info = client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(setting)))
        client.do_get(info.endpoints[0].ticket).read_all()
    return client


def info_of(client, sql):
    return client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(sql)))


def worker_tasks(url):
    client = flight.FlightClient(url)
    try:
        results = list(client.do_action(flight.Action("quiver.tasks", b"")))
        return json.loads(results[0].body.to_pybytes())
    finally:
        client.close()


def wait_for_no_tasks(server, seconds):
    deadline = time.monotonic() + seconds
    while True:
        running = {url: worker_tasks(url) for url in server.workers}
        if not any(running.values()) or time.monotonic() > deadline:
            return running
        time.sleep(0.05)


def local_result(server, sql):
    client = flight.FlightClient(server.uri)
    try:
        info = info_of(client, sql)
        assert len(info.endpoints) == 1
        return client.do_get(info.endpoints[0].ticket).read_all()
    finally:
        client.close()


@pytest.fixture
def demo_server(tmp_path):
    from conftest import start_server

    server = start_server(tmp_path, "--demo")
    assert len(server.workers) == 2, "the default server runs two in-process workers"
    yield server
    code = server.stop()
    assert code == 0, f"quiver server exited with {code}; stderr:\n{server.stderr()}"


def sorted_rows(table):
    """The rows by city; sums of doubles rounded, as partial sums add up in any order."""
    rows = sorted(table.to_pylist(), key=lambda row: row["city"])
    return [{**row, "km": round(row["km"], 6)} for row in rows]


def test_endpoints_are_located_at_the_workers_holding_the_result(demo_server):
    client = session_client(demo_server.uri)
    info = info_of(client, GROUPED)
    assert len(info.endpoints) == 2, "one endpoint per final task"
    workers = {f"grpc+tcp://{url.split('://')[1]}" for url in demo_server.workers}
    holders = []
    for endpoint in info.endpoints:
        locations = [location.uri.decode() for location in endpoint.locations]
        assert set(locations) == workers, "the holder first, then every other worker"
        holders.append(locations[0])
    assert len(set(holders)) == 2, "the final tasks are spread over the workers"

    parts = []
    for endpoint in info.endpoints:
        worker = flight.FlightClient(endpoint.locations[0])
        parts.append(worker.do_get(endpoint.ticket).read_all())
        worker.close()
    result = pa.concat_tables(parts)
    expected = local_result(demo_server, GROUPED)
    assert sorted_rows(result) == sorted_rows(expected)
    assert result.num_rows == 12


def test_any_listed_worker_and_the_front_door_produce_an_endpoint(demo_server):
    client = session_client(demo_server.uri)
    expected = sorted_rows(local_result(demo_server, GROUPED))
    # The same query three times, each endpoint fetched from a different place: the
    # ticket is self-contained, so the alternate runs the task itself.
    for where in ("alternate", "front door"):
        info = info_of(client, GROUPED)
        parts = []
        for endpoint in info.endpoints:
            if where == "alternate":
                source = flight.FlightClient(endpoint.locations[1])
            else:
                source = flight.FlightClient(demo_server.uri)
            parts.append(source.do_get(endpoint.ticket).read_all())
            source.close()
        assert sorted_rows(pa.concat_tables(parts)) == expected, where
    assert not any(wait_for_no_tasks(demo_server, 5).values()), "tasks are dropped once read"


def test_adbc_fetches_every_endpoint(demo_server):
    from adbc_driver_flightsql import dbapi

    with dbapi.connect(demo_server.uri, db_kwargs={"adbc.flight.sql.rpc.with_cookie_middleware": "true"},
                       autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("SET execution_mode = 'distributed'")
        cursor.execute("SET distributed_task_bytes = 1")
        partitions, _ = cursor.adbc_execute_partitions(GROUPED)
        assert len(partitions) == 2
        cursor.execute(GROUPED)
        distributed = cursor.fetch_arrow_table()
        cursor.execute("SET execution_mode = 'local'")
        cursor.execute(GROUPED)
        local = cursor.fetch_arrow_table()
    assert sorted_rows(distributed) == sorted_rows(local)
    assert "distributed: 2 result endpoint(s) over 2 worker(s)" in demo_server.stderr()


def test_a_task_ticket_altered_by_a_client_is_refused(demo_server):
    client = session_client(demo_server.uri)
    info = info_of(client, GROUPED)
    ticket = bytearray(info.endpoints[0].ticket.ticket)
    ticket[-1] ^= 1
    for source_uri in (info.endpoints[0].locations[0], demo_server.uri):
        source = flight.FlightClient(source_uri)
        with pytest.raises(flight.FlightUnauthenticatedError):
            source.do_get(flight.Ticket(bytes(ticket))).read_all()
        source.close()


READER = """
import sys
import pyarrow.flight as flight
location, ticket = sys.argv[1], bytes.fromhex(sys.argv[2])
client = flight.FlightClient(location)
reader = client.do_get(flight.Ticket(ticket))
print("started", flush=True)
try:
    reader.read_all()
    print("done", flush=True)
except flight.FlightError as error:
    print("error:", " ".join(str(error).split()), flush=True)
except KeyboardInterrupt:
    # What pyarrow makes of a call that ends Cancelled.
    print("error: cancelled", flush=True)
"""


def start_reader(tmp_path, endpoint):
    """A client process fetching the endpoint from its first location. (A separate
    process: pyarrow turns a Cancelled call in one thread into a KeyboardInterrupt in
    the main one.)"""
    script = tmp_path / "reader.py"
    script.write_text(READER)
    child = subprocess.Popen([sys.executable, str(script), endpoint.locations[0].uri.decode(),
                              endpoint.ticket.ticket.hex()], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "started"
    return child


def wait_for_tasks(server, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(worker_tasks(url) for url in server.workers):
            return True
        time.sleep(0.05)
    return False


def test_cancel_flight_info_stops_the_tasks_on_every_worker(demo_server, tmp_path):
    client = session_client(demo_server.uri)
    info = info_of(client, ENDLESS)
    reader = start_reader(tmp_path, info.endpoints[0])
    try:
        assert wait_for_tasks(demo_server), "the query's tasks start when its result is fetched"
        request = wire.cancel_flight_info_request(info.serialize())
        results = list(client.do_action(flight.Action("CancelFlightInfo", request)))
        assert wire.read_varint_field(results[0].body.to_pybytes(), 1) == wire.CANCEL_STATUS_CANCELLED
        left = wait_for_no_tasks(demo_server, 1.0)
        assert not any(left.values()), f"tasks still running a second after the cancel: {left}"
        outcome = reader.stdout.readline()
        assert outcome.startswith("error:") and "cancel" in outcome.lower(), outcome
    finally:
        reader.kill()
        reader.wait()
    # The cancelled ticket stays cancelled, wherever it is fetched.
    for location in info.endpoints[0].locations:
        with pytest.raises(flight.FlightError, match="(?i)cancel"):
            flight.FlightClient(location).do_get(info.endpoints[0].ticket).read_all()


def test_a_client_leaving_the_result_stops_the_query_everywhere(demo_server, tmp_path):
    client = session_client(demo_server.uri)
    info = info_of(client, ENDLESS)
    reader = start_reader(tmp_path, info.endpoints[0])
    assert wait_for_tasks(demo_server)
    # The client process dies mid-stream: its connection goes with it.
    reader.kill()
    reader.wait()
    left = wait_for_no_tasks(demo_server, 2.0)
    assert not any(left.values()), f"tasks still running after the client left: {left}"
