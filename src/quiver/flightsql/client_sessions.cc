#include "quiver/flightsql/client_sessions.h"

#include <arrow/flight/server.h>

#include "quiver/flightsql/authentication.h"
#include "quiver/flightsql/statement_ticket.h"

namespace quiver::flightsql {

namespace {

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or empty.
std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return std::string(pair.substr(equals + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return "";
}

}  // namespace

std::shared_ptr<engine::SessionState> ClientSessions::Find(const std::string& id, const std::string& user) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.user != user) return nullptr;
  it->second.last_used = std::chrono::steady_clock::now();
  return it->second.state;
}

std::string ClientSessions::NewId() { return HexText(StatementTicket::NewQueryId()); }

std::shared_ptr<engine::SessionState> ClientSessions::Create(const std::string& id, const std::string& user,
                                                             std::shared_ptr<engine::SessionState> state) {
  const auto now = std::chrono::steady_clock::now();
  if (!state) state = std::make_shared<engine::SessionState>();
  std::vector<Entry> expired;  // dropped outside the lock: dropping deletes temporary tables
  std::lock_guard lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now - it->second.last_used > kIdleLimit) {
      expired.push_back(std::move(it->second));
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  auto& entry = sessions_[id];
  if (!entry.state || entry.user != user) entry = Entry{std::move(state), user, now};
  entry.last_used = now;
  return entry.state;
}

void ClientSessions::Close(const std::string& id) {
  Entry closed;  // dropped outside the lock: dropping deletes temporary tables
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  closed = std::move(it->second);
  sessions_.erase(it);
}
void SessionMiddleware::SendingHeaders(arrow::flight::AddCallHeaders* outgoing_headers) {
  // Flight sends headers before the call's work has decided whether it starts a
  // session, so a client without a cookie is given an id at once; the session itself
  // exists only once something is kept in it.
  if (send_cookie_) outgoing_headers->AddHeader("set-cookie", std::string(ClientSessions::kCookieName) + "=" + id_);
}

std::shared_ptr<engine::SessionState> SessionMiddleware::StateOrNew() {
  if (!state_) state_ = sessions_.Create(id_, user_);
  return state_;
}

void SessionMiddleware::Keep(const std::shared_ptr<engine::SessionState>& state) {
  if (state_ || !state || state->empty()) return;
  state_ = sessions_.Create(id_, user_, state);
}

void SessionMiddleware::Close() {
  sessions_.Close(id_);
  state_.reset();
}

arrow::Status SessionMiddlewareFactory::StartCall(const arrow::flight::CallInfo&,
                                                  const arrow::flight::ServerCallContext& context,
                                                  std::shared_ptr<arrow::flight::ServerMiddleware>* middleware) {
  std::string id;
  auto cookies = context.incoming_headers().equal_range("cookie");
  for (auto it = cookies.first; it != cookies.second && id.empty(); ++it) {
    id = CookieValue(it->second, ClientSessions::kCookieName);
  }
  const bool send_cookie = id.empty();
  if (send_cookie) id = sessions_->NewId();
  std::string user = UserOf(context);
  auto state = sessions_->Find(id, user);
  *middleware =
      std::make_shared<SessionMiddleware>(*sessions_, std::move(id), std::move(user), std::move(state), send_cookie);
  return arrow::Status::OK();
}

SessionMiddleware* SessionOf(const arrow::flight::ServerCallContext& context) {
  return static_cast<SessionMiddleware*>(context.GetMiddleware(SessionMiddleware::kName));
}

}  // namespace quiver::flightsql
