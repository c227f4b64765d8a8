#pragma once

#include <arrow/result.h>

#include <cstdint>
#include <string_view>

namespace quiver::exec {

/// Reads a memory limit: bytes with an optional unit (`512MB`, `2GiB`, `1.5G`,
/// `1048576`; K/M/G/T with or without B are powers of 1024, as in PostgreSQL's
/// settings, and so are KiB…TiB) or a percentage of `available_bytes` (`60%`).
/// Invalid (naming `what` and the text) for anything else, zero or more than 100%.
arrow::Result<int64_t> ParseMemoryLimit(std::string_view text, int64_t available_bytes,
                                        std::string_view what = "--memory-limit");

/// The memory this process may use: physical memory, or the cgroup's limit when the
/// server runs in a container that sets a smaller one.
int64_t AvailableMemoryBytes();

}  // namespace quiver::exec
