#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <string>

namespace quiver::engine {

class Session;

/// What a bulk load asks for (Flight SQL's CommandStatementIngest, ADBC's ingest modes).
struct IngestRequest {
  std::string schema_name;  // empty: "public"
  std::string table;
  enum class IfMissing { kCreate, kFail } if_missing = IfMissing::kFail;
  enum class IfExists { kFail, kAppend, kReplace } if_exists = IfExists::kFail;
  /// Into one of the session's temporary tables (schema_name must be empty or
  /// sql::kTemporarySchema).
  bool temporary = false;
};

/// Loads a stream of record batches into a managed table, as one commit: the table
/// is created from the stream's schema (create), gets the rows added (append), or has
/// its rows and columns replaced by the stream's (replace). Columns of an existing
/// table are matched by name; columns the stream lacks are NULL. Nothing of a load
/// that fails is visible. Returns the rows loaded.
/// The load joins the session's transaction if it has one, and runs as the session's
/// user, who needs CREATE on the schema to create, INSERT to append, INSERT and DELETE
/// to replace (temporary tables are the session's own).
arrow::Result<int64_t> IngestBatches(Session& session, const IngestRequest& request, arrow::RecordBatchReader& batches);

}  // namespace quiver::engine
