"""Fixtures that run a real `quiver server` process for the integration tests.

The binary is build/quiver in this checkout (QUIVER_BIN overrides it). Each test gets
its own server on a free port (--port 0) over a fresh data directory; the port is read
from the first line the server prints. At the end the server is stopped with SIGTERM
and must exit with status 0.
"""

import os
import re
import selectors
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"^quiver server listening on (?P<scheme>grpc(\+tls)?)://(?P<host>[^:]+):(?P<port>\d+) \(data dir (?P<dir>.*)\)$")
WORKERS = re.compile(r"^quiver server workers on (?P<urls>.*) \(cluster (?P<spec>.*)\)$")
STARTUP_TIMEOUT_S = 30


def quiver_binary() -> Path:
    path = Path(os.environ.get("QUIVER_BIN", REPO / "build" / "quiver"))
    if not path.is_file():
        pytest.fail(f"{path} does not exist; build it first (scripts/build.sh)")
    return path


@dataclass
class QuiverServer:
    process: subprocess.Popen
    host: str
    port: int
    data_dir: Path
    stderr_path: Path
    scheme: str = "grpc"
    # The URLs of the worker services the server runs (its cluster's, when local:N).
    workers: tuple = ()

    @property
    def uri(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def stop(self, sig=signal.SIGTERM, timeout=15) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"quiver server did not stop within {timeout}s of signal {sig}")


def start_server(tmp_path: Path, *extra_args: str, prefix: tuple = ()) -> QuiverServer:
    """Starts `quiver server` over tmp_path/data; `prefix` runs it through another
    command (such as `ip netns exec NAME`)."""
    data_dir = tmp_path / "data"
    stderr_path = tmp_path / "server.stderr"
    stderr_file = open(stderr_path, "w")
    process = subprocess.Popen(
        [*prefix, str(quiver_binary()), "server", "--port", "0", "--data-dir", str(data_dir), *extra_args],
        stdout=subprocess.PIPE,
        stderr=stderr_file,
        text=True,
    )
    stderr_file.close()
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    ready = selector.select(timeout=STARTUP_TIMEOUT_S)
    selector.close()
    line = process.stdout.readline().rstrip("\n") if ready else ""
    match = LISTENING.match(line)
    if not match:
        process.kill()
        process.wait()
        pytest.fail(f"quiver server did not start: first line {line!r}; stderr:\n{stderr_path.read_text()}")
    # Every server belongs to a cluster (local:2 unless told otherwise) and says where
    # its workers listen on the next line.
    workers = WORKERS.match(process.stdout.readline().rstrip("\n"))
    urls = tuple(workers["urls"].split()) if workers else ()
    return QuiverServer(process, match["host"], int(match["port"]), Path(match["dir"]), stderr_path, match["scheme"], urls)


def sigkill_later(server: QuiverServer, seconds: float) -> threading.Timer:
    """Kills the server with SIGKILL after `seconds`, whatever it is doing then."""
    killer = threading.Timer(max(0.0, seconds), lambda: server.process.send_signal(signal.SIGKILL))
    killer.start()
    return killer


def restart_after_sigkill(server: QuiverServer, killer: threading.Timer, connection, tmp_path: Path) -> QuiverServer:
    """Waits for the kill, drops the dead connection and starts the server again on its data."""
    killer.join()
    server.process.wait()
    try:
        connection.close()
    except Exception:
        pass  # the server it talked to is gone
    return start_server(tmp_path)


@pytest.fixture
def quiver_server(tmp_path):
    server = start_server(tmp_path)
    yield server
    code = server.stop()
    assert code == 0, f"quiver server exited with {code}; stderr:\n{server.stderr()}"


@pytest.fixture
def dbapi_connection(quiver_server):
    from adbc_driver_flightsql import dbapi

    # Quiver has no transactions, so ask for autocommit rather than be warned.
    connection = dbapi.connect(quiver_server.uri, autocommit=True)
    yield connection
    connection.close()


@pytest.fixture
def flight_client(quiver_server):
    import pyarrow.flight as flight

    client = flight.connect(quiver_server.uri)
    yield client
    client.close()
