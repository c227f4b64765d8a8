#pragma once

#include <arrow/result.h>

#include <string>

#include "quiver/catalog/catalog.h"

namespace quiver::engine {

/// Where managed tables live: `<data_dir>/tables/<schema>/<name>-<id>/`, one Delta
/// table per directory. The id makes a table created again under a dropped table's
/// name a different directory, and a renamed table keeps its directory.
std::string NewTableDirectory(const std::string& data_dir, const std::string& schema, const std::string& name);

/// The catalog entry of a managed table stored in `dir`.
catalog::TableEntry ManagedTableEntryOf(const std::string& schema_name, const std::string& name,
                                        std::shared_ptr<arrow::Schema> columns, const std::string& dir,
                                        std::vector<std::string> primary_key = {});

/// Deletes a dropped managed table's directory.
void DeleteManagedTableData(const std::string& dir);

/// At start, before any statement runs: deletes what interrupted statements left
/// behind — data files no commit mentions, temporary commit files, table directories
/// the catalog does not know (a CREATE or DROP cut short), and the temporary tables of
/// the previous run's sessions — and brings the catalog's copy of each managed table's
/// columns in line with its Delta log.
/// Returns a line for the server log, empty when there was nothing to do.
arrow::Result<std::string> RecoverManagedTables(catalog::Catalog& catalog);

}  // namespace quiver::engine
