#pragma once

#include <arrow/flight/server_middleware.h>
#include <arrow/result.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "quiver/catalog/access_control.h"

namespace quiver::flightsql {

/// Logins and bearer tokens. A client logs in with HTTP Basic credentials (the
/// `authorization` header, as ADBC and JDBC send on their first call or Handshake);
/// the reply carries `authorization: Bearer <token>`, a token signed with the server's
/// key (HMAC-SHA256), naming the user and when it expires. Later calls send the token;
/// it stays valid across restarts while the key does (LoadOrCreateTokenKey). Failed
/// logins for a user name are answered ever more slowly (from the fourth in a row:
/// 0.25 s, doubling, at most 5 s), so passwords cannot be guessed at speed.
/// Thread-safe.
class Authenticator {
 public:
  /// `key`: the signing key, crypto_auth_hmacsha256_KEYBYTES bytes; empty: a random
  /// one, so tokens end with the process.
  Authenticator(std::shared_ptr<catalog::AccessControl> access, std::chrono::seconds token_lifetime,
                std::string key = "");

  const catalog::AccessControl& access() const { return *access_; }

  /// The user `authorization` (a Basic or Bearer header value) proves; a token to hand
  /// back (empty for a Bearer login). Unauthenticated (a Flight status) otherwise.
  struct Login {
    std::string user;
    std::string token;
  };
  arrow::Result<Login> Authenticate(const std::string& authorization);

  std::string IssueToken(const std::string& user);

 private:
  arrow::Result<std::string> VerifyToken(const std::string& token) const;
  arrow::Result<Login> CheckPassword(const std::string& user, const std::string& password);

  std::shared_ptr<catalog::AccessControl> access_;
  std::chrono::seconds token_lifetime_;
  std::string key_;  // HMAC key
  struct Failures {
    int count = 0;
    std::chrono::steady_clock::time_point last;
  };
  std::mutex mutex_;
  std::map<std::string, Failures> failures_;
};

/// The token signing key kept at `path` (mode 0600), made there on first use. Deleting
/// the file and restarting the server invalidates every token issued.
arrow::Result<std::string> LoadOrCreateTokenKey(const std::string& path);

/// The principal of one call, made by AuthMiddlewareFactory.
class AuthMiddleware : public arrow::flight::ServerMiddleware {
 public:
  static constexpr const char* kName = "quiver-auth";

  AuthMiddleware(std::string user, std::string token) : user_(std::move(user)), token_(std::move(token)) {}
  std::string name() const override { return kName; }
  void SendingHeaders(arrow::flight::AddCallHeaders* outgoing_headers) override;
  void CallCompleted(const arrow::Status&) override {}

  /// The user the call runs as; empty while the server has no users (then only local
  /// clients are served, and they may do everything).
  const std::string& user() const { return user_; }

 private:
  std::string user_;
  std::string token_;  // a token issued by this call's login, sent back
};

/// Authenticates every call of a Flight server. Without users, calls from other
/// machines are refused and local ones run unrestricted.
class AuthMiddlewareFactory : public arrow::flight::ServerMiddlewareFactory {
 public:
  explicit AuthMiddlewareFactory(std::shared_ptr<Authenticator> authenticator)
      : authenticator_(std::move(authenticator)) {}
  arrow::Status StartCall(const arrow::flight::CallInfo& info, const arrow::flight::ServerCallContext& context,
                          std::shared_ptr<arrow::flight::ServerMiddleware>* middleware) override;

 private:
  std::shared_ptr<Authenticator> authenticator_;
};

/// Whether a gRPC peer string ("ipv4:127.0.0.1:5000", "ipv6:[::1]:5000") is this machine.
bool IsLoopbackPeer(const std::string& peer);

/// The user of a call: empty when unauthenticated (no users) or without the middleware.
std::string UserOf(const arrow::flight::ServerCallContext& context);

}  // namespace quiver::flightsql
