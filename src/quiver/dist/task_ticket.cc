#include "quiver/dist/task_ticket.h"

#include <arrow/flight/types.h>
#include <arrow/util/compression.h>
#include <arrow/util/endian.h>
#include <sodium.h>

#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

namespace quiver::dist {

namespace {

// Ticket bytes start with this, so a node tells task tickets from Flight SQL ones.
constexpr std::string_view kMagic = "QVTT2";

std::string Mac(std::string_view message, const std::string& secret) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

bool SameMac(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

arrow::Status NotSigned() {
  return arrow::flight::MakeFlightError(arrow::flight::FlightStatusCode::Unauthenticated,
                                        "task ticket not signed by this cluster");
}

// A serialized plan travels compressed: its operators' expressions and schemas are
// Arrow IPC messages with much in common, and every ticket of the query carries it.
// The bytes are the plan's length (8 bytes, little-endian) and its zstd frame.
constexpr int kPlanCompressionLevel = 1;

arrow::Result<std::unique_ptr<arrow::util::Codec>> PlanCodec() {
  return arrow::util::Codec::Create(arrow::Compression::ZSTD, kPlanCompressionLevel);
}

arrow::Result<std::string> CompressPlan(const pb::DistributedPlan& plan) {
  const std::string raw = plan.SerializeAsString();
  const auto* input = reinterpret_cast<const uint8_t*>(raw.data());
  const auto input_size = static_cast<int64_t>(raw.size());
  ARROW_ASSIGN_OR_RAISE(auto codec, PlanCodec());
  const int64_t bound = codec->MaxCompressedLen(input_size, input);
  const uint64_t length = arrow::bit_util::ToLittleEndian(static_cast<uint64_t>(raw.size()));
  std::string out(sizeof length + static_cast<size_t>(bound), '\0');
  std::memcpy(out.data(), &length, sizeof length);
  auto* output = reinterpret_cast<uint8_t*>(out.data() + sizeof length);
  ARROW_ASSIGN_OR_RAISE(auto written, codec->Compress(input_size, input, bound, output));
  out.resize(sizeof length + static_cast<size_t>(written));
  return out;
}

arrow::Status DecompressPlan(const std::string& bytes, pb::DistributedPlan* plan) {
  // The bytes passed the MAC check, so a node of the cluster wrote them; the bound
  // guards against a node of another version.
  constexpr uint64_t kMaxPlanBytes = uint64_t{1} << 30;
  uint64_t length = 0;
  if (bytes.size() < sizeof length) return arrow::Status::Invalid("task ticket plan is truncated");
  std::memcpy(&length, bytes.data(), sizeof length);
  length = arrow::bit_util::FromLittleEndian(length);
  if (length > kMaxPlanBytes) return arrow::Status::Invalid("task ticket plan is too large");
  const auto* input = reinterpret_cast<const uint8_t*>(bytes.data() + sizeof length);
  const auto input_size = static_cast<int64_t>(bytes.size() - sizeof length);
  std::string raw(length, '\0');
  ARROW_ASSIGN_OR_RAISE(auto codec, PlanCodec());
  ARROW_ASSIGN_OR_RAISE(auto read, codec->Decompress(input_size, input, static_cast<int64_t>(length),
                                                     reinterpret_cast<uint8_t*>(raw.data())));
  if (static_cast<uint64_t>(read) != length || !plan->ParseFromString(raw)) {
    return arrow::Status::Invalid("task ticket cannot be read");
  }
  return arrow::Status::OK();
}

struct VerifiedPlan {
  SignedPlan signed_plan;
  pb::DistributedPlan plan;
};

// The plans last signed or verified here, by MAC. A MAC is found here only if a plan
// with it was signed here or checked against it, so plan bytes equal to a cached
// plan's need no hashing, nor parsing.
// Queries running at once on a node are few: a small bound keeps every running
// query's plan while old ones age out.
class VerifiedPlans {
 public:
  static VerifiedPlans& Instance() {
    static auto* plans = new VerifiedPlans();
    return *plans;
  }

  std::shared_ptr<const VerifiedPlan> Find(const std::string& mac) {
    std::lock_guard lock(mutex_);
    auto found = plans_.find(mac);
    return found == plans_.end() ? nullptr : found->second;
  }

  void Add(std::shared_ptr<const VerifiedPlan> plan) {
    std::lock_guard lock(mutex_);
    const std::string mac = plan->signed_plan.mac;
    if (!plans_.emplace(mac, std::move(plan)).second) return;
    order_.push_back(mac);
    if (order_.size() > kCapacity) {
      plans_.erase(order_.front());
      order_.pop_front();
    }
  }

 private:
  static constexpr size_t kCapacity = 64;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const VerifiedPlan>> plans_;
  std::deque<std::string> order_;  // oldest first
};

}  // namespace

arrow::Result<SignedPlan> SignPlan(const pb::DistributedPlan& plan, const std::string& secret) {
  auto verified = std::make_shared<VerifiedPlan>();
  ARROW_ASSIGN_OR_RAISE(verified->signed_plan.bytes, CompressPlan(plan));
  verified->signed_plan.mac = Mac(verified->signed_plan.bytes, secret);
  verified->plan = plan;
  SignedPlan out = verified->signed_plan;
  VerifiedPlans::Instance().Add(std::move(verified));
  return out;
}

std::string SignTicket(const SignedPlan& plan, const pb::TaskTicket& ticket, const std::string& secret) {
  pb::TaskTicket header;
  header.set_stage(ticket.stage());
  header.set_task(ticket.task());
  header.set_partition(ticket.partition());
  header.set_issued_unix_seconds(ticket.issued_unix_seconds());
  header.set_plan_mac(plan.mac);
  pb::SignedTicket signed_ticket;
  signed_ticket.set_ticket(header.SerializeAsString());
  signed_ticket.set_mac(Mac(signed_ticket.ticket(), secret));
  signed_ticket.set_plan(plan.bytes);
  return std::string(kMagic) + signed_ticket.SerializeAsString();
}

bool LooksLikeTaskTicket(std::string_view bytes) { return bytes.substr(0, kMagic.size()) == kMagic; }

arrow::Result<pb::TaskTicket> VerifyTicket(std::string_view bytes, const std::string& secret) {
  pb::SignedTicket signed_ticket;
  pb::TaskTicket ticket;
  if (!LooksLikeTaskTicket(bytes) ||
      !signed_ticket.ParseFromArray(bytes.data() + kMagic.size(), static_cast<int>(bytes.size() - kMagic.size())) ||
      !ticket.ParseFromString(signed_ticket.ticket())) {
    return arrow::Status::Invalid("not a Quiver task ticket");
  }
  if (!SameMac(signed_ticket.mac(), Mac(signed_ticket.ticket(), secret))) return NotSigned();
  auto verified = VerifiedPlans::Instance().Find(ticket.plan_mac());
  // Plan bytes other than those signed are refused even when the signed plan is known
  // here (comparing bytes costs far less than hashing them).
  if (verified && verified->signed_plan.bytes != signed_ticket.plan()) return NotSigned();
  if (!verified) {
    if (!SameMac(ticket.plan_mac(), Mac(signed_ticket.plan(), secret))) return NotSigned();
    auto parsed = std::make_shared<VerifiedPlan>();
    ARROW_RETURN_NOT_OK(DecompressPlan(signed_ticket.plan(), &parsed->plan));
    parsed->signed_plan.mac = ticket.plan_mac();
    parsed->signed_plan.bytes = std::move(*signed_ticket.mutable_plan());
    VerifiedPlans::Instance().Add(parsed);
    verified = std::move(parsed);
  }
  *ticket.mutable_plan() = verified->plan;
  return ticket;
}

arrow::Result<SignedPlan> SignedPlanOf(const pb::TaskTicket& ticket, const std::string& secret) {
  if (!ticket.plan_mac().empty()) {
    if (auto verified = VerifiedPlans::Instance().Find(ticket.plan_mac())) return verified->signed_plan;
  }
  return SignPlan(ticket.plan(), secret);
}

std::string NewClusterSecret() {
  std::string secret(32, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

}  // namespace quiver::dist
