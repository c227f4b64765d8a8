#pragma once

// GROUPING SETS, ROLLUP and CUBE name lists of grouping sets; this expands a GROUP BY
// clause into the flat list of sets it stands for, with PostgreSQL's rules.

#include <arrow/result.h>

#include <functional>
#include <string_view>
#include <vector>

#include "quiver/sql/ast.h"

namespace quiver::plan {

/// One grouping set: positions of GROUP BY keys, each at most once.
using GroupingSet = std::vector<size_t>;

/// Finds (or adds) the GROUP BY key an expression stands for and returns its position;
/// equal expressions give the same position.
using GroupKeyResolver = std::function<arrow::Result<size_t>(const sql::ParsedExpr&)>;

/// The grouping sets of `query`'s GROUP BY: the cross product of its items, where a
/// plain expression is the one set {expression}, ROLLUP (e1, …, en) the n + 1 prefixes,
/// CUBE the 2^n subsets, GROUPING SETS the sets of its elements, () the empty set.
/// Duplicate sets stay (each gives its groups once more) unless GROUP BY DISTINCT.
/// `sql` is the statement text, for error positions.
arrow::Result<std::vector<GroupingSet>> ExpandGroupingSets(const sql::QueryNode& query,
                                                           const GroupKeyResolver& resolve_key, std::string_view sql);

}  // namespace quiver::plan
