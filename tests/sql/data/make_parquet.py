"""Writes the Parquet fixtures under tests/sql/data/orders/ (committed; rerun only to
change them): two files with the same schema, read together through a glob."""
import datetime
import os

import pyarrow as pa
import pyarrow.parquet as pq

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "orders")
os.makedirs(here, exist_ok=True)
schema = pa.schema([("order_id", pa.int64()), ("city_id", pa.int32()), ("amount", pa.float64()),
                    ("status", pa.string()), ("ordered_at", pa.timestamp("us"))])
t = datetime.datetime
parts = [
    [(1, 1, 12.5, "paid", t(2024, 1, 3, 9, 0)), (2, 1, 7.25, "open", t(2024, 1, 4, 10, 30)),
     (3, 3, 100.0, "paid", t(2024, 2, 1, 12, 0)), (4, 5, None, "void", t(2024, 2, 2, 8, 15))],
    [(5, 5, 55.5, "paid", t(2024, 3, 1, 18, 45)), (6, 6, 3.0, None, t(2024, 3, 2, 7, 0)),
     (7, 2, 20.0, "paid", None)],
]
for i, rows in enumerate(parts):
    columns = list(zip(*rows))
    table = pa.table([pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema)
    pq.write_table(table, os.path.join(here, "part-%d.parquet" % i))
