#pragma once

namespace quiver::flightsql {

/// Quiver's version as GetSqlInfo reports it: the VERSION of the top-level
/// CMakeLists.txt project() call, passed in by the build.
inline constexpr const char* kQuiverVersion = QUIVER_VERSION;

/// The server name GetSqlInfo reports.
inline constexpr const char* kServerName = "Quiver";

}  // namespace quiver::flightsql
