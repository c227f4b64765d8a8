#include "quiver/flightsql/sql_info.h"

#include <arrow/builder.h>
#include <arrow/config.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>

#include "flight_sql.pb.h"
#include "quiver/flightsql/metadata_schemas.h"
#include "quiver/flightsql/version.h"

namespace quiver::flightsql {

namespace pb = arrow::flight::protocol::sql;

namespace {

int32_t Bit(int position) { return int32_t{1} << position; }

// Appends one value to the dense union, using the member its C++ type selects.
class UnionAppender {
 public:
  explicit UnionAppender(arrow::DenseUnionBuilder* builder) : builder_(builder) {}

  arrow::Status operator()(const std::string& value) {
    ARROW_RETURN_NOT_OK(builder_->Append(0));
    return Child<arrow::StringBuilder>(0)->Append(value);
  }
  arrow::Status operator()(bool value) {
    ARROW_RETURN_NOT_OK(builder_->Append(1));
    return Child<arrow::BooleanBuilder>(1)->Append(value);
  }
  arrow::Status operator()(int64_t value) {
    ARROW_RETURN_NOT_OK(builder_->Append(2));
    return Child<arrow::Int64Builder>(2)->Append(value);
  }
  arrow::Status operator()(int32_t value) {
    ARROW_RETURN_NOT_OK(builder_->Append(3));
    return Child<arrow::Int32Builder>(3)->Append(value);
  }
  arrow::Status operator()(const std::vector<std::string>& values) {
    ARROW_RETURN_NOT_OK(builder_->Append(4));
    auto* list = Child<arrow::ListBuilder>(4);
    ARROW_RETURN_NOT_OK(list->Append());
    auto* items = static_cast<arrow::StringBuilder*>(list->value_builder());
    for (const auto& value : values) ARROW_RETURN_NOT_OK(items->Append(value));
    return arrow::Status::OK();
  }
  arrow::Status operator()(const std::map<int32_t, std::vector<int32_t>>& values) {
    ARROW_RETURN_NOT_OK(builder_->Append(5));
    auto* map = Child<arrow::MapBuilder>(5);
    ARROW_RETURN_NOT_OK(map->Append());
    auto* keys = static_cast<arrow::Int32Builder*>(map->key_builder());
    auto* lists = static_cast<arrow::ListBuilder*>(map->item_builder());
    auto* items = static_cast<arrow::Int32Builder*>(lists->value_builder());
    for (const auto& [key, targets] : values) {
      ARROW_RETURN_NOT_OK(keys->Append(key));
      ARROW_RETURN_NOT_OK(lists->Append());
      for (int32_t target : targets) ARROW_RETURN_NOT_OK(items->Append(target));
    }
    return arrow::Status::OK();
  }

