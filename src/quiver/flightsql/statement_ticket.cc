#include "quiver/flightsql/statement_ticket.h"

#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/reader.h>
#include <arrow/ipc/writer.h>
#include <arrow/record_batch.h>
#include <arrow/util/endian.h>

#include <cstring>

namespace quiver::flightsql {

// Layout: magic, one flag byte, the SQL's length (u32 little-endian) and bytes,
// then, when parameters are bound, an Arrow IPC stream holding them.
namespace {

constexpr std::string_view kMagic = "QVST1";
constexpr uint8_t kHasParameters = 1;
constexpr uint8_t kAlreadyExecuted = 2;

arrow::Status Malformed(const char* why) {
  return arrow::Status::Invalid("malformed statement ticket (", why,
                                "); tickets come from GetFlightInfo on this server");
}

}  // namespace

arrow::Result<std::string> StatementTicket::Encode() const {
  std::string out(kMagic);
  uint8_t flags = (parameters ? kHasParameters : 0) | (already_executed ? kAlreadyExecuted : 0);
  out.push_back(static_cast<char>(flags));
  uint32_t length = arrow::bit_util::ToLittleEndian(static_cast<uint32_t>(sql.size()));
  out.append(reinterpret_cast<const char*>(&length), sizeof(length));
  out.append(sql);
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
  if (handle.size() < 1 + sizeof(uint32_t)) return Malformed("truncated header");
  auto flags = static_cast<uint8_t>(handle[0]);
  uint32_t length;
  std::memcpy(&length, handle.data() + 1, sizeof(length));
  length = arrow::bit_util::FromLittleEndian(length);
  handle.remove_prefix(1 + sizeof(uint32_t));
  if (handle.size() < length) return Malformed("truncated SQL text");

  StatementTicket ticket;
  ticket.sql.assign(handle.substr(0, length));
  ticket.already_executed = (flags & kAlreadyExecuted) != 0;
  handle.remove_prefix(length);
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
