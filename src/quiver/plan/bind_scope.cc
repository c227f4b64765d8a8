#include "quiver/plan/bind_scope.h"

#include <unordered_set>

namespace quiver::plan {

std::shared_ptr<arrow::Schema> BindScope::schema() const {
  if (schema_) return schema_;
  arrow::FieldVector fields;
  fields.reserve(columns_.size());
  std::unordered_set<std::string> seen;  // a USING column is listed twice, once hidden
  for (const auto& column : columns_) {
    if (seen.insert(column.field).second) fields.push_back(arrow::field(column.field, column.type));
  }
  schema_ = arrow::schema(std::move(fields));
  return schema_;
}

arrow::Result<const ScopeColumn*> BindScope::Find(const std::vector<std::string>& names) const {
  const std::string& name = names.back();
  // A qualified reference may name [schema.]table.column; only the table part matters.
  const std::string* table = names.size() >= 2 ? &names[names.size() - 2] : nullptr;
  const ScopeColumn* found = nullptr;
  for (const auto& column : columns_) {
    if (column.name != name) continue;
    if (table ? column.table != *table : column.hidden) continue;
    if (found) {
      return arrow::Status::Invalid("column reference \"", name, "\" is ambiguous");
    }
    found = &column;
  }
  return found;
}

bool BindScope::HasTable(const std::string& table) const {
  for (const auto& column : columns_) {
    if (column.table == table) return true;
  }
  return false;
}

}  // namespace quiver::plan
