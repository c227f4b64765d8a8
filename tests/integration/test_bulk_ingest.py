"""Bulk ingest (Flight SQL CommandStatementIngest) through ADBC's adbc_ingest."""

import pyarrow as pa
import pytest
from deltalake import DeltaTable


def sample(rows: int, start: int = 0) -> pa.Table:
    ids = pa.array(range(start, start + rows), pa.int64())
    return pa.table(
        {
            "id": ids,
            "name": pa.array([f"row {i}" for i in range(start, start + rows)], pa.large_string()),
            "price": pa.array([i / 4 for i in range(start, start + rows)], pa.float64()),
            "day": pa.array([i % 1000 for i in range(start, start + rows)], pa.int32()).cast(pa.date32()),
        }
    )


def fetch(connection, sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetch_arrow_table()


def test_create_append_replace(dbapi_connection, quiver_server):
    data = sample(100_000)
    with dbapi_connection.cursor() as cursor:
        assert cursor.adbc_ingest("loaded", data, mode="create") == 100_000
        assert cursor.adbc_ingest("loaded", sample(10, start=100_000), mode="append") == 10
    result = fetch(dbapi_connection, "SELECT count(*) AS n, sum(id) AS s, max(name) AS m FROM loaded")
    assert result.to_pylist() == [{"n": 100_010, "s": sum(range(100_010)), "m": "row 99999"}]
    # Strings arrive as large_string and are stored as plain strings.
    schema = fetch(dbapi_connection, "SELECT * FROM loaded LIMIT 0").schema
    assert schema.field("name").type == pa.string()
    assert schema.field("day").type == pa.date32()

    # Replace swaps rows and columns in one commit.
    with dbapi_connection.cursor() as cursor:
        assert cursor.adbc_ingest("loaded", pa.table({"k": pa.array([1, 2, 3], pa.int32())}), mode="replace") == 3
    assert fetch(dbapi_connection, "SELECT * FROM loaded ORDER BY k").to_pylist() == [{"k": 1}, {"k": 2}, {"k": 3}]
    [location] = (quiver_server.data_dir / "tables" / "public").glob("loaded-*")
    assert DeltaTable(str(location)).to_pyarrow_table().column_names == ["k"]


def test_append_matches_columns_by_name_and_converts(dbapi_connection):
    with dbapi_connection.cursor() as cursor:
        cursor.execute("CREATE TABLE target (id bigint NOT NULL, note text, amount numeric(10, 2))")
        # Columns in another order, one missing, an int32 for a bigint.
        batch = pa.table({"amount": pa.array([1.5, 2.25], pa.float64()), "id": pa.array([7, 8], pa.int32())})
        assert cursor.adbc_ingest("target", batch, mode="append") == 2
    result = fetch(dbapi_connection, "SELECT id, note, CAST(amount AS text) AS amount FROM target ORDER BY id")
    assert result.to_pylist() == [{"id": 7, "note": None, "amount": "1.50"}, {"id": 8, "note": None, "amount": "2.25"}]


def test_ingest_errors_name_the_problem_and_load_nothing(dbapi_connection):
    with dbapi_connection.cursor() as cursor:
        with pytest.raises(Exception, match="does not exist"):
            cursor.adbc_ingest("missing", sample(5), mode="append")
        cursor.adbc_ingest("once", sample(5), mode="create")
        with pytest.raises(Exception, match="already exists"):
            cursor.adbc_ingest("once", sample(5), mode="create")
        with pytest.raises(Exception, match='column "extra"'):
            cursor.adbc_ingest("once", sample(5).append_column("extra", pa.array(range(5))), mode="append")
        cursor.execute("CREATE TABLE strict (id bigint NOT NULL)")
        with pytest.raises(Exception, match="not-null"):
            cursor.adbc_ingest("strict", pa.table({"id": pa.array([1, None], pa.int64())}), mode="append")
    assert fetch(dbapi_connection, "SELECT count(*) AS n FROM once").to_pylist() == [{"n": 5}]
    assert fetch(dbapi_connection, "SELECT count(*) AS n FROM strict").to_pylist() == [{"n": 0}]
