#include "quiver/dist/stage_task.h"

#include <arrow/acero/options.h>
#include <arrow/compute/api.h>
#include <arrow/util/byte_size.h>

#include <filesystem>

#include "quiver/common/hex_text.h"
#include "quiver/dist/arrow_bytes.h"
#include "quiver/dist/exchange_reader.h"
#include "quiver/dist/plan_codec.h"
#include "quiver/dist/task_ticket.h"
#include "quiver/exec/acero_lowering.h"
#include "quiver/exec/executor.h"
#include "quiver/exec/memory_budget.h"
#include "quiver/exec/memory_size.h"
#include "quiver/exec/metrics_node.h"
#include "quiver/exec/operator_cpu_time.h"
#include "quiver/exec/prioritized_executor.h"
#include "quiver/exec/tracking_memory_pool.h"

namespace quiver::dist {

namespace ac = arrow::acero;

namespace {

// The setting limiting a query's memory; it applies to each of its tasks on a worker.
constexpr const char* kMemoryLimitSetting = "memory_limit";

// Where output `copy` of `stage` (0: its output; k: its k-th broadcast copy) lies among
// its tasks' partitions: the output's come first, then each copy's in order.
PartitionRange OutputPartitions(const pb::Stage& stage, uint32_t copy) {
  uint32_t first = std::max<uint32_t>(stage.output().partitions(), 1);
  if (copy == 0) return PartitionRange{0, first};
  for (uint32_t k = 1; k < copy; ++k) first += std::max<uint32_t>(stage.broadcast_copies(static_cast<int>(k - 1)), 1);
  return PartitionRange{first, std::max<uint32_t>(stage.broadcast_copies(static_cast<int>(copy - 1)), 1)};
}

// Batches as the plan says: a column a scan left dictionary-encoded goes out decoded.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> Conformed(const std::shared_ptr<arrow::RecordBatch>& batch,
                                                             const std::shared_ptr<arrow::Schema>& schema) {
  if (batch->schema()->Equals(*schema, /*check_metadata=*/false)) return batch;
  arrow::ArrayVector columns;
  for (int i = 0; i < schema->num_fields(); ++i) {
    auto column = batch->column(i);
    if (!column->type()->Equals(*schema->field(i)->type())) {
      ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(*column, schema->field(i)->type()));
      column = std::move(cast);
    }
    columns.push_back(std::move(column));
  }
  return arrow::RecordBatch::Make(schema, batch->num_rows(), std::move(columns));
}

std::string SpillPath(const WorkerContext& context, const TaskKey& key, uint32_t partition) {
  std::string name = "quiver-spill-" + key.ToString() + "-p" + std::to_string(partition);
  for (char& c : name) {
    if (c == '/' || c == ' ') c = '_';
  }
  return (std::filesystem::path(context.spill_dir.empty() ? std::filesystem::temp_directory_path().string()
                                                          : context.spill_dir) /
          name)
      .string();
}

}  // namespace

std::string TaskKey::ToString() const {
  return HexText(query_id) + "-a" + std::to_string(attempt) + "-s" + std::to_string(stage) + "-t" +
         std::to_string(task) + (run > 0 ? "-r" + std::to_string(run) : "");
}

arrow::internal::Executor* ExchangeExecutor() {
  static auto pool = arrow::internal::ThreadPool::Make(64);
  return pool->get();
}

