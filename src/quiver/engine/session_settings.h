#pragma once

#include <map>
#include <mutex>
#include <string>

namespace quiver::engine {

/// A client's settings (SET, Flight SQL session options) kept across its requests.
/// Each request's session works on a copy and writes back what its statements
/// changed. Thread-safe.
class SessionSettings {
 public:
  std::map<std::string, std::string> Get() const {
    std::lock_guard lock(mutex_);
    return values_;
  }
  void Replace(std::map<std::string, std::string> values) {
    std::lock_guard lock(mutex_);
    values_ = std::move(values);
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> values_;
};

/// The setting naming the schema unqualified names resolve in (PostgreSQL's name; one
/// schema, not a list).
inline constexpr const char* kSearchPathSetting = "search_path";

/// The setting limiting the memory each of the session's queries may hold (512MB,
/// 2GiB, 10%), within the server's budget.
inline constexpr const char* kMemoryLimitSetting = "memory_limit";

}  // namespace quiver::engine
