#include "quiver/dist/result_retry.h"

#include <arrow/flight/types.h>

#include "quiver/dist/exchange_reader.h"
#include "quiver/dist/query_cancel.h"
#include "quiver/dist/worker_actions.h"

namespace quiver::dist {

namespace {

class RetryingResultReader : public arrow::RecordBatchReader {
 public:
  RetryingResultReader(pb::TaskTicket ticket, std::shared_ptr<arrow::RecordBatchReader> first, ResultOpener open,
                       std::shared_ptr<ChannelResolver> resolver, std::function<bool()> cancelled)
      : ticket_(std::move(ticket)),
        current_(std::move(first)),
        open_(std::move(open)),
        resolver_(std::move(resolver)),
        cancelled_(std::move(cancelled)) {}
  ~RetryingResultReader() override { (void)Close(); }

  std::shared_ptr<arrow::Schema> schema() const override { return current_->schema(); }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    while (true) {
      auto status = current_->ReadNext(batch);
      if (status.ok()) {
        if (*batch) delivered_ = true;
        return status;
      }
      if (!IsLostWorkerError(status)) return status;
      if (delivered_ || retries_ >= kMaxResultRetries || (cancelled_ && cancelled_())) return Unavailable(status);
      auto next = NextAttempt(ticket_, *resolver_);
      if (!next.ok()) return Unavailable(status);
      (void)current_->Close();
      ticket_ = *std::move(next);
      ++retries_;
      ARROW_ASSIGN_OR_RAISE(current_, open_(ticket_));
      // What the failed attempt left running on the live workers stops.
      std::vector<std::string> workers(ticket_.plan().workers().begin(), ticket_.plan().workers().end());
      CancelEarlierAttemptsOnWorkers(*resolver_, workers, ticket_.plan().query_id(), ticket_.plan().attempt());
    }
  }

  arrow::Status Close() override { return current_->Close(); }

 private:
  // A client can do something about a lost worker: fetch the endpoint again.
  arrow::Status Unavailable(const arrow::Status& lost) const {
    return arrow::flight::MakeFlightError(
        arrow::flight::FlightStatusCode::Unavailable,
        lost.message() + (delivered_ ? " (after part of the result was sent; fetch the endpoint again, from any "
                                       "of its locations)"
                                     : ""));
  }

  pb::TaskTicket ticket_;
  std::shared_ptr<arrow::RecordBatchReader> current_;
  ResultOpener open_;
  std::shared_ptr<ChannelResolver> resolver_;
  std::function<bool()> cancelled_;
  bool delivered_ = false;
  int retries_ = 0;
};

}  // namespace

arrow::Result<pb::TaskTicket> NextAttempt(const pb::TaskTicket& ticket, ChannelResolver& resolver) {
  const auto& plan = ticket.plan();
  std::vector<std::string> workers(plan.workers().begin(), plan.workers().end());
  const auto alive = PingWorkers(resolver, workers);
  std::vector<std::string> live;
  std::string lost;
  for (size_t i = 0; i < workers.size(); ++i) {
    if (alive[i]) {
      live.push_back(workers[i]);
    } else {
      lost += (lost.empty() ? "" : ", ") + workers[i];
    }
  }
  if (live.empty()) return arrow::Status::IOError("no worker of the query answers (", lost, ")");
  pb::TaskTicket next = ticket;
  auto* next_plan = next.mutable_plan();
  size_t substitute = 0;
  for (int i = 0; i < next_plan->workers_size(); ++i) {
    if (!alive[static_cast<size_t>(i)]) next_plan->set_workers(i, live[substitute++ % live.size()]);
  }
  next_plan->set_attempt(plan.attempt() + 1);
  next.clear_plan_mac();  // the plan is another one now, to be signed anew
  return next;
}

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> OpenRetryingResult(const pb::TaskTicket& ticket,
                                                                            ResultOpener open,
                                                                            std::shared_ptr<ChannelResolver> resolver,
                                                                            std::function<bool()> cancelled) {
  ARROW_ASSIGN_OR_RAISE(auto first, open(ticket));
  return std::make_shared<RetryingResultReader>(ticket, std::move(first), std::move(open), std::move(resolver),
                                                std::move(cancelled));
}

}  // namespace quiver::dist
