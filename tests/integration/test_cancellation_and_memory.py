"""Cancelled queries stop and give their memory back; queries over the memory budget
fail with an error naming it, and the server keeps serving.

The server's CPU time and resident size are read from /proc/<pid>, so these tests
run on Linux only. Long queries are cross joins over a generated Parquet table.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.flight as flight
import pyarrow.parquet as pq
import pytest

from conftest import start_server
from flight_sql_wire import (
    CANCEL_STATUS_CANCELLED,
    any_message,
    cancel_flight_info_request,
    length_delimited,
    read_bytes_field,
    read_varint_field,
    statement_query,
    statement_update,
)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

ROWS = 200_000
# A cross join of the table with itself: 4e10 pairs, hours of work.
STREAMING_QUERY = "SELECT x.a, y.b FROM t x CROSS JOIN t y"
# Works without producing a row until the end.
SILENT_QUERY = "SELECT x.b, count(*) FROM t x CROSS JOIN t y WHERE x.a <> y.a GROUP BY x.b"
# Holds every row it reads (a sort), so its memory grows while it runs.
GROWING_QUERY = "SELECT x.a, y.b FROM t x CROSS JOIN t y ORDER BY x.a + y.b"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def cpu_used(pid: int, seconds: float) -> float:
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return cpu_seconds(pid) - before


def assert_goes_idle(pid: int, since: float):
    """The server uses next to no CPU from one second after `since` on."""
    time.sleep(max(0.0, since + 1.0 - time.monotonic()))
    used = cpu_used(pid, 1.0)
    # A running query keeps at least one core busy (1.0 s per second).
    assert used < 0.15, f"server still used {used:.2f} s of CPU in the second after it should have stopped"


def assert_busy(pid: int):
    """The query is running: the server spends half a second of CPU within ten.

    Cumulative rather than a rate, as the machine may be shared with other work."""
    start = cpu_seconds(pid)
    deadline = time.monotonic() + 10
    while cpu_seconds(pid) - start < 0.5 and time.monotonic() < deadline:
        time.sleep(0.1)
    used = cpu_seconds(pid) - start
    assert used >= 0.5, f"the query does not seem to run ({used:.2f} s of CPU in 10 s)"


def run_update(client, sql: str):
    writer, reader = client.do_put(flight.FlightDescriptor.for_command(statement_update(sql)), pa.schema([]))
    writer.done_writing()
    reader.read()
    writer.close()


def info_for(client, sql: str) -> flight.FlightInfo:
    return client.get_flight_info(flight.FlightDescriptor.for_command(statement_query(sql)))


def ticket_for(client, sql: str):
    return info_for(client, sql).endpoints[0].ticket


def fetch(client, sql: str) -> pa.Table:
    return client.do_get(ticket_for(client, sql)).read_all()


def assert_still_serving(client):
    assert fetch(client, "SELECT count(*) AS n FROM t").column("n").to_pylist() == [ROWS]


@pytest.fixture(scope="module")
def table_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tables") / "t.parquet"
    table = pa.table(
        {
            "a": pa.array(range(ROWS), pa.int64()),
            "b": pa.array([i * 7 % 1000 for i in range(ROWS)], pa.int64()),
        }
    )
    pq.write_table(table, path)
    return path


@pytest.fixture(scope="module")
def strings_file(tmp_path_factory) -> Path:
    """Three million distinct strings: a hash table over them needs well over 64 MiB."""
    path = tmp_path_factory.mktemp("tables") / "strings.parquet"
    count = 3_000_000
    pq.write_table(pa.table({"s": pa.array([f"row-{i:09d}" for i in range(count)])}), path)
    return path


@pytest.fixture
def server_with_table(quiver_server, table_file):
    client = flight.connect(quiver_server.uri)
    run_update(client, f"CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '{table_file}'")
    yield quiver_server, client
    client.close()


def test_cancelling_a_stream_after_one_batch_stops_the_query(server_with_table):
    server, client = server_with_table
    pid = server.process.pid
    reader = client.do_get(ticket_for(client, STREAMING_QUERY))
    assert reader.read_chunk().data.num_rows > 0
    # While the client does not read, the plan waits for it rather than piling up rows.
    time.sleep(0.5)
    assert cpu_used(pid, 0.5) < 0.15
    reader.cancel()
    cancelled_at = time.monotonic()
    # The statement's log line is written when its stream is released, plan stopped.
    while "status=aborted" not in server.stderr() and time.monotonic() < cancelled_at + 1.0:
        time.sleep(0.05)
    assert "status=aborted" in server.stderr()
    assert_goes_idle(pid, since=cancelled_at)
    assert_still_serving(client)


def test_cancelling_before_the_first_batch_stops_a_query_that_has_none_to_send(server_with_table):
    server, client = server_with_table
    pid = server.process.pid
    reader = client.do_get(ticket_for(client, SILENT_QUERY))
    assert_busy(pid)
    reader.cancel()
    assert_goes_idle(pid, since=time.monotonic())
    assert_still_serving(client)
    assert "status=cancelled" in server.stderr()


def cancel(client, info: flight.FlightInfo) -> int:
    """CancelFlightInfo's status for `info`."""
    action = flight.Action("CancelFlightInfo", cancel_flight_info_request(info.serialize()))
    results = list(client.do_action(action))
    assert len(results) == 1
    return read_varint_field(results[0].body.to_pybytes(), 1)


