#pragma once

// WITH RECURSIVE: which definitions read themselves, and how often a query names a
// WITH definition. The binding itself is Binder::BindRecursiveCte and
// Binder::BindSharedCte (recursive_cte_binder.cc).

#include <string>

#include "quiver/sql/ast.h"

namespace quiver::plan {

/// How many times `query` (its FROM items, subqueries and nested WITH definitions)
/// names a table `name` without a schema.
int CountTableReferences(const sql::QueryNode& query, const std::string& name);

/// True if CountTableReferences is not zero.
bool QueryReadsTable(const sql::QueryNode& query, const std::string& name);

}  // namespace quiver::plan
