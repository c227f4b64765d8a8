#include "quiver/flightsql/statement_ticket.h"

#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/reader.h>
#include <arrow/ipc/writer.h>
#include <arrow/record_batch.h>
#include <arrow/util/endian.h>

#include <cstring>

#include "quiver/common/random_id.h"

namespace quiver::flightsql {

// Layout: magic, one flag byte, the query id (kQueryIdBytes bytes), the SQL's length
// (u32 little-endian) and bytes, then, in a transaction, the transaction id's length (u32)
// and bytes, then, when parameters are bound, an Arrow IPC stream holding them.
namespace {

constexpr std::string_view kMagic = "QVST2";
constexpr uint8_t kHasParameters = 1;
constexpr uint8_t kAlreadyExecuted = 2;
constexpr uint8_t kInTransaction = 4;

void AppendText(std::string* out, const std::string& text) {
  uint32_t length = arrow::bit_util::ToLittleEndian(static_cast<uint32_t>(text.size()));
  out->append(reinterpret_cast<const char*>(&length), sizeof(length));
  out->append(text);
}

// Reads what AppendText wrote from the front of `bytes`; false when truncated.
bool TakeText(std::string_view* bytes, std::string* text) {
  uint32_t length;
  if (bytes->size() < sizeof(length)) return false;
  std::memcpy(&length, bytes->data(), sizeof(length));
  length = arrow::bit_util::FromLittleEndian(length);
  bytes->remove_prefix(sizeof(length));
  if (bytes->size() < length) return false;
  text->assign(bytes->substr(0, length));
  bytes->remove_prefix(length);
  return true;
}

arrow::Status Malformed(const char* why) {
  return arrow::Status::Invalid("malformed statement ticket (", why,
                                "); tickets come from GetFlightInfo on this server");
}

}  // namespace

std::string StatementTicket::NewQueryId() { return RandomId(kQueryIdBytes); }

arrow::Result<std::string> StatementTicket::Encode() const {
  std::string out(kMagic);
  uint8_t flags = (parameters ? kHasParameters : 0) | (already_executed ? kAlreadyExecuted : 0) |
                  (transaction_id.empty() ? 0 : kInTransaction);
  out.push_back(static_cast<char>(flags));
  std::string id = query_id;
  id.resize(kQueryIdBytes, '\0');
  out.append(id);
  AppendText(&out, sql);
  if (!transaction_id.empty()) AppendText(&out, transaction_id);
  if (parameters) {
    ARROW_ASSIGN_OR_RAISE(auto sink, arrow::io::BufferOutputStream::Create());
    ARROW_ASSIGN_OR_RAISE(auto writer, arrow::ipc::MakeStreamWriter(sink, parameters->schema()));
    ARROW_RETURN_NOT_OK(writer->WriteRecordBatch(*parameters));
    ARROW_RETURN_NOT_OK(writer->Close());
    ARROW_ASSIGN_OR_RAISE(auto buffer, sink->Finish());
    out.append(reinterpret_cast<const char*>(buffer->data()), static_cast<size_t>(buffer->size()));
  }
  return out;
}

arrow::Result<StatementTicket> StatementTicket::Decode(std::string_view handle) {
  if (handle.substr(0, kMagic.size()) != kMagic) return Malformed("unknown format");
  handle.remove_prefix(kMagic.size());
  if (handle.size() < 1 + kQueryIdBytes) return Malformed("truncated header");
  auto flags = static_cast<uint8_t>(handle[0]);
  StatementTicket ticket;
  ticket.query_id.assign(handle.substr(1, kQueryIdBytes));
  handle.remove_prefix(1 + kQueryIdBytes);
  if (!TakeText(&handle, &ticket.sql)) return Malformed("truncated SQL text");
  if ((flags & kInTransaction) && !TakeText(&handle, &ticket.transaction_id)) {
    return Malformed("truncated transaction id");
  }
  ticket.already_executed = (flags & kAlreadyExecuted) != 0;
  if (flags & kHasParameters) {
    // The view dies with the request; copy the bytes the batch will point into.
    auto owned = arrow::Buffer::FromString(std::string(handle));
    auto input = std::make_shared<arrow::io::BufferReader>(owned);
    auto reader = arrow::ipc::RecordBatchStreamReader::Open(input);
    if (!reader.ok()) return Malformed("unreadable parameters");
    auto batches = (*reader)->ToRecordBatches();
    if (!batches.ok() || batches->size() != 1) return Malformed("unreadable parameters");
    ticket.parameters = (*batches)[0];
  } else if (!handle.empty()) {
    return Malformed("trailing bytes");
  }
  return ticket;
}

}  // namespace quiver::flightsql
