#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <string>

namespace quiver::engine {

class Engine;
class Authorizer;
class TableAccess;

/// What a bulk load asks for (Flight SQL's CommandStatementIngest, ADBC's ingest modes).
struct IngestRequest {
  std::string schema_name;  // empty: "public"
  std::string table;
  enum class IfMissing { kCreate, kFail } if_missing = IfMissing::kFail;
  enum class IfExists { kFail, kAppend, kReplace } if_exists = IfExists::kFail;
};

/// Loads a stream of record batches into a managed table, as one commit: the table
/// is created from the stream's schema (create), gets the rows added (append), or has
/// its rows and columns replaced by the stream's (replace). Columns of an existing
/// table are matched by name; columns the stream lacks are NULL. Nothing of a load
/// that fails is visible. Returns the rows loaded.
/// `access` decides whether the load commits at once or joins a transaction;
/// `authorizer` checks the privileges the load needs (CREATE on the schema to create,
/// INSERT to append, INSERT and DELETE to replace).
arrow::Result<int64_t> IngestBatches(Engine& engine, TableAccess& access, const Authorizer& authorizer,
                                     const IngestRequest& request, arrow::RecordBatchReader& batches);

}  // namespace quiver::engine