arrow::Result<std::shared_ptr<StageTask>> StageTask::Start(const pb::TaskTicket& ticket, const TaskKey& key,
                                                           const WorkerContext& context, TaskMetricsSink report) {
  const auto& plan = ticket.plan();
  if (ticket.stage() >= static_cast<uint32_t>(plan.stages_size())) return arrow::Status::Invalid("no such stage");
  const auto& stage = plan.stages(static_cast<int>(ticket.stage()));
  if (ticket.task() >= static_cast<uint32_t>(stage.workers_size())) return arrow::Status::Invalid("no such task");

  std::shared_ptr<StageTask> task(new StageTask());
  task->key_ = key;
  task->output_ = stage.output();
  task->final_ = ticket.stage() + 1 == static_cast<uint32_t>(plan.stages_size());
  auto* raw = task.get();
  const bool analyze = plan.analyze() && report;
  if (analyze) {
    task->report_ = std::move(report);
    task->metrics_ = std::make_shared<exec::PlanMetrics>();
    task->metrics_->unattributed = std::make_shared<exec::UnattributedCpu>();
    task->start_ns_ = exec::MetricsClockNow();
  }
  const uint32_t partitions = task->final_ ? 1 : std::max<uint32_t>(stage.output().partitions(), 1);
  task->main_partitions_ = partitions;
  uint32_t all_partitions = partitions;
  for (uint32_t copy = 1; copy <= static_cast<uint32_t>(stage.broadcast_copies_size()); ++copy) {
    task->copies_.push_back(OutputPartitions(stage, copy));
    all_partitions += task->copies_.back().count;
  }
  // A final task's one reader is the client: the task keeps pace with it.
  const auto when_full = task->final_ ? PartitionBuffer::WhenFull::kWaitForReader : PartitionBuffer::WhenFull::kSpill;
  for (uint32_t p = 0; p < all_partitions; ++p) {
    task->partitions_.push_back(std::make_shared<PartitionBuffer>(context.partition_memory_bytes,
                                                                  SpillPath(context, task->key_, p), when_full));
  }

  if (key.run > 0) {
    for (uint32_t p = 0; p < all_partitions; ++p) {
      if (p != ticket.partition()) task->partitions_[p]->Cancel();
    }
  }

  if (partitions > 1 && stage.output().kind() == pb::Partitioning::HASH) {
    task->partitioner_.emplace(std::vector<std::string>(stage.output().keys().begin(), stage.output().keys().end()),
                               partitions);
  }

  TaskSelection selection;
  selection.task = ticket.task();
  if (static_cast<int>(ticket.task()) < stage.tasks_size())
    selection.scans = &stage.tasks(static_cast<int>(ticket.task()));
  if (analyze) selection.node_numbers = &task->node_numbers_;
  ARROW_ASSIGN_OR_RAISE(auto task_plan, DecodePlan(stage.plan(), selection));
  task->schema_ = task_plan->schema;

  // A measured task's pool notes the most memory its plan held at once.
  if (auto limit = plan.settings().find(kMemoryLimitSetting); limit != plan.settings().end()) {
    ARROW_ASSIGN_OR_RAISE(auto bytes,
                          exec::ParseMemoryLimit(limit->second, exec::AvailableMemoryBytes(), kMemoryLimitSetting));
    task->pool_ = std::make_shared<exec::MeasuredQueryPool>();
    task->pool_->get()->set_limit(bytes);
  } else if (analyze) {
    task->pool_ = std::make_shared<exec::MeasuredQueryPool>();
  }

  exec::LoweringOptions lowering;
  if (task->pool_) lowering.pool = task->pool_->get();
  // On a busy worker, producers' tasks go before their consumers' (prioritized_executor.h).
  const auto priority = static_cast<int32_t>(ticket.stage());
  lowering.scan_executor = exec::PrioritizedExecutor(arrow::internal::GetCpuThreadPool(), priority);
  auto* plan_executor =
      exec::PrioritizedExecutor(analyze ? exec::AttributingExecutor() : arrow::internal::GetCpuThreadPool(), priority);
  // One per partition for a hash split; otherwise every partition gets the same rows.
  const BatchCoalescer coalescer(lowering.pool ? lowering.pool : exec::QueryMemoryPool());
  task->whole_.emplace(coalescer);
  if (task->partitioner_) task->split_.assign(partitions, coalescer);
  if (analyze) {
    lowering.metrics = task->metrics_.get();
    task->plan_ = task_plan;
  }
  // The query's settings, as SET where it was planned: user plan nodes read them.
  const std::map<std::string, std::string> settings(plan.settings().begin(), plan.settings().end());
  lowering.settings = &settings;
  const uint32_t my_partition = ticket.task();
  // The task's tickets to its producers all carry its plan, signed once here.
  ARROW_ASSIGN_OR_RAISE(const SignedPlan signed_plan, SignedPlanOf(ticket, context.secret));
  lowering.exchange_source = [&plan, &signed_plan, &context, my_partition, raw,
                              analyze](const plan::LogicalExchange& exchange) -> arrow::Result<ac::Declaration> {
    if (exchange.stage >= static_cast<uint32_t>(plan.stages_size())) return arrow::Status::Invalid("no such stage");
    const auto& producer = plan.stages(static_cast<int>(exchange.stage));
    if (exchange.copy > static_cast<uint32_t>(producer.broadcast_copies_size())) {
      return arrow::Status::Invalid("stage ", exchange.stage, " has no broadcast copy ", exchange.copy);
    }
    const auto range = OutputPartitions(producer, exchange.copy);
    const uint32_t partition = range.first + (range.count <= 1 ? 0 : my_partition);
    std::vector<ExchangeSource> sources;
    for (int t = 0; t < producer.workers_size(); ++t) {
      pb::TaskTicket request;
      request.set_stage(exchange.stage);
      request.set_task(static_cast<uint32_t>(t));
      request.set_partition(partition);
      request.set_issued_unix_seconds(
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
              .count());
      const std::string& worker = plan.workers(static_cast<int>(producer.workers(t)));
      ExchangeSource source{worker, SignTicket(signed_plan, request, context.secret), {}};
      if (context.open_here && worker == context.self_url) {
        *request.mutable_plan() = plan;
        request.set_plan_mac(signed_plan.mac);
        source.open_here = [open = context.open_here, request = std::move(request)] { return open(request); };
      }
      sources.push_back(std::move(source));
    }
    ARROW_ASSIGN_OR_RAISE(auto reader,
                          ExchangeReader::Open(exchange.schema, std::move(sources), context.resolver,
                                               ExchangeOptions{.producer_timeout = context.producer_timeout}));
    if (analyze) raw->exchanges_.push_back(reader);
    return ac::Declaration("record_batch_reader_source",
                           ac::RecordBatchReaderSourceNodeOptions(std::move(reader), ExchangeExecutor()));
  };
  ARROW_ASSIGN_OR_RAISE(auto declaration, exec::LowerToAcero(*task_plan, lowering));
  {
    // Starting the plan is no operator's work (ExplainAnalyze does the same).
    std::optional<exec::CreditScope> not_an_operator;
    if (analyze) not_an_operator.emplace(nullptr, nullptr, task->metrics_->unattributed);
    ARROW_ASSIGN_OR_RAISE(task->reader_, exec::StartPlan(
                                             std::move(declaration), [raw] { return raw->cancelled_.load(); },
                                             lowering.pool, plan_executor));
  }
  task->pump_ = std::thread([raw] { raw->Pump(); });
  return task;
}

