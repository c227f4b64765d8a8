#include "quiver/dist/worker_service.h"

#include <arrow/buffer.h>

#include <nlohmann/json.hpp>

#include "quiver/dist/open_streams.h"
#include "quiver/dist/query_cancel.h"
#include "quiver/dist/result_retry.h"
#include "quiver/dist/task_ticket.h"
#include "quiver/exec/memory_budget.h"

namespace quiver::dist {

namespace flight = arrow::flight;

namespace {

// A partition as a stream of batches, for Flight to send.
class PartitionReader : public arrow::RecordBatchReader {
 public:
  PartitionReader(std::shared_ptr<arrow::Schema> schema, std::shared_ptr<PartitionBuffer> buffer,
                  std::function<bool()> cancelled, std::function<void()> on_reader_gone)
      : schema_(std::move(schema)),
        buffer_(std::move(buffer)),
        cancelled_(std::move(cancelled)),
        on_reader_gone_(std::move(on_reader_gone)) {}
  ~PartitionReader() override { (void)Close(); }

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    if (done_) {
      *batch = nullptr;
      return arrow::Status::OK();
    }
    auto next = buffer_->Next(cancelled_);
    if (!next.ok()) {
      done_ = true;
      if (on_reader_gone_ && cancelled_ && cancelled_()) on_reader_gone_();
      return next.status();
    }
    *batch = *next;
    if (!*batch) done_ = true;
    return arrow::Status::OK();
  }
  arrow::Status Close() override {
    // A reader that stops early gives the partition up, so the task need not keep it.
    if (!done_) buffer_->Cancel();
    done_ = true;
    return arrow::Status::OK();
  }

 private:
  std::shared_ptr<arrow::Schema> schema_;
  std::shared_ptr<PartitionBuffer> buffer_;
  std::function<bool()> cancelled_;
  std::function<void()> on_reader_gone_;
  bool done_ = false;
  CountedStream counted_{OpenStreams::served()};
};

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> OpenOnePartition(TaskRegistry& registry,
                                                                          const pb::TaskTicket& ticket,
                                                                          std::function<bool()> cancelled,
                                                                          std::function<void()> on_reader_gone) {
  ARROW_ASSIGN_OR_RAISE(auto partition, registry.Open(ticket));
  return std::make_shared<PartitionReader>(std::move(partition.schema), std::move(partition.buffer),
                                           std::move(cancelled), std::move(on_reader_gone));
}

nlohmann::json TasksJson(const TaskRegistry& registry) {
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& task : registry.Tasks()) {
    tasks.push_back({{"task", task.key},
                     {"finished", task.finished},
                     {"rows_out", task.rows_out},
                     {"memory_bytes", task.memory_bytes},
                     {"spilled_bytes", task.spilled_bytes}});
  }
  return tasks;
}

