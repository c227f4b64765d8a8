// A task estimator of one's own: how many tasks each stage of a distributed query gets.
//
// The default gives a task per 16 MB read, so a small table is read by one task. This
// one gives a task per file read (the planner caps it at the number of workers), and a
// stage fed by other stages as many tasks as there are workers.

#include "quiver/dist/task_estimator.h"

#include "example_support.h"
#include "quiver/dist/cluster.h"

class TaskPerFile : public quiver::dist::TaskEstimator {
 public:
  size_t Tasks(const quiver::dist::StageInput& input) const override {
    return input.files > 0 ? input.files : input.workers;
  }
};

// The task count of each stage of `sql` run distributed, first stage first.
arrow::Result<std::string> StageTasks(quiver::engine::Session& session, const std::string& sql) {
  ARROW_ASSIGN_OR_RAISE(auto result, session.Execute(sql));
  if (!result.distributed) return arrow::Status::Invalid("the query did not run distributed");
  ARROW_RETURN_NOT_OK(result.batches->ToTable().status());
  std::string tasks;
  for (const auto& stage : result.distributed->staged.stages) {
    tasks += (tasks.empty() ? "" : " ") + std::to_string(stage.tasks);
  }
  return tasks;
}

arrow::Result<std::string> TasksWith(const std::shared_ptr<quiver::dist::TaskEstimator>& estimator,
                                     const std::filesystem::path& dir, const std::string& trips) {
  quiver::engine::EngineOptions options;
  options.data_dir = (dir / "data").string();
  options.cluster.spec = "local:3";
  options.cluster.estimator = estimator;  // null: the default
  ARROW_ASSIGN_OR_RAISE(auto engine, quiver::engine::Engine::Open(options));
  auto session = engine->NewSession();
  ARROW_RETURN_NOT_OK(
      example::Query(*session, "CREATE OR REPLACE EXTERNAL TABLE trips STORED AS PARQUET LOCATION '" + trips + "'")
          .status());
  ARROW_RETURN_NOT_OK(example::Query(*session, "SET execution_mode = 'distributed'").status());
  return StageTasks(*session, "SELECT city, count(*) FROM trips GROUP BY city");
}

arrow::Status Run() {
  const auto dir = example::ScratchDir("task_estimator");
  ARROW_ASSIGN_OR_RAISE(auto trips, example::WriteTrips(dir, 5));
  ARROW_ASSIGN_OR_RAISE(auto by_default, TasksWith(nullptr, dir, trips));
  ARROW_ASSIGN_OR_RAISE(auto own, TasksWith(std::make_shared<TaskPerFile>(), dir, trips));
  std::cout << "tasks per stage (scan, then aggregate), default estimator: " << by_default << "\n";
  std::cout << "tasks per stage (scan, then aggregate), a task per file:   " << own << "\n";
  // Five files over three workers: three scan tasks, and three aggregate tasks.
  if (own != "3 3") return arrow::Status::Invalid("expected 3 scan and 3 aggregate tasks, got ", own);
  std::cout << "ok: the estimator decided " << own << " tasks where the default gives " << by_default << "\n";
  std::filesystem::remove_all(dir);
  return arrow::Status::OK();
}

int main() { return example::Main(Run); }