StageTask::~StageTask() {
  Cancel();
  if (pump_.joinable()) pump_.join();
}

arrow::Result<std::shared_ptr<PartitionBuffer>> StageTask::partition(uint32_t index) const {
  if (index >= partitions_.size()) {
    return arrow::Status::Invalid("task ", key_.ToString(), " has ", partitions_.size(), " partitions, not ",
                                  index + 1);
  }
  return partitions_[index];
}

arrow::Status StageTask::SpreadBatch(const std::shared_ptr<arrow::RecordBatch>& produced) {
  ARROW_ASSIGN_OR_RAISE(auto batch, Conformed(produced, schema_));
  rows_out_ += batch->num_rows();
  // Of a slice, Flight sends only the part of the buffers it uses.
  const auto referenced = arrow::util::ReferencedBufferSize(*batch);
  const int64_t bytes = referenced.ok() ? *referenced : arrow::util::TotalBufferSize(*batch);
  if (partitioner_) {
    ARROW_ASSIGN_OR_RAISE(auto parts, partitioner_->Split(batch));
    bytes_out_ += bytes;
    for (size_t p = 0; p < parts.size(); ++p) {
      if (!parts[p]) continue;
      ARROW_ASSIGN_OR_RAISE(auto ready, split_[p].Add(std::move(parts[p])));
      if (ready) ARROW_RETURN_NOT_OK(partitions_[p]->Push(std::move(ready)));
    }
  } else {
    // SINGLE, BROADCAST, or HASH into one partition: every partition gets every row.
    bytes_out_ += bytes * static_cast<int64_t>(main_partitions_);
  }
  for (const auto& copy : copies_) bytes_out_ += bytes * static_cast<int64_t>(copy.count);
  if (partitioner_ && copies_.empty()) return arrow::Status::OK();
  ARROW_ASSIGN_OR_RAISE(auto ready, whole_->Add(batch));
  return PushWhole(ready);
}

arrow::Status StageTask::PushWhole(const std::shared_ptr<arrow::RecordBatch>& batch) {
  if (!batch) return arrow::Status::OK();
  if (!partitioner_) ARROW_RETURN_NOT_OK(PushTo(batch, PartitionRange{0, main_partitions_}));
  for (const auto& copy : copies_) ARROW_RETURN_NOT_OK(PushTo(batch, copy));
  return arrow::Status::OK();
}

arrow::Status StageTask::PushTo(const std::shared_ptr<arrow::RecordBatch>& batch, PartitionRange range) {
  for (uint32_t p = range.first; p < range.first + range.count; ++p) ARROW_RETURN_NOT_OK(partitions_[p]->Push(batch));
  return arrow::Status::OK();
}

