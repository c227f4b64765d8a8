#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <memory>
#include <string>
#include <vector>

#include "quiver/lake/delta_actions.h"
#include "quiver/lake/file_stats.h"

namespace parquet::arrow {
class FileWriter;
}

namespace quiver::lake {

struct DataFileOptions {
  /// A new file is started after this many rows.
  int64_t max_rows_per_file = 8 * 1024 * 1024;
  int64_t rows_per_row_group = 1024 * 1024;
  /// Names the table in constraint errors ("null value in column … of relation t").
  std::string table_name;
};

/// Writes rows into new Parquet data files of a Delta table, collecting each file's
/// statistics. Nothing written is part of the table until the add actions returned
/// by Finish are committed; Abandon (or destruction before Finish) deletes the files.
class DataFileWriter {
 public:
  DataFileWriter(std::string table_dir, std::shared_ptr<arrow::Schema> schema, DataFileOptions options = {});
  ~DataFileWriter();

  /// `batch` has the table's columns in order and types. Invalid when a NOT NULL
  /// column holds a NULL.
  arrow::Status Write(const std::shared_ptr<arrow::RecordBatch>& batch);

  /// Closes the files and makes them durable (contents and directory entries).
  arrow::Result<std::vector<AddFile>> Finish();

  /// Deletes every file written so far.
  void Abandon();

  int64_t rows_written() const { return rows_written_; }

 private:
  arrow::Status StartFile();
  arrow::Status CloseFile();

  std::string table_dir_;
  std::shared_ptr<arrow::Schema> schema_;
  std::shared_ptr<arrow::Schema> file_schema_;  // every column nullable: NOT NULL is checked here
  DataFileOptions options_;
  std::unique_ptr<parquet::arrow::FileWriter> writer_;
  std::unique_ptr<FileStatsCollector> stats_;
  std::string current_path_;
  int64_t current_rows_ = 0;
  int64_t rows_written_ = 0;
  std::vector<std::string> written_paths_;  // absolute, for Abandon
  std::vector<AddFile> files_;
  bool finished_ = false;
};

}  // namespace quiver::lake