def test_cancel_flight_info_stops_a_query_another_call_is_reading(server_with_table):
    server, client = server_with_table
    pid = server.process.pid
    info = info_for(client, SILENT_QUERY)
    # The stream is open and its query running; the cancel comes on another call.
    reader = client.do_get(info.endpoints[0].ticket)
    assert_busy(pid)
    assert cancel(client, info) == CANCEL_STATUS_CANCELLED
    cancelled_at = time.monotonic()
    # read_chunk, not read_all: pyarrow turns a Cancelled status met inside read_all
    # into a KeyboardInterrupt, as if the user had pressed Ctrl-C.
    with pytest.raises(flight.FlightCancelledError, match="cancelled"):
        while True:
            reader.read_chunk()
    assert time.monotonic() - cancelled_at < 2, "the stream did not end within 2 s of the cancel"
    assert_goes_idle(pid, since=cancelled_at)
    assert "status=cancelled" in server.stderr()
    assert_still_serving(client)


def test_a_cancelled_ticket_is_not_run_later_and_other_tickets_are_not_touched(server_with_table):
    server, client = server_with_table
    pid = server.process.pid
    cancelled = info_for(client, SILENT_QUERY)
    # The same SQL planned again gets a ticket of its own.
    other = info_for(client, "SELECT count(*) AS n FROM t")
    same_sql = info_for(client, "SELECT count(*) AS n FROM t")
    assert other.endpoints[0].ticket != same_sql.endpoints[0].ticket
    assert cancel(client, cancelled) == CANCEL_STATUS_CANCELLED
    assert cancel(client, other) == CANCEL_STATUS_CANCELLED
    with pytest.raises(flight.FlightCancelledError, match="cancelled before its result was fetched"):
        client.do_get(cancelled.endpoints[0].ticket).read_chunk()
    assert cpu_used(pid, 0.5) < 0.15
    assert client.do_get(same_sql.endpoints[0].ticket).read_all().column("n").to_pylist() == [ROWS]


def test_the_older_cancel_query_action_cancels_too(server_with_table):
    server, client = server_with_table
    info = info_for(client, SILENT_QUERY)
    body = any_message("ActionCancelQueryRequest", length_delimited(1, info.serialize()))
    results = list(client.do_action(flight.Action("CancelQuery", body)))
    assert len(results) == 1
    # An Any holding ActionCancelQueryResult; its field 1 is CANCEL_RESULT_CANCELLED (1).
    assert read_varint_field(read_bytes_field(results[0].body.to_pybytes(), 2), 1) == 1
    with pytest.raises(flight.FlightCancelledError):
        client.do_get(info.endpoints[0].ticket).read_chunk()


