#include "quiver/flightsql/authentication.h"

#include <arrow/flight/server.h>
#include <arrow/flight/types.h>
#include <sodium.h>

#include <cstring>
#include <optional>
#include <thread>

#include "quiver/common/durable_file.h"
#include "quiver/flightsql/statement_ticket.h"

namespace quiver::flightsql {

namespace {

namespace flight = arrow::flight;

arrow::Status Unauthenticated(const std::string& message) {
  return flight::MakeFlightError(flight::FlightStatusCode::Unauthenticated, message);
}

std::string Signature(const std::string& key, const std::string& text) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                         reinterpret_cast<const unsigned char*>(key.data()));
  return HexText(std::string_view(reinterpret_cast<const char*>(mac), sizeof(mac)));
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool StartsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

std::string Base64(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// Standard base64, with or without padding (Go clients leave it out); nullopt when malformed.
std::optional<std::string> FromBase64(const std::string& text) {
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING}) {
    std::string out(text.size(), '\0');
    size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                          &length, nullptr, variant) == 0) {
      out.resize(length);
      return out;
    }
  }
  return std::nullopt;
}

std::string NewTokenKey() {
  std::string key(crypto_auth_hmacsha256_KEYBYTES, '\0');
  crypto_auth_hmacsha256_keygen(reinterpret_cast<unsigned char*>(key.data()));
  return key;
}

}  // namespace

arrow::Result<std::string> LoadOrCreateTokenKey(const std::string& path) {
  auto created = WriteFileExclusive(path, NewTokenKey(), 0600);
  if (!created.ok() && !created.IsAlreadyExists()) return created;
  ARROW_ASSIGN_OR_RAISE(auto key, ReadWholeFile(path));
  if (key.size() != crypto_auth_hmacsha256_KEYBYTES) {
    return arrow::Status::IOError("token key ", path, " is damaged (", key.size(), " bytes, not ",
                                  crypto_auth_hmacsha256_KEYBYTES, "); delete it to make a new one");
  }
  return key;
}

Authenticator::Authenticator(std::shared_ptr<catalog::AccessControl> access, std::chrono::seconds token_lifetime,
                             std::string key)
    : access_(std::move(access)), token_lifetime_(token_lifetime), key_(key.empty() ? NewTokenKey() : std::move(key)) {}

std::string Authenticator::IssueToken(const std::string& user) {
  const std::string claims = user + "\n" + std::to_string(NowSeconds() + token_lifetime_.count());
  return Base64(claims + "\n" + Signature(key_, claims));
}

arrow::Result<std::string> Authenticator::VerifyToken(const std::string& token) const {
  auto decoded_or = FromBase64(token);
  if (!decoded_or) return Unauthenticated("the bearer token is malformed; log in again");
  const std::string decoded = *std::move(decoded_or);
  const size_t signature_at = decoded.rfind('\n');
  const size_t expiry_at =
      signature_at == std::string::npos ? std::string::npos : decoded.rfind('\n', signature_at - 1);
  if (expiry_at == std::string::npos) return Unauthenticated("the bearer token is malformed; log in again");
  const std::string claims = decoded.substr(0, signature_at);
  const std::string expected = Signature(key_, claims);
  const std::string signature = decoded.substr(signature_at + 1);
  if (signature.size() != expected.size() || sodium_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    return Unauthenticated(
        "the bearer token is not valid (this server did not issue it, or its key changed); log in again");
  }
  int64_t expiry = 0;
  try {
    expiry = std::stoll(decoded.substr(expiry_at + 1, signature_at - expiry_at - 1));
  } catch (const std::exception&) {
    return Unauthenticated("the bearer token is malformed; log in again");
  }
  if (expiry < NowSeconds()) return Unauthenticated("the bearer token has expired; log in again");
  std::string user = decoded.substr(0, expiry_at);
  if (!access_->UserExists(user)) return Unauthenticated("user \"" + user + "\" no longer exists");
  return user;
}

arrow::Result<Authenticator::Login> Authenticator::CheckPassword(const std::string& user, const std::string& password) {
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard lock(mutex_);
    auto& failures = failures_[user];
    // A quiet quarter of an hour forgives earlier failures.
    if (std::chrono::steady_clock::now() - failures.last > std::chrono::minutes(15)) failures.count = 0;
    if (failures.count >= 3) {
      delay = std::min<std::chrono::milliseconds>(std::chrono::milliseconds(250 << std::min(failures.count - 3, 5)),
                                                  std::chrono::seconds(5));
    }
  }
  std::this_thread::sleep_for(delay);
  const bool valid = access_->VerifyPassword(user, password);
  std::lock_guard lock(mutex_);
  if (!valid) {
    auto& failures = failures_[user];
    ++failures.count;
    failures.last = std::chrono::steady_clock::now();
    return Unauthenticated("invalid user name or password");
  }
  failures_.erase(user);
  return Login{user, IssueToken(user)};
}

arrow::Result<Authenticator::Login> Authenticator::Authenticate(const std::string& authorization) {
  if (StartsWith(authorization, "Bearer ")) {
    ARROW_ASSIGN_OR_RAISE(auto user, VerifyToken(authorization.substr(7)));
    return Login{std::move(user), ""};
  }
  if (StartsWith(authorization, "Basic ")) {
    auto decoded = FromBase64(authorization.substr(6));
    if (!decoded) return Unauthenticated("Basic credentials are not valid base64");
    const std::string credentials = *std::move(decoded);
    const size_t colon = credentials.find(':');
    if (colon == std::string::npos) return Unauthenticated("Basic credentials must be user:password");
    return CheckPassword(credentials.substr(0, colon), credentials.substr(colon + 1));
  }
  return Unauthenticated("unsupported authorization scheme (send Basic credentials or a Bearer token)");
}

void AuthMiddleware::SendingHeaders(flight::AddCallHeaders* outgoing_headers) {
  if (!token_.empty()) outgoing_headers->AddHeader("authorization", "Bearer " + token_);
}

bool IsLoopbackPeer(const std::string& peer) {
  return StartsWith(peer, "ipv4:127.") || StartsWith(peer, "ipv6:[::1]") || StartsWith(peer, "ipv6:%5B::1%5D") ||
         StartsWith(peer, "unix:");
}

arrow::Status AuthMiddlewareFactory::StartCall(const flight::CallInfo&, const flight::ServerCallContext& context,
                                               std::shared_ptr<flight::ServerMiddleware>* middleware) {
  if (!authenticator_->access().HasUsers()) {
    if (!IsLoopbackPeer(context.peer())) {
      return Unauthenticated(
          "this server has no users yet and serves only clients on its own machine; "
          "create a user (CREATE USER … PASSWORD … SUPERUSER) from there first");
    }
    *middleware = std::make_shared<AuthMiddleware>("", "");
    return arrow::Status::OK();
  }
  auto header = context.incoming_headers().find("authorization");
  if (header == context.incoming_headers().end()) {
    return Unauthenticated("authentication required: log in with a user name and password");
  }
  ARROW_ASSIGN_OR_RAISE(auto login, authenticator_->Authenticate(std::string(header->second)));
  *middleware = std::make_shared<AuthMiddleware>(std::move(login.user), std::move(login.token));
  return arrow::Status::OK();
}

std::string UserOf(const flight::ServerCallContext& context) {
  auto* auth = static_cast<AuthMiddleware*>(context.GetMiddleware(AuthMiddleware::kName));
  return auth ? auth->user() : std::string();
}

}  // namespace quiver::flightsql
