#include "quiver/dist/arrow_bytes.h"

#include <arrow/array/util.h>
#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/reader.h>
#include <arrow/ipc/writer.h>
#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <arrow/table.h>

namespace quiver::dist {

namespace {

// Readers slice their buffer without copying: the buffer owns a copy of the bytes, so
// what is read outlives the message it came from.
std::shared_ptr<arrow::Buffer> Owned(const std::string& bytes) { return arrow::Buffer::FromString(bytes); }

}  // namespace

std::string SchemaBytes(const arrow::Schema& schema) {
  auto buffer = arrow::ipc::SerializeSchema(schema);
  // Serializing a valid schema into memory cannot fail short of running out of memory.
  return buffer.ok() ? (*buffer)->ToString() : std::string();
}

arrow::Result<std::shared_ptr<arrow::Schema>> SchemaFromBytes(const std::string& bytes) {
  arrow::io::BufferReader reader(Owned(bytes));
  arrow::ipc::DictionaryMemo memo;
  return arrow::ipc::ReadSchema(&reader, &memo);
}

arrow::Result<std::string> TableBytes(const arrow::Table& table) {
  ARROW_ASSIGN_OR_RAISE(auto sink, arrow::io::BufferOutputStream::Create());
  ARROW_ASSIGN_OR_RAISE(auto writer, arrow::ipc::MakeStreamWriter(sink, table.schema()));
  ARROW_RETURN_NOT_OK(writer->WriteTable(table));
  ARROW_RETURN_NOT_OK(writer->Close());
  ARROW_ASSIGN_OR_RAISE(auto buffer, sink->Finish());
  return buffer->ToString();
}

arrow::Result<std::shared_ptr<arrow::Table>> TableFromBytes(const std::string& bytes) {
  auto input = std::make_shared<arrow::io::BufferReader>(Owned(bytes));
  ARROW_ASSIGN_OR_RAISE(auto reader, arrow::ipc::RecordBatchStreamReader::Open(input));
  return reader->ToTable();
}

arrow::Result<std::string> ScalarBytes(const std::shared_ptr<arrow::Scalar>& scalar) {
  if (!scalar) return std::string();
  ARROW_ASSIGN_OR_RAISE(auto array, arrow::MakeArrayFromScalar(*scalar, 1));
  auto batch = arrow::RecordBatch::Make(arrow::schema({arrow::field("value", scalar->type)}), 1, {array});
  ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches({batch}));
  return TableBytes(*table);
}

arrow::Result<std::shared_ptr<arrow::Scalar>> ScalarFromBytes(const std::string& bytes) {
  if (bytes.empty()) return nullptr;
  ARROW_ASSIGN_OR_RAISE(auto table, TableFromBytes(bytes));
  if (table->num_columns() != 1 || table->num_rows() != 1) return arrow::Status::Invalid("not an encoded scalar");
  return table->column(0)->GetScalar(0);
}

}  // namespace quiver::dist
