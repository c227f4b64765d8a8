#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <memory>
#include <string>
#include <vector>

#include "quiver/engine/session.h"

namespace quiver::flightsql {

/// Runs a query once per parameter row and streams the results one after another,
/// as if they were one result. The first execution happens here, so its errors
/// reach the client before any data; the others start only when the previous
/// result has been read to the end. Invalid if a later execution's schema differs
/// from the first one's.
arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> RunQuery(std::shared_ptr<engine::Session> session,
                                                                  std::string sql,
                                                                  std::vector<engine::ParameterValues> parameter_rows);

/// Starts a query planned earlier (when its FlightInfo was made).
arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> RunPlanned(engine::Session& session,
                                                                    const engine::PlannedQuery& planned);

/// Runs a statement that returns no rows once per parameter row and adds up the
/// rows each affected; 0 for statements that change no rows (DDL, SET), as JDBC
/// expects of executeUpdate (its -1 means "a result set"). A query given here
/// is refused (after running it once), naming the command to use instead.
arrow::Result<int64_t> RunUpdate(engine::PreparedStatement& statement,
                                 const std::vector<engine::ParameterValues>& parameter_rows);

/// As above for SQL text that was not prepared.
arrow::Result<int64_t> RunUpdate(engine::Session& session, const std::string& sql);

}  // namespace quiver::flightsql
