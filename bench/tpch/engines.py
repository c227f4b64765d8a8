"""One adapter per engine: set up the eight tables over the Parquet directories, run a
query, return its result as an Arrow table.

Each adapter runs inside its own worker process (worker.py), which the benchmark starts
with the thread limit already in its environment: Polars and DataFusion size their
thread pools from the environment when they are first used, so it must be set before
they are imported. `memory_pid` names the process whose peak RSS is the engine's.
"""

import os
from pathlib import Path

from tpch.queries import TABLES


class Unsupported(Exception):
    """The engine cannot run this query (as opposed to failing while running it)."""


class DuckDB:
    name = "duckdb"

    def __init__(self, data_dir: Path, threads: int, **_):
        import duckdb

        self.version = duckdb.__version__
        self.connection = duckdb.connect()
        self.connection.execute(f"SET threads = {threads}")
        for table in TABLES:
            self.connection.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{data_dir / table}/*.parquet')")
        self.memory_pid = os.getpid()

    def run(self, sql: str):
        return self.connection.sql(sql).to_arrow_table()

    def close(self):
        self.connection.close()


class DataFusion:
    name = "datafusion"

    def __init__(self, data_dir: Path, threads: int, **_):
        import datafusion

        self.version = datafusion.__version__
        # target_partitions bounds the plan's parallelism; the Tokio runtime that runs the
        # partitions takes its worker count from TOKIO_WORKER_THREADS (set by the caller).
        config = datafusion.SessionConfig().with_target_partitions(threads)
        self.context = datafusion.SessionContext(config)
        for table in TABLES:
            self.context.register_parquet(table, f"{data_dir / table}/")
        self.memory_pid = os.getpid()

    def run(self, sql: str):
        return self.context.sql(sql).to_arrow_table()

    def close(self):
        pass


class Polars:
    name = "polars"

    def __init__(self, data_dir: Path, threads: int, **_):
        import polars

        if polars.thread_pool_size() != threads:
            raise RuntimeError(f"polars uses {polars.thread_pool_size()} threads, not {threads}: "
                               "POLARS_MAX_THREADS must be set before polars is imported")
        self.polars = polars
        self.version = polars.__version__
        frames = {table: polars.scan_parquet(f"{data_dir / table}/*.parquet") for table in TABLES}
        self.context = polars.SQLContext(frames, eager=False)
        self.memory_pid = os.getpid()

    def run(self, sql: str):
        try:
            plan = self.context.execute(sql)
        except Exception as error:
            # Translating the SQL failed: Polars' SQL interface does not cover the query.
            raise Unsupported(f"{type(error).__name__}: {error}") from None
        return plan.collect().to_arrow()

    def close(self):
        pass


class Quiver:
    name = "quiver"

    def __init__(self, data_dir: Path, threads: int, quiver_bin: Path, work_dir: Path, timeout_s: float,
                 on_restart=None, **_):
        from tpch.quiver import QuiverClient, QuiverServer

        self.version = quiver_bin.name
        self.client = QuiverClient(QuiverServer(quiver_bin, threads, work_dir), data_dir, timeout_s, on_restart)
        self.client.open()

    @property
    def memory_pid(self):
        return self.client.server.pid

    def run(self, sql: str):
        return self.client.run(sql)

    def close(self):
        return self.client.close()


ENGINES = {engine.name: engine for engine in (Quiver, DuckDB, DataFusion, Polars)}


def thread_environment(threads: int) -> dict:
    """Environment variables that limit the Rust engines' thread pools."""
    return {"POLARS_MAX_THREADS": str(threads), "TOKIO_WORKER_THREADS": str(threads)}
