"""Two `quiver server` nodes of a static cluster, each in its own network namespace (a
machine of its own: its own loopback, its own address), joined by veth pairs on a bridge;
the client runs in a third namespace. Every address a node hands out (worker URLs,
endpoint locations) must be one the others can reach, so a query planned across both
nodes and fetched from the workers it names shows that nothing depends on localhost.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import flight_sql_wire as wire
from conftest import start_server

REPO = Path(__file__).resolve().parents[2]
SUBNET = "10.231.7"
SECRET = "network-namespaces-test-secret"
PASSWORD = "netns admin password"
WORKER_PORT = 7070
GROUPED = "SELECT city, count(*) AS trips, sum(distance_km) AS km FROM trips GROUP BY city"

# Runs in the client's namespace: logs in to node 0, runs GROUPED distributed and fetches
# every endpoint from its first location, then runs it locally, and prints both.
CLIENT = """
import json, sys
import pyarrow as pa
import pyarrow.flight as flight
import flight_sql_wire as wire
from flight_cookies import CookieJar

uri, password, sql = sys.argv[1:4]

def session(mode):
    client = flight.FlightClient(uri, middleware=[CookieJar()])
    options = flight.FlightCallOptions(headers=[client.authenticate_basic_token("admin", password)])
    for setting in (f"SET execution_mode = '{mode}'", "SET distributed_task_bytes = 1"):
        info = client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(setting)), options)
        client.do_get(info.endpoints[0].ticket, options).read_all()
    return client, options

client, options = session("distributed")
info = client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(sql)), options)
parts, locations = [], []
for endpoint in info.endpoints:
    locations.append([location.uri.decode() for location in endpoint.locations])
    worker = flight.FlightClient(endpoint.locations[0])
    parts.append(worker.do_get(endpoint.ticket).read_all())
client, options = session("local")
local = client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(sql)), options)
expected = client.do_get(local.endpoints[0].ticket, options).read_all()
# Partial sums of doubles add up in any order: compared to 6 places.
rows = lambda table: sorted(json.dumps({**row, "km": round(row["km"], 6)}, sort_keys=True)
                            for row in table.to_pylist())
print(json.dumps({"locations": locations, "distributed": rows(pa.concat_tables(parts)), "local": rows(expected)}))
"""


def ip(*args):
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


class Namespaces:
    """A hub namespace holding a bridge, and member namespaces each wired to it by a
    veth pair, with an address on SUBNET. A member's loopback is up, as a machine's is:
    the kernel routes traffic to a machine's own address through it."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.names = []
        self.hub = self.create("hub")
        ip("-n", self.hub, "link", "add", "br0", "type", "bridge")
        ip("-n", self.hub, "link", "set", "br0", "up")

    def create(self, suffix):
        name = f"{self.prefix}-{suffix}"
        ip("netns", "add", name)
        self.names.append(name)
        return name

    def member(self, suffix, host):
        name = self.create(suffix)
        inside, outside = f"{self.prefix[-6:]}{suffix}i", f"{self.prefix[-6:]}{suffix}o"
        ip("link", "add", inside, "netns", name, "type", "veth", "peer", "name", outside, "netns", self.hub)
        ip("-n", self.hub, "link", "set", outside, "master", "br0")
        ip("-n", self.hub, "link", "set", outside, "up")
        ip("-n", name, "addr", "add", f"{SUBNET}.{host}/24", "dev", inside)
        ip("-n", name, "link", "set", inside, "up")
        ip("-n", name, "link", "set", "lo", "up")
        return name

    def delete(self):
        for name in reversed(self.names):
            subprocess.run(["ip", "netns", "del", name], capture_output=True)


@pytest.fixture
def namespaces():
    probe = subprocess.run(["ip", "netns", "add", f"qv{os.getpid()}-probe"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot create network namespaces here: {probe.stderr.strip()}")
    subprocess.run(["ip", "netns", "del", f"qv{os.getpid()}-probe"], capture_output=True)
    created = Namespaces(f"qv{os.getpid()}")
    yield created
    created.delete()


def add_admin(tmp_path):
    """Logins are required of clients on other machines: the node's admin is made from
    this machine first, with the demo tables."""
    import pyarrow.flight as flight

    server = start_server(tmp_path, "--demo", "--cluster", "local:1")
    client = flight.connect(server.uri)
    sql = f"CREATE USER admin WITH PASSWORD '{PASSWORD}' SUPERUSER"
    client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(sql)))
    client.close()
    assert server.stop() == 0, server.stderr()


def test_a_cluster_across_network_namespaces_needs_no_localhost(namespaces, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIVER_CLUSTER_SECRET", SECRET)
    hosts = [f"{SUBNET}.1", f"{SUBNET}.2"]
    spec = "static:" + ",".join(f"{host}:{WORKER_PORT}" for host in hosts)
    nodes = []
    try:
        for index, host in enumerate(hosts):
            directory = tmp_path / f"node{index}"
            directory.mkdir()
            add_admin(directory)
            name = namespaces.member(f"n{index}", index + 1)
            nodes.append(start_server(directory, "--host", host, "--cluster", spec, "--worker-port", str(WORKER_PORT),
                                      "--threads", "1", prefix=("ip", "netns", "exec", name)))
        client_namespace = namespaces.member("c", 100)
        assert [node.workers[0] for node in nodes] == [f"grpc+tcp://{host}:{WORKER_PORT}" for host in hosts]

        env = dict(os.environ, PYTHONPATH=str(REPO / "tests" / "integration"))
        result = subprocess.run(["ip", "netns", "exec", client_namespace, sys.executable, "-c", CLIENT,
                                 nodes[0].uri, PASSWORD, GROUPED], capture_output=True, text=True, timeout=60, env=env)
        assert result.returncode == 0, result.stderr[-3000:] + "".join(node.stderr()[-2000:] for node in nodes)
        answer = json.loads(result.stdout)
        # One final task per node, each located at its worker, the other as alternate.
        workers = {f"grpc+tcp://{host}:{WORKER_PORT}" for host in hosts}
        assert {locations[0] for locations in answer["locations"]} == workers
        assert all(set(locations) == workers for locations in answer["locations"])
        assert answer["distributed"] == answer["local"]
        assert len(answer["local"]) > 1
    finally:
        for node in nodes:
            assert node.stop() == 0, node.stderr()
