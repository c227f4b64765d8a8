#include "quiver/storage/cached_dataset.h"

#include <arrow/array/concatenate.h>
#include <arrow/compute/api_scalar.h>
#include <arrow/compute/cast.h>
#include <arrow/dataset/file_parquet.h>
#include <arrow/dataset/scanner.h>
#include <arrow/memory_pool.h>
#include <arrow/record_batch.h>
#include <arrow/util/async_generator.h>

#include <algorithm>

#include "quiver/storage/decoded_column_cache.h"
#include "quiver/storage/file_table.h"
#include "quiver/storage/parquet_footers.h"

namespace quiver::storage {

namespace ds = arrow::dataset;
namespace cp = arrow::compute;

namespace {

// Where the cached columns live: they outlive the query whose scan decoded them, so
// never in that query's memory pool. jemalloc where Arrow has it: an entry is evicted
// by whichever thread inserts another, and jemalloc returns the pages of a block freed
// by another thread (mimalloc keeps them until their owner thread runs again).
arrow::MemoryPool* CachePool() {
  static arrow::MemoryPool* const pool = [] {
    arrow::MemoryPool* jemalloc = nullptr;
    return arrow::jemalloc_memory_pool(&jemalloc).ok() ? jemalloc : arrow::default_memory_pool();
  }();
  return pool;
}

// The top-level columns a scan wants materialized, in dataset order.
std::vector<std::string> WantedColumns(const ds::ScanOptions& options) {
  std::vector<int> indices;
  for (const auto& ref : options.MaterializedFields()) {
    auto path = ref.FindOne(*options.dataset_schema);
    if (path.ok() && !path->indices().empty()) indices.push_back(path->indices()[0]);
  }
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  std::vector<std::string> names;
  for (int index : indices) names.push_back(options.dataset_schema->field(index)->name());
  return names;
}

// Batches of the given whole-row-group columns. Columns read at different times may
// be chunked differently; those are made to follow the first column's chunks.
arrow::Result<arrow::RecordBatchVector> ZipColumns(const std::vector<std::string>& names,
                                                   const arrow::ChunkedArrayVector& columns) {
  arrow::FieldVector fields;
  for (size_t i = 0; i < names.size(); ++i) fields.push_back(arrow::field(names[i], columns[i]->type()));
  auto schema = arrow::schema(std::move(fields));
  arrow::RecordBatchVector batches;
  if (columns.empty()) return batches;
  std::vector<int64_t> lengths;
  for (const auto& chunk : columns[0]->chunks()) lengths.push_back(chunk->length());
  std::vector<arrow::ArrayVector> aligned;
  for (const auto& column : columns) {
    bool same = column->num_chunks() == static_cast<int>(lengths.size());
    for (int c = 0; same && c < column->num_chunks(); ++c) same = column->chunk(c)->length() == lengths[c];
    if (same) {
      aligned.push_back(column->chunks());
      continue;
    }
    std::shared_ptr<arrow::Array> whole;
    if (column->num_chunks() == 1) {
      whole = column->chunk(0);
    } else {
      ARROW_ASSIGN_OR_RAISE(whole, arrow::Concatenate(column->chunks(), CachePool()));
    }
    arrow::ArrayVector sliced;
    int64_t offset = 0;
    for (int64_t length : lengths) {
      sliced.push_back(whole->Slice(offset, length));
      offset += length;
    }
    aligned.push_back(std::move(sliced));
  }
  for (size_t c = 0; c < lengths.size(); ++c) {
    arrow::ArrayVector chunk_columns;
    for (const auto& column : aligned) chunk_columns.push_back(column[c]);
    batches.push_back(arrow::RecordBatch::Make(schema, lengths[c], std::move(chunk_columns)));
  }
  return batches;
}

// A column converted to `type` in the cache's pool.
arrow::Result<std::shared_ptr<arrow::ChunkedArray>> Converted(const std::shared_ptr<arrow::ChunkedArray>& column,
                                                              const std::shared_ptr<arrow::DataType>& type) {
  if (column->type()->Equals(*type)) return column;
  cp::ExecContext context(CachePool());
  ARROW_ASSIGN_OR_RAISE(auto converted, cp::Cast(column, cp::CastOptions::Safe(type), &context));
  return converted.chunked_array();
}

// One row group of a Parquet file, read through the cache.
//
// A scan's dataset schema may give a column another type than the file's (a table's
// utf8 for a file's dictionary or string view): the column is then kept converted, so
// that scans which want it so skip the conversion too.
class CachedRowGroup : public ds::Fragment {
 public:
  CachedRowGroup(std::shared_ptr<ds::ParquetFileFragment> row_group, std::shared_ptr<arrow::Schema> file_schema,
                 FileVersion version)
      : ds::Fragment(row_group->partition_expression(), nullptr),
        row_group_(std::move(row_group)),
        file_schema_(std::move(file_schema)),
        version_(std::move(version)) {}

