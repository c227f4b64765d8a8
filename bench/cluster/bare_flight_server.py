"""A bare pyarrow.flight server holding one Parquet table in memory and streaming it whole
to every DoGet: the Flight transport's limit, against which bench/cluster measures
Quiver's result fetch. Prints `port N` once it serves."""

import sys

import pyarrow as pa
import pyarrow.flight as flight
import pyarrow.parquet as pq


class TableServer(flight.FlightServerBase):
    def __init__(self, table):
        super().__init__("grpc://127.0.0.1:0")
        self.table = table

    def do_get(self, context, ticket):
        return flight.RecordBatchStream(self.table)


def main():
    table = pq.read_table(sys.argv[1])
    # Served in the types Quiver's results carry (its strings are utf8, not views), so
    # both send the same bytes.
    schema = pa.schema([field.with_type(pa.string()) if pa.types.is_string_view(field.type) else field
                        for field in table.schema])
    table = table.cast(schema)
    server = TableServer(table)
    print(f"port {server.port} rows {table.num_rows} bytes {table.nbytes}", flush=True)
    server.serve()


if __name__ == "__main__":
    main()
