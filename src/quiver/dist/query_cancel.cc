#include "quiver/dist/query_cancel.h"

#include <arrow/buffer.h>

#include <future>

#include "quiver/dist/worker_service.h"

namespace quiver::dist {

namespace flight = arrow::flight;

namespace {

// Sends one action to every worker at once; a second is enough for a live one.
void SendToWorkers(ChannelResolver& resolver, const std::vector<std::string>& workers, const char* action,
                   const std::string& body) {
  std::vector<std::future<void>> sent;
  for (const auto& url : workers) {
    sent.push_back(std::async(std::launch::async, [&resolver, url, action, &body] {
      auto client = resolver.ClientFor(url);
      if (!client.ok()) return;
      flight::FlightCallOptions call;
      call.timeout = flight::TimeoutDuration{1.0};
      auto results = (*client)->DoAction(call, flight::Action{action, arrow::Buffer::FromString(body)});
      if (results.ok()) (void)(*results)->Drain();
    }));
  }
  for (auto& each : sent) each.wait();
}

}  // namespace

void CancelQueryOnWorkers(ChannelResolver& resolver, const std::vector<std::string>& workers,
                          const std::string& query_id) {
  SendToWorkers(resolver, workers, kCancelQueryAction, query_id);
}

void CancelEarlierAttemptsOnWorkers(ChannelResolver& resolver, const std::vector<std::string>& workers,
                                    const std::string& query_id, uint32_t attempt) {
  SendToWorkers(resolver, workers, kCancelAttemptsAction, CancelAttemptsBody(query_id, attempt));
}

std::string CancelAttemptsBody(const std::string& query_id, uint32_t attempt) {
  return std::to_string(attempt) + ":" + query_id;
}

bool ParseCancelAttemptsBody(const std::string& body, std::string* query_id, uint32_t* attempt) {
  const size_t colon = body.find(':');
  if (colon == 0 || colon == std::string::npos || colon > 9) return false;
  uint32_t value = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (body[i] < '0' || body[i] > '9') return false;
    value = value * 10 + static_cast<uint32_t>(body[i] - '0');
  }
  *attempt = value;
  *query_id = body.substr(colon + 1);
  return true;
}

}  // namespace quiver::dist
