#include "quiver/dist/worker_actions.h"

#include <arrow/buffer.h>

#include <future>
#include <utility>

#include "quiver/dist/worker_service.h"

namespace quiver::dist {

namespace flight = arrow::flight;

namespace {

constexpr std::string_view kLost = " lost: ";

arrow::Result<std::string> Ask(ChannelResolver& resolver, const std::string& url, const std::string& action,
                               const std::string& body, double timeout_seconds) {
  flight::FlightCallOptions options;
  options.timeout = flight::TimeoutDuration{timeout_seconds};
  return CallWorker<std::string>(resolver, url, [&](flight::FlightClient& client) -> arrow::Result<std::string> {
    ARROW_ASSIGN_OR_RAISE(auto results,
                          client.DoAction(options, flight::Action{action, arrow::Buffer::FromString(body)}));
    std::string first;
    bool got_first = false;
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto result, results->Next());
      if (!result) break;
      if (!std::exchange(got_first, true) && result->body) first = result->body->ToString();
    }
    return first;
  });
}

}  // namespace

std::string LostWorkerMessage(const std::string& worker_url, const arrow::Status& cause) {
  return "worker " + worker_url + std::string(kLost) + cause.message();
}

bool IsLostWorkerError(const arrow::Status& status) {
  const std::string& message = status.message();
  const size_t worker = message.find("worker ");
  return !status.ok() && worker != std::string::npos && message.find(kLost, worker) != std::string::npos;
}

bool Unreachable(const arrow::Status& status) {
  const auto detail = flight::FlightStatusDetail::UnwrapStatus(status);
  return detail && detail->code() == flight::FlightStatusCode::Unavailable && !IsLostWorkerError(status);
}

std::vector<arrow::Result<std::string>> AskWorkers(ChannelResolver& resolver, const std::vector<std::string>& urls,
                                                   const std::string& action, const std::string& body,
                                                   double timeout_seconds) {
  std::vector<std::future<arrow::Result<std::string>>> pending;
  for (const auto& url : urls) {
    pending.push_back(std::async(std::launch::async, [&resolver, url, &action, &body, timeout_seconds] {
      return Ask(resolver, url, action, body, timeout_seconds);
    }));
  }
  std::vector<arrow::Result<std::string>> answers;
  for (auto& answer : pending) answers.push_back(answer.get());
  return answers;
}

std::vector<bool> DoActionOnWorkers(ChannelResolver& resolver, const std::vector<std::string>& urls,
                                    const std::string& action, const std::string& body, double timeout_seconds) {
  std::vector<bool> answered;
  for (const auto& answer : AskWorkers(resolver, urls, action, body, timeout_seconds)) answered.push_back(answer.ok());
  return answered;
}

std::vector<bool> PingWorkers(ChannelResolver& resolver, const std::vector<std::string>& urls) {
  return DoActionOnWorkers(resolver, urls, kPingAction, "", kPingTimeoutSeconds);
}

}  // namespace quiver::dist
