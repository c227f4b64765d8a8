#pragma once

#include <string_view>

#include "quiver/exec/memory_size.h"

namespace quiver::cli {

/// The server's default memory budget: this share of the machine's memory.
constexpr std::string_view kDefaultMemoryLimit = "60%";
/// The default capacity of the decoded-column cache (CACHE TABLE), outside that budget.
constexpr std::string_view kDefaultCacheMemory = "20%";

// `--memory-limit` values are read as exec/memory_size.h reads every memory limit.
using exec::AvailableMemoryBytes;
using exec::ParseMemoryLimit;

}  // namespace quiver::cli
