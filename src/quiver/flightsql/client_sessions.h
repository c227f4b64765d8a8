#pragma once

#include <arrow/flight/server_middleware.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "quiver/engine/session_settings.h"

namespace quiver::flightsql {

/// Flight sessions: settings a client keeps across its requests. Every reply to a
/// request without the cookie `arrow_flight_session_id` sets one; requests sending it
/// back run with the settings of its session. A session exists only once a client
/// sets something (SetSessionOptions, or a SET statement), so clients that ignore
/// cookies cost nothing: they get default settings per request. Sessions idle for
/// kIdleLimit are forgotten.
class ClientSessions {
 public:
  static constexpr const char* kCookieName = "arrow_flight_session_id";
  static constexpr std::chrono::hours kIdleLimit{8};

  /// The session of `id`, or null when it does not exist (never started, closed,
  /// expired, or from before a restart) or belongs to another user than `user`.
  std::shared_ptr<engine::SessionSettings> Find(const std::string& id, const std::string& user);
  /// A fresh random id for a client's cookie.
  std::string NewId();
  /// The session of `id` for `user`, started now if it does not exist (a session of
  /// another user under that id is replaced).
  std::shared_ptr<engine::SessionSettings> Create(const std::string& id, const std::string& user);
  void Close(const std::string& id);

 private:
  struct Entry {
    std::shared_ptr<engine::SessionSettings> settings;
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
                    std::shared_ptr<engine::SessionSettings> settings, bool send_cookie)
      : sessions_(sessions),
        id_(std::move(id)),
        user_(std::move(user)),
        settings_(std::move(settings)),
        send_cookie_(send_cookie) {}

  std::string name() const override { return kName; }
  void SendingHeaders(arrow::flight::AddCallHeaders* outgoing_headers) override;
  void CallCompleted(const arrow::Status&) override {}

  /// The user the call runs as (authentication.h); empty when unrestricted.
  const std::string& user() const { return user_; }
  /// The call's session settings; null when the session has not started.
  const std::shared_ptr<engine::SessionSettings>& settings() const { return settings_; }
  /// The call's session, started now if it has not.
  std::shared_ptr<engine::SessionSettings> SettingsOrNew();
  /// Ends the client's session (CloseSession); the id may start a new one later.
  void Close();

 private:
  ClientSessions& sessions_;
  std::string id_;
  std::string user_;
  std::shared_ptr<engine::SessionSettings> settings_;
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

}  // namespace quiver::flightsql
