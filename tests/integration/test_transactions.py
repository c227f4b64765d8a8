"""Flight SQL transactions (BeginTransaction / EndTransaction) over managed tables, as
ADBC drives them when autocommit is off."""

import pyarrow as pa
import pyarrow.flight as flight
import pytest
from adbc_driver_flightsql import dbapi

import flight_sql_wire as wire


def count(connection, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.fixture
def two_connections(quiver_server):
    setup = dbapi.connect(quiver_server.uri, autocommit=True)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE accounts (id int, balance int)")
        cursor.execute("INSERT INTO accounts VALUES (1, 100), (2, 100)")
        cursor.execute("CREATE TABLE audit (note text)")
    transactional = dbapi.connect(quiver_server.uri, autocommit=False)
    yield transactional, setup
    transactional.close()
    setup.close()


def test_changes_are_visible_inside_and_only_after_commit(two_connections):
    txn, other = two_connections
    with txn.cursor() as cursor:
        cursor.execute("UPDATE accounts SET balance = balance - 30 WHERE id = 1")
        cursor.execute("UPDATE accounts SET balance = balance + 30 WHERE id = 2")
        cursor.execute("INSERT INTO audit VALUES ('moved 30')")
        # The transaction sees its own changes ...
        cursor.execute("SELECT id, balance FROM accounts ORDER BY id")
        assert cursor.fetchall() == [(1, 70), (2, 130)]
    # ... nobody else does yet.
    with other.cursor() as cursor:
        cursor.execute("SELECT id, balance FROM accounts ORDER BY id")
        assert cursor.fetchall() == [(1, 100), (2, 100)]
    assert count(other, "audit") == 0
    txn.commit()
    with other.cursor() as cursor:
        cursor.execute("SELECT id, balance FROM accounts ORDER BY id")
        assert cursor.fetchall() == [(1, 70), (2, 130)]
    assert count(other, "audit") == 1


def test_rollback_discards_everything(two_connections, quiver_server):
    txn, other = two_connections
    with txn.cursor() as cursor:
        cursor.execute("INSERT INTO audit SELECT 'row ' || g FROM generate_series(1, 1000) g")
        cursor.execute("DELETE FROM accounts")
        assert count(txn, "audit") == 1000
        assert count(txn, "accounts") == 0
    txn.rollback()
    assert count(other, "audit") == 0
    assert count(other, "accounts") == 2
    # The files the rolled-back statements wrote are gone.
    [audit] = (quiver_server.data_dir / "tables" / "public").glob("audit-*")
    assert list(audit.glob("*.parquet")) == []


def test_prepared_statements_inside_a_transaction(two_connections):
    txn, other = two_connections
    with txn.cursor() as cursor:
        cursor.execute("INSERT INTO audit VALUES (?)", parameters=("d",))
        cursor.executemany("INSERT INTO audit VALUES (?)", [("e",), ("f",)])
        assert count(txn, "audit") == 3
    assert count(other, "audit") == 0
    txn.commit()
    assert count(other, "audit") == 3


def test_ingest_inside_a_transaction(quiver_server, flight_client):
    # ADBC's Flight SQL driver (1.13) sends ingest without the transaction id, so the
    # protocol is spoken directly here.
    setup = dbapi.connect(quiver_server.uri, autocommit=True)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE audit (note text)")
    [result] = flight_client.do_action(flight.Action("BeginTransaction", wire.begin_transaction()))
    transaction = wire.read_bytes_field(wire.unpack_any(result.body.to_pybytes(), "ActionBeginTransactionResult"), 1)
    data = pa.table({"note": ["a", "b", "c"]})
    command = wire.statement_ingest("audit", wire.TABLE_NOT_EXIST_FAIL, wire.TABLE_EXISTS_APPEND, transaction)
    writer, reader = flight_client.do_put(flight.FlightDescriptor.for_command(command), data.schema)
    writer.write_table(data)
    writer.done_writing()
    assert wire.read_varint_field(reader.read().to_pybytes(), 1) == 3
    writer.close()
    assert count(setup, "audit") == 0
    list(flight_client.do_action(
        flight.Action("EndTransaction", wire.end_transaction(transaction, wire.END_TRANSACTION_COMMIT))))
    assert count(setup, "audit") == 3
    # The transaction is gone once ended.
    with pytest.raises(KeyError, match="not open"):
        list(flight_client.do_action(
            flight.Action("EndTransaction", wire.end_transaction(transaction, wire.END_TRANSACTION_COMMIT))))
    setup.close()


def test_conflicting_transactions_one_wins(two_connections, quiver_server):
    first, other = two_connections
    second = dbapi.connect(quiver_server.uri, autocommit=False)
    with first.cursor() as a, second.cursor() as b:
        a.execute("UPDATE accounts SET balance = 0 WHERE id = 1")
        b.execute("UPDATE accounts SET balance = 1 WHERE id = 1")
    first.commit()
    with pytest.raises(Exception, match="write conflict"):
        second.commit()
    second.close()
    with other.cursor() as cursor:
        cursor.execute("SELECT balance FROM accounts WHERE id = 1")
        assert cursor.fetchone() == (0,)


def test_table_definitions_are_refused_inside_a_transaction(two_connections):
    txn, _ = two_connections
    with txn.cursor() as cursor:
        with pytest.raises(Exception, match="cannot run inside a transaction"):
            cursor.execute("CREATE TABLE nope (a int)")
    txn.rollback()


def test_executemany_without_a_transaction_is_one_commit(quiver_server):
    connection = dbapi.connect(quiver_server.uri, autocommit=True)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE many (i int)")
        cursor.executemany("INSERT INTO many VALUES (?)", [(i,) for i in range(200)])
    assert count(connection, "many") == 200
    [location] = (quiver_server.data_dir / "tables" / "public").glob("many-*")
    commits = sorted((location / "_delta_log").glob("*.json"))
    assert len(commits) == 2  # the CREATE TABLE and one commit for all 200 rows
    connection.close()


def test_a_transaction_over_two_tables_survives_sigkill_whole(tmp_path):
    """Each transaction adds one batch to two tables and moves a total between them;
    the server is killed at random moments. After every restart both tables hold the
    same batches: every acknowledged one, and the one in flight in both or neither."""
    import random
    import time

    from conftest import restart_after_sigkill, sigkill_later, start_server

    rng = random.Random(20261122)
    server = start_server(tmp_path)
    setup = dbapi.connect(server.uri, autocommit=True)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE left_side (batch int, v int)")
        cursor.execute("CREATE TABLE right_side (batch int, v int)")
    setup.close()
    acked = set()
    next_batch = 0
    for _ in range(6):
        connection = dbapi.connect(server.uri, autocommit=False)
        in_flight = None
        killer = sigkill_later(server, rng.uniform(0.05, 0.5))
        try:
            while True:
                in_flight = next_batch
                next_batch += 1
                with connection.cursor() as cursor:
                    cursor.execute(f"INSERT INTO left_side SELECT {in_flight}, g FROM generate_series(1, 500) g")
                    cursor.execute(f"INSERT INTO right_side SELECT {in_flight}, -g FROM generate_series(1, 500) g")
                connection.commit()
                acked.add(in_flight)
                in_flight = None
        except Exception:
            pass  # the server died
        server = restart_after_sigkill(server, killer, connection, tmp_path)
        assert not (server.data_dir / "commit.journal").exists()
        check = dbapi.connect(server.uri, autocommit=True)
        with check.cursor() as cursor:
            cursor.execute("SELECT batch, count(*), sum(v) FROM left_side GROUP BY batch")
            left = {b: (n, s) for b, n, s in cursor.fetchall()}
            cursor.execute("SELECT batch, count(*), sum(v) FROM right_side GROUP BY batch")
            right = {b: (n, -s) for b, n, s in cursor.fetchall()}
        check.close()
        assert left == right
        assert acked <= set(left)
        assert set(left) - acked <= {in_flight}
        assert all(value == (500, 125250) for value in left.values())
        acked = set(left)
    assert len(acked) > 6  # transactions did commit between kills
    assert server.stop() == 0
