#pragma once

#include <arrow/status.h>

namespace quiver::flightsql {

/// Turns an engine status into the status a Flight client should see. Arrow Flight
/// already sends Invalid as INVALID_ARGUMENT, KeyError as NOT_FOUND, AlreadyExists as
/// ALREADY_EXISTS and NotImplemented as UNIMPLEMENTED, so those pass through untouched
/// (keeping the engine's message). The rest would reach the client as UNKNOWN; they
/// are given a Flight code instead: IOError (a file the engine could not read) becomes
/// UNAVAILABLE, Cancelled stays CANCELLED, and anything unexpected becomes INTERNAL.
arrow::Status ToFlightStatus(const arrow::Status& status);

}  // namespace quiver::flightsql
