// The Flight SQL server in-process, on an ephemeral port, driven by a plain Arrow
// Flight client the way JDBC/ADBC drivers drive it.
#include "quiver/flightsql/flight_sql_server.h"

#include <arrow/array.h>
#include <arrow/buffer.h>
#include <arrow/builder.h>
#include <arrow/flight/client.h>
#include <arrow/io/file.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/reader.h>
#include <arrow/table.h>
#include <arrow/type.h>
#include <google/protobuf/any.pb.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "quiver/catalog/catalog.h"
#include "quiver/engine/engine.h"
#include "quiver/flightsql/flight_sql_command.h"
#include "quiver/flightsql/metadata_schemas.h"
#include "quiver/flightsql/statement_ticket.h"

namespace quiver::flightsql {
namespace {

namespace flight = arrow::flight;

std::vector<std::string> Strings(const std::shared_ptr<arrow::Table>& table, const std::string& column) {
  std::vector<std::string> out;
  for (const auto& chunk : table->GetColumnByName(column)->chunks()) {
    auto strings = std::static_pointer_cast<arrow::StringArray>(chunk);
    for (int64_t i = 0; i < strings->length(); ++i) out.push_back(strings->GetString(i));
  }
  return out;
}

class FlightSqlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("quiver_flightsql_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    engine::EngineOptions options;
    options.data_dir = dir_.string();
    engine_ = engine::Engine::Open(options).ValueOrDie();

    server_ = std::make_unique<FlightSqlServer>(engine_);
    auto location = flight::Location::ForGrpcTcp("127.0.0.1", 0).ValueOrDie();
    ASSERT_TRUE(server_->Init(flight::FlightServerOptions(location)).ok());
    ASSERT_GT(server_->port(), 0);
    client_ = flight::FlightClient::Connect(flight::Location::ForGrpcTcp("127.0.0.1", server_->port()).ValueOrDie())
                  .ValueOrDie();
  }

