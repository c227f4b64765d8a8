#include "quiver/dist/worker_actions.h"

#include <arrow/buffer.h>

#include <future>

#include "quiver/dist/worker_service.h"

namespace quiver::dist {

namespace flight = arrow::flight;

std::vector<bool> DoActionOnWorkers(ChannelResolver& resolver, const std::vector<std::string>& urls,
                                    const std::string& action, const std::string& body, double timeout_seconds) {
  std::vector<std::future<bool>> answers;
  for (const auto& url : urls) {
    answers.push_back(std::async(std::launch::async, [&resolver, url, &action, &body, timeout_seconds] {
      auto client = resolver.ClientFor(url);
      if (!client.ok()) return false;
      flight::FlightCallOptions call;
      call.timeout = flight::TimeoutDuration{timeout_seconds};
      auto results = (*client)->DoAction(call, flight::Action{action, arrow::Buffer::FromString(body)});
      return results.ok() && (*results)->Drain().ok();
    }));
  }
  std::vector<bool> answered;
  for (auto& answer : answers) answered.push_back(answer.get());
  return answered;
}

std::vector<bool> PingWorkers(ChannelResolver& resolver, const std::vector<std::string>& urls) {
  return DoActionOnWorkers(resolver, urls, kPingAction, "", kPingTimeoutSeconds);
}

}  // namespace quiver::dist
