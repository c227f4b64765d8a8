#pragma once

#include <string>

namespace quiver::cli {

/// The server's default data directory: $QUIVER_HOME, else var/quiver in the checkout,
/// else ./var/quiver.
std::string DefaultDataDir();

/// Where `quiver cluster up` keeps a local cluster by default: var/cluster in the
/// checkout, else ./var/cluster.
std::string DefaultClusterDir();

/// The running binary's own path (to start more of itself).
std::string SelfPath();

}  // namespace quiver::cli
