"""Catalog browsing and server information, through ADBC and raw Flight SQL."""

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import flight_sql_wire as wire

SQL_INFO_SCHEMA = pa.schema(
    [
        pa.field("info_name", pa.uint32(), nullable=False),
        pa.field(
            "value",
            pa.dense_union(
                [
                    pa.field("string_value", pa.utf8(), nullable=False),
                    pa.field("bool_value", pa.bool_(), nullable=False),
                    pa.field("bigint_value", pa.int64(), nullable=False),
                    pa.field("int32_bitmask", pa.int32(), nullable=False),
                    pa.field("string_list", pa.list_(pa.utf8()), nullable=False),
                    pa.field("int32_to_int32_list_map", pa.map_(pa.int32(), pa.list_(pa.int32())), nullable=False),
                ]
            ),
            nullable=False,
        ),
    ]
)

TABLES_SCHEMA = pa.schema(
    [
        pa.field("catalog_name", pa.utf8()),
        pa.field("db_schema_name", pa.utf8()),
        pa.field("table_name", pa.utf8(), nullable=False),
        pa.field("table_type", pa.utf8(), nullable=False),
    ]
)


def fetch(client, command: bytes) -> pa.Table:
    info = client.get_flight_info(flight.FlightDescriptor.for_command(command))
    assert len(info.endpoints) == 1
    table = client.do_get(info.endpoints[0].ticket).read_all()
    assert table.schema.equals(info.schema)
    return table


def sql_info(client, *ids) -> dict:
    table = fetch(client, wire.get_sql_info(*ids))
    return dict(zip(table.column("info_name").to_pylist(), table.column("value").to_pylist()))


def test_get_sql_info_schema_is_the_specifications(flight_client):
    table = fetch(flight_client, wire.get_sql_info())
    assert table.schema.equals(SQL_INFO_SCHEMA), table.schema


def test_get_sql_info_is_truthful(flight_client):
    info = sql_info(
        flight_client,
        wire.FLIGHT_SQL_SERVER_NAME,
        wire.FLIGHT_SQL_SERVER_VERSION,
        wire.FLIGHT_SQL_SERVER_ARROW_VERSION,
        wire.FLIGHT_SQL_SERVER_READ_ONLY,
        wire.FLIGHT_SQL_SERVER_SQL,
        wire.FLIGHT_SQL_SERVER_TRANSACTION,
        wire.SQL_TRANSACTIONS_SUPPORTED,
    )
    assert info[wire.FLIGHT_SQL_SERVER_NAME] == "Quiver"
    assert info[wire.FLIGHT_SQL_SERVER_VERSION] == "0.1.0"
    assert info[wire.FLIGHT_SQL_SERVER_ARROW_VERSION] == pa.__version__
    assert info[wire.FLIGHT_SQL_SERVER_READ_ONLY] is False
    assert info[wire.FLIGHT_SQL_SERVER_SQL] is True
    assert info[wire.FLIGHT_SQL_SERVER_TRANSACTION] == 1  # SQL_SUPPORTED_TRANSACTION_TRANSACTION
    assert info[wire.SQL_TRANSACTIONS_SUPPORTED] is True


def test_get_sql_info_skips_ids_it_has_no_answer_for(flight_client):
    info = sql_info(flight_client, wire.FLIGHT_SQL_SERVER_NAME, 9999)
    assert info == {wire.FLIGHT_SQL_SERVER_NAME: "Quiver"}


def test_get_tables_on_an_empty_catalog(flight_client):
    table = fetch(flight_client, wire.get_tables())
    assert table.schema.equals(TABLES_SCHEMA)
    assert table.num_rows == 0
    with_schema = fetch(flight_client, wire.get_tables(include_schema=True))
    assert with_schema.schema.names == TABLES_SCHEMA.names + ["table_schema"]
    assert with_schema.schema.field("table_schema").type == pa.binary()
    assert not with_schema.schema.field("table_schema").nullable


def test_get_schema_matches_get_flight_info(flight_client):
    descriptor = flight.FlightDescriptor.for_command(wire.get_tables(include_schema=True))
    assert flight_client.get_schema(descriptor).schema.equals(flight_client.get_flight_info(descriptor).schema)


def test_adbc_get_info(dbapi_connection):
    info = dbapi_connection.adbc_get_info()
    assert info["vendor_name"] == "Quiver"
    assert info["vendor_version"] == "0.1.0"
    assert info["vendor_arrow_version"] == pa.__version__


def test_adbc_get_table_types(dbapi_connection):
    assert dbapi_connection.adbc_get_table_types() == ["TABLE", "VIEW"]


def test_adbc_get_objects_on_an_empty_catalog(dbapi_connection):
    objects = dbapi_connection.adbc_get_objects().read_all().to_pylist()
    assert objects == [
        {"catalog_name": "quiver", "catalog_db_schemas": [{"db_schema_name": "public", "db_schema_tables": []}]}
    ]


def test_adbc_get_objects_filters_by_catalog(dbapi_connection):
    objects = dbapi_connection.adbc_get_objects(catalog_filter="elsewhere").read_all().to_pylist()
    assert objects == []


def test_adbc_get_table_schema_of_a_missing_table(dbapi_connection):
    from adbc_driver_manager import ProgrammingError

    with pytest.raises(ProgrammingError, match="NOT_FOUND"):
        dbapi_connection.adbc_get_table_schema("no_such_table")
