#include "quiver/lake/delta_checkpoint.h"

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/writer.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "quiver/common/durable_file.h"

namespace quiver::lake {

namespace {

namespace fs = std::filesystem;

std::shared_ptr<arrow::DataType> StringMap() { return arrow::map(arrow::utf8(), arrow::utf8()); }

// The columns Delta's checkpoint schema has for the actions Quiver writes.
std::shared_ptr<arrow::Schema> CheckpointSchema() {
  auto add = arrow::struct_({arrow::field("path", arrow::utf8()), arrow::field("partitionValues", StringMap()),
                             arrow::field("size", arrow::int64()), arrow::field("modificationTime", arrow::int64()),
                             arrow::field("dataChange", arrow::boolean()), arrow::field("stats", arrow::utf8())});
  auto remove = arrow::struct_({arrow::field("path", arrow::utf8()), arrow::field("deletionTimestamp", arrow::int64()),
                                arrow::field("dataChange", arrow::boolean()),
                                arrow::field("extendedFileMetadata", arrow::boolean()),
                                arrow::field("partitionValues", StringMap()), arrow::field("size", arrow::int64())});
  auto format = arrow::struct_({arrow::field("provider", arrow::utf8()), arrow::field("options", StringMap())});
  auto metadata = arrow::struct_(
      {arrow::field("id", arrow::utf8()), arrow::field("name", arrow::utf8()),
       arrow::field("description", arrow::utf8()), arrow::field("format", format),
       arrow::field("schemaString", arrow::utf8()), arrow::field("partitionColumns", arrow::list(arrow::utf8())),
       arrow::field("configuration", StringMap()), arrow::field("createdTime", arrow::int64())});
  auto protocol = arrow::struct_({arrow::field("minReaderVersion", arrow::int32()),
                                  arrow::field("minWriterVersion", arrow::int32()),
                                  arrow::field("readerFeatures", arrow::list(arrow::utf8())),
                                  arrow::field("writerFeatures", arrow::list(arrow::utf8()))});
  auto txn = arrow::struct_({arrow::field("appId", arrow::utf8()), arrow::field("version", arrow::int64()),
                             arrow::field("lastUpdated", arrow::int64())});
  return arrow::schema({arrow::field("txn", txn), arrow::field("add", add), arrow::field("remove", remove),
                        arrow::field("metaData", metadata), arrow::field("protocol", protocol)});
}

// Appends to the child builders of one struct builder by position.
class StructRow {
 public:
  explicit StructRow(arrow::StructBuilder* builder) : builder_(builder) {}
  arrow::Status Begin() { return builder_->Append(); }
  arrow::Status String(int child, const std::string& value) {
    return static_cast<arrow::StringBuilder*>(builder_->field_builder(child))->Append(value);
  }
  arrow::Status OptionalString(int child, const std::string& value) {
    auto* builder = static_cast<arrow::StringBuilder*>(builder_->field_builder(child));
    return value.empty() ? builder->AppendNull() : builder->Append(value);
  }
  arrow::Status Int64(int child, std::optional<int64_t> value) {
    auto* builder = static_cast<arrow::Int64Builder*>(builder_->field_builder(child));
    return value ? builder->Append(*value) : builder->AppendNull();
  }
  arrow::Status Int32(int child, int32_t value) {
    return static_cast<arrow::Int32Builder*>(builder_->field_builder(child))->Append(value);
  }
  arrow::Status Bool(int child, bool value) {
    return static_cast<arrow::BooleanBuilder*>(builder_->field_builder(child))->Append(value);
  }
  arrow::Status Strings(int child, const std::vector<std::string>& values, bool null_when_empty = false) {
    auto* builder = static_cast<arrow::ListBuilder*>(builder_->field_builder(child));
    if (null_when_empty && values.empty()) return builder->AppendNull();
    ARROW_RETURN_NOT_OK(builder->Append());
    auto* items = static_cast<arrow::StringBuilder*>(builder->value_builder());
    for (const auto& value : values) ARROW_RETURN_NOT_OK(items->Append(value));
    return arrow::Status::OK();
  }
  template <typename Map>
  arrow::Status StringMap(arrow::ArrayBuilder* map_builder, const Map& values) {
    auto* builder = static_cast<arrow::MapBuilder*>(map_builder);
    ARROW_RETURN_NOT_OK(builder->Append());
    auto* keys = static_cast<arrow::StringBuilder*>(builder->key_builder());
    auto* items = static_cast<arrow::StringBuilder*>(builder->item_builder());
    for (const auto& [key, value] : values) {
      ARROW_RETURN_NOT_OK(keys->Append(key));
      if constexpr (std::is_same_v<typename Map::mapped_type, std::string>) {
        ARROW_RETURN_NOT_OK(items->Append(value));
      } else {
        ARROW_RETURN_NOT_OK(value ? items->Append(*value) : items->AppendNull());
      }
    }
    return arrow::Status::OK();
  }
  arrow::ArrayBuilder* child(int index) { return builder_->field_builder(index); }

