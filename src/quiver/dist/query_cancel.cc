#include "quiver/dist/query_cancel.h"

#include "quiver/dist/worker_actions.h"
#include "quiver/dist/worker_service.h"

namespace quiver::dist {

namespace {
// A live worker stops a query at once; one that does not answer within this long is
// dead or hung, and its tasks die with it or are swept as idle.
constexpr double kCancelTimeoutSeconds = 1.0;
}  // namespace

void CancelQueryOnWorkers(ChannelResolver& resolver, const std::vector<std::string>& workers,
                          const std::string& query_id) {
  (void)DoActionOnWorkers(resolver, workers, kCancelQueryAction, query_id, kCancelTimeoutSeconds);
}

void CancelEarlierAttemptsOnWorkers(ChannelResolver& resolver, const std::vector<std::string>& workers,
                                    const std::string& query_id, uint32_t attempt) {
  (void)DoActionOnWorkers(resolver, workers, kCancelAttemptsAction, CancelAttemptsBody(query_id, attempt),
                          kCancelTimeoutSeconds);
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