arrow::Status StageTask::FlushGathered() {
  for (size_t p = 0; p < split_.size(); ++p) {
    ARROW_ASSIGN_OR_RAISE(auto rest, split_[p].Flush());
    if (rest) ARROW_RETURN_NOT_OK(partitions_[p]->Push(std::move(rest)));
  }
  ARROW_ASSIGN_OR_RAISE(auto rest, whole_->Flush());
  return PushWhole(rest);
}

void StageTask::Pump() {
  // Taking the plan's output is no operator's work either.
  std::optional<exec::CreditScope> not_an_operator;
  if (metrics_) not_an_operator.emplace(nullptr, nullptr, metrics_->unattributed);
  arrow::Status status;
  while (!cancelled_.load()) {
    std::shared_ptr<arrow::RecordBatch> batch;
    status = reader_->ReadNext(&batch);
    if (!status.ok() || !batch) break;
    if (batch->num_rows() == 0) continue;
    status = SpreadBatch(batch);
    if (!status.ok()) break;
    // Nobody left to read: stop early.
    if (consumed()) break;
  }
  if (cancelled_.load() && status.ok()) status = arrow::Status::Cancelled("task ", key_.ToString(), " was cancelled");
  if (status.ok() && !consumed()) status = FlushGathered();
  (void)reader_->Close();
  // Reported before the readers see the end: once a query's result has been read to
  // its end, every task that produced it has reported.
  if (metrics_) report_(Measured(status));
  for (auto& partition : partitions_) partition->Finish(status);
  finished_ = true;
}

pb::TaskMetrics StageTask::Measured(const arrow::Status& status) const {
  pb::TaskMetrics measured;
  measured.set_stage(key_.stage);
  measured.set_task(key_.task);
  measured.set_attempt(key_.attempt);
  measured.set_run(key_.run);
  measured.set_elapsed_ns(exec::MetricsClockNow() - start_ns_);
  measured.set_rows_out(rows_out_.load());
  measured.set_bytes_out(bytes_out_.load());
  int64_t received = 0;
  for (const auto& exchange : exchanges_) received += exchange->bytes_received();
  measured.set_bytes_received(received);
  measured.set_peak_memory(pool_->get()->max_memory());
  int64_t buffered = 0, spilled = 0;
  for (const auto& partition : partitions_) {
    buffered += partition->peak_memory_bytes();
    spilled += partition->total_spilled_bytes();
  }
  measured.set_peak_buffered(buffered);
  measured.set_spilled_bytes(spilled);
  measured.set_unattributed_cpu_ns(metrics_->unattributed->ns.load());
  if (!status.ok()) measured.set_error(status.ToString());
  for (const auto& [node, number] : node_numbers_) {
    auto found = metrics_->operators.find(node);
    if (found == metrics_->operators.end()) continue;  // a sort done by the top-N above it
    const auto& counters = *found->second;
    auto* op = measured.add_operators();
    op->set_node(number);
    op->set_rows(counters.rows.load());
    op->set_batches(counters.batches.load());
    op->set_bytes(counters.bytes.load());
    op->set_first_row_ns(counters.rows.load() > 0 ? std::max<int64_t>(counters.first_row_ns.load() - start_ns_, 0)
                                                  : -1);
    op->set_finished_ns(std::max<int64_t>(counters.finished_ns.load() - start_ns_, 0));
    op->set_cpu_ns(counters.cpu_ns.load());
    const auto held = exec::HeldBytes(*node, *metrics_);
    op->set_held_bytes(held ? *held : -1);
  }
  return measured;
}

void StageTask::Cancel(const arrow::Status& reason) {
  cancelled_ = true;
  for (auto& partition : partitions_) partition->Cancel(reason);
}

bool StageTask::consumed() const {
  for (const auto& partition : partitions_) {
    if (!partition->done()) return false;
  }
  return true;
}

bool StageTask::waiting_for_reader() const {
  for (const auto& partition : partitions_) {
    if (partition->producer_waiting()) return true;
  }
  return false;
}

bool StageTask::being_read() const {
  for (const auto& partition : partitions_) {
    if (partition->claimed() && !partition->done()) return true;
  }
  return false;
}

std::chrono::steady_clock::time_point StageTask::last_read() const {
  auto latest = started_;
  for (const auto& partition : partitions_) latest = std::max(latest, partition->last_read());
  return latest;
}

int64_t StageTask::memory_bytes() const {
  int64_t bytes = 0;
  for (const auto& partition : partitions_) bytes += partition->memory_bytes();
  return bytes;
}

int64_t StageTask::spilled_bytes() const {
  int64_t bytes = 0;
  for (const auto& partition : partitions_) bytes += partition->spilled_bytes();
  return bytes;
}

}  // namespace quiver::dist
