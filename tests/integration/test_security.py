"""Users, roles and grants: logins exchange Basic credentials for a bearer token, every
statement is checked against the grants, and a server without users serves only its own
machine."""

import base64
import json
import os
import stat
import subprocess
import time

import pyarrow as pa
import pyarrow.flight as flight
import pytest
from adbc_driver_flightsql import dbapi

import flight_sql_wire as wire
from conftest import quiver_binary, start_server

PASSWORDS = {"admin": "admin secret", "reader": "r-pass", "writer": "w-pass", "creator": "c-pass", "nobody": "n-pass"}


def login(server, user):
    return dbapi.connect(server.uri, autocommit=True, db_kwargs={"username": user, "password": PASSWORDS[user]})


def run(connection, sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        if cursor.description:
            return cursor.fetchall()
    return None


@pytest.fixture
def secured(tmp_path):
    """A server with an admin (made from this machine before any user existed), three
    roles and a user holding each, and one holding none."""
    server = start_server(tmp_path)
    assert "no users are configured: serving only clients on this machine" in server.stderr()
    client = flight.connect(server.uri)
    setup = "CREATE USER admin WITH PASSWORD 'admin secret' SUPERUSER"
    client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(setup)))
    client.close()
    admin = login(server, "admin")
    for sql in [
        "CREATE SCHEMA lab",
        "CREATE TABLE public.items (id int, name text)",
        "INSERT INTO public.items VALUES (1, 'a'), (2, 'b')",
        "CREATE ROLE readers", "CREATE ROLE writers", "CREATE ROLE creators",
        "GRANT SELECT ON public.items TO readers",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON public.items TO writers",
        "GRANT CREATE, SELECT ON SCHEMA lab TO creators",
        "CREATE USER reader PASSWORD 'r-pass'", "GRANT readers TO reader",
        "CREATE USER writer PASSWORD 'w-pass'", "GRANT writers TO writer",
        "CREATE USER creator PASSWORD 'c-pass'", "GRANT creators TO creator",
        "CREATE USER nobody PASSWORD 'n-pass'",
    ]:
        run(admin, sql)
    admin.close()
    yield server
    assert server.stop() == 0


# Each statement kind, and which users may run it.
MATRIX = [
    ("SELECT count(*) FROM public.items", {"admin", "reader", "writer"}),
    ("INSERT INTO public.items VALUES (9, 'z')", {"admin", "writer"}),
    ("UPDATE public.items SET name = 'c' WHERE id = 1", {"admin", "writer"}),
    ("DELETE FROM public.items WHERE id = 9", {"admin", "writer"}),
    ("TRUNCATE lab.scratch", {"admin"}),
    ("CREATE TABLE lab.made_by_{user} (a int)", {"admin", "creator"}),
    ("CREATE TABLE public.made_by_{user} (a int)", {"admin"}),
    ("CREATE VIEW lab.view_by_{user} AS SELECT 1 AS one", {"admin", "creator"}),
    ("CREATE SCHEMA schema_by_{user}", {"admin"}),
    ("CREATE ROLE role_by_{user}", {"admin"}),
    ("GRANT SELECT ON lab.scratch TO readers", {"admin"}),
]


def test_permission_matrix(secured):
    admin = login(secured, "admin")
    run(admin, "CREATE TABLE lab.scratch (a int)")
    admin.close()
    for user in ["admin", "reader", "writer", "creator", "nobody"]:
        connection = login(secured, user)
        for template, allowed in MATRIX:
            sql = template.format(user=user)
            if user in allowed:
                run(connection, sql)
            else:
                with pytest.raises(Exception, match="permission denied") as refused:
                    run(connection, sql)
                assert user in str(refused.value)
        connection.close()
    # The creator reads the tables it made in its schema, through the schema-wide grant.
    creator = login(secured, "creator")
    assert run(creator, "SELECT count(*) FROM lab.made_by_creator") == [(0,)]
    creator.close()


def test_revoke_and_drop(secured):
    admin = login(secured, "admin")
    reader = login(secured, "reader")
    assert run(reader, "SELECT count(*) FROM public.items") == [(2,)]
    run(admin, "REVOKE readers FROM reader")
    with pytest.raises(Exception, match="permission denied"):
        run(reader, "SELECT count(*) FROM public.items")
    run(admin, "GRANT SELECT ON public.items TO reader")
    assert run(reader, "SELECT count(*) FROM public.items") == [(2,)]
    run(admin, "REVOKE SELECT ON public.items FROM reader")
    with pytest.raises(Exception, match="permission denied"):
        run(reader, "SELECT count(*) FROM public.items")
    reader.close()
    run(admin, "DROP USER reader")
    with pytest.raises(Exception, match="invalid user name or password"):
        run(login(secured, "reader"), "SELECT 1")
    admin.close()


def test_views_need_only_their_own_grant(secured):
    admin = login(secured, "admin")
    run(admin, "CREATE VIEW public.item_names AS SELECT name FROM public.items")
    run(admin, "GRANT SELECT ON public.item_names TO nobody")
    nobody = login(secured, "nobody")
    assert sorted(run(nobody, "SELECT name FROM public.item_names")) == [("a",), ("b",)]
    with pytest.raises(Exception, match="permission denied"):
        run(nobody, "SELECT * FROM public.items")
    nobody.close()
    admin.close()


