// CACHE TABLE and UNCACHE TABLE: whether a table's scans keep its decoded Parquet
// columns in memory (storage/decoded_column_cache.h).

#include "quiver/engine/statement_runner.h"
#include "quiver/storage/decoded_column_cache.h"

namespace quiver::engine {

namespace {

// The directory part of a location, before any glob character: every file the table
// reads lies under it.
std::string FilesPrefix(const std::string& location) { return location.substr(0, location.find_first_of("*?[")); }

}  // namespace

arrow::Result<StatementResult> StatementRunner::RunCacheTable(const sql::Statement& statement) {
  const bool cache = statement.kind == sql::StatementKind::kCacheTable;
  const char* verb = cache ? "CACHE TABLE" : "UNCACHE TABLE";
  ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
  auto& catalog = CatalogOf(name);
  auto found = catalog.FindTable(name.schema, name.name);
  if (!found) {
    if (!cache && statement.if_exists) return StatementResult{};
    return arrow::Status::KeyError("table \"", name.name, "\" does not exist");
  }
  if (found->kind == catalog::TableKind::kView) {
    return arrow::Status::Invalid(verb, " needs a table, and \"", name.name, "\" is a view");
  }
  // Keeping a table's rows in memory is reading them.
  ARROW_RETURN_NOT_OK(Require(catalog::Privilege::kSelect, name, /*on_schema=*/false));
  if (found->cached != cache) {
    catalog::TableEntry entry = *found;
    entry.cached = cache;
    ARROW_RETURN_NOT_OK(catalog.UpdateTable(std::move(entry)));
  }
  // This node's memory is given back at once; other nodes' cached columns of the
  // table are no longer read and go as their caches fill with others.
  if (!cache) storage::DecodedColumnCache::Instance().ForgetFilesUnder(FilesPrefix(found->location));
  return StatementResult{};
}

}  // namespace quiver::engine
