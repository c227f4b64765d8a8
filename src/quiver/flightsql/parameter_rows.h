#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <memory>
#include <vector>

#include "quiver/engine/session.h"

namespace quiver::flightsql {

/// Splits bound parameters (one column per placeholder, one row per execution) into
/// the per-execution scalar lists the engine takes. No batch means one execution
/// without parameters.
arrow::Result<std::vector<engine::ParameterValues>> ParameterRows(
    const std::shared_ptr<arrow::RecordBatch>& parameters);

/// Collects the batches a client sent with DoPut into one batch (null when the
/// client sent no rows). Invalid if its column count differs from `expected`.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> CombineParameterBatches(
    const std::vector<std::shared_ptr<arrow::RecordBatch>>& batches, const std::shared_ptr<arrow::Schema>& expected);

}  // namespace quiver::flightsql
