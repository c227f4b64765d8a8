#include "quiver/lake/multi_table_commit.h"

#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "quiver/common/durable_file.h"

namespace quiver::lake {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// One table's commit as the journal records it.
struct JournalEntry {
  std::string table_dir;
  PreparedCommit commit;
};

arrow::Status WriteJournal(const std::string& path, const std::vector<JournalEntry>& entries) {
  json commits = json::array();
  for (const auto& entry : entries) {
    commits.push_back({{"table", entry.table_dir}, {"version", entry.commit.version}, {"commit", entry.commit.text}});
  }
  return WriteFileReplacing(path, json{{"commits", std::move(commits)}}.dump() + "\n");
}

arrow::Result<std::vector<JournalEntry>> ReadJournal(const std::string& path) {
  ARROW_ASSIGN_OR_RAISE(auto text, ReadWholeFile(path));
  auto doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("commits") || !doc["commits"].is_array()) {
    return arrow::Status::IOError("commit journal ", path, " is damaged");
  }
  std::vector<JournalEntry> entries;
  for (const auto& item : doc["commits"]) {
    if (!item.is_object() || !item.contains("table") || !item.contains("version") || !item.contains("commit")) {
      return arrow::Status::IOError("commit journal ", path, " is damaged");
    }
    entries.push_back({item["table"].get<std::string>(),
                       PreparedCommit{item["version"].get<int64_t>(), item["commit"].get<std::string>()}});
  }
  return entries;
}

arrow::Status RemoveJournal(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) return arrow::Status::IOError("cannot remove ", path, ": ", ec.message());
  return SyncDirectory(fs::path(path).parent_path().string());
}

// Writes one journaled commit unless its table has it already. Its version may have
// been taken by a writer outside Quiver since: then it goes after that writer's.
arrow::Result<bool> Redo(const JournalEntry& entry) {
  DeltaLog log(entry.table_dir);
  for (int64_t version = entry.commit.version;; ++version) {
    auto status = log.WriteCommitText(version, entry.commit.text);
    if (status.ok()) return true;
    if (!status.IsAlreadyExists()) return status;
    auto existing = ReadWholeFile((fs::path(log.log_dir()) / DeltaLog::CommitFileName(version)).string());
    if (existing.ok() && *existing == entry.commit.text) return false;
  }
}

}  // namespace

arrow::Status CommitTables(const std::string& journal_path, const std::vector<TableCommit>& commits) {
  auto discard = [&commits] {
    for (const auto& commit : commits) DeleteUncommitted(commit.table->dir(), commit.change.adds);
  };
  // One table needs no journal: its commit is atomic by itself.
  if (commits.size() == 1) {
    auto committed = commits.front().table->Commit(*commits.front().read, commits.front().change);
    if (!committed.ok()) discard();
    return committed.status();
  }
  std::vector<JournalEntry> entries;
  {
    std::lock_guard lock(CommitLock());
    for (const auto& commit : commits) {
      auto prepared = commit.table->Prepare(*commit.read, commit.change);
      if (!prepared.ok()) {
        discard();
        return prepared.status().WithMessage(prepared.status().message(), " (the transaction committed nothing)");
      }
      entries.push_back({commit.table->dir(), std::move(*prepared)});
    }
    if (entries.empty()) return arrow::Status::OK();
    auto journaled = WriteJournal(journal_path, entries);
    if (!journaled.ok()) {
      discard();
      return journaled;
    }
    // From here the transaction is committed: a crash is completed at the next start.
    for (const auto& entry : entries) {
      auto redone = Redo(entry);
      if (!redone.ok()) {
        return redone.status().WithMessage("the transaction committed only in part (", redone.status().message(),
                                           "); the rest is completed when the server next starts, from ", journal_path);
      }
    }
    ARROW_RETURN_NOT_OK(RemoveJournal(journal_path));
  }
  for (size_t i = 0; i < entries.size(); ++i) commits[i].table->CheckpointIfDue(entries[i].commit.version);
  return arrow::Status::OK();
}

arrow::Result<int> CompleteJournaledCommit(const std::string& journal_path) {
  if (!fs::exists(journal_path)) return 0;
  ARROW_ASSIGN_OR_RAISE(auto entries, ReadJournal(journal_path));
  int written = 0;
  for (const auto& entry : entries) {
    ARROW_ASSIGN_OR_RAISE(bool wrote, Redo(entry));
    written += wrote ? 1 : 0;
  }
  ARROW_RETURN_NOT_OK(RemoveJournal(journal_path));
  return written;
}

}  // namespace quiver::lake
