#pragma once

// Names as libpg_query's parse tree holds them, shared by the Transformer's files.

#include <string>
#include <vector>

#include "pg_query/pg_query.pb.h"

namespace quiver::sql {

/// The text of a String node; empty for other nodes.
inline std::string StringValue(const pg_query::Node& node) {
  return node.has_string() ? node.string().sval() : std::string();
}

/// [schema,] name of a relation as written.
inline std::vector<std::string> RangeVarNames(const pg_query::RangeVar& var) {
  std::vector<std::string> names;
  if (!var.schemaname().empty()) names.push_back(var.schemaname());
  names.push_back(var.relname());
  return names;
}

}  // namespace quiver::sql
