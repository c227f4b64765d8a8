"""Random Parquet tables for the differential test against DuckDB.

Everything is drawn from one seeded generator, so a failing query always sees the same
data. The tables are small on purpose (the whole test must stay fast) but shaped to
exercise the file layer too: several files per table, several row groups per file, and
one Hive-partitioned table whose partition column comes from the directory names.

Each table's column names carry a table prefix (c_, o_, i_, p_) so generated queries
never need to disambiguate a bare column name.
"""

import datetime
import decimal
import random
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

NULL_FRACTION = 0.1
REGIONS = ["east", "north", "south", "west"]
STATUSES = ["open", "shipped", "returned", "lost", "Pending"]
CATEGORIES = ["tools", "toys", "food", "books"]
WORDS = ["alpha", "Beta", "gamma", "delta", "echo", "fox", "golf", "hotel", "india", "Juliet", "kilo", "lima"]


@dataclass(frozen=True)
class TableSpec:
    name: str
    location: Path  # a directory; Quiver and DuckDB both read every Parquet file under it
    columns: dict[str, str]  # column name -> logical type used by the query generator
    hive: bool = False


def _nullable(rng: random.Random, make, null_fraction=NULL_FRACTION):
    return None if rng.random() < null_fraction else make()


def _word(rng: random.Random) -> str:
    # Mixed case and a few suffixes so LIKE, lower/upper and substring have something to do.
    return rng.choice(WORDS) + rng.choice(["", "_x", " two", "42"])


def _date(rng: random.Random) -> datetime.date:
    return datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(730))


def _timestamp(rng: random.Random) -> datetime.datetime:
    start = datetime.datetime(2023, 1, 1)
    return start + datetime.timedelta(seconds=rng.randrange(730 * 86400), microseconds=rng.randrange(1_000_000))


def _money(rng: random.Random, high=2000) -> decimal.Decimal:
    return decimal.Decimal(rng.randrange(-100, high * 100)) / 100