arrow::Status Unauthenticated(const arrow::Status& status) {
  return flight::MakeFlightError(flight::FlightStatusCode::Unauthenticated, status.message());
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> WorkerService::OpenPartition(TaskRegistry& registry,
                                                                                      const pb::TaskTicket& ticket,
                                                                                      std::function<bool()> cancelled) {
  const bool final_stage = static_cast<int>(ticket.stage()) + 1 == ticket.plan().stages_size();
  const auto& resolver = registry.context().resolver;
  if (!final_stage || !resolver) return OpenOnePartition(registry, ticket, std::move(cancelled), {});
  // A client that goes away from a result (a final task's output) has given up the
  // whole query: its other tasks, wherever they run, stop too. (A task reading an
  // exchange may stop early on purpose, a LIMIT being met; that cancels nothing.)
  auto open = [&registry, resolver, cancelled](const pb::TaskTicket& attempt) {
    std::vector<std::string> workers(attempt.plan().workers().begin(), attempt.plan().workers().end());
    auto on_reader_gone = [resolver, workers = std::move(workers), query_id = attempt.plan().query_id()] {
      CancelQueryOnWorkers(*resolver, workers, query_id);
    };
    return OpenOnePartition(registry, attempt, cancelled, std::move(on_reader_gone));
  };
  return OpenRetryingResult(ticket, std::move(open), resolver, std::move(cancelled));
}

arrow::Status WorkerService::DoGet(const flight::ServerCallContext& context, const flight::Ticket& request,
                                   std::unique_ptr<flight::FlightDataStream>* stream) {
  auto ticket = VerifyTicket(request.ticket, registry_->context().secret);
  if (!ticket.ok()) return Unauthenticated(ticket.status());
  // Flight reads the stream within this call, so the context outlives every read.
  ARROW_ASSIGN_OR_RAISE(auto reader, OpenPartition(*registry_, *ticket, [&context] { return context.is_cancelled(); }));
  *stream = std::make_unique<flight::RecordBatchStream>(std::move(reader));
  return arrow::Status::OK();
}

arrow::Status WorkerService::DoAction(const flight::ServerCallContext&, const flight::Action& action,
                                      std::unique_ptr<flight::ResultStream>* result) {
  std::vector<flight::Result> results;
  if (action.type == kCancelQueryAction) {
    // Cancelling needs no signature: it only stops work, and query ids are random.
    registry_->CancelQuery(action.body ? action.body->ToString() : std::string());
  } else if (action.type == kCancelAttemptsAction) {
    std::string query_id;
    uint32_t attempt = 0;
    if (!ParseCancelAttemptsBody(action.body ? action.body->ToString() : std::string(), &query_id, &attempt)) {
      return arrow::Status::Invalid("quiver.cancel_attempts takes \"<attempt>:<query id>\"");
    }
    registry_->CancelAttemptsBefore(query_id, attempt);
  } else if (action.type == kTasksAction) {
    results.push_back(flight::Result{arrow::Buffer::FromString(TasksJson(*registry_).dump())});
  } else if (action.type == kStatusAction) {
    nlohmann::json status = {{"tasks", TasksJson(*registry_)},
                             {"served_streams", OpenStreams::served().load()},
                             {"read_streams", OpenStreams::read().load()},
                             {"query_memory_bytes", exec::QueryMemoryPool()->bytes_allocated()},
                             {"uncollected_metrics", registry_->uncollected_metrics()}};
    results.push_back(flight::Result{arrow::Buffer::FromString(status.dump())});
  } else if (action.type == kTaskMetricsAction) {
    // Like cancelling, unsigned: metrics of a query are found by its random id only.
    pb::QueryMetrics metrics;
    for (auto& task : registry_->TakeMetrics(action.body ? action.body->ToString() : std::string())) {
      *metrics.add_tasks() = std::move(task);
    }
    results.push_back(flight::Result{arrow::Buffer::FromString(metrics.SerializeAsString())});
  } else if (action.type == kPingAction) {
    results.push_back(flight::Result{arrow::Buffer::FromString("")});
  } else {
    return arrow::Status::NotImplemented("unknown worker action '", action.type, "'");
  }
  *result = std::make_unique<flight::SimpleResultStream>(std::move(results));
  return arrow::Status::OK();
}

arrow::Status WorkerService::ListActions(const flight::ServerCallContext&, std::vector<flight::ActionType>* actions) {
  *actions = {{kCancelQueryAction, "stop a query's tasks on this worker (body: the query id)"},
              {kTasksAction, "the tasks running on this worker, as JSON"},
              {kCancelAttemptsAction, "stop a query's tasks of attempts before one (body: <attempt>:<query id>)"},
              {kPingAction, "answers while the worker is alive"},
              {kStatusAction, "the tasks, open streams and query memory of this process, as JSON"},
              {kTaskMetricsAction, "what a query's tasks measured here for EXPLAIN ANALYZE (body: the query id)"}};
  return arrow::Status::OK();
}

}  // namespace quiver::dist
