#pragma once

// WITH RECURSIVE: which definitions read themselves. The binding itself is
// Binder::BindRecursiveCte (recursive_cte_binder.cc).

#include <string>

#include "quiver/sql/ast.h"

namespace quiver::plan {

/// True if `query` (its FROM items, subqueries and nested WITH definitions) names a
/// table `name` without a schema.
bool QueryReadsTable(const sql::QueryNode& query, const std::string& name);

}  // namespace quiver::plan
