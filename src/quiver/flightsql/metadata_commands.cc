#include "quiver/flightsql/metadata_commands.h"

#include <arrow/type.h>

#include "quiver/flightsql/metadata_schemas.h"
#include "quiver/flightsql/xdbc_type_info.h"

namespace quiver::flightsql {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

std::optional<std::shared_ptr<arrow::Schema>> MetadataCommands::Schema(const FlightSqlCommand& command) const {
  using Result = std::optional<std::shared_ptr<arrow::Schema>>;
  return std::visit(Overloaded{
                        [](const pb::CommandGetSqlInfo&) -> Result { return MetadataSchemas::SqlInfo(); },
                        [](const pb::CommandGetXdbcTypeInfo&) -> Result { return MetadataSchemas::XdbcTypeInfo(); },
                        [](const pb::CommandGetCatalogs&) -> Result { return MetadataSchemas::Catalogs(); },
                        [](const pb::CommandGetDbSchemas&) -> Result { return MetadataSchemas::DbSchemas(); },
                        [](const pb::CommandGetTables& c) -> Result {
                          return c.include_schema() ? MetadataSchemas::TablesWithSchema() : MetadataSchemas::Tables();
                        },
                        [](const pb::CommandGetTableTypes&) -> Result { return MetadataSchemas::TableTypes(); },
                        [](const pb::CommandGetPrimaryKeys&) -> Result { return MetadataSchemas::PrimaryKeys(); },
                        [](const pb::CommandGetExportedKeys&) -> Result { return MetadataSchemas::ForeignKeys(); },
                        [](const pb::CommandGetImportedKeys&) -> Result { return MetadataSchemas::ForeignKeys(); },
                        [](const pb::CommandGetCrossReference&) -> Result { return MetadataSchemas::ForeignKeys(); },
                        [](const auto&) -> Result { return std::nullopt; },
                    },
                    command);
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> MetadataCommands::Run(const FlightSqlCommand& command,
                                                                         const TableVisibility& visible) const {
  using Result = arrow::Result<std::shared_ptr<arrow::RecordBatch>>;
  return std::visit(
      Overloaded{
          [&](const pb::CommandGetSqlInfo& c) -> Result {
            return sql_info_.Select(std::vector<uint32_t>(c.info().begin(), c.info().end()));
          },
          [](const pb::CommandGetXdbcTypeInfo& c) -> Result {
            return XdbcTypeInfoBatch(c.has_data_type() ? std::optional<int32_t>(c.data_type()) : std::nullopt);
          },
          [&](const pb::CommandGetCatalogs&) -> Result { return catalog_.Catalogs(); },
          [&](const pb::CommandGetDbSchemas& c) -> Result { return catalog_.DbSchemas(c); },
          [&](const pb::CommandGetTables& c) -> Result { return catalog_.Tables(c, visible); },
          [&](const pb::CommandGetTableTypes&) -> Result { return catalog_.TableTypes(); },
          [&](const pb::CommandGetPrimaryKeys& c) -> Result { return catalog_.PrimaryKeys(c, visible); },
          [&](const pb::CommandGetExportedKeys&) -> Result { return catalog_.ForeignKeys(); },
          [&](const pb::CommandGetImportedKeys&) -> Result { return catalog_.ForeignKeys(); },
          [&](const pb::CommandGetCrossReference&) -> Result { return catalog_.ForeignKeys(); },
          [&](const auto&) -> Result {
            return arrow::Status::Invalid(CommandName(command), " is not a metadata command");
          },
      },
      command);
}

}  // namespace quiver::flightsql
