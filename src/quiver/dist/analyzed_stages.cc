#include "quiver/dist/analyzed_stages.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "quiver/common/quantity_text.h"
#include "quiver/plan/cardinality.h"

namespace quiver::dist {

namespace {

// One operator of a stage, summed over the stage's task runs.
struct OperatorTotals {
  int64_t rows = 0;
  int64_t cpu_ns = 0;
  int64_t first_row_ns = std::numeric_limits<int64_t>::max();  // the earliest, task-relative
  int64_t finished_ns = 0;                                     // the latest, task-relative
  bool holds = false;
  int64_t held_bytes = 0;
  int64_t held_most = 0;  // in one task
  size_t runs = 0;
};

// One stage, summed over its task runs.
struct StageTotals {
  std::set<uint32_t> tasks;
  size_t runs = 0;
  std::vector<std::string> workers;  // where its runs were, in first-seen order
  int64_t shortest_ns = std::numeric_limits<int64_t>::max();
  int64_t longest_ns = 0;
  int64_t rows_out = 0;
  int64_t bytes_out = 0;
  int64_t bytes_received = 0;
  int64_t peak_memory = 0;  // summed over runs
  int64_t peak_memory_most = 0;
  int64_t buffered = 0;
  int64_t spilled = 0;
  int64_t unattributed_cpu_ns = 0;
  size_t stopped = 0;
  std::string first_stop;
  std::map<uint32_t, OperatorTotals> operators;
};

void Add(const pb::TaskMetrics& run, StageTotals* stage) {
  stage->tasks.insert(run.task());
  ++stage->runs;
  if (std::find(stage->workers.begin(), stage->workers.end(), run.worker()) == stage->workers.end()) {
    stage->workers.push_back(run.worker());
  }
  stage->shortest_ns = std::min(stage->shortest_ns, run.elapsed_ns());
  stage->longest_ns = std::max(stage->longest_ns, run.elapsed_ns());
  stage->rows_out += run.rows_out();
  stage->bytes_out += run.bytes_out();
  stage->bytes_received += run.bytes_received();
  stage->peak_memory += run.peak_memory();
  stage->peak_memory_most = std::max(stage->peak_memory_most, run.peak_memory());
  stage->buffered += run.peak_buffered();
  stage->spilled += run.spilled_bytes();
  stage->unattributed_cpu_ns += run.unattributed_cpu_ns();
  if (!run.error().empty() && stage->stopped++ == 0) stage->first_stop = run.error();
  for (const auto& op : run.operators()) {
    auto& totals = stage->operators[op.node()];
    ++totals.runs;
    totals.rows += op.rows();
    totals.cpu_ns += op.cpu_ns();
    if (op.first_row_ns() >= 0) totals.first_row_ns = std::min(totals.first_row_ns, op.first_row_ns());
    totals.finished_ns = std::max(totals.finished_ns, op.finished_ns());
    if (op.held_bytes() >= 0) {
      totals.holds = true;
      totals.held_bytes += op.held_bytes();
      totals.held_most = std::max(totals.held_most, op.held_bytes());
    }
  }
}

void NumberInPreOrder(const plan::LogicalPlanPtr& node, std::map<const plan::LogicalOperator*, uint32_t>* numbers) {
  const auto number = static_cast<uint32_t>(numbers->size());
  (*numbers)[node.get()] = number;
  for (const auto& input : node->inputs) NumberInPreOrder(input, numbers);
}

std::string OperatorText(const plan::LogicalOperator& node, const OperatorTotals& totals) {
  const int64_t first = totals.rows > 0 ? totals.first_row_ns : totals.finished_ns;
  std::string text = ", actual " + std::to_string(totals.rows) + " rows";
  if (totals.runs > 1) text += " in " + std::to_string(totals.runs) + " tasks";
  text += ", time " + FormatSeconds(first) + ".." + FormatSeconds(totals.finished_ns) + " s";
  // As for a single node: a scan's decoding runs on Arrow's shared pools, unmeasured.
  if (node.kind != plan::LogicalKind::kScan) text += ", cpu " + FormatSeconds(totals.cpu_ns) + " s";
  if (totals.holds) {
    text += ", held " + FormatBytes(totals.held_bytes);
    if (totals.runs > 1) text += " (" + FormatBytes(totals.held_most) + " in one task)";
  }
  return text;
}

std::string StageText(const PlannedStage& stage, const StageTotals& totals) {
  std::ostringstream out;
  out << "measured: " << totals.tasks.size() << " of " << stage.tasks << (stage.tasks == 1 ? " task" : " tasks");
  if (totals.runs > totals.tasks.size()) out << " (" << totals.runs << " runs)";
  out << ", time " << FormatSeconds(totals.shortest_ns) << ".." << FormatSeconds(totals.longest_ns) << " s per task";
  out << ", " << totals.rows_out << " rows out (" << FormatBytes(totals.bytes_out) << " sent)";
  if (!stage.inputs.empty()) out << ", " << FormatBytes(totals.bytes_received) << " received";
  out << ", peak memory " << FormatBytes(totals.peak_memory);
  if (totals.runs > 1) out << " (" << FormatBytes(totals.peak_memory_most) << " in one task)";
  out << ", output buffered " << FormatBytes(totals.buffered) << ", spilled " << FormatBytes(totals.spilled);
  if (totals.stopped > 0) {
    out << "; " << totals.stopped << (totals.stopped == 1 ? " run" : " runs") << " stopped before its end ("
        << totals.first_stop << ")";
  }
  return out.str();
}

}  // namespace

AnalyzedStages AnalyzeStages(const StagedPlan& staged, const std::vector<pb::TaskMetrics>& tasks,
                             const std::vector<std::string>& unanswered) {
  uint32_t attempt = 0;
  for (const auto& run : tasks) attempt = std::max(attempt, run.attempt());
  std::map<uint32_t, StageTotals> stages;
  for (const auto& run : tasks) {
    if (run.attempt() == attempt) Add(run, &stages[run.stage()]);
  }

  AnalyzedStages analyzed;
  int64_t operators_cpu = 0, unattributed_cpu = 0, between_stages = 0, peak_memory = 0, buffered = 0;
  for (const auto& [id, totals] : stages) {
    unattributed_cpu += totals.unattributed_cpu_ns;
    between_stages += totals.bytes_received;
    peak_memory += totals.peak_memory;
    buffered += totals.buffered;
  }
  for (auto stage = staged.stages.rbegin(); stage != staged.stages.rend(); ++stage) {
    const StageTotals& totals = stages[stage->id];
    analyzed.stages.push_back(StageHeading(*stage, totals.workers));
    analyzed.stages.push_back(
        "  " + (totals.runs == 0 ? std::string("measured: no task reported") : StageText(*stage, totals)));
    std::map<const plan::LogicalOperator*, uint32_t> numbers;
    NumberInPreOrder(stage->plan, &numbers);
    // As on a single node, scans are left out: their decoding runs on Arrow's pools.
    for (const auto& [node, number] : numbers) {
      auto found = totals.operators.find(number);
      if (node->kind != plan::LogicalKind::kScan && found != totals.operators.end()) {
        operators_cpu += found->second.cpu_ns;
      }
    }
    plan::CardinalityEstimator estimator(plan::KeyColumns(*stage->plan));
    auto annotate = [&](const plan::LogicalPlanPtr& node) {
      std::string text = "  (estimated " + plan::FormatRows(estimator.Of(node).rows) + " rows";
      auto found = totals.operators.find(numbers.at(node.get()));
      if (found != totals.operators.end()) return text + OperatorText(*node, found->second) + ")";
      // A sort under a small LIMIT runs inside the top-N node measured on the LIMIT's line.
      return text + (node->kind == plan::LogicalKind::kSort ? ", done by the top-N of the LIMIT above)" : ")");
    };
    std::istringstream lines(plan::FormatLogicalPlan(stage->plan, false, annotate));
    for (std::string line; std::getline(lines, line);) analyzed.stages.push_back("  " + line);
  }

  const int64_t final_bytes = stages[staged.final_stage().id].bytes_out;
  analyzed.summary.push_back("CPU time " + FormatSeconds(operators_cpu) + " s in operators other than scans, " +
                             FormatSeconds(unattributed_cpu) + " s in plan tasks not attributed, over all tasks");
  analyzed.summary.push_back("Network: " + FormatBytes(between_stages) + " between stages, " +
                             FormatBytes(final_bytes) + " of results; memory: " + FormatBytes(peak_memory) +
                             " at the tasks' peaks summed, " + FormatBytes(buffered) + " of output buffered");
  if (attempt > 0) {
    analyzed.summary.push_back("The query lost a worker and ran again as attempt " + std::to_string(attempt) +
                               "; measured is that attempt");
  }
  if (!unanswered.empty()) {
    std::string names;
    for (const auto& url : unanswered) names += (names.empty() ? "" : ", ") + url;
    analyzed.summary.push_back("No metrics from " + names + " (did not answer)");
  }
  return analyzed;
}

}  // namespace quiver::dist