def test_a_client_process_that_dies_mid_query_stops_it(server_with_table, tmp_path):
    server, client = server_with_table
    pid = server.process.pid
    script = tmp_path / "client.py"
    script.write_text(
        "import sys, time\n"
        "import pyarrow.flight as flight\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from flight_sql_wire import statement_query\n"
        f"client = flight.connect({server.uri!r})\n"
        f"info = client.get_flight_info(flight.FlightDescriptor.for_command(statement_query({SILENT_QUERY!r})))\n"
        "reader = client.do_get(info.endpoints[0].ticket)\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "started"
        assert_busy(pid)
    finally:
        child.kill()
        child.wait()
    assert_goes_idle(pid, since=time.monotonic())
    assert_still_serving(client)


def test_a_cancelled_query_gives_its_memory_back(server_with_table):
    server, client = server_with_table
    pid = server.process.pid
    baseline = rss_mib(pid)
    reader = client.do_get(ticket_for(client, GROWING_QUERY))
    grown = baseline
    deadline = time.monotonic() + 20
    while grown < baseline + 300 and time.monotonic() < deadline:
        time.sleep(0.1)
        grown = rss_mib(pid)
    assert grown >= baseline + 300, f"the sort did not grow the server ({baseline:.0f} → {grown:.0f} MiB)"
    reader.cancel()
    cancelled_at = time.monotonic()
    assert_goes_idle(pid, since=cancelled_at)
    # Freed memory goes back to the system within a few seconds (allocator decay).
    deadline = cancelled_at + 10
    while rss_mib(pid) > baseline + 100 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert rss_mib(pid) <= baseline + 100, f"RSS {rss_mib(pid):.0f} MiB after cancelling, {baseline:.0f} before"
    assert_still_serving(client)


def test_a_statement_planned_but_never_fetched_runs_nothing(server_with_table):
    server, client = server_with_table
    pid = server.process.pid
    # GetFlightInfo only plans; the query runs when its ticket is redeemed.
    ticket_for(client, SILENT_QUERY)
    assert cpu_used(pid, 1.0) < 0.15
    assert_still_serving(client)


def test_queries_over_the_memory_budget_fail_naming_it_and_the_operator(tmp_path, table_file, strings_file):
    server = start_server(tmp_path, "--memory-limit", "64MB")
    try:
        assert "memory limit 64.0 MiB for all running queries" in server.stderr()
        client = flight.connect(server.uri)
        run_update(client, f"CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '{table_file}'")
        run_update(client, f"CREATE EXTERNAL TABLE strings STORED AS PARQUET LOCATION '{strings_file}'")
        cases = {
            # Every pair's row kept for the sort.
            "SELECT x.a, y.b FROM t x CROSS JOIN t y WHERE y.a < 2000 ORDER BY x.a + y.b": "one of the operators holding rows: sort (",
            # Four hundred million groups.
            "SELECT x.a, y.a, count(*) FROM t x CROSS JOIN t y WHERE y.a < 2000 GROUP BY 1, 2": "one of the operators holding rows: aggregate (",
            # Forty million groups of one integer key (Quiver's integer-key aggregate).
            "SELECT x.a * 200000 + y.a AS k, count(*) FROM t x CROSS JOIN t y WHERE y.a < 200 GROUP BY 1":
                "(integer key)",
            # A hash table over three million strings.
            "SELECT count(*) FROM strings x JOIN strings y ON x.s = y.s": "in the hash join build (HashJoin ",
        }
        for sql, where in cases.items():
            with pytest.raises(flight.FlightError) as failure:
                rows = fetch(client, sql)
                pytest.fail(f"{sql} fit in 64 MiB: {rows.num_rows} rows")
            message = str(failure.value)
            assert "query exceeded the memory limit of 64.0 MiB in " in message, message
            assert where in message, message
            assert_still_serving(client)
        assert server.process.poll() is None
        client.close()
    finally:
        code = server.stop()
    assert code == 0, server.stderr()


def test_memory_limit_flag_refuses_nonsense(tmp_path):
    from conftest import quiver_binary

    result = subprocess.run(
        [str(quiver_binary()), "server", "--port", "0", "--data-dir", str(tmp_path / "d"), "--memory-limit", "lots"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--memory-limit: cannot read 'lots' as a size" in result.stderr
