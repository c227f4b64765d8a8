#include "quiver/engine/engine.h"

#include <arrow/compute/initialize.h>
#include <arrow/dataset/plan.h>
#include <arrow/util/thread_pool.h>

#include "quiver/catalog/access_control.h"
#include "quiver/catalog/catalog.h"
#include "quiver/common/directory_lock.h"
#include "quiver/common/sql_kernels.h"
#include "quiver/dist/cluster.h"
#include "quiver/engine/managed_table_storage.h"
#include "quiver/exec/memory_budget.h"
#include "quiver/lake/multi_table_commit.h"
#include "quiver/storage/file_table.h"

namespace quiver::engine {

namespace {

std::string CommitJournalPath(const std::string& data_dir) { return data_dir + "/commit.journal"; }

}  // namespace

Engine::Engine(EngineOptions options, std::unique_ptr<DirectoryLock> lock, std::shared_ptr<catalog::Catalog> catalog,
               std::shared_ptr<catalog::AccessControl> access_control)
    : options_(std::move(options)),
      lock_(std::move(lock)),
      catalog_(std::move(catalog)),
      access_control_(std::move(access_control)) {}

Engine::~Engine() = default;

arrow::Result<std::shared_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  // Arrow registers most compute kernels only when asked to.
  ARROW_RETURN_NOT_OK(arrow::compute::Initialize());
  // Registers the dataset "scan" node with Acero.
  arrow::dataset::internal::Initialize();
  ARROW_RETURN_NOT_OK(RegisterSqlKernels());
  if (options.threads > 0) ARROW_RETURN_NOT_OK(arrow::SetCpuThreadPoolCapacity(options.threads));
  storage::SetFileReadPool(exec::QueryMemoryPool());
  ARROW_ASSIGN_OR_RAISE(auto catalog, catalog::Catalog::Open(options.data_dir));
  // Taken before recovery, which deletes what no commit names: with two servers on
  // one directory it would delete the other's writes in progress.
  ARROW_ASSIGN_OR_RAISE(auto lock, DirectoryLock::Acquire(catalog->data_dir(), "quiver.lock"));
  // A transaction committed over several tables is completed before anything else
  // looks at them (recovery would take its files for uncommitted ones).
  ARROW_ASSIGN_OR_RAISE(const int completed, lake::CompleteJournaledCommit(CommitJournalPath(catalog->data_dir())));
  ARROW_ASSIGN_OR_RAISE(auto recovery, RecoverManagedTables(*catalog));
  if (completed > 0) {
    recovery = "completed a transaction interrupted while committing (" + std::to_string(completed) +
               " table commit(s))" + (recovery.empty() ? "" : "; " + recovery);
  }
  ARROW_ASSIGN_OR_RAISE(auto access_control, catalog::AccessControl::Open(catalog->data_dir()));
  auto engine =
      std::shared_ptr<Engine>(new Engine(options, std::move(lock), std::move(catalog), std::move(access_control)));
  engine->recovery_report_ = std::move(recovery);
  if (!options.cluster.spec.empty()) {
    dist::ClusterOptions cluster = options.cluster;
    if (cluster.spill_dir.empty()) cluster.spill_dir = engine->catalog().data_dir();
    ARROW_ASSIGN_OR_RAISE(engine->cluster_, dist::Cluster::Start(cluster));
  }
  return engine;
}

std::string Engine::commit_journal_path() const { return CommitJournalPath(catalog_->data_dir()); }

std::shared_ptr<Session> Engine::NewSession() { return std::make_shared<Session>(shared_from_this()); }

}  // namespace quiver::engine
