"""A `quiver server` process and an ADBC client that survives the server's failures."""

import re
import selectors
import signal
import subprocess
import sys
from pathlib import Path

from tpch.queries import TABLES

LISTENING = re.compile(r"^quiver server listening on grpc://(?P<host>[^:]+):(?P<port>\d+) ")
STARTUP_TIMEOUT_S = 30


class QueryFailed(Exception):
    """A query failed; the message says how (the engine's error, a crash, a timeout)."""


def peak_rss_bytes(pid) -> int | None:
    """The process's peak resident set size (VmHWM), None once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def reset_peak_rss(pid):
    """Sets the process's VmHWM back to its current RSS (Linux: "5" to clear_refs), so the
    next reading is the peak since now."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


class QuiverServer:
    """`quiver server` on a free loopback port over a throwaway data dir under work_dir."""

    def __init__(self, binary: Path, threads: int, work_dir: Path):
        self.binary = binary
        self.threads = threads
        self.work_dir = work_dir
        self.starts = 0
        self.process = None
        self.uri = None

    def start(self):
        self.starts += 1
        data_dir = self.work_dir / f"catalog{self.starts}"
        self.stderr_path = self.work_dir / f"server{self.starts}.stderr"
        with open(self.stderr_path, "w") as stderr:
            self.process = subprocess.Popen(
                [str(self.binary), "server", "--host", "127.0.0.1", "--port", "0",
                 "--data-dir", str(data_dir), "--threads", str(self.threads)],
                stdout=subprocess.PIPE, stderr=stderr, text=True,
            )
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout=STARTUP_TIMEOUT_S)
        selector.close()
        line = self.process.stdout.readline().rstrip("\n") if ready else ""
        match = LISTENING.match(line)
        if not match:
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"quiver server did not start: first line {line!r}\n{self.stderr_path.read_text()}")
        self.uri = f"grpc://{match['host']}:{match['port']}"

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def last_stderr_line(self) -> str:
        lines = self.stderr_path.read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""

    def stop(self, grace_s: float = 30) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process.stdout.close()
        self.process = None
        return code


class QuiverClient:
    """Runs SQL on a QuiverServer through ADBC (Flight SQL), results as Arrow tables.

    After any failed query the server is replaced by a fresh one with the tables
    registered again: a query that crashed the server must not take the following
    queries with it, and one that timed out may still be running there.
    `peak_rss` is the highest VmHWM seen over all the server processes.
    """

    def __init__(self, server: QuiverServer, data_dir: Path, timeout_s: float, on_restart=None):
        self.server = server
        self.data_dir = data_dir
        self.timeout_s = timeout_s
        self.on_restart = on_restart
        self.connection = None
        self.peak_rss = 0
        _quiet_adbc_cleanup_errors()

    def open(self):
        from adbc_driver_flightsql import DatabaseOptions, dbapi

        self.server.start()
        self.connection = dbapi.connect(
            self.server.uri,
            db_kwargs={
                DatabaseOptions.TIMEOUT_QUERY.value: str(self.timeout_s),
                DatabaseOptions.TIMEOUT_FETCH.value: str(self.timeout_s),
            },
            autocommit=True,
        )
        for table in TABLES:
            self.execute(f"CREATE EXTERNAL TABLE {table} STORED AS PARQUET LOCATION '{self.data_dir / table}/'")
        if self.on_restart:
            self.on_restart(self.server.pid)

    def sample_memory(self):
        if self.server.alive():
            self.peak_rss = max(self.peak_rss, peak_rss_bytes(self.server.pid) or 0)

    def close(self, grace_s: float = 30) -> int:
        self.sample_memory()
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:
                pass  # the server may be gone; closing is best effort
            self.connection = None
        return self.server.stop(grace_s)

    def execute(self, sql: str):
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql)
            return cursor.fetch_arrow_table()
        finally:
            # Closing raises too when the server is gone; the query's own error is the
            # one worth reporting.
            try:
                cursor.close()
            except Exception:
                pass

    def run(self, sql: str):
        try:
            table = self.execute(sql)
            self.sample_memory()
            return table
        except Exception as error:
            message = " ".join(str(error).split())
            # The Flight SQL driver appends a generic list of causes to transport errors.
            message = re.sub(r"; possible causes: [^)]*", "", message)
            if not self.server.alive():
                message = f"server crashed: {self.server.last_stderr_line()} ({message})"
            elif "timed out" in message.lower() or "deadline" in message.lower():
                message = f"timed out after {self.timeout_s:g}s ({message})"
            # A server still busy with a timed-out query would finish it before stopping;
            # its exit status no longer matters.
            self.close(grace_s=2)
            self.open()
            raise QueryFailed(message) from None


def _quiet_adbc_cleanup_errors():
    """Drops the driver manager's complaint when a cursor whose close already failed
    (its server had crashed) is garbage collected; the crash itself is reported."""
    default_hook = sys.unraisablehook
    if getattr(default_hook, "quiet_adbc", False):
        return

    def hook(unraisable):
        if isinstance(unraisable.exc_value, RuntimeError) and "Underflow in closing" in str(unraisable.exc_value):
            return
        default_hook(unraisable)

    hook.quiet_adbc = True
    sys.unraisablehook = hook