  std::string type_name() const override { return row_group_->type_name(); }
  // The file's path: a scan names each row's file by it.
  std::string ToString() const override { return row_group_->ToString(); }

  arrow::Result<ds::RecordBatchGenerator> ScanBatchesAsync(const std::shared_ptr<ds::ScanOptions>& options) override {
    ARROW_ASSIGN_OR_RAISE(auto physical, row_group_->ReadPhysicalSchema());
    std::vector<std::string> names;
    std::vector<std::shared_ptr<arrow::DataType>> types;
    arrow::ChunkedArrayVector cached;
    std::vector<std::string> missing;
    for (auto& name : WantedColumns(*options)) {
      const auto field = physical->GetFieldByName(name);
      if (!field) continue;  // not in this file: the scan adds it as nulls
      auto type = DeliveredType(*options, *field);
      ARROW_ASSIGN_OR_RAISE(auto column, FromMemory(name, *field, type));
      if (!column) missing.push_back(name);
      names.push_back(std::move(name));
      types.push_back(std::move(type));
      cached.push_back(std::move(column));
    }
    // No columns (COUNT(*)): the reader counts the rows from the footer.
    if (names.empty()) return row_group_->ScanBatchesAsync(options);
    if (missing.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto batches, ZipColumns(names, cached));
      return arrow::MakeVectorGenerator(std::move(batches));
    }

    // Read the missing columns of the row group whole, keep them, then serve all.
    ARROW_ASSIGN_OR_RAISE(auto read, ReadOptions(*options, missing));
    ARROW_ASSIGN_OR_RAISE(auto batches, row_group_->ScanBatchesAsync(read));
    auto self = std::static_pointer_cast<CachedRowGroup>(shared_from_this());
    auto served =
        arrow::CollectAsyncGenerator(std::move(batches))
            .Then([self, names, types, cached](
                      const arrow::RecordBatchVector& read_batches) mutable -> arrow::Result<ds::RecordBatchGenerator> {
              for (size_t i = 0; i < names.size(); ++i) {
                if (cached[i]) continue;
                ARROW_ASSIGN_OR_RAISE(cached[i], self->Keep(names[i], types[i], read_batches));
              }
              ARROW_ASSIGN_OR_RAISE(auto zipped, ZipColumns(names, cached));
              return arrow::MakeVectorGenerator(std::move(zipped));
            });
    return arrow::MakeFromFuture(std::move(served));
  }

 protected:
  arrow::Result<std::shared_ptr<arrow::Schema>> ReadPhysicalSchemaImpl() override {
    return row_group_->ReadPhysicalSchema();
  }

 private:
  CachedColumnKey KeyOf(const std::string& column) const {
    return CachedColumnKey{version_.path, static_cast<int64_t>(version_.size), version_.modified,
                           row_group_->row_groups()[0], column};
  }

  // How the reader presents a column: a string the table reads as a dictionary is one.
  std::shared_ptr<arrow::DataType> ReadType(const arrow::Field& physical) const {
    auto field = file_schema_->GetFieldByName(physical.name());
    return field ? field->type() : physical.type();
  }

  // The type the scan wants a column in.
  std::shared_ptr<arrow::DataType> DeliveredType(const ds::ScanOptions& options, const arrow::Field& physical) const {
    auto wanted = options.dataset_schema->GetFieldByName(physical.name());
    return wanted ? wanted->type() : ReadType(physical);
  }

  // The column in `type` from the cache, converted from the type it is read in if only
  // that is kept; null if neither is.
  arrow::Result<std::shared_ptr<arrow::ChunkedArray>> FromMemory(const std::string& name, const arrow::Field& physical,
                                                                 const std::shared_ptr<arrow::DataType>& type) const {
    auto& cache = DecodedColumnCache::Instance();
    const auto key = KeyOf(name);
    if (auto column = cache.Find(key, *type)) return column;
    const auto read_type = ReadType(physical);
    if (read_type->Equals(*type)) return nullptr;
    auto as_read = cache.Find(key, *read_type);
    if (!as_read) return nullptr;
    ARROW_ASSIGN_OR_RAISE(auto column, Converted(as_read, type));
    cache.Insert(key, column);
    return column;
  }

