#include "quiver/dist/query_cancel.h"

#include <arrow/buffer.h>

#include <future>

#include "quiver/dist/worker_service.h"

namespace quiver::dist {

namespace flight = arrow::flight;

void CancelQueryOnWorkers(ChannelResolver& resolver, const std::vector<std::string>& workers,
                          const std::string& query_id) {
  std::vector<std::future<void>> sent;
  for (const auto& url : workers) {
    sent.push_back(std::async(std::launch::async, [&resolver, url, &query_id] {
      auto client = resolver.ClientFor(url);
      if (!client.ok()) return;
      flight::FlightCallOptions call;
      call.timeout = flight::TimeoutDuration{1.0};
      auto results = (*client)->DoAction(call, flight::Action{kCancelQueryAction, arrow::Buffer::FromString(query_id)});
      if (results.ok()) (void)(*results)->Drain();
    }));
  }
  for (auto& each : sent) each.wait();
}

}  // namespace quiver::dist
