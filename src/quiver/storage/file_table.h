#pragma once

#include <arrow/dataset/type_fwd.h>
#include <arrow/filesystem/type_fwd.h>
#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace quiver::storage {

/// Where a table's files are and how to read them.
struct FileTableSpec {
  std::string format;    // "parquet" or "csv"
  std::string location;  // a file, a directory (read recursively) or a glob (* ? [..] **)
  /// Format options. CSV: "header" (default "true"), "delimiter" (default ",").
  std::map<std::string, std::string> options;
  /// Declared columns; when empty the schema is discovered from the files.
  std::shared_ptr<arrow::Schema> declared_schema;
};

/// A table over Parquet or CSV files: the files matched by the location, their schema,
/// and Hive-style partition directories (`year=2024/`) as extra columns.
class FileTable {
 public:
  /// Lists the files and works out the schema. With `known_schema` (from the catalog)
  /// the schema is not re-inferred, so a table keeps its columns across restarts.
  static arrow::Result<std::shared_ptr<FileTable>> Open(FileTableSpec spec,
                                                        std::shared_ptr<arrow::Schema> known_schema = nullptr);

  /// A table over a dataset built elsewhere (a Delta snapshot's files, each fragment
  /// carrying what its statistics guarantee). `schema` is also the dataset's.
  static std::shared_ptr<FileTable> Make(FileTableSpec spec, std::shared_ptr<arrow::Schema> schema,
                                         std::shared_ptr<arrow::dataset::Dataset> dataset, size_t file_count);

  /// The same table with one more column, `name` (utf8), holding the path of the file
  /// each row comes from: a statement that rewrites files finds which files hold the
  /// rows it changes.
  std::shared_ptr<FileTable> WithFileNameColumn(const std::string& name) const;
  /// The column WithFileNameColumn added; empty for other tables.
  const std::string& file_name_column() const { return file_name_column_; }

  const FileTableSpec& spec() const { return spec_; }
  /// The columns the table presents: file columns followed by partition columns, with
  /// string-like types normalized to utf8 or as declared.
  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }
  /// The columns as the files store them (the dataset's schema); a scan converts a
  /// column whose type differs from schema()'s.
  std::shared_ptr<arrow::Schema> file_schema() const;
  const std::vector<std::string>& partition_columns() const { return partition_columns_; }
  const std::shared_ptr<arrow::dataset::Dataset>& dataset() const { return dataset_; }
  size_t file_count() const { return file_count_; }

  /// e.g. "parquet '/data/trips/' (12 files)".
  std::string Describe() const;

 private:
  FileTable() = default;

  FileTableSpec spec_;
  std::shared_ptr<arrow::Schema> schema_;
  std::vector<std::string> partition_columns_;
  std::shared_ptr<arrow::dataset::Dataset> dataset_;
  size_t file_count_ = 0;
  std::string file_name_column_;
};

/// The schema a table presents for files with this schema: string-like columns
/// (string_view, large_string, dictionary-encoded) become utf8, binary-like become
/// binary, so every operator sees one string type.
std::shared_ptr<arrow::Schema> NormalizedSchema(const arrow::Schema& schema);

/// The pool that raw file reads (Parquet column chunks as stored) are allocated
/// from: Arrow allocates each read's buffer from the pool of the filesystem that
/// opened the file, not from the scan's. Arrow's default pool until set; the engine
/// sets the query memory budget's pool, so reads count against the budget and reuse
/// the pages freed by earlier reads instead of faulting in fresh ones. Tables opened
/// before a change keep the pool they were opened with.
void SetFileReadPool(arrow::MemoryPool* pool);

/// `options` with Parquet column chunks read from the files into buffers of `pool`
/// (their I/O context's), for a scan whose decoded data also goes to `pool`.
std::shared_ptr<arrow::dataset::ParquetFragmentScanOptions> ParquetOptionsReadingInto(
    const arrow::dataset::ParquetFragmentScanOptions& options, arrow::MemoryPool* pool);

/// The file format a table's files are read with, as FileTable::Open makes it from
/// the spec ("delta" tables are Parquet files).
arrow::Result<std::shared_ptr<arrow::dataset::FileFormat>> MakeFileFormat(const FileTableSpec& spec);

/// The local filesystem tables read through: its reads allocate from the file read
/// pool (SetFileReadPool).
std::shared_ptr<arrow::fs::FileSystem> LocalReadFileSystem();

/// Makes a location absolute against the current directory, keeping glob characters.
std::string AbsoluteLocation(const std::string& location);

}  // namespace quiver::storage
