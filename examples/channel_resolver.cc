// A channel resolver of one's own: where the cluster's members come from.
//
// Here the members are the lines of a text file. A node writes its worker's URL into
// the file when it is ready (Announce) and takes it out when it stops (Withdraw); every
// query reads the file anew, so a node that joins or leaves is seen by the next query.
// Two nodes (engines) run in this program, each with its own resolver over one file.

#include "quiver/dist/channel_resolver.h"

#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "example_support.h"
#include "quiver/dist/cluster.h"

class FileChannelResolver : public quiver::dist::ChannelResolver {
 public:
  explicit FileChannelResolver(std::string path) : path_(std::move(path)) {}

  arrow::Result<std::vector<std::string>> WorkerUrls() override {
    std::lock_guard lock(mutex_);
    return Read();
  }
  arrow::Result<std::shared_ptr<arrow::flight::FlightClient>> ClientFor(const std::string& url) override {
    {
      std::lock_guard lock(mutex_);
      // Only members: a ticket naming another address is not followed. Every exchange
      // asks, so the file is read again only for a URL not seen listed before.
      if (!listed_.count(url)) Read();
      if (!listed_.count(url)) return arrow::Status::KeyError("worker ", url, " is not listed in ", path_);
    }
    return clients_.Get(url);
  }
  // A worker that was down may be back: its next call opens a new connection.
  void Reconnect(const std::string& url) override { clients_.Forget(url); }
  arrow::Status Announce(const quiver::dist::ClusterMember& self) override {
    std::lock_guard lock(mutex_);
    self_ = self.worker_url;
    auto members = Read();
    members.push_back(self_);
    return Write(members);
  }
  void Withdraw() override {
    std::lock_guard lock(mutex_);
    auto members = Read();
    members.erase(std::remove(members.begin(), members.end(), self_), members.end());
    (void)Write(members);
  }

 private:
  // Another process may edit the file too; a real resolver would lock it.
  std::vector<std::string> Read() {
    std::ifstream in(path_);
    std::vector<std::string> members;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) members.push_back(line);
    }
    listed_.insert(members.begin(), members.end());
    return members;
  }
  arrow::Status Write(const std::vector<std::string>& members) const {
    std::ofstream out(path_, std::ios::trunc);
    for (const auto& member : members) out << member << "\n";
    return out ? arrow::Status::OK() : arrow::Status::IOError("cannot write ", path_);
  }

  const std::string path_;
  std::mutex mutex_;
  std::string self_;
  std::set<std::string> listed_;  // every URL the file has listed
  quiver::dist::FlightClientCache clients_;
};

// A node: an engine whose single worker's membership is the file's business.
arrow::Result<std::shared_ptr<quiver::engine::Engine>> StartNode(const std::filesystem::path& dir,
                                                                 const std::string& name, const std::string& members) {
  quiver::engine::EngineOptions options;
  options.data_dir = (dir / name).string();
  options.cluster.spec = "custom";
  options.cluster.resolver = std::make_shared<FileChannelResolver>(members);
  options.cluster.secret = "the secret every node of this cluster shares";
  ARROW_ASSIGN_OR_RAISE(auto engine, quiver::engine::Engine::Open(options));
  ARROW_RETURN_NOT_OK(engine->cluster()->Announce(""));  // no Flight SQL front door here
  return engine;
}

// Which workers ran `sql` on `session`, and how many rows it gave.
arrow::Result<std::pair<std::set<std::string>, int64_t>> RunOn(quiver::engine::Session& session,
                                                               const std::string& sql) {
  ARROW_ASSIGN_OR_RAISE(auto result, session.Execute(sql));
  if (!result.distributed) return arrow::Status::Invalid("the query did not run distributed");
  ARROW_ASSIGN_OR_RAISE(auto table, result.batches->ToTable());
  std::set<std::string> workers;
  for (const auto& stage : result.distributed->task_workers) workers.insert(stage.begin(), stage.end());
  return std::make_pair(workers, table->num_rows());
}

arrow::Status Run() {
  const auto dir = example::ScratchDir("channel_resolver");
  ARROW_ASSIGN_OR_RAISE(auto trips, example::WriteTrips(dir, 4));
  const std::string members = (dir / "members.txt").string();
  ARROW_ASSIGN_OR_RAISE(auto first, StartNode(dir, "first", members));
  ARROW_ASSIGN_OR_RAISE(auto second, StartNode(dir, "second", members));
  std::ifstream listed(members);
  std::cout << "members.txt:\n" << std::string(std::istreambuf_iterator<char>(listed), {}) << "\n";

  auto session = first->NewSession();
  for (const std::string sql :
       {"CREATE EXTERNAL TABLE trips STORED AS PARQUET LOCATION '" + trips + "'",
        std::string("SET execution_mode = 'distributed'"), std::string("SET distributed_task_bytes = 1")}) {
    ARROW_RETURN_NOT_OK(example::Query(*session, sql).status());
  }
  const std::string sql = "SELECT id, city FROM trips WHERE id % 7 = 0";
  ARROW_ASSIGN_OR_RAISE(auto both, RunOn(*session, sql));
  std::cout << "with both nodes: " << both.second << " rows from " << both.first.size() << " workers\n";

  second.reset();  // withdraws from the file
  ARROW_ASSIGN_OR_RAISE(auto alone, RunOn(*session, sql));
  std::cout << "after the second node left: " << alone.second << " rows from " << alone.first.size() << " worker\n";
  if (both.first.size() != 2 || alone.first.size() != 1 || both.second != 572 || alone.second != 572) {
    return arrow::Status::Invalid("expected 572 rows from 2 workers, then from 1");
  }
  std::cout << "ok: the file's members ran the query, 2 workers then 1\n";
  first.reset();
  std::filesystem::remove_all(dir);
  return arrow::Status::OK();
}

int main() { return example::Main(Run); }
