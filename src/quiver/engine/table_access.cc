#include "quiver/engine/table_access.h"

#include <algorithm>

#include "quiver/lake/multi_table_commit.h"

namespace quiver::engine {

namespace {

// What one commit says it did for the statements it gathers.
std::string OperationOf(const std::vector<std::string>& operations) {
  if (operations.size() == 1) return operations.front();
  return std::all_of(operations.begin(), operations.end(), [](const auto& op) { return op == "WRITE"; }) ? "WRITE"
                                                                                                         : "MERGE";
}

}  // namespace

Autocommit& Autocommit::Instance() {
  static Autocommit instance;
  return instance;
}

arrow::Result<lake::TableVersion> Autocommit::Read(const std::string& dir) {
  return lake::ManagedTables::Instance().Latest(dir);
}

arrow::Status Autocommit::Write(const std::string& dir, const lake::TableVersion& read, lake::TableChange change) {
  auto committed = read.table->Commit(*read.snapshot, change);
  if (!committed.ok()) {
    lake::DeleteUncommitted(dir, change.adds);
    return committed.status();
  }
  return arrow::Status::OK();
}

Transaction::~Transaction() { Rollback(); }

arrow::Status Transaction::CheckOpen() const {
  if (finished_) return arrow::Status::Invalid("the transaction has already ended");
  return arrow::Status::OK();
}

arrow::Result<Transaction::TableState*> Transaction::StateOf(const std::string& dir) {
  auto it = tables_.find(dir);
  if (it != tables_.end()) return &it->second;
  ARROW_ASSIGN_OR_RAISE(auto base, lake::ManagedTables::Instance().Latest(dir));
  TableState state;
  state.base = base;
  state.view = base;
  return &tables_.emplace(dir, std::move(state)).first->second;
}

arrow::Result<lake::TableVersion> Transaction::Read(const std::string& dir) {
  std::lock_guard lock(mutex_);
  ARROW_RETURN_NOT_OK(CheckOpen());
  ARROW_ASSIGN_OR_RAISE(auto* state, StateOf(dir));
  return state->view;
}

arrow::Status Transaction::Write(const std::string& dir, const lake::TableVersion& read, lake::TableChange change) {
  std::lock_guard lock(mutex_);
  auto status = [&]() -> arrow::Status {
    ARROW_RETURN_NOT_OK(CheckOpen());
    if (change.new_schema || change.new_configuration) {
      return arrow::Status::NotImplemented("changing a table's columns inside a transaction is not supported");
    }
    ARROW_ASSIGN_OR_RAISE(auto* state, StateOf(dir));
    if (read.snapshot != state->view.snapshot) {
      return arrow::Status::Invalid("a statement of the transaction read another version of the table");
    }
    for (const auto& path : change.removes) {
      // A file this transaction wrote is simply forgotten; one of the table's is removed at commit.
      auto staged =
          std::find_if(state->adds.begin(), state->adds.end(), [&](const auto& add) { return add.path == path; });
      if (staged != state->adds.end()) {
        lake::DeleteUncommitted(dir, {*staged});
        state->adds.erase(staged);
      } else {
        state->removes.insert(path);
      }
    }
    for (const auto& path : change.read_files) {
      if (state->base.snapshot->files.count(path) > 0) state->read_files.insert(path);
    }
    state->adds.insert(state->adds.end(), change.adds.begin(), change.adds.end());
    state->operations.push_back(change.operation);
    for (const auto& [key, value] : change.metrics) state->metrics[key] = value;
    // What the transaction's next statements see.
    auto view = std::make_shared<lake::DeltaSnapshot>(*state->base.snapshot);
    for (const auto& path : state->removes) view->files.erase(path);
    for (const auto& add : state->adds) view->files[add.path] = add;
    ARROW_ASSIGN_OR_RAISE(auto files, lake::SnapshotFileTable(dir, *view));
    state->view = lake::TableVersion{state->base.table, view, files};
    return arrow::Status::OK();
  }();
  if (!status.ok()) lake::DeleteUncommitted(dir, change.adds);
  return status;
}

arrow::Status Transaction::Commit() {
  std::lock_guard lock(mutex_);
  ARROW_RETURN_NOT_OK(CheckOpen());
  finished_ = true;
  std::vector<lake::TableCommit> commits;
  for (const auto& [dir, state] : tables_) {
    if (state.adds.empty() && state.removes.empty()) continue;
    lake::TableCommit commit{state.base.table, state.base.snapshot, {}};
    commit.change.operation = OperationOf(state.operations);
    commit.change.metrics = state.metrics;
    commit.change.adds = state.adds;
    commit.change.removes.assign(state.removes.begin(), state.removes.end());
    commit.change.read_files = state.read_files;
    commits.push_back(std::move(commit));
  }
  tables_.clear();
  return lake::CommitTables(journal_path_, commits);
}

void Transaction::Rollback() {
  std::lock_guard lock(mutex_);
  finished_ = true;
  for (const auto& [dir, state] : tables_) lake::DeleteUncommitted(dir, state.adds);
  tables_.clear();
}

}  // namespace quiver::engine
