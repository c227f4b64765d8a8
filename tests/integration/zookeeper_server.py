"""A real, standalone ZooKeeper server (Debian's `zookeeper` package) on loopback, for the
tests of ZooKeeper membership: started on a free port over its own data directory,
stopped (or killed and started again on the same data, as a restart is) by the test."""

import socket
import subprocess
import time
from pathlib import Path

CLASSPATH = "/usr/share/java/zookeeper.jar"
MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ZooKeeperServer:
    def __init__(self, directory: Path):
        self.dir = directory
        self.port = free_port()
        self.process = None
        directory.mkdir(parents=True, exist_ok=True)
        # A short tick lets sessions be as short as one second, so a test sees a dead
        # node's registration go quickly.
        (directory / "zoo.cfg").write_text(
            f"tickTime=250\ndataDir={directory / 'data'}\nclientPort={self.port}\n"
            "clientPortAddress=127.0.0.1\nminSessionTimeout=500\nadmin.enableServer=false\n"
            "4lw.commands.whitelist=srvr,dump\n")

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self):
        log = open(self.dir / "zookeeper.log", "a")
        self.process = subprocess.Popen(["java", "-cp", CLASSPATH, MAIN, str(self.dir / "zoo.cfg")],
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 30
        while not self.serving():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"ZooKeeper did not start:\n{(self.dir / 'zookeeper.log').read_text()[-3000:]}")
            time.sleep(0.1)
        return self

    def serving(self) -> bool:
        """Whether the server answers ZooKeeper's `srvr` command."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"srvr")
                return b"Mode:" in connection.recv(4096)
        except OSError:
            return False

    def ephemeral_znodes(self) -> list:
        """The ephemeral znodes the server holds now (its `dump` command)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as connection:
            connection.sendall(b"dump")
            text = b""
            while chunk := connection.recv(65536):
                text += chunk
        return sorted(line.strip() for line in text.decode().splitlines() if line.strip().startswith("/"))

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
