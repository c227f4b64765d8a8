#pragma once

#include <arrow/type_fwd.h>

#include <memory>

namespace quiver::flightsql {

/// The Arrow schemas of Flight SQL's metadata results. Clients (JDBC, ADBC) check
/// them, so names, types and nullability follow the specification exactly. Where
/// the specification's prose and the reference implementations disagree on column
/// order (primary keys: key_sequence before key_name), the implementations win,
/// since that is what clients were tested against.
struct MetadataSchemas {
  static const std::shared_ptr<arrow::Schema>& SqlInfo();
  static const std::shared_ptr<arrow::DataType>& SqlInfoValue();
  static const std::shared_ptr<arrow::Schema>& XdbcTypeInfo();
  static const std::shared_ptr<arrow::Schema>& Catalogs();
  static const std::shared_ptr<arrow::Schema>& DbSchemas();
  static const std::shared_ptr<arrow::Schema>& Tables();
  static const std::shared_ptr<arrow::Schema>& TablesWithSchema();
  static const std::shared_ptr<arrow::Schema>& TableTypes();
  static const std::shared_ptr<arrow::Schema>& PrimaryKeys();
  /// Shared by GetExportedKeys, GetImportedKeys and GetCrossReference.
  static const std::shared_ptr<arrow::Schema>& ForeignKeys();
};

}  // namespace quiver::flightsql
