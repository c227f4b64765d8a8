#include "quiver/dist/task_ticket.h"

#include <arrow/flight/types.h>
#include <sodium.h>

namespace quiver::dist {

namespace {

// Ticket bytes start with this, so a node tells task tickets from Flight SQL ones.
constexpr std::string_view kMagic = "QVTT1";

std::string Mac(const std::string& message, const std::string& secret) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

}  // namespace

std::string SignTicket(const pb::TaskTicket& ticket, const std::string& secret) {
  pb::SignedTicket signed_ticket;
  signed_ticket.set_ticket(ticket.SerializeAsString());
  signed_ticket.set_mac(Mac(signed_ticket.ticket(), secret));
  return std::string(kMagic) + signed_ticket.SerializeAsString();
}

bool LooksLikeTaskTicket(std::string_view bytes) { return bytes.substr(0, kMagic.size()) == kMagic; }

arrow::Result<pb::TaskTicket> VerifyTicket(std::string_view bytes, const std::string& secret) {
  pb::SignedTicket signed_ticket;
  if (!LooksLikeTaskTicket(bytes) ||
      !signed_ticket.ParseFromArray(bytes.data() + kMagic.size(), static_cast<int>(bytes.size() - kMagic.size()))) {
    return arrow::Status::Invalid("not a Quiver task ticket");
  }
  const std::string expected = Mac(signed_ticket.ticket(), secret);
  if (signed_ticket.mac().size() != expected.size() ||
      sodium_memcmp(signed_ticket.mac().data(), expected.data(), expected.size()) != 0) {
    return arrow::flight::MakeFlightError(arrow::flight::FlightStatusCode::Unauthenticated,
                                          "task ticket not signed by this cluster");
  }
  pb::TaskTicket ticket;
  if (!ticket.ParseFromString(signed_ticket.ticket())) return arrow::Status::Invalid("task ticket cannot be read");
  return ticket;
}

std::string NewClusterSecret() {
  std::string secret(32, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

}  // namespace quiver::dist
