#pragma once

#include <arrow/result.h>
#include <arrow/scalar.h>
#include <arrow/type_fwd.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quiver/catalog/table_entry.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::catalog {
class Catalog;
}

namespace quiver::plan {

/// State shared by everything bound within one statement.
struct BindContext {
  /// The statement's text: error positions are reported against it.
  std::string_view sql;
  /// Values for $1, $2 …; null while only preparing (then parameters stay open and
  /// their types are inferred from use).
  const std::vector<std::shared_ptr<arrow::Scalar>>* parameters = nullptr;
  /// Inferred parameter types, index 0 for $1; null type where no use tells.
  std::vector<std::shared_ptr<arrow::DataType>> parameter_types;
  /// Recursive WITH queries the statement reads, in the order they must be computed
  /// (one may read another computed before it).
  std::vector<std::shared_ptr<RecursiveCtePlan>> recursive_ctes;
  /// Managed tables to read as given instead of at their newest version, by location:
  /// a statement that changes a table reads exactly the snapshot it commits against.
  std::map<std::string, std::shared_ptr<storage::FileTable>> table_versions;
  /// The version of other managed tables a statement reads, by location (a transaction
  /// shows its own changes); the newest version when unset.
  std::function<arrow::Result<std::shared_ptr<storage::FileTable>>(const std::string&)> read_managed_table;
  /// Called for every table and view a statement names (not for those a view reads:
  /// naming the view is what needs the privilege); a failure stops binding.
  std::function<arrow::Status(const catalog::TableEntry&)> check_table_read;
  /// The schema unqualified table names resolve in (the session's search_path).
  std::string default_schema = "public";
  /// The session's temporary tables (schema sql::kTemporarySchema), searched first for
  /// unqualified names; null when it has none.
  const catalog::Catalog* temporary_tables = nullptr;
  /// Set when the statement reads a temporary table (a view that does must be temporary).
  bool reads_temporary_table = false;
  /// Source of unique column names.
  int next_column_id = 0;

  /// A plan-unique column name derived from a SQL name: "price#7".
  std::string NewColumnName(const std::string& sql_name) {
    return (sql_name.empty() ? std::string("col") : sql_name) + "#" + std::to_string(next_column_id++);
  }
};

}  // namespace quiver::plan