 private:
  arrow::StructBuilder* builder_;
};

enum Column { kTxn, kAdd, kRemove, kMetadata, kProtocol, kColumnCount };

class CheckpointBuilder {
 public:
  arrow::Status Init() {
    schema_ = CheckpointSchema();
    for (const auto& field : schema_->fields()) {
      std::unique_ptr<arrow::ArrayBuilder> builder;
      ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), field->type(), &builder));
      builders_.push_back(std::move(builder));
    }
    return arrow::Status::OK();
  }

  // Starts a row holding the action in `column`; every other column is null.
  arrow::Result<StructRow> Row(int column) {
    for (int other = 0; other < kColumnCount; ++other) {
      if (other != column) ARROW_RETURN_NOT_OK(builders_[other]->AppendNull());
    }
    StructRow row(static_cast<arrow::StructBuilder*>(builders_[column].get()));
    ARROW_RETURN_NOT_OK(row.Begin());
    ++rows_;
    return row;
  }

  arrow::Result<std::shared_ptr<arrow::Table>> Finish() {
    arrow::ArrayVector arrays;
    for (auto& builder : builders_) {
      ARROW_ASSIGN_OR_RAISE(auto array, builder->Finish());
      arrays.push_back(std::move(array));
    }
    auto table = arrow::Table::Make(schema_, arrays, rows_);
    ARROW_RETURN_NOT_OK(table->ValidateFull());
    return table;
  }

 private:
  std::shared_ptr<arrow::Schema> schema_;
  std::vector<std::unique_ptr<arrow::ArrayBuilder>> builders_;
  int64_t rows_ = 0;
};

arrow::Result<std::shared_ptr<arrow::Table>> CheckpointTable(const DeltaSnapshot& snapshot) {
  CheckpointBuilder builder;
  ARROW_RETURN_NOT_OK(builder.Init());
  {
    const DeltaProtocol& protocol = snapshot.protocol;
    ARROW_ASSIGN_OR_RAISE(auto row, builder.Row(kProtocol));
    ARROW_RETURN_NOT_OK(row.Int32(0, protocol.min_reader_version));
    ARROW_RETURN_NOT_OK(row.Int32(1, protocol.min_writer_version));
    ARROW_RETURN_NOT_OK(row.Strings(2, protocol.reader_features, protocol.min_reader_version < 3));
    ARROW_RETURN_NOT_OK(row.Strings(3, protocol.writer_features, protocol.min_writer_version < 7));
  }
  {
    const DeltaMetadata& metadata = snapshot.metadata;
    ARROW_ASSIGN_OR_RAISE(auto row, builder.Row(kMetadata));
    ARROW_RETURN_NOT_OK(row.String(0, metadata.id));
    ARROW_RETURN_NOT_OK(row.OptionalString(1, metadata.name));
    ARROW_RETURN_NOT_OK(row.OptionalString(2, metadata.description));
    auto* format = static_cast<arrow::StructBuilder*>(row.child(3));
    ARROW_RETURN_NOT_OK(format->Append());
    ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(format->field_builder(0))->Append("parquet"));
    ARROW_RETURN_NOT_OK(row.StringMap(format->field_builder(1), std::map<std::string, std::string>{}));
    ARROW_RETURN_NOT_OK(row.String(4, metadata.schema_string));
    ARROW_RETURN_NOT_OK(row.Strings(5, metadata.partition_columns));
    ARROW_RETURN_NOT_OK(row.StringMap(row.child(6), metadata.configuration));
    ARROW_RETURN_NOT_OK(row.Int64(7, metadata.created_time));
  }
  for (const auto& [path, add] : snapshot.files) {
    ARROW_ASSIGN_OR_RAISE(auto row, builder.Row(kAdd));
    ARROW_RETURN_NOT_OK(row.String(0, EncodePath(add.path)));
    ARROW_RETURN_NOT_OK(row.StringMap(row.child(1), add.partition_values));
    ARROW_RETURN_NOT_OK(row.Int64(2, add.size));
    ARROW_RETURN_NOT_OK(row.Int64(3, add.modification_time));
    // Checkpoints record the table's state, not a change to it.
    ARROW_RETURN_NOT_OK(row.Bool(4, false));
    ARROW_RETURN_NOT_OK(row.OptionalString(5, add.stats));
  }
  for (const auto& [path, remove] : snapshot.tombstones) {
    ARROW_ASSIGN_OR_RAISE(auto row, builder.Row(kRemove));
    ARROW_RETURN_NOT_OK(row.String(0, EncodePath(remove.path)));
    ARROW_RETURN_NOT_OK(row.Int64(1, remove.deletion_timestamp));
    ARROW_RETURN_NOT_OK(row.Bool(2, false));
    ARROW_RETURN_NOT_OK(row.Bool(3, remove.size.has_value()));
    ARROW_RETURN_NOT_OK(row.StringMap(row.child(4), remove.partition_values));
    ARROW_RETURN_NOT_OK(row.Int64(5, remove.size));
  }
  return builder.Finish();
}

