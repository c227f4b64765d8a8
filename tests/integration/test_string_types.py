"""Parquet files may store strings as string_view, large_string or dictionaries (the
Arrow schema saved in the file says so). Tables present them as text, and joins,
filters, IN lists and LIKE work on them."""

import pyarrow as pa
import pyarrow.parquet as pq


def test_string_like_columns_are_text(dbapi_connection, tmp_path):
    keys = ["a", "b", "c", None]
    pq.write_table(pa.table({
        "k_view": pa.array(keys, pa.string_view()),
        "k_large": pa.array(keys, pa.large_string()),
        "k_dict": pa.array(keys).dictionary_encode(),
        "n": [1, 2, 3, 4],
    }), tmp_path / "s.parquet")
    cursor = dbapi_connection.cursor()
    cursor.execute(f"CREATE EXTERNAL TABLE s STORED AS PARQUET LOCATION '{tmp_path}/s.parquet'")
    cursor.execute("DESCRIBE s")
    assert [row[1] for row in cursor.fetchall()] == ["text", "text", "text", "bigint"]
    cursor.execute("""
        SELECT a.k_view, b.n FROM s a JOIN s b ON a.k_view = b.k_dict AND a.k_large = b.k_view
        WHERE a.k_view <> 'b' AND a.k_large IN ('a', 'c') AND a.k_dict LIKE '%'
        ORDER BY 1""")
    assert cursor.fetchall() == [("a", 1), ("c", 3)]
    cursor.execute("SELECT k_dict, count(*) FROM s GROUP BY k_dict ORDER BY 1 NULLS LAST")
    assert cursor.fetchall() == [("a", 1), ("b", 1), ("c", 1), (None, 1)]
    cursor.close()
