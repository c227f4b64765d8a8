#include "quiver/lake/managed_tables.h"

#include <arrow/compute/expression.h>
#include <arrow/dataset/dataset.h>
#include <arrow/dataset/file_parquet.h>
#include <arrow/filesystem/localfs.h>
#include <arrow/type.h>

#include <filesystem>

#include "quiver/lake/file_stats.h"

namespace quiver::lake {

namespace {

namespace cp = arrow::compute;
namespace ds = arrow::dataset;
namespace fs = std::filesystem;

// What a file's statistics guarantee about its rows, as an expression Arrow's dataset
// simplifies a scan's filter against: a file whose guarantee contradicts the filter is
// not read.
cp::Expression FileGuarantee(const AddFile& file, const arrow::Schema& schema) {
  ParsedStats stats = ParseStats(file.stats, schema);
  std::vector<cp::Expression> conjuncts;
  for (const auto& field : schema.fields()) {
    auto it = stats.columns.find(field->name());
    if (it == stats.columns.end()) continue;
    const ColumnBounds& bounds = it->second;
    cp::Expression column = cp::field_ref(field->name());
    if (stats.num_records >= 0 && bounds.null_count && *bounds.null_count == stats.num_records) {
      conjuncts.push_back(cp::is_null(column));
      continue;
    }
    if (!bounds.min || !bounds.max) continue;
    // Arrow's simplification makes no use of `x >= min or x is null`, so a column with
    // some NULLs gets no file-level bound (row-group statistics in the file still apply).
    if (!bounds.null_count || *bounds.null_count > 0) continue;
    conjuncts.push_back(cp::greater_equal(column, cp::literal(bounds.min)));
    conjuncts.push_back(cp::less_equal(column, cp::literal(bounds.max)));
  }
  return conjuncts.empty() ? cp::literal(true) : cp::and_(conjuncts);
}

}  // namespace

arrow::Result<std::shared_ptr<storage::FileTable>> SnapshotFileTable(const std::string& dir,
                                                                     const DeltaSnapshot& snapshot,
                                                                     const std::set<std::string>* subset) {
  auto filesystem = std::make_shared<arrow::fs::LocalFileSystem>();
  auto format = std::make_shared<ds::ParquetFileFormat>();
  std::vector<std::shared_ptr<ds::FileFragment>> fragments;
  for (const auto& [path, file] : snapshot.files) {
    if (subset && subset->count(path) == 0) continue;
    arrow::fs::FileInfo info((fs::path(dir) / path).string(), arrow::fs::FileType::File);
    info.set_size(file.size);
    ARROW_ASSIGN_OR_RAISE(
        auto fragment, format->MakeFragment(ds::FileSource(info, filesystem), FileGuarantee(file, *snapshot.schema)));
    fragments.push_back(std::move(fragment));
  }
  const size_t file_count = fragments.size();
  ARROW_ASSIGN_OR_RAISE(auto dataset, ds::FileSystemDataset::Make(snapshot.schema, cp::literal(true), format,
                                                                  filesystem, std::move(fragments)));
  storage::FileTableSpec spec;
  spec.format = "delta";
  spec.location = dir;
  return storage::FileTable::Make(std::move(spec), snapshot.schema, std::move(dataset), file_count);
}

ManagedTables& ManagedTables::Instance() {
  static ManagedTables instance;
  return instance;
}

arrow::Result<std::shared_ptr<DeltaTable>> ManagedTables::Table(const std::string& dir) {
  {
    std::lock_guard lock(mutex_);
    auto it = tables_.find(dir);
    if (it != tables_.end()) return it->second.table;
  }
  ARROW_ASSIGN_OR_RAISE(auto table, DeltaTable::Open(dir));
  std::lock_guard lock(mutex_);
  auto& entry = tables_[dir];
  if (!entry.table) entry.table = std::move(table);
  return entry.table;
}

arrow::Result<TableVersion> ManagedTables::Latest(const std::string& dir) {
  ARROW_ASSIGN_OR_RAISE(auto table, Table(dir));
  ARROW_ASSIGN_OR_RAISE(auto snapshot, table->Snapshot());
  {
    std::lock_guard lock(mutex_);
    auto& entry = tables_[dir];
    if (entry.snapshot == snapshot && entry.files) return TableVersion{table, snapshot, entry.files};
  }
  ARROW_ASSIGN_OR_RAISE(auto files, SnapshotFileTable(dir, *snapshot));
  std::lock_guard lock(mutex_);
  auto& entry = tables_[dir];
  if (!entry.snapshot || entry.snapshot->version < snapshot->version) {
    entry.snapshot = snapshot;
    entry.files = files;
  }
  return TableVersion{table, snapshot, files};
}

void ManagedTables::Forget(const std::string& dir) {
  std::lock_guard lock(mutex_);
  tables_.erase(dir);
}

}  // namespace quiver::lake
