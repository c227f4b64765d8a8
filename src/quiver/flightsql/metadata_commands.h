#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <memory>
#include <optional>

#include "quiver/flightsql/catalog_metadata.h"
#include "quiver/flightsql/flight_sql_command.h"
#include "quiver/flightsql/sql_info.h"

namespace quiver::flightsql {

/// The Flight SQL commands that describe the server and its catalog (GetSqlInfo,
/// GetXdbcTypeInfo, GetCatalogs, GetDbSchemas, GetTables, GetTableTypes and the key
/// commands). They need no planning: the command itself serves as the ticket, and
/// DoGet computes the answer from it.
class MetadataCommands {
 public:
  explicit MetadataCommands(const catalog::Catalog& catalog)
      : catalog_(catalog), sql_info_(SqlInfoTable::ForQuiver()) {}

  /// The result schema of a metadata command; nullopt for other commands.
  std::optional<std::shared_ptr<arrow::Schema>> Schema(const FlightSqlCommand& command) const;
  /// The result of a metadata command, listing only the tables `visible` lets through.
  /// Invalid for other commands.
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Run(const FlightSqlCommand& command,
                                                         const TableVisibility& visible = {}) const;

  const SqlInfoTable& sql_info() const { return sql_info_; }

 private:
  CatalogMetadata catalog_;
  SqlInfoTable sql_info_;
};

}  // namespace quiver::flightsql