// Readers of other engines' checkpoints meet int32 where Quiver writes int64 and the
// like, so values are read through scalars and converted.
class ActionReader {
 public:
  ActionReader(const arrow::StructArray& array, int64_t row) : array_(array), row_(row) {}

  std::shared_ptr<arrow::Scalar> Get(const char* name) const {
    auto child = array_.GetFieldByName(name);
    if (!child) return nullptr;
    auto scalar = child->GetScalar(row_);
    if (!scalar.ok() || !(*scalar)->is_valid) return nullptr;
    return *scalar;
  }
  std::string String(const char* name) const {
    auto scalar = Get(name);
    return scalar ? std::string(static_cast<const arrow::BaseBinaryScalar&>(*scalar).view()) : std::string();
  }
  std::optional<int64_t> Integer(const char* name) const {
    auto scalar = Get(name);
    if (!scalar) return std::nullopt;
    auto cast = scalar->CastTo(arrow::int64());
    if (!cast.ok()) return std::nullopt;
    return std::static_pointer_cast<arrow::Int64Scalar>(*cast)->value;
  }
  bool Bool(const char* name, bool fallback) const {
    auto scalar = Get(name);
    return scalar ? std::static_pointer_cast<arrow::BooleanScalar>(scalar)->value : fallback;
  }
  std::vector<std::string> Strings(const char* name) const {
    std::vector<std::string> out;
    auto scalar = Get(name);
    if (!scalar) return out;
    const auto& values = *std::static_pointer_cast<arrow::BaseListScalar>(scalar)->value;
    const auto& strings = static_cast<const arrow::StringArray&>(values);
    for (int64_t i = 0; i < strings.length(); ++i) out.emplace_back(strings.GetView(i));
    return out;
  }
  std::map<std::string, std::optional<std::string>> Map(const char* name) const {
    std::map<std::string, std::optional<std::string>> out;
    auto scalar = Get(name);
    if (!scalar) return out;
    const auto& entries =
        static_cast<const arrow::StructArray&>(*std::static_pointer_cast<arrow::MapScalar>(scalar)->value);
    const auto& keys = static_cast<const arrow::StringArray&>(*entries.field(0));
    const auto& items = static_cast<const arrow::StringArray&>(*entries.field(1));
    for (int64_t i = 0; i < entries.length(); ++i) {
      out[std::string(keys.GetView(i))] =
          items.IsNull(i) ? std::nullopt : std::optional<std::string>(std::string(items.GetView(i)));
    }
    return out;
  }
  ActionReader Nested(const char* name) const {
    return ActionReader(static_cast<const arrow::StructArray&>(*array_.GetFieldByName(name)), row_);
  }
  bool Has(const char* name) const { return array_.GetFieldByName(name) != nullptr; }

 private:
  const arrow::StructArray& array_;
  int64_t row_;
};

const arrow::StructArray* StructColumn(const arrow::Table& table, const char* name) {
  auto column = table.GetColumnByName(name);
  if (!column || column->num_chunks() != 1) return nullptr;
  return static_cast<const arrow::StructArray*>(column->chunk(0).get());
}

}  // namespace

int64_t CheckpointInterval(const DeltaMetadata& metadata) {
  auto it = metadata.configuration.find("delta.checkpointInterval");
  if (it != metadata.configuration.end()) {
    try {
      int64_t interval = std::stoll(it->second);
      if (interval > 0) return interval;
    } catch (const std::exception&) {
    }
  }
  return 10;
}

