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

std::shared_ptr<engine::SessionSettings> ClientSessions::Find(const std::string& id, const std::string& user) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.user != user) return nullptr;
  it->second.last_used = std::chrono::steady_clock::now();
  return it->second.settings;
}

std::string ClientSessions::NewId() { return HexText(StatementTicket::NewQueryId()); }

std::shared_ptr<engine::SessionSettings> ClientSessions::Create(const std::string& id, const std::string& user) {
  const auto now = std::chrono::steady_clock::now();
  auto settings = std::make_shared<engine::SessionSettings>();
  std::lock_guard lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = now - it->second.last_used > kIdleLimit ? sessions_.erase(it) : std::next(it);
  }
  auto& entry = sessions_[id];
  if (!entry.settings || entry.user != user) entry = Entry{settings, user, now};
  entry.last_used = now;
  return entry.settings;
}

void ClientSessions::Close(const std::string& id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

void SessionMiddleware::SendingHeaders(arrow::flight::AddCallHeaders* outgoing_headers) {
  // Flight sends headers before the call's work has decided whether it starts a
  // session, so a client without a cookie is given an id at once; the session itself
  // exists only once something is kept in it.
  if (send_cookie_) outgoing_headers->AddHeader("set-cookie", std::string(ClientSessions::kCookieName) + "=" + id_);
}

std::shared_ptr<engine::SessionSettings> SessionMiddleware::SettingsOrNew() {
  if (!settings_) settings_ = sessions_.Create(id_, user_);
  return settings_;
}

void SessionMiddleware::Close() {
  sessions_.Close(id_);
  settings_.reset();
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
  auto settings = sessions_->Find(id, user);
  *middleware =
      std::make_shared<SessionMiddleware>(*sessions_, std::move(id), std::move(user), std::move(settings), send_cookie);
  return arrow::Status::OK();
}

SessionMiddleware* SessionOf(const arrow::flight::ServerCallContext& context) {
  return static_cast<SessionMiddleware*>(context.GetMiddleware(SessionMiddleware::kName));
}

}  // namespace quiver::flightsql
