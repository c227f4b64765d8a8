"""A cluster of three `quiver server` processes (`quiver cluster up`), each a front door
and a worker of a static cluster: any node answers, with the same result as one node
alone; a node killed with SIGKILL is left out of the next query, and a query planned
over it still gives the same answer (its tasks run again on the survivors);
`quiver cluster status` tells which nodes are up; EXPLAIN ANALYZE merges what the
tasks measured on every node; every TPC-H query agrees with DuckDB when run across
the three.
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import flight_sql_wire as wire
from conftest import quiver_binary
from flight_cookies import CookieJar
from test_distributed_results import session_client, sorted_rows, worker_tasks

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from tpch import datagen  # noqa: E402
from tpch.compare import difference  # noqa: E402
from tpch.queries import TABLES, load_queries  # noqa: E402

GROUPED = "SELECT city, count(*) AS trips, sum(distance_km) AS km FROM trips GROUP BY city"


class LocalCluster:
    def __init__(self, directory: Path):
        self.dir = directory
        self.reload()

    def reload(self):
        """Reads cluster.json again (a restarted node has a new pid)."""
        self.nodes = json.loads((self.dir / "cluster.json").read_text())["nodes"]

    def uri(self, node):
        return f"grpc://127.0.0.1:{self.nodes[node]['port']}"

    def worker(self, node):
        return f"grpc+tcp://127.0.0.1:{self.nodes[node]['worker_port']}"

    def status(self):
        return subprocess.run([str(quiver_binary()), "cluster", "status", "--dir", str(self.dir)],
                              capture_output=True, text=True, timeout=30)


def cluster_command(*args):
    result = subprocess.run([str(quiver_binary()), "cluster", *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"quiver cluster {' '.join(args)}: {result.stdout}\n{result.stderr}"
    return result.stdout


def three_nodes(directory, *server_args):
    """`quiver cluster up` of three nodes in `directory`, stopped (and every node found to
    have stopped cleanly unless the test killed it) after the test."""
    out = cluster_command("up", "--workers", "3", "--port", "0", "--threads", "1", "--dir", str(directory),
                          "--", *server_args)
    assert "quiver cluster of 3 nodes" in out
    running = LocalCluster(directory)
    yield running
    cluster_command("down", "--dir", str(directory))
    for node in running.nodes:
        log = Path(node["log"]).read_text()
        assert "stopped by signal" in log or "SIGKILL" in node.get("note", ""), log[-2000:]


@pytest.fixture
def cluster(tmp_path):
    yield from three_nodes(tmp_path / "cluster")


# How long a worker may send nothing, then not answer a ping, before a query takes it
# for lost: short, so that the test of a frozen node runs in seconds.
WORKER_TIMEOUT_MS = 1000


@pytest.fixture
def quick_timeout_cluster(tmp_path):
    yield from three_nodes(tmp_path / "cluster", "--worker-timeout-ms", str(WORKER_TIMEOUT_MS))


def info_of(client, sql):
    return client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(sql)))


def fetch(info, skip=()):
    """Every endpoint, each from its first location not in `skip`, as a client that finds
    a location dead moves on to the next."""
    parts = []
    for endpoint in info.endpoints:
        location = next(loc for loc in endpoint.locations if loc.uri.decode() not in skip)
        source = flight.FlightClient(location)
        parts.append(source.do_get(endpoint.ticket).read_all())
        source.close()
    return pa.concat_tables(parts)


def local_result(uri, sql):
    client = flight.FlightClient(uri, middleware=[CookieJar()])
    for setting in ("SET execution_mode = 'local'",):
        info = info_of(client, setting)
        client.do_get(info.endpoints[0].ticket).read_all()
    info = info_of(client, sql)
    assert len(info.endpoints) == 1
    return client.do_get(info.endpoints[0].ticket).read_all()


def test_every_node_answers_across_all_three(cluster):
    expected = sorted_rows(local_result(cluster.uri(0), GROUPED))
    workers = {cluster.worker(node) for node in range(3)}
    for node in range(3):
        info = info_of(session_client(cluster.uri(node)), GROUPED)
        assert len(info.endpoints) == 3, "one final task per node"
        assert {endpoint.locations[0].uri.decode() for endpoint in info.endpoints} == workers
        assert sorted_rows(fetch(info)) == expected
    status = cluster.status()
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.count(" up ") == 3, status.stdout


def test_explain_analyze_merges_what_every_nodes_tasks_measured(cluster):
    client = session_client(cluster.uri(0))
    info = info_of(client, "EXPLAIN ANALYZE " + GROUPED)
    assert len(info.endpoints) == 1
    text = "\n".join(client.do_get(info.endpoints[0].ticket).read_all().column(0).to_pylist())
    assert "Distributed plan (3 workers), as run:" in text, text
    # The scan stage ran a task on every node; their metrics came back from each.
    scan_stage = next(line for line in text.splitlines() if "Stage 0 (3 tasks" in line)
    for node in range(3):
        assert cluster.worker(node) in scan_stage, text
    assert text.count("measured: 3 of 3 tasks") == 2, text
    total = local_result(cluster.uri(0), "SELECT count(*) FROM trips").column(0)[0].as_py()
    scan_line = next(line for line in text.splitlines() if "Scan trips" in line)
    assert f"actual {total} rows in 3 tasks" in scan_line, text
    groups = local_result(cluster.uri(0), GROUPED).num_rows
    assert "Execution time " in text and f"s, {groups} rows returned (discarded)" in text, text
    assert "No metrics from" not in text, text
    # Nothing stays behind on the workers.
    deadline = time.monotonic() + 10
    while any(worker_tasks(cluster.worker(node)) for node in range(3)):
        assert time.monotonic() < deadline, [worker_tasks(cluster.worker(node)) for node in range(3)]
        time.sleep(0.1)


def kill_node(cluster, node):
    pid = cluster.nodes[node]["pid"]
    subprocess.run(["kill", "-KILL", str(pid)], check=True)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        stat = Path(f"/proc/{pid}/stat").read_text() if Path(f"/proc/{pid}/stat").exists() else ""
        if ") Z" in stat:
            break
        time.sleep(0.05)
    cluster.nodes[node]["note"] = "SIGKILL"


def test_a_query_planned_over_a_killed_node_runs_again_on_the_survivors(cluster):
    expected = sorted_rows(local_result(cluster.uri(0), GROUPED))
    client = session_client(cluster.uri(0))
    info = info_of(client, GROUPED)
    assert {endpoint.locations[0].uri.decode() for endpoint in info.endpoints} >= {cluster.worker(2)}
    kill_node(cluster, 2)
    # Its tasks were placed on node 2; the final tasks notice before sending anything and
    # run the query again over nodes 0 and 1. The endpoint held by node 2 is fetched from
    # an alternate location.
    assert sorted_rows(fetch(info, skip={cluster.worker(2)})) == expected

    # The next query leaves node 2 out from the start.
    info = info_of(client, GROUPED)
    assert len(info.endpoints) == 2
    assert {endpoint.locations[0].uri.decode() for endpoint in info.endpoints} == {cluster.worker(0),
                                                                                   cluster.worker(1)}
    assert sorted_rows(fetch(info)) == expected

    status = cluster.status()
    assert status.returncode == 1, "a node is down"
    lines = [line for line in status.stdout.splitlines() if line.startswith("2 ")]
    assert lines and " down " in lines[0], status.stdout
    # Nothing of the failed attempt is left on the survivors.
    deadline = time.monotonic() + 5
    while any(worker_tasks(cluster.worker(node)) for node in (0, 1)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(worker_tasks(cluster.worker(node)) for node in (0, 1))


def test_a_query_over_a_frozen_node_runs_again_without_it(quick_timeout_cluster):
    cluster = quick_timeout_cluster
    expected = sorted_rows(local_result(cluster.uri(0), GROUPED))
    client = session_client(cluster.uri(0))
    info = info_of(client, GROUPED)
    assert {endpoint.locations[0].uri.decode() for endpoint in info.endpoints} >= {cluster.worker(2)}
    frozen = cluster.nodes[2]["pid"]
    # SIGSTOP: its connections stay open, but nothing it was asked answers. The tasks
    # reading from it hear nothing and get no answer to a ping, so they fail naming it,
    # and the final tasks run the query again over nodes 0 and 1.
    subprocess.run(["kill", "-STOP", str(frozen)], check=True)
    try:
        started = time.monotonic()
        assert sorted_rows(fetch(info, skip={cluster.worker(2)})) == expected
        took = time.monotonic() - started
        # Silent for the timeout, a ping unanswered as long, then the run again.
        assert took < 10 * WORKER_TIMEOUT_MS / 1000, f"the frozen node was noticed after {took:.1f} s"

        # The next query leaves it out from the start.
        info = info_of(client, GROUPED)
        assert {endpoint.locations[0].uri.decode() for endpoint in info.endpoints} == {cluster.worker(0),
                                                                                       cluster.worker(1)}
        assert sorted_rows(fetch(info)) == expected
    finally:
        subprocess.run(["kill", "-CONT", str(frozen)], check=True)

    # Thawed, it answers again and takes tasks once more.
    deadline = time.monotonic() + 20
    while True:
        info = info_of(client, GROUPED)
        used = {endpoint.locations[0].uri.decode() for endpoint in info.endpoints}
        assert sorted_rows(fetch(info)) == expected
        if cluster.worker(2) in used or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert cluster.worker(2) in used, "the thawed node is used again"
    # Nothing of the abandoned attempt is left on any node.
    deadline = time.monotonic() + 10
    while any(worker_tasks(cluster.worker(node)) for node in range(3)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(worker_tasks(cluster.worker(node)) for node in range(3))


TPCH_SCALE = "0.1"
TPCH_DIR = REPO / "var" / f"tpch-sf{TPCH_SCALE}"


def test_tpch_across_three_nodes_agrees_with_duckdb(cluster):
    import duckdb
    from adbc_driver_flightsql import dbapi

    data = datagen.generate(TPCH_SCALE, TPCH_DIR)
    duck = duckdb.connect()
    for table in TABLES:
        duck.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{data / table}/*.parquet')")
    failures = []
    with dbapi.connect(cluster.uri(1), db_kwargs={"adbc.flight.sql.rpc.with_cookie_middleware": "true"},
                       autocommit=True) as connection, connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"CREATE EXTERNAL TABLE {table} STORED AS PARQUET LOCATION '{data / table}/'")
        cursor.execute("SET execution_mode = 'distributed'")
        # Small tasks, so every stage spreads over the three nodes at this scale.
        cursor.execute("SET distributed_task_bytes = 1000000")
        for query in load_queries():
            try:
                cursor.execute(query.sql)
                actual = cursor.fetch_arrow_table()
            except Exception as error:
                failures.append(f"{query.name} failed: {' '.join(str(error).split())[:300]}")
                continue
            problem = difference(actual, duck.sql(query.sql).to_arrow_table(), query.ordered)
            if problem:
                failures.append(f"{query.name}: {problem}")
    assert not failures, "\n".join(failures)
    log = Path(cluster.nodes[1]["log"]).read_text()
    assert log.count("status=\"distributed:") >= 22, "every query ran distributed"


def test_the_readme_cluster_commands_work_as_written(tmp_path):
    """README's `quiver cluster` block, line by line, in a throwaway directory and on free
    ports (the README's port numbers shifted to a free range)."""
    import re
    import socket

    readme = (REPO / "README.md").read_text()
    block = next(b for b in re.findall(r"```sh\n(.*?)```", readme, re.S) if "cluster up" in b)
    commands = [line.strip() for line in block.splitlines() if line.strip()]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        base = probe.getsockname()[1]
    base = min(base, 65000)
    outputs = []
    try:
        for command in commands:
            command = re.sub(r"\b3201(\d)\b", lambda m: str(base + int(m.group(1))), command)
            args = command.split(" -c ", 1)
            argv = args[0].split() + (["-c", args[1].strip('"')] if len(args) == 2 else [])
            argv[0] = str(REPO / argv[0])
            if argv[1] == "cluster":
                argv += ["--dir", str(tmp_path / "cluster")]
                if argv[2] == "up":
                    argv += ["--port", str(base)]
            result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
            outputs.append(result.stdout)
    finally:
        subprocess.run([str(quiver_binary()), "cluster", "down", "--dir", str(tmp_path / "cluster")],
                       capture_output=True, timeout=60)
    assert "Amsterdam" in outputs[1], outputs[1]
    assert "Distributed plan (3 workers), as run:" in outputs[2], outputs[2]
    assert outputs[3].count(" up ") == 3, outputs[3]
    assert "restarted 0 nodes of 3" in outputs[4], outputs[4]
    assert "stopped (3 nodes)" in outputs[5]
