#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <functional>
#include <memory>

#include "flight_sql.pb.h"

namespace quiver::catalog {
class Catalog;
struct TableEntry;
}  // namespace quiver::catalog

namespace quiver::flightsql {

namespace pb = arrow::flight::protocol::sql;

/// Which tables a client may see listed; every table when empty.
using TableVisibility = std::function<bool(const catalog::TableEntry&)>;

/// Answers Flight SQL's catalog-browsing commands from Quiver's catalog. There is
/// one Flight SQL catalog, named after Catalog::kCatalogName; its schemas and tables
/// are the catalog's. Quiver has no keys, so the key commands return empty results
/// that still carry the specification's schemas.
class CatalogMetadata {
 public:
  explicit CatalogMetadata(const catalog::Catalog& catalog) : catalog_(catalog) {}

  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Catalogs() const;
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> DbSchemas(const pb::CommandGetDbSchemas& command) const;
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Tables(const pb::CommandGetTables& command,
                                                            const TableVisibility& visible = {}) const;
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> TableTypes() const;
  /// The PRIMARY KEY columns of the table named (managed tables record them; they
  /// are not enforced). Empty for tables without one.
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> PrimaryKeys(const pb::CommandGetPrimaryKeys& command,
                                                                 const TableVisibility& visible = {}) const;
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> ForeignKeys() const;

 private:
  const catalog::Catalog& catalog_;
};

}  // namespace quiver::flightsql
