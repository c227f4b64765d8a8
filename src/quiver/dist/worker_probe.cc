#include "quiver/dist/worker_probe.h"

#include <arrow/buffer.h>

#include <future>

#include "quiver/dist/worker_service.h"

namespace quiver::dist {

namespace flight = arrow::flight;

std::vector<bool> PingWorkers(ChannelResolver& resolver, const std::vector<std::string>& urls, double timeout_seconds) {
  std::vector<std::future<bool>> answers;
  for (const auto& url : urls) {
    answers.push_back(std::async(std::launch::async, [&resolver, url, timeout_seconds] {
      auto client = resolver.ClientFor(url);
      if (!client.ok()) return false;
      flight::FlightCallOptions call;
      call.timeout = flight::TimeoutDuration{timeout_seconds};
      auto results = (*client)->DoAction(call, flight::Action{kPingAction, arrow::Buffer::FromString("")});
      return results.ok() && (*results)->Drain().ok();
    }));
  }
  std::vector<bool> alive;
  for (auto& answer : answers) alive.push_back(answer.get());
  return alive;
}

}  // namespace quiver::dist
