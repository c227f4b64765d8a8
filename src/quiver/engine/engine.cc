#include "quiver/engine/engine.h"

#include <arrow/compute/initialize.h>
#include <arrow/dataset/plan.h>
#include <arrow/util/thread_pool.h>

#include "quiver/catalog/access_control.h"
#include "quiver/catalog/catalog.h"
#include "quiver/common/sql_kernels.h"
#include "quiver/engine/managed_table_storage.h"
#include "quiver/exec/memory_budget.h"
#include "quiver/storage/file_table.h"

namespace quiver::engine {

Engine::Engine(EngineOptions options, std::shared_ptr<catalog::Catalog> catalog,
               std::shared_ptr<catalog::AccessControl> access_control)
    : options_(std::move(options)), catalog_(std::move(catalog)), access_control_(std::move(access_control)) {}

arrow::Result<std::shared_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  // Arrow registers most compute kernels only when asked to.
  ARROW_RETURN_NOT_OK(arrow::compute::Initialize());
  // Registers the dataset "scan" node with Acero.
  arrow::dataset::internal::Initialize();
  ARROW_RETURN_NOT_OK(RegisterSqlKernels());
  if (options.threads > 0) ARROW_RETURN_NOT_OK(arrow::SetCpuThreadPoolCapacity(options.threads));
  storage::SetFileReadPool(exec::QueryMemoryPool());
  ARROW_ASSIGN_OR_RAISE(auto catalog, catalog::Catalog::Open(options.data_dir));
  ARROW_ASSIGN_OR_RAISE(auto recovery, RecoverManagedTables(*catalog));
  ARROW_ASSIGN_OR_RAISE(auto access_control, catalog::AccessControl::Open(catalog->data_dir()));
  auto engine = std::shared_ptr<Engine>(new Engine(options, std::move(catalog), std::move(access_control)));
  engine->recovery_report_ = std::move(recovery);
  return engine;
}

std::shared_ptr<Session> Engine::NewSession() { return std::make_shared<Session>(shared_from_this()); }

}  // namespace quiver::engine