 private:
  template <typename Builder>
  Builder* Child(int index) {
    return static_cast<Builder*>(builder_->child_builder(index).get());
  }
  arrow::DenseUnionBuilder* builder_;
};

}  // namespace

SqlInfoTable SqlInfoTable::ForQuiver() {
  SqlInfoTable table;
  auto& v = table.values_;
  // The server.
  v[pb::FLIGHT_SQL_SERVER_NAME] = std::string(kServerName);
  v[pb::FLIGHT_SQL_SERVER_VERSION] = std::string(kQuiverVersion);
  v[pb::FLIGHT_SQL_SERVER_ARROW_VERSION] = std::string(arrow::GetBuildInfo().version_string);
  v[pb::FLIGHT_SQL_SERVER_READ_ONLY] = false;
  v[pb::FLIGHT_SQL_SERVER_SQL] = true;
  v[pb::FLIGHT_SQL_SERVER_SUBSTRAIT] = false;
  v[pb::FLIGHT_SQL_SERVER_TRANSACTION] = int32_t{pb::SQL_SUPPORTED_TRANSACTION_TRANSACTION};
  v[pb::FLIGHT_SQL_SERVER_CANCEL] = true;
  v[pb::FLIGHT_SQL_SERVER_BULK_INGESTION] = true;
  v[pb::FLIGHT_SQL_SERVER_INGEST_TRANSACTIONS_SUPPORTED] = true;
  // Prepared statements and transactions live until closed or ended.
  v[pb::FLIGHT_SQL_SERVER_STATEMENT_TIMEOUT] = int32_t{0};
  v[pb::FLIGHT_SQL_SERVER_TRANSACTION_TIMEOUT] = int32_t{0};

  // The SQL dialect: PostgreSQL's grammar over one catalog, "quiver".
  v[pb::SQL_DDL_CATALOG] = false;
  v[pb::SQL_DDL_SCHEMA] = true;
  v[pb::SQL_DDL_TABLE] = true;
  // Unquoted names are folded to lower case; quoted names keep their case.
  v[pb::SQL_IDENTIFIER_CASE] = int32_t{pb::SQL_CASE_SENSITIVITY_LOWERCASE};
  v[pb::SQL_IDENTIFIER_QUOTE_CHAR] = std::string("\"");
  v[pb::SQL_ALL_TABLES_ARE_SELECTABLE] = true;
  // The metadata filters of this server accept a backslash escape.
  v[pb::SQL_SEARCH_STRING_ESCAPE] = std::string("\\");
  v[pb::SQL_EXTRA_NAME_CHARACTERS] = std::string("");
  v[pb::SQL_SUPPORTS_COLUMN_ALIASING] = true;
  v[pb::SQL_NULL_PLUS_NULL_IS_NULL] = true;
  v[pb::SQL_SUPPORTED_GRAMMAR] = Bit(pb::SQL_MINIMUM_GRAMMAR);
  v[pb::SQL_ANSI92_SUPPORTED_LEVEL] = Bit(pb::ANSI92_ENTRY_SQL);
  v[pb::SQL_SCHEMA_TERM] = std::string("schema");
  v[pb::SQL_CATALOG_TERM] = std::string("catalog");
  v[pb::SQL_CATALOG_AT_START] = true;
  v[pb::SQL_SCHEMAS_SUPPORTED_ACTIONS] = int32_t{0};
  v[pb::SQL_CATALOGS_SUPPORTED_ACTIONS] = int32_t{0};
  v[pb::SQL_SUPPORTED_POSITIONED_COMMANDS] = int32_t{0};
  v[pb::SQL_SELECT_FOR_UPDATE_SUPPORTED] = false;
  v[pb::SQL_STORED_PROCEDURES_SUPPORTED] = false;
  v[pb::SQL_STORED_FUNCTIONS_USING_CALL_SYNTAX_SUPPORTED] = false;
  v[pb::SQL_MAX_STATEMENT_LENGTH] = int64_t{0};  // no limit

  // Transactions cover INSERT, UPDATE, DELETE, TRUNCATE and ingest on managed tables:
  // a table reads as of the transaction's first read of it (repeatable read), and its
  // changes commit together at COMMIT. Statements that define tables are refused
  // inside a transaction.
  v[pb::SQL_TRANSACTIONS_SUPPORTED] = true;
  v[pb::SQL_DEFAULT_TRANSACTION_ISOLATION] = int32_t{pb::SQL_TRANSACTION_REPEATABLE_READ};
  v[pb::SQL_SUPPORTED_TRANSACTIONS_ISOLATION_LEVELS] = Bit(pb::SQL_TRANSACTION_REPEATABLE_READ);
  v[pb::SQL_DATA_DEFINITION_CAUSES_TRANSACTION_COMMIT] = false;
  v[pb::SQL_DATA_DEFINITIONS_IN_TRANSACTIONS_IGNORED] = false;
  v[pb::SQL_SAVEPOINTS_SUPPORTED] = false;

  // Results stream forward once and cannot be updated through the cursor.
  v[pb::SQL_SUPPORTED_RESULT_SET_TYPES] = Bit(pb::SQL_RESULT_SET_TYPE_FORWARD_ONLY);
  v[pb::SQL_SUPPORTED_CONCURRENCIES_FOR_RESULT_SET_FORWARD_ONLY] = Bit(pb::SQL_RESULT_SET_CONCURRENCY_READ_ONLY);
  // A prepared update bound to many parameter rows runs once per row.
  v[pb::SQL_BATCH_UPDATES_SUPPORTED] = true;
  v[pb::SQL_NAMED_PARAMETERS_SUPPORTED] = false;
  v[pb::SQL_LOCATORS_UPDATE_COPY] = false;

  // What the query language does, as the engine implements it.
  v[pb::SQL_NULL_ORDERING] = int32_t{pb::SQL_NULLS_SORTED_HIGH};  // PostgreSQL's default
  v[pb::SQL_SUPPORTS_TABLE_CORRELATION_NAMES] = true;
  v[pb::SQL_SUPPORTS_EXPRESSIONS_IN_ORDER_BY] = true;
  v[pb::SQL_SUPPORTS_ORDER_BY_UNRELATED] = true;
  v[pb::SQL_SUPPORTED_GROUP_BY] = Bit(pb::SQL_GROUP_BY_UNRELATED);
  v[pb::SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE] = false;  // LIKE escapes with \ only
  v[pb::SQL_OUTER_JOINS_SUPPORT_LEVEL] = int32_t{pb::SQL_FULL_OUTER_JOINS};
  v[pb::SQL_SUPPORTED_SUBQUERIES] = int32_t{0};  // subqueries in FROM only, none in expressions
  v[pb::SQL_CORRELATED_SUBQUERIES_SUPPORTED] = false;
  v[pb::SQL_SUPPORTED_UNIONS] = Bit(pb::SQL_UNION) | Bit(pb::SQL_UNION_ALL);
  return table;
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> SqlInfoTable::Select(const std::vector<uint32_t>& ids) const {
  std::vector<uint32_t> wanted = ids;
  if (wanted.empty()) {
    for (const auto& [id, value] : values_) wanted.push_back(id);
  }
  arrow::UInt32Builder names;
  std::unique_ptr<arrow::ArrayBuilder> values_builder;
  ARROW_RETURN_NOT_OK(
      arrow::MakeBuilder(arrow::default_memory_pool(), MetadataSchemas::SqlInfoValue(), &values_builder));
  auto* union_builder = static_cast<arrow::DenseUnionBuilder*>(values_builder.get());
  UnionAppender append(union_builder);
  for (uint32_t id : wanted) {
    auto it = values_.find(id);
    if (it == values_.end()) continue;
    ARROW_RETURN_NOT_OK(names.Append(id));
    ARROW_RETURN_NOT_OK(std::visit(append, it->second));
  }
  ARROW_ASSIGN_OR_RAISE(auto name_array, names.Finish());
  ARROW_ASSIGN_OR_RAISE(auto value_array, union_builder->Finish());
  return arrow::RecordBatch::Make(MetadataSchemas::SqlInfo(), name_array->length(), {name_array, value_array});
}

}  // namespace quiver::flightsql
