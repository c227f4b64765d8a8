"""ZooKeeper membership (`quiver server --cluster zookeeper://host:port/path`) against a
real ZooKeeper server on loopback: nodes register ephemeral znodes and see each other
join and leave without restarts; a node that dies leaves once its session times out;
a ZooKeeper restart leaves the cluster working and the nodes watching; a node whose
session expired registers again; `quiver cluster up --zookeeper` runs such a cluster.
"""

import json
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import quiver_binary, start_server
from test_cluster_processes import GROUPED, fetch, info_of, local_result
from test_distributed_results import session_client, sorted_rows
from zookeeper_server import ZooKeeperServer

SESSION_TIMEOUT_MS = 2000
SECRET = "zookeeper-membership-test-secret"


@pytest.fixture
def zookeeper(tmp_path):
    server = ZooKeeperServer(tmp_path / "zookeeper").start()
    yield server
    server.stop()


@pytest.fixture
def nodes(tmp_path, zookeeper, monkeypatch):
    """Starts nodes of one ZooKeeper cluster by name; stops the live ones at the end."""
    monkeypatch.setenv("QUIVER_CLUSTER_SECRET", SECRET)
    started = {}

    def start(name):
        directory = tmp_path / name
        directory.mkdir()
        node = start_server(directory, "--demo", "--threads", "1", "--cluster",
                            f"zookeeper://{zookeeper.address}/quiver/test",
                            "--zookeeper-session-timeout-ms", str(SESSION_TIMEOUT_MS))
        node.worker = node.workers[0]
        started[name] = node
        return node

    yield start
    for node in started.values():
        if node.process.poll() is None:
            node.process.send_signal(signal.SIGCONT)
            assert node.stop() == 0, node.stderr()


def workers_used(uri):
    """The workers a distributed query sent to the node at `uri` is spread over: its
    endpoints' locations name every worker the query was planned on."""
    info = info_of(session_client(uri), GROUPED)
    return {location.uri.decode() for endpoint in info.endpoints for location in endpoint.locations}


def wait_for_workers(uri, expected, seconds=10):
    """Waits until queries sent to the node at `uri` are planned over the `expected`
    workers."""
    deadline = time.monotonic() + seconds
    while (used := workers_used(uri)) != expected:
        assert time.monotonic() < deadline, f"{uri} plans over {used}, not {expected}"
        time.sleep(0.2)


def members_in_zookeeper(zookeeper):
    return [znode for znode in zookeeper.ephemeral_znodes() if znode.startswith("/quiver/test/")]


def test_nodes_see_each_other_join_and_leave(nodes, zookeeper):
    a, b = nodes("a"), nodes("b")
    wait_for_workers(a.uri, {a.worker, b.worker})
    wait_for_workers(b.uri, {a.worker, b.worker})
    assert len(members_in_zookeeper(zookeeper)) == 2
    expected = sorted_rows(local_result(a.uri, GROUPED))
    assert sorted_rows(fetch(info_of(session_client(a.uri), GROUPED))) == expected

    # A node that joins is used by the next query, with no restart of the others.
    c = nodes("c")
    wait_for_workers(a.uri, {a.worker, b.worker, c.worker}, seconds=5)
    info = info_of(session_client(b.uri), GROUPED)
    assert len(info.endpoints) == 3
    assert sorted_rows(fetch(info)) == expected

    # A node that stops withdraws at once.
    assert c.stop() == 0, c.stderr()
    assert len(members_in_zookeeper(zookeeper)) == 2
    wait_for_workers(a.uri, {a.worker, b.worker}, seconds=2)

    # A node that dies is left out by the next query (it does not answer a ping), and
    # its registration goes when its session times out.
    b.process.send_signal(signal.SIGKILL)
    b.process.wait()
    wait_for_workers(a.uri, {a.worker}, seconds=5)
    assert sorted_rows(fetch(info_of(session_client(a.uri), GROUPED))) == expected
    deadline = time.monotonic() + SESSION_TIMEOUT_MS / 1000 + 5
    while len(members_in_zookeeper(zookeeper)) != 1:
        assert time.monotonic() < deadline, members_in_zookeeper(zookeeper)
        time.sleep(0.2)