def _write_split(table: pa.Table, directory: Path, files: int, row_group_size: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    per_file = -(-table.num_rows // files)
    for index in range(files):
        part = table.slice(index * per_file, per_file)
        pq.write_table(part, directory / f"part-{index}.parquet", row_group_size=row_group_size)


def _customers(rng: random.Random, root: Path) -> TableSpec:
    rows = 400
    ids = list(range(1, rows + 1))
    rng.shuffle(ids)
    data = {
        "c_id": pa.array(ids, pa.int32()),
        "c_name": pa.array([_nullable(rng, lambda: _word(rng)) for _ in ids], pa.utf8()),
        "c_age": pa.array([_nullable(rng, lambda: rng.randrange(18, 90)) for _ in ids], pa.int32()),
        "c_balance": pa.array([_nullable(rng, lambda: _money(rng)) for _ in ids], pa.decimal128(12, 2)),
        "c_joined": pa.array([_nullable(rng, lambda: _date(rng)) for _ in ids], pa.date32()),
        "c_vip": pa.array([_nullable(rng, lambda: rng.random() < 0.3) for _ in ids], pa.bool_()),
    }
    regions = [rng.choice(REGIONS) for _ in ids]
    table = pa.table(data)
    location = root / "customers"
    # The partition column lives only in the directory names (region=east/...), as Hive writes it.
    for region in REGIONS:
        mask = pa.array([r == region for r in regions])
        _write_split(table.filter(mask), location / f"c_region={region}", files=2, row_group_size=40)
    columns = {"c_id": "int", "c_name": "str", "c_age": "int", "c_balance": "dec", "c_joined": "date",
               "c_vip": "bool", "c_region": "str"}
    return TableSpec("customers", location, columns, hive=True)


def _orders(rng: random.Random, root: Path) -> TableSpec:
    rows = 2000
    # Customer ids 1..480 against customers 1..400: some orders have no customer, and some
    # customers have no orders.
    data = {
        "o_id": pa.array(range(1, rows + 1), pa.int64()),
        "o_cust": pa.array([_nullable(rng, lambda: rng.randrange(1, 481), 0.05) for _ in range(rows)], pa.int32()),
        "o_qty": pa.array([_nullable(rng, lambda: rng.randrange(0, 50)) for _ in range(rows)], pa.int32()),
        "o_amount": pa.array([_nullable(rng, lambda: rng.uniform(0, 1000)) for _ in range(rows)], pa.float64()),
        "o_price": pa.array([_nullable(rng, lambda: _money(rng, 500)) for _ in range(rows)], pa.decimal128(12, 2)),
        "o_status": pa.array([_nullable(rng, lambda: rng.choice(STATUSES)) for _ in range(rows)], pa.utf8()),
        "o_ts": pa.array([_nullable(rng, lambda: _timestamp(rng)) for _ in range(rows)], pa.timestamp("us")),
        "o_date": pa.array([_nullable(rng, lambda: _date(rng)) for _ in range(rows)], pa.date32()),
        "o_rush": pa.array([_nullable(rng, lambda: rng.random() < 0.5) for _ in range(rows)], pa.bool_()),
    }
    location = root / "orders"
    _write_split(pa.table(data), location, files=3, row_group_size=150)
    columns = {"o_id": "int", "o_cust": "int", "o_qty": "int", "o_amount": "float", "o_price": "dec",
               "o_status": "str", "o_ts": "ts", "o_date": "date", "o_rush": "bool"}
    return TableSpec("orders", location, columns)


def _items(rng: random.Random, root: Path) -> TableSpec:
    rows = 3000
    # Order ids 1..2300 against orders 1..2000, and SKUs partly outside products.
    data = {
        "i_id": pa.array(range(1, rows + 1), pa.int32()),
        "i_order": pa.array([_nullable(rng, lambda: rng.randrange(1, 2301), 0.05) for _ in range(rows)], pa.int64()),
        "i_sku": pa.array([_nullable(rng, lambda: f"SKU{rng.randrange(0, 60):03d}", 0.05) for _ in range(rows)], pa.utf8()),
        "i_qty": pa.array([_nullable(rng, lambda: rng.randrange(-3, 20)) for _ in range(rows)], pa.int32()),
        "i_weight": pa.array([_nullable(rng, lambda: rng.uniform(-5, 80)) for _ in range(rows)], pa.float64()),
        "i_note": pa.array([_nullable(rng, lambda: _word(rng), 0.3) for _ in range(rows)], pa.utf8()),
    }
    location = root / "items"
    _write_split(pa.table(data), location, files=4, row_group_size=200)
    columns = {"i_id": "int", "i_order": "int", "i_sku": "str", "i_qty": "int", "i_weight": "float", "i_note": "str"}
    return TableSpec("items", location, columns)


def _products(rng: random.Random, root: Path) -> TableSpec:
    skus = [f"SKU{n:03d}" for n in range(0, 70, 1) if n % 5 != 0 or n < 40]  # some SKUs 40..69 missing
    data = {
        "p_sku": pa.array(skus, pa.utf8()),
        "p_cat": pa.array([_nullable(rng, lambda: rng.choice(CATEGORIES)) for _ in skus], pa.utf8()),
        "p_cost": pa.array([_nullable(rng, lambda: _money(rng, 300)) for _ in skus], pa.decimal128(12, 2)),
        "p_added": pa.array([_nullable(rng, lambda: _timestamp(rng)) for _ in skus], pa.timestamp("us")),
        "p_stock": pa.array([_nullable(rng, lambda: rng.randrange(0, 10_000)) for _ in skus], pa.int64()),
    }
    location = root / "products"
    _write_split(pa.table(data), location, files=1, row_group_size=20)
    columns = {"p_sku": "str", "p_cat": "str", "p_cost": "dec", "p_added": "ts", "p_stock": "int"}
    return TableSpec("products", location, columns)


def write_tables(root: Path, seed: int) -> list[TableSpec]:
    rng = random.Random(seed)
    return [make(rng, root) for make in (_customers, _orders, _items, _products)]
