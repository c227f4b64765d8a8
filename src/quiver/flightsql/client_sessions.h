#pragma once

#include <arrow/flight/server_middleware.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "quiver/engine/session_state.h"

namespace quiver::flightsql {

/// Flight sessions: settings and temporary tables a client keeps across its requests.
/// Every reply to a request without the cookie `arrow_flight_session_id` sets one;
/// requests sending it back run in its session. A session exists only once a client
/// keeps something in it (SetSessionOptions, a SET statement, a temporary table), so
/// clients that ignore cookies cost nothing: they get default settings per request.
/// Sessions idle for kIdleLimit are forgotten (their temporary tables dropped).
class ClientSessions {
 public:
  static constexpr const char* kCookieName = "arrow_flight_session_id";
  static constexpr std::chrono::hours kIdleLimit{8};

  /// The session of `id`, or null when it does not exist (never started, closed,
  /// expired, or from before a restart) or belongs to another user than `user`.
  std::shared_ptr<engine::SessionState> Find(const std::string& id, const std::string& user);
  /// A fresh random id for a client's cookie.
  std::string NewId();
  /// The session of `id` for `user`, started now with `state` (a fresh one when null)
  /// if it does not exist (a session of another user under that id is replaced).
  std::shared_ptr<engine::SessionState> Create(const std::string& id, const std::string& user,
                                               std::shared_ptr<engine::SessionState> state = nullptr);
  void Close(const std::string& id);

 private:
  struct Entry {
    std::shared_ptr<engine::SessionState> state;
    std::string user;
    std::chrono::steady_clock::time_point last_used;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> sessions_;
};

/// The session of one call, made by SessionMiddlewareFactory: the one its cookie
/// names (or the one the reply's cookie will name), which may not have started.
class SessionMiddleware : public arrow::flight::ServerMiddleware {
 public:
  static constexpr const char* kName = "quiver-session";

  SessionMiddleware(ClientSessions& sessions, std::string id, std::string user,
                    std::shared_ptr<engine::SessionState> state, bool send_cookie)
      : sessions_(sessions),
        id_(std::move(id)),
        user_(std::move(user)),
        state_(std::move(state)),
        send_cookie_(send_cookie) {}

  std::string name() const override { return kName; }
  void SendingHeaders(arrow::flight::AddCallHeaders* outgoing_headers) override;
  void CallCompleted(const arrow::Status&) override {}

  /// The user the call runs as (authentication.h); empty when unrestricted.
  const std::string& user() const { return user_; }
  /// The call's session state; null when the session has not started.
  const std::shared_ptr<engine::SessionState>& state() const { return state_; }
  /// The call's session, started now if it has not.
  std::shared_ptr<engine::SessionState> StateOrNew();
  /// Starts the call's session with `state`, what a request's statements kept (a SET,
  /// a temporary table), unless the session has started or `state` holds nothing.
  void Keep(const std::shared_ptr<engine::SessionState>& state);
  /// Ends the client's session (CloseSession); the id may start a new one later.
  void Close();

 private:
  ClientSessions& sessions_;
  std::string id_;
  std::string user_;
  std::shared_ptr<engine::SessionState> state_;
  bool send_cookie_;  // the client sent none
};

/// Installs SessionMiddleware on every call of a Flight server. It must come after the
/// authentication middleware, whose user it reads.
class SessionMiddlewareFactory : public arrow::flight::ServerMiddlewareFactory {
 public:
  explicit SessionMiddlewareFactory(std::shared_ptr<ClientSessions> sessions) : sessions_(std::move(sessions)) {}
  arrow::Status StartCall(const arrow::flight::CallInfo& info, const arrow::flight::ServerCallContext& context,
                          std::shared_ptr<arrow::flight::ServerMiddleware>* middleware) override;

 private:
  std::shared_ptr<ClientSessions> sessions_;
};

/// The session middleware of a call, or null when the server runs without it.
SessionMiddleware* SessionOf(const arrow::flight::ServerCallContext& context);

/// The user a call runs as; empty when unrestricted (also without the middleware).
inline std::string UserOf(const SessionMiddleware* client) { return client ? client->user() : std::string(); }

}  // namespace quiver::flightsql
