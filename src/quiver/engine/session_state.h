#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "quiver/engine/temporary_tables.h"

namespace quiver::engine {

/// What a client keeps across its requests: its settings (SET, Flight SQL session
/// options) and its temporary tables. Each request's session works on a copy of the
/// settings and writes back what its statements changed. Thread-safe.
class SessionState {
 public:
  std::map<std::string, std::string> settings() const {
    std::lock_guard lock(mutex_);
    return settings_;
  }
  void ReplaceSettings(std::map<std::string, std::string> values) {
    std::lock_guard lock(mutex_);
    settings_ = std::move(values);
  }

  /// The session's temporary tables; null until the first is created.
  std::shared_ptr<TemporaryTables> temporary_tables() const {
    std::lock_guard lock(mutex_);
    return temporary_tables_;
  }
  /// The session's temporary tables, their (empty) set started now if needed; the
  /// tables live under `data_dir`'s directory for temporary tables.
  std::shared_ptr<TemporaryTables> TemporaryTablesOrNew(const std::string& data_dir) {
    std::lock_guard lock(mutex_);
    if (!temporary_tables_) temporary_tables_ = std::make_shared<TemporaryTables>(data_dir);
    return temporary_tables_;
  }

  /// True when the state holds nothing worth keeping for the client's next request.
  bool empty() const {
    std::lock_guard lock(mutex_);
    return settings_.empty() && (!temporary_tables_ || temporary_tables_->empty());
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> settings_;
  std::shared_ptr<TemporaryTables> temporary_tables_;
};

/// The setting naming the schema unqualified names resolve in (PostgreSQL's name; one
/// schema, not a list).
inline constexpr const char* kSearchPathSetting = "search_path";

/// The setting saying how long VACUUM keeps removed data files, in hours (168, a week,
/// by default: Delta Lake's deletedFileRetentionDuration).
inline constexpr const char* kVacuumRetentionSetting = "vacuum_retention_hours";

/// The setting limiting the memory each of the session's queries may hold (512MB,
/// 2GiB, 10%), within the server's budget.
inline constexpr const char* kMemoryLimitSetting = "memory_limit";

/// The setting choosing where queries run: "auto" (the default: across the cluster
/// when they read enough data, else here alone), "distributed" or "local".
inline constexpr const char* kExecutionModeSetting = "execution_mode";

}  // namespace quiver::engine
