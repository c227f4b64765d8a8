#pragma once

#include <arrow/result.h>

#include <memory>
#include <string>

#include "quiver/dist/cluster_options.h"
#include "quiver/engine/session.h"

namespace quiver {
class DirectoryLock;
}

namespace quiver::dist {
class Cluster;
}  // namespace quiver::dist

namespace quiver::catalog {
class AccessControl;
class Catalog;
}  // namespace quiver::catalog

namespace quiver::engine {

struct EngineOptions {
  /// Where the catalog and managed data live. Created if missing.
  std::string data_dir;
  /// Worker threads for query execution; 0 means one per core.
  int threads = 0;
  /// The cluster queries may run on (`local:N` …, see dist::ParseClusterSpec); an empty
  /// spec: none, every query runs in this process's engine alone. Spill files go to the
  /// data directory unless it says otherwise.
  dist::ClusterOptions cluster;
};

/// The SQL engine as a library: owns the catalog and the execution resources, and
/// hands out sessions. Thread-safe; the Flight SQL server is one user of it.
class Engine : public std::enable_shared_from_this<Engine> {
 public:
  /// Opens the data directory, which one engine at a time may use: a second one,
  /// in this process or another, is refused (IOError naming the holder).
  static arrow::Result<std::shared_ptr<Engine>> Open(const EngineOptions& options);
  ~Engine();

  std::shared_ptr<Session> NewSession();

  catalog::Catalog& catalog() { return *catalog_; }
  /// Users, roles and grants.
  catalog::AccessControl& access_control() { return *access_control_; }
  const EngineOptions& options() const { return options_; }
  /// Where a transaction over several tables journals its commit (lake::CommitTables).
  std::string commit_journal_path() const;
  /// The cluster distributed queries run on; null without one.
  dist::Cluster* cluster() { return cluster_.get(); }
  /// What opening the data directory cleaned up after interrupted writes; empty if nothing.
  const std::string& recovery_report() const { return recovery_report_; }

 private:
  Engine(EngineOptions options, std::unique_ptr<DirectoryLock> lock, std::shared_ptr<catalog::Catalog> catalog,
         std::shared_ptr<catalog::AccessControl> access_control);

  EngineOptions options_;
  /// Keeps other servers off the data directory while this engine uses it.
  std::unique_ptr<DirectoryLock> lock_;
  std::shared_ptr<catalog::Catalog> catalog_;
  std::shared_ptr<catalog::AccessControl> access_control_;
  std::string recovery_report_;
  std::shared_ptr<dist::Cluster> cluster_;
};

}  // namespace quiver::engine
