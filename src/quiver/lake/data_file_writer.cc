#include "quiver/lake/data_file_writer.h"

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/writer.h>

#include <filesystem>

#include "quiver/common/durable_file.h"

namespace quiver::lake {

namespace {

namespace fs = std::filesystem;

std::shared_ptr<arrow::Schema> AllNullable(const arrow::Schema& schema) {
  arrow::FieldVector fields;
  for (const auto& field : schema.fields()) fields.push_back(field->WithNullable(true));
  return arrow::schema(std::move(fields));
}

}  // namespace

DataFileWriter::DataFileWriter(std::string table_dir, std::shared_ptr<arrow::Schema> schema, DataFileOptions options)
    : table_dir_(std::move(table_dir)),
      schema_(std::move(schema)),
      file_schema_(AllNullable(*schema_)),
      options_(std::move(options)) {}

DataFileWriter::~DataFileWriter() {
  if (!finished_) Abandon();
}

arrow::Status DataFileWriter::StartFile() {
  const std::string name = "part-" + std::to_string(written_paths_.size()) + "-" + NewUuid() + ".snappy.parquet";
  current_path_ = (fs::path(table_dir_) / name).string();
  written_paths_.push_back(current_path_);
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::FileOutputStream::Open(current_path_));
  auto properties = parquet::WriterProperties::Builder()
                        .compression(parquet::Compression::SNAPPY)
                        ->max_row_group_length(options_.rows_per_row_group)
                        ->build();
  // Columns of a row group are encoded in parallel.
  auto arrow_properties = parquet::ArrowWriterProperties::Builder().set_use_threads(true)->store_schema()->build();
  ARROW_ASSIGN_OR_RAISE(writer_, parquet::arrow::FileWriter::Open(*file_schema_, arrow::default_memory_pool(), out,
                                                                  properties, arrow_properties));
  stats_ = std::make_unique<FileStatsCollector>(file_schema_);
  current_rows_ = 0;
  return arrow::Status::OK();
}

arrow::Status DataFileWriter::CloseFile() {
  if (!writer_) return arrow::Status::OK();
  ARROW_RETURN_NOT_OK(writer_->Close());
  writer_.reset();
  ARROW_RETURN_NOT_OK(SyncFile(current_path_));
  AddFile add;
  add.path = fs::path(current_path_).filename().string();
  add.size = static_cast<int64_t>(fs::file_size(current_path_));
  add.modification_time = NowMillis();
  add.data_change = true;
  ARROW_ASSIGN_OR_RAISE(add.stats, stats_->ToJson());
  files_.push_back(std::move(add));
  return arrow::Status::OK();
}

arrow::Status DataFileWriter::Write(const std::shared_ptr<arrow::RecordBatch>& batch) {
  if (batch->num_rows() == 0) return arrow::Status::OK();
  for (int i = 0; i < schema_->num_fields(); ++i) {
    if (!schema_->field(i)->nullable() && batch->column(i)->null_count() > 0) {
      return arrow::Status::Invalid("null value in column \"", schema_->field(i)->name(), "\" of relation \"",
                                    options_.table_name, "\" violates not-null constraint");
    }
  }
  auto rows = batch->ReplaceSchema(file_schema_);
  ARROW_RETURN_NOT_OK(rows.status());
  int64_t offset = 0;
  while (offset < batch->num_rows()) {
    if (!writer_) ARROW_RETURN_NOT_OK(StartFile());
    int64_t take = std::min(batch->num_rows() - offset, options_.max_rows_per_file - current_rows_);
    auto slice = (*rows)->Slice(offset, take);
    ARROW_RETURN_NOT_OK(writer_->WriteRecordBatch(*slice));
    ARROW_RETURN_NOT_OK(stats_->Add(*slice));
    current_rows_ += take;
    rows_written_ += take;
    offset += take;
    if (current_rows_ >= options_.max_rows_per_file) ARROW_RETURN_NOT_OK(CloseFile());
  }
  return arrow::Status::OK();
}

arrow::Result<std::vector<AddFile>> DataFileWriter::Finish() {
  auto status = CloseFile();
  if (status.ok() && !files_.empty()) status = SyncDirectory(table_dir_);
  if (!status.ok()) {
    Abandon();
    return status;
  }
  finished_ = true;
  return std::move(files_);
}

void DataFileWriter::Abandon() {
  if (writer_) {
    (void)writer_->Close();
    writer_.reset();
  }
  std::error_code ec;
  for (const auto& path : written_paths_) fs::remove(path, ec);
  written_paths_.clear();
  files_.clear();
  finished_ = true;
}

}  // namespace quiver::lake