  void TearDown() override {
    client_.reset();
    ASSERT_TRUE(server_->Shutdown().ok());
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Register(const std::string& schema_name, const std::string& name, catalog::TableKind kind) {
    catalog::TableEntry entry;
    entry.schema_name = schema_name;
    entry.name = name;
    entry.kind = kind;
    entry.schema = arrow::schema({arrow::field("id", arrow::int64(), false), arrow::field("name", arrow::utf8())});
    if (kind == catalog::TableKind::kView) {
      entry.view_sql = "SELECT 1";
    } else {
      entry.format = "parquet";
      entry.location = "/data/" + name;
    }
    ASSERT_TRUE(engine_->catalog().CreateTable(entry, false).ok());
  }

  void RegisterSampleTables() {
    Register("public", "trips", catalog::TableKind::kExternal);
    Register("public", "trip_stats", catalog::TableKind::kView);
    Register("public", "tripXstats", catalog::TableKind::kExternal);
    Register("public", "users", catalog::TableKind::kExternal);
    Register("analytics", "events", catalog::TableKind::kExternal);
  }

  static flight::FlightDescriptor Command(const google::protobuf::Message& message) {
    return flight::FlightDescriptor::Command(PackAny(message));
  }

  // GetFlightInfo then DoGet on its single endpoint, checking the stream's schema
  // against the FlightInfo's.
  arrow::Result<std::shared_ptr<arrow::Table>> Fetch(const google::protobuf::Message& message) {
    ARROW_ASSIGN_OR_RAISE(auto info, client_->GetFlightInfo(Command(message)));
    if (info->endpoints().size() != 1) return arrow::Status::Invalid("expected one endpoint");
    arrow::ipc::DictionaryMemo memo;
    ARROW_ASSIGN_OR_RAISE(auto announced, info->GetSchema(&memo));
    ARROW_ASSIGN_OR_RAISE(auto reader, client_->DoGet(info->endpoints()[0].ticket));
    ARROW_ASSIGN_OR_RAISE(auto table, reader->ToTable());
    if (!table->schema()->Equals(*announced)) return arrow::Status::Invalid("stream schema differs from FlightInfo");
    return table;
  }

  std::vector<std::string> TableNames(const pb::CommandGetTables& command) {
    auto table = Fetch(command);
    EXPECT_TRUE(table.ok()) << table.status();
    if (!table.ok()) return {};
    return Strings(*table, "table_name");
  }

  // A request every test can make to prove the server still answers.
  void ExpectStillServing() {
    auto table = Fetch(pb::CommandGetCatalogs());
    ASSERT_TRUE(table.ok()) << table.status();
    EXPECT_EQ(Strings(*table, "catalog_name"), std::vector<std::string>{"quiver"});
  }

  std::filesystem::path dir_;
  std::shared_ptr<engine::Engine> engine_;
  std::unique_ptr<FlightSqlServer> server_;
  std::unique_ptr<flight::FlightClient> client_;
};

// --- metadata ----------------------------------------------------------------------

TEST_F(FlightSqlServerTest, GetCatalogsReturnsQuiver) {
  auto table = Fetch(pb::CommandGetCatalogs()).ValueOrDie();
  EXPECT_TRUE(table->schema()->Equals(*MetadataSchemas::Catalogs()));
  EXPECT_EQ(Strings(table, "catalog_name"), std::vector<std::string>{"quiver"});
}

TEST_F(FlightSqlServerTest, GetDbSchemasListsSchemasAndFilters) {
  RegisterSampleTables();
  auto all = Fetch(pb::CommandGetDbSchemas()).ValueOrDie();
  EXPECT_TRUE(all->schema()->Equals(*MetadataSchemas::DbSchemas()));
  EXPECT_EQ(Strings(all, "db_schema_name"), (std::vector<std::string>{"analytics", "public"}));
  EXPECT_EQ(Strings(all, "catalog_name"), (std::vector<std::string>{"quiver", "quiver"}));

  pb::CommandGetDbSchemas filtered;
  filtered.set_db_schema_filter_pattern("pub%");
  EXPECT_EQ(Strings(Fetch(filtered).ValueOrDie(), "db_schema_name"), std::vector<std::string>{"public"});

  pb::CommandGetDbSchemas other_catalog;
  other_catalog.set_catalog("elsewhere");
  EXPECT_EQ(Fetch(other_catalog).ValueOrDie()->num_rows(), 0);
}

TEST_F(FlightSqlServerTest, GetDbSchemasOnAnEmptyCatalogStillHasPublic) {
  EXPECT_EQ(Strings(Fetch(pb::CommandGetDbSchemas()).ValueOrDie(), "db_schema_name"),
            std::vector<std::string>{"public"});
}

TEST_F(FlightSqlServerTest, GetTablesListsEverythingInOrder) {
  RegisterSampleTables();
  auto table = Fetch(pb::CommandGetTables()).ValueOrDie();
  EXPECT_TRUE(table->schema()->Equals(*MetadataSchemas::Tables()));
  EXPECT_EQ(Strings(table, "table_name"),
            (std::vector<std::string>{"events", "tripXstats", "trip_stats", "trips", "users"}));
  EXPECT_EQ(Strings(table, "db_schema_name"),
            (std::vector<std::string>{"analytics", "public", "public", "public", "public"}));
  EXPECT_EQ(Strings(table, "table_type"), (std::vector<std::string>{"TABLE", "TABLE", "VIEW", "TABLE", "TABLE"}));
}

TEST_F(FlightSqlServerTest, GetTablesFiltersByTableNamePattern) {
  RegisterSampleTables();
  pb::CommandGetTables command;
  command.set_table_name_filter_pattern("trip%");
  EXPECT_EQ(TableNames(command), (std::vector<std::string>{"tripXstats", "trip_stats", "trips"}));
  command.set_table_name_filter_pattern("trip_");
  EXPECT_EQ(TableNames(command), std::vector<std::string>{"trips"});
  command.set_table_name_filter_pattern("trip\\_stats");
  EXPECT_EQ(TableNames(command), std::vector<std::string>{"trip_stats"});
  command.set_table_name_filter_pattern("trip_stats");
  EXPECT_EQ(TableNames(command), (std::vector<std::string>{"tripXstats", "trip_stats"}));
  command.set_table_name_filter_pattern("%s");
  EXPECT_EQ(TableNames(command), (std::vector<std::string>{"events", "tripXstats", "trip_stats", "trips", "users"}));
  command.set_table_name_filter_pattern("nothing%");
  EXPECT_TRUE(TableNames(command).empty());
}

TEST_F(FlightSqlServerTest, GetTablesFiltersBySchemaCatalogAndType) {
  RegisterSampleTables();
  pb::CommandGetTables command;
  command.set_db_schema_filter_pattern("ana%");
  EXPECT_EQ(TableNames(command), std::vector<std::string>{"events"});

  pb::CommandGetTables views;
  views.add_table_types("VIEW");
  EXPECT_EQ(TableNames(views), std::vector<std::string>{"trip_stats"});
  views.add_table_types("table");  // types compare case-insensitively
  EXPECT_EQ(TableNames(views).size(), 5u);

  pb::CommandGetTables ours;
  ours.set_catalog("quiver");
  EXPECT_EQ(TableNames(ours).size(), 5u);
  pb::CommandGetTables theirs;
  theirs.set_catalog("");  // objects without a catalog: Quiver has none
  EXPECT_TRUE(TableNames(theirs).empty());
}

TEST_F(FlightSqlServerTest, GetTablesIncludesSerializedSchemas) {
  RegisterSampleTables();
  pb::CommandGetTables command;
  command.set_include_schema(true);
  command.set_table_name_filter_pattern("users");
  auto table = Fetch(command).ValueOrDie();
  EXPECT_TRUE(table->schema()->Equals(*MetadataSchemas::TablesWithSchema()));
  ASSERT_EQ(table->num_rows(), 1);
  auto bytes = std::static_pointer_cast<arrow::BinaryArray>(table->GetColumnByName("table_schema")->chunk(0));
  arrow::io::BufferReader input(std::make_shared<arrow::Buffer>(bytes->GetView(0)));
  arrow::ipc::DictionaryMemo memo;
  auto schema = arrow::ipc::ReadSchema(&input, &memo).ValueOrDie();
  EXPECT_TRUE(schema->Equals(*engine_->catalog().GetTable("public", "users").ValueOrDie()->schema));
}

TEST_F(FlightSqlServerTest, GetTableTypes) {
  auto table = Fetch(pb::CommandGetTableTypes()).ValueOrDie();
  EXPECT_TRUE(table->schema()->Equals(*MetadataSchemas::TableTypes()));
  EXPECT_EQ(Strings(table, "table_type"), (std::vector<std::string>{"TABLE", "VIEW"}));
}

TEST_F(FlightSqlServerTest, KeyCommandsReturnEmptyResultsWithTheSpecSchemas) {
  RegisterSampleTables();
  pb::CommandGetPrimaryKeys primary;
  primary.set_table("trips");
  auto keys = Fetch(primary).ValueOrDie();
  EXPECT_TRUE(keys->schema()->Equals(*MetadataSchemas::PrimaryKeys()));
  EXPECT_EQ(keys->num_rows(), 0);

  pb::CommandGetExportedKeys exported;
  exported.set_table("trips");
  pb::CommandGetImportedKeys imported;
  imported.set_table("trips");
  pb::CommandGetCrossReference cross;
  cross.set_pk_table("trips");
  cross.set_fk_table("users");
  for (const google::protobuf::Message* message :
       std::initializer_list<const google::protobuf::Message*>{&exported, &imported, &cross}) {
    auto result = Fetch(*message).ValueOrDie();
    EXPECT_TRUE(result->schema()->Equals(*MetadataSchemas::ForeignKeys()));
    EXPECT_EQ(result->num_rows(), 0);
  }
}

TEST_F(FlightSqlServerTest, GetSqlInfoAnswersOverTheWire) {
  pb::CommandGetSqlInfo command;
  command.add_info(pb::FLIGHT_SQL_SERVER_NAME);
  command.add_info(pb::FLIGHT_SQL_SERVER_READ_ONLY);
  auto table = Fetch(command).ValueOrDie();
  EXPECT_TRUE(table->schema()->Equals(*MetadataSchemas::SqlInfo()));
  ASSERT_EQ(table->num_rows(), 2);
  auto values = std::static_pointer_cast<arrow::DenseUnionArray>(table->column(1)->chunk(0));
  auto names = std::static_pointer_cast<arrow::StringArray>(values->field(0));
  EXPECT_EQ(names->GetString(values->value_offset(0)), "Quiver");
}

TEST_F(FlightSqlServerTest, GetXdbcTypeInfoListsAndFiltersTypes) {
  auto all = Fetch(pb::CommandGetXdbcTypeInfo()).ValueOrDie();
  EXPECT_TRUE(all->schema()->Equals(*MetadataSchemas::XdbcTypeInfo()));
  auto names = Strings(all, "type_name");
  EXPECT_NE(std::find(names.begin(), names.end(), "BIGINT"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "VARCHAR"), names.end());
  ASSERT_TRUE(all->ValidateFull().ok());

  pb::CommandGetXdbcTypeInfo varchar;
  varchar.set_data_type(pb::XDBC_VARCHAR);
  EXPECT_EQ(Strings(Fetch(varchar).ValueOrDie(), "type_name"), std::vector<std::string>{"VARCHAR"});
}

TEST_F(FlightSqlServerTest, GetSchemaDescribesMetadataCommands) {
  pb::CommandGetTables with_schema;
  with_schema.set_include_schema(true);
  arrow::ipc::DictionaryMemo memo;
  auto schema = client_->GetSchema(Command(with_schema)).ValueOrDie()->GetSchema(&memo).ValueOrDie();
  EXPECT_TRUE(schema->Equals(*MetadataSchemas::TablesWithSchema()));
  arrow::ipc::DictionaryMemo memo2;
  auto info_schema = client_->GetSchema(Command(pb::CommandGetSqlInfo())).ValueOrDie()->GetSchema(&memo2).ValueOrDie();
  EXPECT_TRUE(info_schema->Equals(*MetadataSchemas::SqlInfo()));
}

// --- bad input -----------------------------------------------------------------------

TEST_F(FlightSqlServerTest, GarbageCommandIsInvalidArgumentAndTheServerKeepsServing) {
  auto info = client_->GetFlightInfo(flight::FlightDescriptor::Command("\xde\xad\xbe\xef not protobuf"));
  ASSERT_TRUE(info.status().IsInvalid()) << info.status();
  EXPECT_NE(info.status().message().find("not a Flight SQL message"), std::string::npos) << info.status();

  auto schema = client_->GetSchema(flight::FlightDescriptor::Command("garbage"));
  EXPECT_TRUE(schema.status().IsInvalid()) << schema.status();
  ExpectStillServing();
}

TEST_F(FlightSqlServerTest, UnknownTypeUrlIsInvalidArgument) {
  google::protobuf::Any any;
  any.set_type_url("type.googleapis.com/arrow.flight.protocol.sql.CommandDoesNotExist");
  auto info = client_->GetFlightInfo(flight::FlightDescriptor::Command(any.SerializeAsString()));
  ASSERT_TRUE(info.status().IsInvalid()) << info.status();
  EXPECT_NE(info.status().message().find("CommandDoesNotExist"), std::string::npos);
  ExpectStillServing();
}

TEST_F(FlightSqlServerTest, PathDescriptorsAreInvalid) {
  auto info = client_->GetFlightInfo(flight::FlightDescriptor::Path({"some", "path"}));
  ASSERT_TRUE(info.status().IsInvalid()) << info.status();
  EXPECT_NE(info.status().message().find("path descriptors"), std::string::npos);
}

TEST_F(FlightSqlServerTest, GarbageTicketsAreInvalidArgument) {
  auto reader = client_->DoGet(flight::Ticket{"not a ticket"});
  arrow::Status status = reader.status();
  if (status.ok()) status = (*reader)->ToTable().status();
  EXPECT_TRUE(status.IsInvalid()) << status;

  pb::TicketStatementQuery forged;
  forged.set_statement_handle("forged handle");
  auto forged_reader = client_->DoGet(flight::Ticket{PackAny(forged)});
  status = forged_reader.status();
  if (status.ok()) status = (*forged_reader)->ToTable().status();
  EXPECT_TRUE(status.IsInvalid()) << status;
  EXPECT_NE(status.message().find("malformed statement ticket"), std::string::npos) << status;
  ExpectStillServing();
}

TEST_F(FlightSqlServerTest, CommandsSentToTheWrongRpcAreInvalid) {
  pb::CommandStatementUpdate update;
  update.set_query("CREATE TABLE t (x INT)");
  auto info = client_->GetFlightInfo(Command(update));
  ASSERT_TRUE(info.status().IsInvalid()) << info.status();
  EXPECT_NE(info.status().message().find("DoPut"), std::string::npos);
}

TEST_F(FlightSqlServerTest, GarbageActionBodyIsInvalidArgument) {
  auto result = client_->DoAction(flight::Action{"CreatePreparedStatement", arrow::Buffer::FromString("junk")});
  arrow::Status status = result.status();
  if (status.ok()) status = (*result)->Drain();
  EXPECT_TRUE(status.IsInvalid()) << status;
  ExpectStillServing();
}

TEST_F(FlightSqlServerTest, UnsupportedFeaturesSayNotImplemented) {
  auto savepoint = client_->DoAction(
      flight::Action{"BeginSavepoint", arrow::Buffer::FromString(PackAny(pb::ActionBeginSavepointRequest()))});
  arrow::Status status = savepoint.status();
  if (status.ok()) status = (*savepoint)->Drain();
  EXPECT_TRUE(status.IsNotImplemented()) << status;

  auto unknown = client_->DoAction(flight::Action{"Frobnicate", nullptr});
  status = unknown.status();
  if (status.ok()) status = (*unknown)->Drain();
  EXPECT_TRUE(status.IsNotImplemented()) << status;
}

// --- statements ----------------------------------------------------------------------

TEST_F(FlightSqlServerTest, StatementErrorsSurfaceAtGetFlightInfo) {
  pb::CommandStatementQuery query;
  query.set_query("SELEKT nothing FROM nowhere");
  auto info = client_->GetFlightInfo(Command(query));
  ASSERT_FALSE(info.ok());
  EXPECT_FALSE(info.status().message().empty());
  ExpectStillServing();
}

TEST_F(FlightSqlServerTest, UnknownTransactionIdsAreRefused) {
  pb::CommandStatementQuery query;
  query.set_query("SELECT 1");
  query.set_transaction_id("tx");
  auto info = client_->GetFlightInfo(Command(query));
  EXPECT_TRUE(info.status().IsKeyError()) << info.status();
  EXPECT_NE(info.status().message().find("is not open"), std::string::npos);
}

TEST_F(FlightSqlServerTest, ExecutedStatementTicketsYieldAnEmptyResultWithoutRunningAgain) {
  // The SQL would fail if it ran: the ticket must not run it.
  StatementTicket ticket;
  ticket.sql = "this is not SQL";
  ticket.already_executed = true;
  pb::TicketStatementQuery message;
  message.set_statement_handle(ticket.Encode().ValueOrDie());
  auto table = client_->DoGet(flight::Ticket{PackAny(message)}).ValueOrDie()->ToTable().ValueOrDie();
  EXPECT_EQ(table->num_rows(), 0);
  EXPECT_EQ(table->num_columns(), 0);
}

TEST_F(FlightSqlServerTest, ATicketsFirstFetchRunsThePlanMadeForItsFlightInfo) {
  auto write_rows = [&](const std::string& file) {
    arrow::Int64Builder values;
    ASSERT_TRUE(values.AppendValues({1, 2, 3}).ok());
    auto table = arrow::Table::Make(arrow::schema({arrow::field("x", arrow::int64())}),
                                    arrow::ArrayVector{values.Finish().ValueOrDie()});
    std::filesystem::create_directories(dir_ / "files");
    auto out = arrow::io::FileOutputStream::Open((dir_ / "files" / file).string()).ValueOrDie();
    ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out).ok());
    ASSERT_TRUE(out->Close().ok());
  };
  write_rows("a.parquet");
  auto session = engine_->NewSession();
  ASSERT_TRUE(
      session->Execute("CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '" + (dir_ / "files").string() + "'").ok());
  pb::CommandStatementQuery query;
  query.set_query("SELECT count(*) AS n FROM t");
  auto info = client_->GetFlightInfo(Command(query)).ValueOrDie();
  write_rows("b.parquet");  // after the plan was made

