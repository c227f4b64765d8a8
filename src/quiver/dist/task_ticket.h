#pragma once

#include <arrow/result.h>

#include <string>
#include <string_view>

#include "quiver_plan.pb.h"

namespace quiver::dist {

/// A distributed plan serialized and signed once, for all the tickets of its query: a
/// plan is tens of kilobytes (every stage's operators and scan units), and a query has
/// a ticket for every pair of producer and consumer task.
struct SignedPlan {
  std::string bytes;  // a serialized pb::DistributedPlan, compressed
  std::string mac;    // HMAC-SHA-256 of `bytes` under the cluster secret
};

/// Signs `plan`, and remembers it as verified (see VerifyTicket).
arrow::Result<SignedPlan> SignPlan(const pb::DistributedPlan& plan, const std::string& secret);

/// The bytes of a Flight ticket for one partition of one task's output of `plan`: the
/// ticket (its own plan field is not used) with the plan's MAC, an HMAC-SHA-256 of that
/// under the cluster's secret, and the plan. Workers run only plans a node of their
/// cluster made, so a client cannot hand a worker a plan of its own (one that reads
/// files it may not).
std::string SignTicket(const SignedPlan& plan, const pb::TaskTicket& ticket, const std::string& secret);

/// The ticket with its plan, if the bytes are one signed with `secret` (else a Flight
/// Unauthenticated error; Invalid for bytes that are no task ticket). A plan is
/// checked against its MAC and parsed once: later tickets of the same plan take it
/// from a small cache of verified plans.
arrow::Result<pb::TaskTicket> VerifyTicket(std::string_view bytes, const std::string& secret);

/// The signed form of a ticket's plan, for more tickets of it: the verified bytes when
/// the ticket's plan_mac names a plan still cached, else the plan signed again (a
/// ticket whose plan was changed must have its plan_mac cleared).
arrow::Result<SignedPlan> SignedPlanOf(const pb::TaskTicket& ticket, const std::string& secret);

/// Whether ticket bytes look like a signed task ticket (a quick check to tell them from
/// other tickets a node serves; VerifyTicket decides).
bool LooksLikeTaskTicket(std::string_view bytes);

/// A new random cluster secret (32 bytes).
std::string NewClusterSecret();

}  // namespace quiver::dist