def test_tokens_logins_and_the_slowdown(secured):
    client = flight.connect(secured.uri)
    header = client.authenticate_basic_token("reader", "r-pass")
    assert header[0] == b"authorization" and header[1].startswith(b"Bearer ")
    options = flight.FlightCallOptions(headers=[header])
    query = flight.FlightDescriptor.for_command(wire.statement_query("SELECT count(*) AS n FROM public.items"))
    info = client.get_flight_info(query, options)
    assert client.do_get(info.endpoints[0].ticket, options).read_all().to_pylist() == [{"n": 2}]
    # No credentials, a forged token, a wrong password: all refused.
    with pytest.raises(flight.FlightUnauthenticatedError, match="authentication required"):
        client.get_flight_info(query)
    token = base64.b64decode(header[1][7:]).replace(b"reader", b"admin")
    forged = flight.FlightCallOptions(headers=[(b"authorization", b"Bearer " + base64.b64encode(token))])
    with pytest.raises(flight.FlightUnauthenticatedError, match="not valid"):
        client.get_flight_info(query, forged)
    durations = []
    for _ in range(5):
        started = time.monotonic()
        with pytest.raises(flight.FlightUnauthenticatedError, match="invalid user name or password"):
            client.authenticate_basic_token("writer", "guess")
        durations.append(time.monotonic() - started)
    assert durations[3] >= 0.25 and durations[4] >= 0.5, durations  # from the fourth failure on
    client.close()


def test_secrets_stay_secret_and_grants_survive_restart(secured, tmp_path):
    access = secured.data_dir / "access.json"
    assert stat.S_IMODE(os.stat(access).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(secured.data_dir / "token.key").st_mode) == 0o600
    text = access.read_text()
    assert "r-pass" not in text and "$argon2id$" in text
    assert "admin secret" not in secured.stderr() and "r-pass" not in secured.stderr()
    client = flight.connect(secured.uri)
    header = client.authenticate_basic_token("reader", "r-pass")
    client.close()
    assert secured.stop() == 0
    server = start_server(tmp_path)
    assert "no users are configured" not in server.stderr()
    # A token outlives the restart (the key is kept) …
    client = flight.connect(server.uri)
    query = flight.FlightDescriptor.for_command(wire.statement_query("SELECT count(*) AS n FROM public.items"))
    info = client.get_flight_info(query, flight.FlightCallOptions(headers=[header]))
    assert info.endpoints
    client.close()
    reader = dbapi.connect(server.uri, autocommit=True, db_kwargs={"username": "reader", "password": "r-pass"})
    assert run(reader, "SELECT count(*) FROM public.items") == [(2,)]
    with pytest.raises(Exception, match="permission denied"):
        run(reader, "DELETE FROM public.items")
    reader.close()
    secured.process = server.process  # the fixture stops the running server


def test_transactions_and_prepared_statements_belong_to_their_user(secured):
    def client_of(user):
        client = flight.connect(secured.uri)
        options = flight.FlightCallOptions(headers=[client.authenticate_basic_token(user, PASSWORDS[user])])
        return client, options

    def act(client, options, name, body):
        return [r.body.to_pybytes() for r in client.do_action(flight.Action(name, body), options)]

    writer, as_writer = client_of("writer")
    admin, as_admin = client_of("admin")
    [begun] = act(writer, as_writer, "BeginTransaction", wire.begin_transaction())
    transaction = wire.read_bytes_field(wire.unpack_any(begun, "ActionBeginTransactionResult"), 1)
    [prepared] = act(writer, as_writer, "CreatePreparedStatement",
                     wire.create_prepared_statement("SELECT count(*) AS n FROM public.items"))
    handle = wire.read_bytes_field(wire.unpack_any(prepared, "ActionCreatePreparedStatementResult"), 1)
    # Not even a superuser may use another user's handle or transaction: they are unknown to it.
    with pytest.raises(Exception, match="unknown prepared statement handle"):
        admin.get_flight_info(flight.FlightDescriptor.for_command(wire.prepared_statement_query(handle)), as_admin)
    with pytest.raises(Exception, match="is not open"):
        act(admin, as_admin, "EndTransaction", wire.end_transaction(transaction, wire.END_TRANSACTION_COMMIT))
    # Closing another user's statement does nothing to it.
    act(admin, as_admin, "ClosePreparedStatement", wire.close_prepared_statement(handle))
    info = writer.get_flight_info(flight.FlightDescriptor.for_command(wire.prepared_statement_query(handle)), as_writer)
    assert writer.do_get(info.endpoints[0].ticket, as_writer).read_all().to_pylist() == [{"n": 2}]
    act(writer, as_writer, "EndTransaction", wire.end_transaction(transaction, wire.END_TRANSACTION_ROLLBACK))
    writer.close()
    admin.close()


