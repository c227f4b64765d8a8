#pragma once

#include <arrow/result.h>

#include <string>
#include <string_view>

#include "quiver_plan.pb.h"

namespace quiver::dist {

/// The bytes of a Flight ticket for one partition of one task's output: the ticket
/// and an HMAC-SHA-256 of it under the cluster's secret. Workers run only plans a node
/// of their cluster made, so a client cannot hand a worker a plan of its own (one that
/// reads files it may not).
std::string SignTicket(const pb::TaskTicket& ticket, const std::string& secret);

/// The ticket, if the bytes are one signed with `secret` (else a Flight Unauthenticated
/// error; Invalid for bytes that are no task ticket).
arrow::Result<pb::TaskTicket> VerifyTicket(std::string_view bytes, const std::string& secret);

/// Whether ticket bytes look like a signed task ticket (a quick check to tell them from
/// other tickets a node serves; VerifyTicket decides).
bool LooksLikeTaskTicket(std::string_view bytes);

/// A new random cluster secret (32 bytes).
std::string NewClusterSecret();

}  // namespace quiver::dist
