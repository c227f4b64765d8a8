#pragma once

#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace quiver::catalog {

enum class TableKind {
  kExternal,  // a table over files the user owns (Parquet or CSV)
  kView,      // a stored query
  kManaged,   // a table Quiver stores and writes: a Delta Lake table under the data directory
};

/// "TABLE" or "VIEW": the names Flight SQL's GetTables reports.
const char* TableKindName(TableKind kind);

/// One named relation in the catalog. Immutable once registered.
struct TableEntry {
  std::string schema_name;  // SQL schema, e.g. "public"
  std::string name;
  TableKind kind = TableKind::kExternal;
  /// Columns as users see them (for external tables including partition columns).
  std::shared_ptr<arrow::Schema> schema;

  // External tables.
  std::string format;    // "parquet" or "csv"
  std::string location;  // file, directory or glob, absolute; for managed tables the table's directory
  /// Format options, e.g. {"header": "true", "delimiter": ","}.
  std::map<std::string, std::string> options;
  /// Hive-style partition columns found in directory names, in order.
  std::vector<std::string> partition_columns;
  /// External and managed tables: marked with CACHE TABLE (decoded columns are kept
  /// in memory by every node that scans them).
  bool cached = false;

  // Views.
  std::string view_sql;

  // Managed tables: PRIMARY KEY columns, recorded, not enforced.
  std::vector<std::string> primary_key;
};

}  // namespace quiver::catalog
