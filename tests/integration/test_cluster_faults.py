"""Many queries on a cluster of three `quiver server` processes, with random faults:
clients cancelling (CancelFlightInfo), clients going away in the middle of a result,
and nodes killed with SIGKILL in the middle of a query (then started again with
`quiver cluster restart`). Every query that completes gives the right answer; one that
fails says why. Afterwards, no node holds a task, an open stream, query memory or
uncollected EXPLAIN ANALYZE metrics, as `quiver cluster status` shows.

QUIVER_FAULT_QUERIES sets how many queries run (1,000 by default).
"""

import os
import random
import re
import subprocess
import threading
import time

import pyarrow.flight as flight

import flight_sql_wire as wire
from conftest import quiver_binary
from test_cluster_processes import info_of, kill_node, local_result, three_nodes
from test_distributed_results import session_client, worker_tasks

QUERY_COUNT = int(os.environ.get("QUIVER_FAULT_QUERIES", "1000"))
# One query in this many runs while a node is killed.
KILL_EVERY = 100
UNREAD_OUTPUT_TIMEOUT_MS = 3000
SEED = int(os.environ.get("QUIVER_FAULT_SEED", str(int(time.time()))))

# Aggregates, a filter, a join, a top-N and a slow one (to be caught mid-way).
QUERIES = [
    "SELECT city, count(*) AS trips, round(sum(distance_km), 3) AS km FROM trips GROUP BY city",
    "SELECT trip_id, city, distance_km FROM trips WHERE trip_id % 7 = 0",
    "SELECT t.city, count(*) AS n FROM trips t JOIN trips u ON t.trip_id = u.trip_id + 1 GROUP BY t.city",
    "SELECT trip_id, distance_km FROM trips ORDER BY distance_km DESC, trip_id LIMIT 20",
    "SELECT sum(x) AS s FROM generate_series(1, 20000000) AS t(x)",
]


def canonical(table):
    """Rows in a fixed order: tasks may deliver them in any order."""
    return sorted(tuple(row.values()) for row in table.to_pylist())


def fetch_all(info, errors=None):
    """Every endpoint's rows. With `errors`, an endpoint whose fetch fails is fetched
    again from its next location (its ticket runs anywhere), and the errors are kept."""
    rows = []
    for endpoint in info.endpoints:
        locations = endpoint.locations if errors is not None else endpoint.locations[:1]
        for index, location in enumerate(locations):
            source = flight.FlightClient(location)
            try:
                rows.extend(canonical(source.do_get(endpoint.ticket).read_all()))
                break
            except flight.FlightError as error:
                if errors is None or index + 1 == len(locations):
                    raise
                errors.append(error)
            finally:
                source.close()
    return sorted(rows)


def go_away_mid_result(info):
    """Reads the first batch of the first endpoint, then drops the stream."""
    endpoint = info.endpoints[0]
    source = flight.FlightClient(endpoint.locations[0])
    try:
        reader = source.do_get(endpoint.ticket)
        reader.read_chunk()
        reader.cancel()
    except (flight.FlightError, StopIteration):
        pass
    finally:
        source.close()


def cancel(client, info):
    request = wire.cancel_flight_info_request(info.serialize())
    list(client.do_action(flight.Action("CancelFlightInfo", request)))


def status_lines(cluster):
    status = cluster.status()
    return status.returncode, [line for line in status.stdout.splitlines() if re.match(r"^\d+\s", line)], status


def nothing_held(line):
    """A `cluster status` node line: up, no tasks, no streams, no query memory."""
    fields = line.split()
    # node pid address worker-port state tasks streams memory unit spilled unit
    return (fields[4] == "up" and fields[5] == "0" and fields[6] == "0" and fields[7] == "0"
            and "not collected" not in line)


def test_queries_with_random_kills_and_cancels_leave_nothing_behind(tmp_path):
    rng = random.Random(SEED)
    print(f"QUIVER_FAULT_SEED={SEED}")
    # A client that left one endpoint never fetches the others: their tasks' output is
    # dropped once nobody asked for it within this long (60 s by default).
    for cluster in three_nodes(tmp_path / "cluster", "--unread-output-timeout-ms", str(UNREAD_OUTPUT_TIMEOUT_MS)):
        expected = [canonical(local_result(cluster.uri(0), sql)) for sql in QUERIES]
        clients = [session_client(cluster.uri(node)) for node in range(3)]
        outcomes = {"answered": 0, "cancelled": 0, "left": 0, "fetched again elsewhere": 0, "killed": 0}

        for number in range(QUERY_COUNT):
            door = rng.randrange(3)
            which = rng.randrange(len(QUERIES))
            info = info_of(clients[door], QUERIES[which])
            if number % KILL_EVERY == KILL_EVERY - 1:
                victim = rng.choice([node for node in range(3) if node != door])
                answer = {"errors": []}

                def fetch():
                    answer["rows"] = fetch_all(info, answer["errors"])

                fetching = threading.Thread(target=fetch)
                fetching.start()
                time.sleep(rng.uniform(0, 0.05))
                kill_node(cluster, victim)
                fetching.join(60)
                assert not fetching.is_alive(), "a fetch hung after a node was killed"
                # Whatever failed (an endpoint on the killed node, or one that had sent rows
                # when a worker it read from died) was fetched again from another location.
                assert answer.get("rows") == expected[which], (QUERIES[which], answer["errors"])
                for error in answer["errors"]:
                    assert isinstance(error, flight.FlightUnavailableError), error
                    assert re.search(r"(?i)lost|unavailable|connect|refused|closed|socket", str(error)), error
                outcomes["fetched again elsewhere"] += len(answer["errors"])
                outcomes["killed"] += 1
                restarted = subprocess.run([str(quiver_binary()), "cluster", "restart", "--dir", str(cluster.dir)],
                                           capture_output=True, text=True, timeout=120)
                assert restarted.returncode == 0, restarted.stdout + restarted.stderr
                cluster.nodes[victim]["note"] = ""
                cluster.reload()
                # Sessions live in their node: the restarted one needs new ones.
                clients[victim] = session_client(cluster.uri(victim))
                continue
            action = rng.random()
            if action < 0.6:
                assert fetch_all(info) == expected[which], QUERIES[which]
                outcomes["answered"] += 1
            elif action < 0.8:
                cancel(clients[door], info)
                outcomes["cancelled"] += 1
            else:
                go_away_mid_result(info)
                outcomes["left"] += 1
            if number % 50 == 0:
                # An EXPLAIN ANALYZE now and then: its metrics must be collected too.
                plan = info_of(clients[door], "EXPLAIN ANALYZE " + QUERIES[0])
                text = "\n".join(clients[door].do_get(plan.endpoints[0].ticket).read_all().column(0).to_pylist())
                assert "as run:" in text, text
        print(outcomes)

        deadline = time.monotonic() + 30
        while True:
            code, lines, status = status_lines(cluster)
            if code == 0 and len(lines) == 3 and all(nothing_held(line) for line in lines):
                break
            assert time.monotonic() < deadline, (f"left behind after {QUERY_COUNT} queries:\n{status.stdout}\n"
                                                 + "\n".join(str(worker_tasks(cluster.worker(node)))
                                                             for node in range(3)))
            time.sleep(0.5)
