"""`quiver server` as a process: its startup line, its data directory, its signals."""

import os
import signal

import pyarrow.flight as flight

import flight_sql_wire as wire
from conftest import start_server


def test_prints_host_port_and_data_dir(quiver_server, tmp_path):
    assert quiver_server.host == "127.0.0.1"
    assert quiver_server.port > 0
    assert quiver_server.data_dir == (tmp_path / "data").resolve()
    assert quiver_server.data_dir.is_dir()


def test_answers_on_the_printed_port(flight_client):
    info = flight_client.get_flight_info(flight.FlightDescriptor.for_command(wire.get_sql_info()))
    assert flight_client.do_get(info.endpoints[0].ticket).read_all().num_rows > 0


def test_sigint_also_stops_cleanly(tmp_path):
    server = start_server(tmp_path)
    assert server.stop(signal.SIGINT) == 0
    assert "stopped by signal" in server.stderr()


def test_refuses_a_port_in_use(quiver_server, tmp_path):
    import subprocess

    from conftest import quiver_binary

    result = subprocess.run(
        [str(quiver_binary()), "server", "--port", str(quiver_server.port), "--data-dir", str(tmp_path / "other")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "cannot listen" in result.stderr


def test_data_dir_defaults_to_quiver_home(tmp_path):
    import subprocess

    from conftest import LISTENING, quiver_binary

    home = tmp_path / "home"
    process = subprocess.Popen(
        [str(quiver_binary()), "server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "QUIVER_HOME": str(home)},
    )
    try:
        match = LISTENING.match(process.stdout.readline().rstrip("\n"))
        assert match, "no startup line"
        assert match["dir"] == str(home)
        assert home.is_dir()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
