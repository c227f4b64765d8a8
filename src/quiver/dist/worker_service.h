#pragma once

#include <arrow/flight/server.h>

#include <memory>
#include <string>

#include "quiver/dist/task_registry.h"

namespace quiver::dist {

/// The Flight service through which a node's tasks serve their output to other nodes:
/// DoGet with a signed task ticket streams one partition of one task (starting the
/// task if needed); actions cancel a query's tasks and report what runs. Add it to any
/// Flight server (this class is one: Init and Serve it) to make a process a worker.
///
/// Actions:
///  - "quiver.cancel_query": body = the query id; stops its tasks here.
///  - "quiver.tasks": one JSON result listing the running tasks.
///  - "quiver.status": one JSON object: "tasks" as above, the process's open streams
///    ("served_streams", "read_streams"), the bytes its queries hold
///    ("query_memory_bytes") and the analyzed queries whose metrics nobody collected
///    ("uncollected_metrics"). Once no query runs, all are zero: a leak check.
///  - "quiver.cancel_attempts": body = "<attempt>:<query id>"; stops the query's tasks of
///    earlier attempts here (a retried query's leftovers).
///  - "quiver.ping": an empty result; answers as long as the worker is alive.
///  - "quiver.task_metrics": body = the query id; one result, a pb::QueryMetrics of what
///    the query's tasks measured here (a query run for EXPLAIN ANALYZE), given once.
class WorkerService : public arrow::flight::FlightServerBase {
 public:
  explicit WorkerService(std::shared_ptr<TaskRegistry> registry) : registry_(std::move(registry)) {}

  arrow::Status DoGet(const arrow::flight::ServerCallContext& context, const arrow::flight::Ticket& request,
                      std::unique_ptr<arrow::flight::FlightDataStream>* stream) override;
  arrow::Status DoAction(const arrow::flight::ServerCallContext& context, const arrow::flight::Action& action,
                         std::unique_ptr<arrow::flight::ResultStream>* result) override;
  arrow::Status ListActions(const arrow::flight::ServerCallContext& context,
                            std::vector<arrow::flight::ActionType>* actions) override;

  TaskRegistry& registry() { return *registry_; }

  /// A stream of partition `ticket` asks for, read until its end; `cancelled` is asked
  /// while it waits. What DoGet serves, and what a node's front door serves for the
  /// final tasks it runs itself. A final task's output is run again over the live
  /// workers if one is lost before anything was read (OpenRetryingResult).
  static arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> OpenPartition(TaskRegistry& registry,
                                                                                const pb::TaskTicket& ticket,
                                                                                std::function<bool()> cancelled);

 private:
  std::shared_ptr<TaskRegistry> registry_;
};

inline constexpr const char* kCancelQueryAction = "quiver.cancel_query";
inline constexpr const char* kTasksAction = "quiver.tasks";
inline constexpr const char* kStatusAction = "quiver.status";
inline constexpr const char* kPingAction = "quiver.ping";
inline constexpr const char* kCancelAttemptsAction = "quiver.cancel_attempts";
inline constexpr const char* kTaskMetricsAction = "quiver.task_metrics";

/// Whether a Flight action is one of the worker's (above): a server embedding a
/// WorkerService hands those to it.
inline bool IsWorkerAction(const std::string& type) { return type.rfind("quiver.", 0) == 0; }

}  // namespace quiver::dist
