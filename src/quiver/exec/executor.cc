#include "quiver/exec/executor.h"

#include <arrow/acero/exec_plan.h>

namespace quiver::exec {

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> StartPlan(arrow::acero::Declaration declaration) {
  arrow::acero::QueryOptions options;
  options.use_threads = true;
  ARROW_ASSIGN_OR_RAISE(auto reader, arrow::acero::DeclarationToReader(std::move(declaration), options));
  return std::shared_ptr<arrow::RecordBatchReader>(std::move(reader));
}

}  // namespace quiver::exec
