#include "quiver/engine/explain_analyze.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "quiver/common/quantity_text.h"
#include "quiver/dist/analyzed_stages.h"
#include "quiver/engine/text_lines.h"
#include "quiver/exec/acero_lowering.h"
#include "quiver/exec/executor.h"
#include "quiver/exec/metrics_node.h"
#include "quiver/exec/operator_cpu_time.h"
#include "quiver/exec/tracking_memory_pool.h"
#include "quiver/plan/cardinality.h"

namespace quiver::engine {

arrow::Result<AnalyzedPlan> ExplainAnalyze(const plan::LogicalPlanPtr& plan, bool verbose,
                                           exec::InterruptCheck interrupted,
                                           const std::map<std::string, std::string>* settings) {
  exec::PlanMetrics metrics;
  metrics.unattributed = std::make_shared<exec::UnattributedCpu>();
  // Allocations of the plan's nodes (and of its scans) go through this pool, which
  // notes the most bytes allocated at once.
  exec::MeasuredQueryPool query_pool;
  exec::BudgetedMemoryPool* pool = query_pool.get();
  exec::LoweringOptions lowering;
  lowering.metrics = &metrics;
  lowering.pool = pool;
  lowering.settings = settings;
  ARROW_ASSIGN_OR_RAISE(auto declaration, exec::LowerToAcero(*plan, lowering));
  const std::string physical_plan = exec::FormatPhysicalPlan(declaration);

  const int64_t start = exec::MetricsClockNow();
  int64_t rows_returned = 0;
  {
    // Tasks this thread spawns (starting the plan, pulling its output) belong to no
    // operator; their time is the plan's unattributed time.
    exec::CreditScope not_an_operator(nullptr, nullptr, metrics.unattributed);
    ARROW_ASSIGN_OR_RAISE(auto reader, exec::StartPlan(std::move(declaration), std::move(interrupted), pool,
                                                       exec::AttributingExecutor()));
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto batch, reader->Next());
      if (!batch) break;
      rows_returned += batch->num_rows();
    }
    ARROW_RETURN_NOT_OK(reader->Close());
  }
  const int64_t total = exec::MetricsClockNow() - start;

  plan::CardinalityEstimator estimator(plan::KeyColumns(*plan));
  auto annotate = [&](const plan::LogicalPlanPtr& node) {
    std::string text = "  (estimated " + plan::FormatRows(estimator.Of(node).rows) + " rows";
    auto found = metrics.operators.find(node.get());
    if (found == metrics.operators.end()) {
      // A sort under a small LIMIT runs inside the top-N node measured on the LIMIT's line.
      return text + (node->kind == plan::LogicalKind::kSort ? ", done by the top-N of the LIMIT above)" : ")");
    }
    const auto& measured = *found->second;
    const int64_t finished = std::max<int64_t>(measured.finished_ns.load() - start, 0);
    const int64_t first_row_ns = measured.first_row_ns.load();
    const int64_t first = measured.rows.load() > 0 ? std::max<int64_t>(first_row_ns - start, 0) : finished;
    text += ", actual " + std::to_string(measured.rows.load()) + " rows";
    text += ", time " + FormatSeconds(first) + ".." + FormatSeconds(finished) + " s";
    // A scan's reading and decoding runs on Arrow's shared thread pool, outside the
    // plan's tasks, where its CPU time cannot be told from other queries'.
    if (node->kind != plan::LogicalKind::kScan) text += ", cpu " + FormatSeconds(measured.cpu_ns.load()) + " s";
    if (auto held = exec::HeldBytes(*node, metrics)) text += ", held " + FormatBytes(*held);
    return text + ")";
  };
  AnalyzedPlan analyzed;
  analyzed.plans.push_back("Logical plan:");
  for (auto& line : SplitLines(plan::FormatLogicalPlan(plan, verbose, annotate))) {
    analyzed.plans.push_back("  " + line);
  }
  analyzed.plans.push_back("Physical plan:");
  for (auto& line : SplitLines(physical_plan)) analyzed.plans.push_back("  " + line);
  int64_t operators_cpu = 0;
  for (const auto& [node, measured] : metrics.operators) {
    if (node->kind != plan::LogicalKind::kScan) operators_cpu += measured->cpu_ns.load();
  }
  analyzed.summary.push_back("CPU time " + FormatSeconds(operators_cpu) + " s in operators other than scans, " +
                             FormatSeconds(metrics.unattributed->ns.load()) + " s in plan tasks not attributed");
  analyzed.summary.push_back("Execution time " + FormatSeconds(total) + " s, " + std::to_string(rows_returned) +
                             " rows returned (discarded), peak memory " + FormatBytes(pool->max_memory()));
  return analyzed;
}

arrow::Result<AnalyzedPlan> ExplainAnalyzeOnCluster(dist::Cluster& cluster, const dist::DistributedQuery& query,
                                                    exec::InterruptCheck interrupted) {
  const int64_t start = exec::MetricsClockNow();
  int64_t rows_returned = 0;
  auto drained = [&]() -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(auto reader, cluster.OpenResult(query, interrupted));
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto batch, reader->Next());
      if (!batch) break;
      rows_returned += batch->num_rows();
    }
    return reader->Close();
  }();
  if (!drained.ok()) {
    cluster.CancelQuery(query.plan.query_id());
    return drained;
  }
  const int64_t total = exec::MetricsClockNow() - start;

  std::vector<std::string> unanswered;
  const auto tasks = cluster.CollectMetrics(query, &unanswered);
  auto stages = dist::AnalyzeStages(query.staged, tasks, unanswered);
  AnalyzedPlan analyzed;
  analyzed.plans.push_back("Distributed plan (" + std::to_string(query.plan.workers_size()) + " workers), as run:");
  for (auto& line : stages.stages) analyzed.plans.push_back("  " + line);
  analyzed.summary = std::move(stages.summary);
  analyzed.summary.push_back("Execution time " + FormatSeconds(total) + " s, " + std::to_string(rows_returned) +
                             " rows returned (discarded)");
  return analyzed;
}

}  // namespace quiver::engine