  // The scan's options narrowed to `columns` in the file's types, decoding into the
  // cache's pool. The filter only ruled row groups out, which was done when this
  // fragment was made.
  arrow::Result<std::shared_ptr<ds::ScanOptions>> ReadOptions(const ds::ScanOptions& options,
                                                              const std::vector<std::string>& columns) const {
    auto read = std::make_shared<ds::ScanOptions>(options);
    read->dataset_schema = file_schema_;
    read->filter = cp::literal(true);
    read->pool = CachePool();
    std::vector<cp::Expression> refs;
    for (const auto& column : columns) refs.push_back(cp::field_ref(column));
    ARROW_ASSIGN_OR_RAISE(read->projection, cp::project(refs, columns).Bind(*file_schema_));
    if (auto parquet = std::dynamic_pointer_cast<ds::ParquetFragmentScanOptions>(options.fragment_scan_options)) {
      read->fragment_scan_options = ParquetOptionsReadingInto(*parquet, CachePool());
    }
    return read;
  }

  // One column of the row group as read, converted to `type`, cached and returned.
  arrow::Result<std::shared_ptr<arrow::ChunkedArray>> Keep(const std::string& name,
                                                           const std::shared_ptr<arrow::DataType>& type,
                                                           const arrow::RecordBatchVector& batches) const {
    arrow::ArrayVector chunks;
    std::shared_ptr<arrow::DataType> read_type;
    for (const auto& batch : batches) {
      auto column = batch->GetColumnByName(name);
      if (!column) return arrow::Status::IOError("reading ", row_group_->source().path(), " gave no column ", name);
      read_type = column->type();
      if (column->length() > 0) chunks.push_back(std::move(column));
    }
    if (!read_type) return arrow::Status::IOError("reading ", row_group_->source().path(), " gave no batches");
    ARROW_ASSIGN_OR_RAISE(auto as_read, arrow::ChunkedArray::Make(std::move(chunks), read_type));
    ARROW_ASSIGN_OR_RAISE(auto column, Converted(as_read, type));
    DecodedColumnCache::Instance().Insert(KeyOf(name), column);
    return column;
  }

  std::shared_ptr<ds::ParquetFileFragment> row_group_;
  std::shared_ptr<arrow::Schema> file_schema_;  // the types the table's files are read in
  FileVersion version_;                         // of the file the row group belongs to
};

class CachingDataset : public ds::Dataset {
 public:
  explicit CachingDataset(std::shared_ptr<ds::Dataset> files)
      : ds::Dataset(files->schema(), files->partition_expression()), files_(std::move(files)) {}

  std::string type_name() const override { return "cached " + files_->type_name(); }

  arrow::Result<std::shared_ptr<ds::Dataset>> ReplaceSchema(std::shared_ptr<arrow::Schema> schema) const override {
    ARROW_ASSIGN_OR_RAISE(auto files, files_->ReplaceSchema(std::move(schema)));
    return std::make_shared<CachingDataset>(std::move(files));
  }

 protected:
  arrow::Result<ds::FragmentIterator> GetFragmentsImpl(cp::Expression predicate) override {
    ARROW_ASSIGN_OR_RAISE(auto fragments, files_->GetFragments(predicate));
    ds::FragmentVector out;
    for (auto next : fragments) {
      ARROW_ASSIGN_OR_RAISE(auto fragment, std::move(next));
      auto parquet = std::dynamic_pointer_cast<ds::ParquetFileFragment>(fragment);
      if (!parquet) {
        out.push_back(std::move(fragment));
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(const FileVersion version, VersionOf(parquet->source().path()));
      // One fragment per row group the statistics do not rule out.
      ARROW_ASSIGN_OR_RAISE(auto row_groups, parquet->SplitByRowGroup(predicate));
      for (auto& row_group : row_groups) {
        out.push_back(std::make_shared<CachedRowGroup>(
            std::static_pointer_cast<ds::ParquetFileFragment>(std::move(row_group)), files_->schema(), version));
      }
    }
    return arrow::MakeVectorIterator(std::move(out));
  }

 private:
  std::shared_ptr<ds::Dataset> files_;
};

}  // namespace

arrow::Result<std::shared_ptr<ds::Dataset>> CachedDataset(std::shared_ptr<ds::Dataset> files) {
  return std::make_shared<CachingDataset>(std::move(files));
}

bool CachesEveryFragment(const ds::Dataset& files) {
  const auto* file_system = dynamic_cast<const ds::FileSystemDataset*>(&files);
  return file_system != nullptr && file_system->format()->type_name() == "parquet";
}

}  // namespace quiver::storage