def test_creators_own_what_they_create(secured):
    creator = login(secured, "creator")
    run(creator, "CREATE TABLE lab.own (a int)")
    run(creator, "INSERT INTO lab.own VALUES (1), (2)")
    run(creator, "UPDATE lab.own SET a = 3 WHERE a = 2")
    run(creator, "DELETE FROM lab.own WHERE a = 1")
    with creator.cursor() as cursor:
        cursor.adbc_ingest("loaded", pa.table({"x": [1, 2]}), mode="create", db_schema_name="lab")
        cursor.adbc_ingest("loaded", pa.table({"x": [3]}), mode="append", db_schema_name="lab")
    assert run(creator, "SELECT sum(x) FROM lab.loaded") == [(6,)]
    run(creator, "ALTER TABLE lab.own RENAME TO owned")
    assert run(creator, "SELECT * FROM lab.owned") == [(3,)]
    # Others get nothing from it.
    writer = login(secured, "writer")
    with pytest.raises(Exception, match="permission denied"):
        run(writer, "SELECT * FROM lab.owned")
    # A table made again under a dropped one's name does not inherit its grants.
    run(creator, "DROP TABLE lab.owned")
    admin = login(secured, "admin")
    run(admin, "CREATE TABLE lab.owned (secret text)")
    with pytest.raises(Exception, match="permission denied"):
        run(creator, "INSERT INTO lab.owned VALUES ('mine now?')")
    for connection in (creator, writer, admin):
        connection.close()


def test_quiver_sql_logs_in(secured):
    port = secured.uri.rsplit(":", 1)[1]

    def quiver_sql(user, password, *statements):
        command = [str(quiver_binary()), "sql", "--port", port, "--format", "csv", "--user", user]
        for statement in statements:
            command += ["-c", statement]
        return subprocess.run(command, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "QUIVER_PASSWORD": password}, stdin=subprocess.DEVNULL)

    ok = quiver_sql("reader", "r-pass", "SELECT count(*) AS n FROM public.items")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines() == ["n", "2"]
    refused = quiver_sql("reader", "r-pass", "DELETE FROM public.items")
    assert refused.returncode == 1 and "permission denied" in refused.stderr
    wrong = quiver_sql("reader", "guess", "SELECT 1")
    assert wrong.returncode == 1
    assert "cannot log in as reader: invalid user name or password" in wrong.stderr
    # Without a password and without a terminal to ask on, it says what to do.
    missing = subprocess.run([str(quiver_binary()), "sql", "--port", port, "--user", "reader", "-c", "SELECT 1"],
                             capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                             env={k: v for k, v in os.environ.items() if k != "QUIVER_PASSWORD"})
    assert missing.returncode == 2 and "set QUIVER_PASSWORD" in missing.stderr
    # The session lasts from one statement to the next: a temporary table, a setting.
    kept = quiver_sql("creator", "c-pass", "SET search_path = lab", "CREATE TABLE made (a int)",
                      "CREATE TEMP TABLE scratch AS SELECT 5 AS a", "INSERT INTO made SELECT a FROM scratch",
                      "SELECT a FROM lab.made")
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.splitlines()[-2:] == ["a", "5"]


def test_metadata_lists_only_what_a_user_may_use(secured):
    def table_names(user):
        connection = login(secured, user)
        objects = connection.adbc_get_objects(depth="tables").read_all().to_pylist()
        connection.close()
        names = set()
        for catalog in objects:
            for schema in catalog["catalog_db_schemas"] or []:
                for table in schema["db_schema_tables"] or []:
                    names.add(f"{schema['db_schema_name']}.{table['table_name']}")
        return names

    admin = login(secured, "admin")
    run(admin, "CREATE TABLE lab.secret (a int)")
    admin.close()
    assert table_names("admin") >= {"public.items", "lab.secret"}
    assert table_names("reader") == {"public.items"}
    assert table_names("creator") == {"lab.secret"}
    assert table_names("nobody") == set()


def test_readme_users_example(tmp_path):
    import re
    import subprocess

    from conftest import REPO

    readme = (REPO / "README.md").read_text()
    [statements] = re.findall(r"```sql users\n(.*?)```", readme, re.S)
    [python] = re.findall(r"```python users\n(.*?)```", readme, re.S)
    statements = [s.strip() for s in statements.split(";\n") if s.strip()]
    server = start_server(tmp_path, "--demo")
    try:
        # The first statement from this machine, before any user exists ...
        client = flight.connect(server.uri)
        first = statements[0].rstrip(";")
        client.get_flight_info(flight.FlightDescriptor.for_command(wire.statement_query(first)))
        client.close()
        # ... the others as the admin it made.
        admin = dbapi.connect(server.uri, autocommit=True, db_kwargs={"username": "admin", "password": "change me"})
        for statement in statements[1:]:
            run(admin, statement.rstrip(";"))
        admin.close()
        code = python.replace("32010", str(server.port))
        result = subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-c", code], capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, result.stderr
        assert "count" in result.stdout
        ann = dbapi.connect(server.uri, autocommit=True, db_kwargs={"username": "ann", "password": "her password"})
        with pytest.raises(Exception, match="permission denied"):
            run(ann, "CREATE TABLE mine (a int)")
        ann.close()
    finally:
        assert server.stop() == 0
