#pragma once

#include <arrow/result.h>
#include <arrow/type.h>

#include <memory>
#include <string>
#include <vector>

namespace quiver::plan {

/// A column visible to expressions: `table.name` in SQL, `field` in the plan.
struct ScopeColumn {
  std::string table;  // the alias or table name qualifying it; empty if none
  std::string name;   // SQL name
  std::string field;  // unique column name in the plan
  std::shared_ptr<arrow::DataType> type;
  /// Left out of `*` and of unqualified lookup (the second copy of a USING column).
  bool hidden = false;
};

/// The columns a FROM clause makes visible, in order.
class BindScope {
 public:
  BindScope() = default;
  explicit BindScope(std::vector<ScopeColumn> columns) : columns_(std::move(columns)) {}

  const std::vector<ScopeColumn>& columns() const { return columns_; }
  /// The columns to change. The schema is made again on its next use, so it must not
  /// be asked for while a reference obtained here is still being written through.
  std::vector<ScopeColumn>& mutable_columns() {
    schema_.reset();
    return columns_;
  }

  /// The plan schema holding these columns (unique names). Every expression bound in
  /// the scope binds against it, so it is made once.
  std::shared_ptr<arrow::Schema> schema() const;

  /// Finds `name` or `table.name`. Returns nullptr when there is no such column;
  /// Invalid when an unqualified name matches columns of several tables.
  arrow::Result<const ScopeColumn*> Find(const std::vector<std::string>& names) const;

  /// True if some column is qualified by `table`.
  bool HasTable(const std::string& table) const;

 private:
  std::vector<ScopeColumn> columns_;
  mutable std::shared_ptr<arrow::Schema> schema_;
};

}  // namespace quiver::plan
