#pragma once

#include <cstdint>
#include <string>

namespace quiver {

// Measured quantities as EXPLAIN ANALYZE prints them.

/// Nanoseconds as seconds with three decimals: "0.125".
std::string FormatSeconds(int64_t nanoseconds);

/// Bytes in binary units, three significant figures at most: "512 B", "1.5 KiB", "64 MiB".
std::string FormatBytes(int64_t bytes);

}  // namespace quiver
