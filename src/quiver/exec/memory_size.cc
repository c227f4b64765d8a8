#include "quiver/exec/memory_size.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

namespace quiver::exec {

namespace {

arrow::Status BadLimit(std::string_view what, std::string_view text) {
  return arrow::Status::Invalid(what, ": cannot read '", text,
                                "' as a size (examples: 512MB, 2GiB, 60% of the machine's memory)");
}

// Multiplier of a unit suffix, case-insensitive; 0 when unknown.
double UnitMultiplier(std::string unit) {
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::tolower(c); });
  if (unit.empty() || unit == "b") return 1;
  static constexpr std::string_view kPrefixes = "kmgt";
  size_t power = kPrefixes.find(unit.front());
  if (power == std::string_view::npos) return 0;
  std::string rest = unit.substr(1);
  if (!rest.empty() && rest != "b" && rest != "ib") return 0;
  return std::pow(1024.0, static_cast<double>(power + 1));
}

int64_t CgroupLimitBytes() {
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream file(path);
    std::string value;
    if (file >> value && !value.empty() && std::isdigit(static_cast<unsigned char>(value.front()))) {
      return std::strtoll(value.c_str(), nullptr, 10);
    }
  }
  return INT64_MAX;
}

}  // namespace

arrow::Result<int64_t> ParseMemoryLimit(std::string_view text, int64_t available_bytes, std::string_view what) {
  std::string trimmed(text);
  trimmed.erase(std::remove_if(trimmed.begin(), trimmed.end(), [](unsigned char c) { return std::isspace(c); }),
                trimmed.end());
  if (trimmed.empty()) return BadLimit(what, text);
  char* end = nullptr;
  double number = std::strtod(trimmed.c_str(), &end);
  if (end == trimmed.c_str() || !std::isfinite(number) || number <= 0) return BadLimit(what, text);
  std::string suffix(end);
  double bytes;
  if (suffix == "%") {
    if (number > 100) return arrow::Status::Invalid(what, ": ", text, " is more than all of the memory");
    bytes = static_cast<double>(available_bytes) * number / 100;
  } else {
    double multiplier = UnitMultiplier(suffix);
    if (multiplier == 0) return BadLimit(what, text);
    bytes = number * multiplier;
  }
  if (bytes < 1 || bytes >= 9.2e18) return BadLimit(what, text);
  return static_cast<int64_t>(bytes);
}

int64_t AvailableMemoryBytes() {
  int64_t physical = static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<int64_t>(sysconf(_SC_PAGE_SIZE));
  return std::min(physical, CgroupLimitBytes());
}

}  // namespace quiver::exec