def test_a_zookeeper_restart_keeps_the_cluster_and_its_watches(nodes, zookeeper):
    a, b = nodes("a"), nodes("b")
    wait_for_workers(a.uri, {a.worker, b.worker})
    expected = sorted_rows(local_result(a.uri, GROUPED))

    zookeeper.kill()
    # Without ZooKeeper the last membership stands.
    assert workers_used(a.uri) == {a.worker, b.worker}
    assert sorted_rows(fetch(info_of(session_client(b.uri), GROUPED))) == expected
    deadline = time.monotonic() + 10
    while "lost ZooKeeper" not in a.stderr():
        assert time.monotonic() < deadline, a.stderr()
        time.sleep(0.1)

    zookeeper.start()  # same port, same data: the sessions and their znodes survive
    deadline = time.monotonic() + 15
    while "reachable again" not in a.stderr() or "reachable again" not in b.stderr():
        assert time.monotonic() < deadline, a.stderr() + b.stderr()
        time.sleep(0.1)
    # The nodes' watches were set again: a newcomer is seen by both.
    c = nodes("c")
    wait_for_workers(a.uri, {a.worker, b.worker, c.worker}, seconds=5)
    wait_for_workers(b.uri, {a.worker, b.worker, c.worker}, seconds=5)
    assert sorted_rows(fetch(info_of(session_client(a.uri), GROUPED))) == expected


def test_a_node_whose_session_expired_registers_again(nodes, zookeeper):
    a, b = nodes("a"), nodes("b")
    wait_for_workers(b.uri, {a.worker, b.worker})
    # Node a registered first (a node says it serves only once registered), so its
    # znode has the lower sequence number.
    registered = members_in_zookeeper(zookeeper)[0]

    # Frozen past its session timeout, node a loses its session and its znode.
    a.process.send_signal(signal.SIGSTOP)
    deadline = time.monotonic() + SESSION_TIMEOUT_MS / 1000 + 5
    while registered in members_in_zookeeper(zookeeper):
        assert time.monotonic() < deadline, "the frozen node's session did not expire"
        time.sleep(0.2)
    wait_for_workers(b.uri, {b.worker}, seconds=5)

    a.process.send_signal(signal.SIGCONT)
    deadline = time.monotonic() + 10
    while "registering again" not in a.stderr():
        assert time.monotonic() < deadline, a.stderr()
        time.sleep(0.1)
    # It says so before it opens the new session and registers.
    while len(members_in_zookeeper(zookeeper)) != 2:
        assert time.monotonic() < deadline, members_in_zookeeper(zookeeper)
        time.sleep(0.1)
    # Node b pinged node a while it was frozen, and asks it again after a few seconds.
    wait_for_workers(b.uri, {a.worker, b.worker}, seconds=10)
    wait_for_workers(a.uri, {a.worker, b.worker}, seconds=5)
    expected = sorted_rows(local_result(b.uri, GROUPED))
    assert sorted_rows(fetch(info_of(session_client(a.uri), GROUPED))) == expected


def test_a_node_that_cannot_reach_zookeeper_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIVER_CLUSTER_SECRET", SECRET)
    from zookeeper_server import free_port

    address = f"127.0.0.1:{free_port()}"
    result = subprocess.run(
        [str(quiver_binary()), "server", "--port", "0", "--data-dir", str(tmp_path / "data"), "--cluster",
         f"zookeeper://{address}/quiver", "--zookeeper-session-timeout-ms", "1000"],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert f"cannot reach ZooKeeper at {address} within 1000 ms" in result.stderr, result.stderr


def test_cluster_up_with_zookeeper(tmp_path):
    from test_cluster_processes import LocalCluster, cluster_command

    directory = tmp_path / "cluster"
    out = cluster_command("up", "--zookeeper", "--workers", "3", "--port", "0", "--threads", "1", "--dir",
                          str(directory))
    try:
        assert "zookeeper: 127.0.0.1:" in out, out
        cluster = LocalCluster(directory)
        zookeeper_pid = json.loads((directory / "cluster.json").read_text())["zookeeper"]["pid"]
        wait_for_workers(cluster.uri(2), {cluster.worker(node) for node in range(3)})
        info = info_of(session_client(cluster.uri(2)), GROUPED)
        assert sorted_rows(fetch(info)) == sorted_rows(local_result(cluster.uri(0), GROUPED))
        status = cluster.status()
        assert status.returncode == 0, status.stdout + status.stderr
        assert re.search(r"^zookeeper 127\.0\.0\.1:\d+ pid \d+ up$", status.stdout, re.M), status.stdout
    finally:
        cluster_command("down", "--dir", str(directory))
    assert not Path(f"/proc/{zookeeper_pid}").exists() or ") Z" in Path(f"/proc/{zookeeper_pid}/stat").read_text()
