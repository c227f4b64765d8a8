"""Just enough protobuf encoding to speak Flight SQL with raw pyarrow.flight.

The project's virtualenv has no protobuf package, and the tests want to see the bytes
anyway: a Flight SQL command is a google.protobuf.Any whose type URL names a message
of package arrow.flight.protocol.sql.
"""

PREFIX = "type.googleapis.com/arrow.flight.protocol.sql."


def varint(value: int) -> bytes:
    out = bytearray()
    value &= (1 << 64) - 1
    while True:
        bits = value & 0x7F
        value >>= 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def length_delimited(field: int, data: bytes) -> bytes:
    return varint((field << 3) | 2) + varint(len(data)) + data


def varint_field(field: int, value: int) -> bytes:
    return varint(field << 3) + varint(value)


def any_message(name: str, payload: bytes = b"") -> bytes:
    return length_delimited(1, (PREFIX + name).encode()) + length_delimited(2, payload)


def get_sql_info(*ids: int) -> bytes:
    payload = length_delimited(1, b"".join(varint(i) for i in ids)) if ids else b""
    return any_message("CommandGetSqlInfo", payload)


def get_tables(include_schema=False, table_name_pattern=None) -> bytes:
    payload = b""
    if table_name_pattern is not None:
        payload += length_delimited(3, table_name_pattern.encode())
    if include_schema:
        payload += varint_field(5, 1)
    return any_message("CommandGetTables", payload)


def statement_query(sql: str) -> bytes:
    return any_message("CommandStatementQuery", length_delimited(1, sql.encode()))


def statement_update(sql: str) -> bytes:
    return any_message("CommandStatementUpdate", length_delimited(1, sql.encode()))


def cancel_flight_info_request(info_bytes: bytes) -> bytes:
    """Flight's CancelFlightInfoRequest (field 1: the FlightInfo) for a serialized
    FlightInfo; pyarrow's client has no call for the action."""
    return length_delimited(1, info_bytes)


# Flight's CancelStatus values, as CancelFlightInfoResult's field 1 carries them.
CANCEL_STATUS_CANCELLED = 1
CANCEL_STATUS_NOT_CANCELLABLE = 3


def read_varint_field(message: bytes, wanted: int) -> int:
    """The value of varint field `wanted` in a serialized message (0 when absent)."""
    pos = 0
    value = 0
    while pos < len(message):
        key, pos = _read_varint(message, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            number, pos = _read_varint(message, pos)
            if field == wanted:
                value = number
        elif wire == 2:
            length, pos = _read_varint(message, pos)
            pos += length
        else:
            raise ValueError(f"unexpected wire type {wire}")
    if value >= 1 << 63:
        value -= 1 << 64
    return value


def _read_varint(data: bytes, pos: int):
    shift = 0
    result = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


# SqlInfo identifiers used by the tests (values from the Flight SQL specification).
FLIGHT_SQL_SERVER_NAME = 0
FLIGHT_SQL_SERVER_VERSION = 1
FLIGHT_SQL_SERVER_ARROW_VERSION = 2
FLIGHT_SQL_SERVER_READ_ONLY = 3
FLIGHT_SQL_SERVER_SQL = 4
FLIGHT_SQL_SERVER_TRANSACTION = 8
SQL_TRANSACTIONS_SUPPORTED = 563


def read_bytes_field(message: bytes, wanted: int) -> bytes:
    """The value of length-delimited field `wanted` in a serialized message (b"" when absent)."""
    pos = 0
    value = b""
    while pos < len(message):
        key, pos = _read_varint(message, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = _read_varint(message, pos)
        elif wire == 2:
            length, pos = _read_varint(message, pos)
            if field == wanted:
                value = message[pos : pos + length]
            pos += length
        else:
            raise ValueError(f"unexpected wire type {wire}")
    return value


def unpack_any(data: bytes, name: str) -> bytes:
    """The payload of a google.protobuf.Any that must hold message `name`."""
    type_url = read_bytes_field(data, 1).decode()
    assert type_url == PREFIX + name, type_url
    return read_bytes_field(data, 2)


def create_prepared_statement(sql: str) -> bytes:
    return any_message("ActionCreatePreparedStatementRequest", length_delimited(1, sql.encode()))


def prepared_statement_query(handle: bytes) -> bytes:
    return any_message("CommandPreparedStatementQuery", length_delimited(1, handle))


def close_prepared_statement(handle: bytes) -> bytes:
    return any_message("ActionClosePreparedStatementRequest", length_delimited(1, handle))


def begin_transaction() -> bytes:
    return any_message("ActionBeginTransactionRequest")


END_TRANSACTION_COMMIT = 1
END_TRANSACTION_ROLLBACK = 2


def end_transaction(transaction_id: bytes, action: int) -> bytes:
    return any_message("ActionEndTransactionRequest", length_delimited(1, transaction_id) + varint_field(2, action))


# CommandStatementIngest.TableDefinitionOptions values.
TABLE_NOT_EXIST_CREATE = 1
TABLE_NOT_EXIST_FAIL = 2
TABLE_EXISTS_FAIL = 1
TABLE_EXISTS_APPEND = 2
TABLE_EXISTS_REPLACE = 3


def statement_ingest(table: str, if_not_exist: int, if_exists: int, transaction_id: bytes = b"") -> bytes:
    options = varint_field(1, if_not_exist) + varint_field(2, if_exists)
    payload = length_delimited(1, options) + length_delimited(2, table.encode())
    if transaction_id:
        payload += length_delimited(6, transaction_id)
    return any_message("CommandStatementIngest", payload)


def get_primary_keys(table: str, db_schema: str = None) -> bytes:
    payload = b""
    if db_schema is not None:
        payload += length_delimited(2, db_schema.encode())
    payload += length_delimited(3, table.encode())
    return any_message("CommandGetPrimaryKeys", payload)


def set_session_options(options: dict) -> bytes:
    """Flight's SetSessionOptionsRequest (not an Any): map<string, SessionOptionValue>
    session_options = 1, string values (SessionOptionValue field 1)."""
    body = b""
    for name, value in options.items():
        entry = length_delimited(1, name.encode()) + length_delimited(2, length_delimited(1, value.encode()))
        body += length_delimited(1, entry)
    return body


def read_session_options(message: bytes) -> dict:
    """GetSessionOptionsResult's string-valued options."""
    options = {}
    pos = 0
    while pos < len(message):
        key, pos = _read_varint(message, pos)
        length, pos = _read_varint(message, pos)
        entry = message[pos : pos + length]
        pos += length
        if key >> 3 == 1:
            name = read_bytes_field(entry, 1).decode()
            value = read_bytes_field(read_bytes_field(entry, 2), 1)
            options[name] = value.decode()
    return options