  auto count = [&] {
    auto table = client_->DoGet(info->endpoints()[0].ticket).ValueOrDie()->ToTable().ValueOrDie();
    return std::static_pointer_cast<arrow::Int64Array>(table->column(0)->chunk(0))->Value(0);
  };
  EXPECT_EQ(count(), 3) << "the first fetch runs the plan made with the FlightInfo";
  EXPECT_EQ(count(), 6) << "a ticket fetched again is planned anew from its SQL";
}

TEST_F(FlightSqlServerTest, UnknownPreparedStatementHandleIsNotFound) {
  pb::CommandPreparedStatementQuery prepared;
  prepared.set_prepared_statement_handle("ps-does-not-exist");
  auto info = client_->GetFlightInfo(Command(prepared));
  ASSERT_TRUE(info.status().IsKeyError()) << info.status();
  EXPECT_NE(info.status().message().find("ps-does-not-exist"), std::string::npos);
}

TEST_F(FlightSqlServerTest, ClosingAnUnknownPreparedStatementSucceeds) {
  pb::ActionClosePreparedStatementRequest close;
  close.set_prepared_statement_handle("ps-gone");
  auto result = client_->DoAction(flight::Action{"ClosePreparedStatement", arrow::Buffer::FromString(PackAny(close))});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE((*result)->Drain().ok());
}

TEST_F(FlightSqlServerTest, CloseSessionSucceeds) {
  auto result = client_->DoAction(flight::Action{"CloseSession", arrow::Buffer::FromString("")});
  ASSERT_TRUE(result.ok()) << result.status();
  auto first = (*result)->Next().ValueOrDie();
  ASSERT_NE(first, nullptr);
  flight::CloseSessionResult closed;
  ASSERT_TRUE(flight::CloseSessionResult::Deserialize(first->body->ToString(), &closed).ok());
  EXPECT_EQ(closed.status, flight::CloseSessionStatus::kClosed);
}

}  // namespace
}  // namespace quiver::flightsql