arrow::Status WriteCheckpoint(const DeltaLog& log, const DeltaSnapshot& snapshot) {
  ARROW_ASSIGN_OR_RAISE(auto table, CheckpointTable(snapshot));
  const fs::path final_path = fs::path(log.log_dir()) / DeltaLog::CheckpointFileName(snapshot.version);
  const fs::path temporary = fs::path(log.log_dir()) / ("." + final_path.filename().string() + ".tmp");
  {
    ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::FileOutputStream::Open(temporary.string()));
    auto properties = parquet::WriterProperties::Builder().compression(parquet::Compression::SNAPPY)->build();
    ARROW_RETURN_NOT_OK(
        parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, table->num_rows() + 1, properties));
    ARROW_RETURN_NOT_OK(out->Close());
  }
  ARROW_RETURN_NOT_OK(SyncFile(temporary.string()));
  std::error_code ec;
  fs::rename(temporary, final_path, ec);
  if (ec) return arrow::Status::IOError("cannot rename checkpoint ", final_path.string(), ": ", ec.message());
  nlohmann::json last = {{"version", snapshot.version}, {"size", table->num_rows()}};
  return WriteFileReplacing((fs::path(log.log_dir()) / "_last_checkpoint").string(), last.dump());
}

arrow::Result<DeltaCommit> ReadCheckpoint(const DeltaLog& log, int64_t version) {
  const std::string path = (fs::path(log.log_dir()) / DeltaLog::CheckpointFileName(version)).string();
  ARROW_ASSIGN_OR_RAISE(auto input, arrow::io::ReadableFile::Open(path));
  ARROW_ASSIGN_OR_RAISE(auto reader, parquet::arrow::OpenFile(input, arrow::default_memory_pool()));
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<arrow::Table> table, reader->ReadTable());
  ARROW_ASSIGN_OR_RAISE(table, table->CombineChunks());
  DeltaCommit state;
  const auto* adds = StructColumn(*table, "add");
  const auto* removes = StructColumn(*table, "remove");
  const auto* metadata = StructColumn(*table, "metaData");
  const auto* protocol = StructColumn(*table, "protocol");
  for (int64_t row = 0; row < table->num_rows(); ++row) {
    if (adds && adds->IsValid(row)) {
      ActionReader action(*adds, row);
      AddFile add;
      add.path = DecodePath(action.String("path"));
      add.partition_values = action.Map("partitionValues");
      add.size = action.Integer("size").value_or(0);
      add.modification_time = action.Integer("modificationTime").value_or(0);
      add.stats = action.String("stats");
      add.has_deletion_vector = action.Has("deletionVector") && action.Get("deletionVector") != nullptr;
      state.adds.push_back(std::move(add));
    } else if (removes && removes->IsValid(row)) {
      ActionReader action(*removes, row);
      RemoveFile remove;
      remove.path = DecodePath(action.String("path"));
      remove.deletion_timestamp = action.Integer("deletionTimestamp").value_or(0);
      remove.partition_values = action.Map("partitionValues");
      remove.size = action.Integer("size");
      state.removes.push_back(std::move(remove));
    } else if (metadata && metadata->IsValid(row)) {
      ActionReader action(*metadata, row);
      DeltaMetadata parsed;
      parsed.id = action.String("id");
      parsed.name = action.String("name");
      parsed.description = action.String("description");
      parsed.schema_string = action.String("schemaString");
      parsed.partition_columns = action.Strings("partitionColumns");
      for (const auto& [key, value] : action.Map("configuration")) parsed.configuration[key] = value.value_or("");
      parsed.created_time = action.Integer("createdTime").value_or(0);
      state.metadata = std::move(parsed);
    } else if (protocol && protocol->IsValid(row)) {
      ActionReader action(*protocol, row);
      DeltaProtocol parsed;
      parsed.min_reader_version = static_cast<int32_t>(action.Integer("minReaderVersion").value_or(1));
      parsed.min_writer_version = static_cast<int32_t>(action.Integer("minWriterVersion").value_or(2));
      parsed.reader_features = action.Strings("readerFeatures");
      parsed.writer_features = action.Strings("writerFeatures");
      state.protocol = std::move(parsed);
    }
  }
  if (!state.metadata || !state.protocol) {
    return arrow::Status::IOError("checkpoint ", path, " lacks its metaData or protocol action");
  }
  return state;
}

}  // namespace quiver::lake
