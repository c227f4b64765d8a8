#pragma once

namespace quiver::flightsql {

/// Quiver's version as GetSqlInfo reports it. Must equal the VERSION in the top-level
/// CMakeLists.txt project() call; a unit test compares the two.
inline constexpr const char* kQuiverVersion = "0.1.0";

/// The server name GetSqlInfo reports.
inline constexpr const char* kServerName = "Quiver";

}  // namespace quiver::flightsql
