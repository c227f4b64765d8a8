// Quiver's worker inside a Flight server of one's own, instead of `quiver server`.
//
// `GreetingServer` serves a flight of its own ("greeting") and hands task tickets and
// the worker's actions to an embedded dist::WorkerService: those few lines make it a
// worker of a cluster. A node (an engine in this program) then runs part of every
// distributed query on it.

#include "quiver/dist/worker_service.h"

#include <arrow/flight/client.h>
#include <arrow/flight/server.h>

#include <mutex>
#include <thread>

#include "example_support.h"
#include "quiver/dist/cluster.h"

namespace flight = arrow::flight;

class GreetingServer : public flight::FlightServerBase {
 public:
  explicit GreetingServer(std::shared_ptr<quiver::dist::TaskRegistry> tasks) : worker_(std::move(tasks)) {}

  arrow::Status DoGet(const flight::ServerCallContext& context, const flight::Ticket& ticket,
                      std::unique_ptr<flight::FlightDataStream>* stream) override {
    if (quiver::dist::IsTaskTicket(ticket.ticket)) return worker_.DoGet(context, ticket, stream);
    if (ticket.ticket != "greeting") return arrow::Status::KeyError("no flight '", ticket.ticket, "'");
    auto schema = arrow::schema({arrow::field("greeting", arrow::utf8())});
    ARROW_ASSIGN_OR_RAISE(auto text, arrow::MakeArrayFromScalar(arrow::StringScalar("hello"), 1));
    ARROW_ASSIGN_OR_RAISE(auto reader, arrow::RecordBatchReader::Make({arrow::RecordBatch::Make(schema, 1, {text})}));
    *stream = std::make_unique<flight::RecordBatchStream>(std::move(reader));
    return arrow::Status::OK();
  }
  arrow::Status DoAction(const flight::ServerCallContext& context, const flight::Action& action,
                         std::unique_ptr<flight::ResultStream>* result) override {
    if (quiver::dist::IsWorkerAction(action.type)) return worker_.DoAction(context, action, result);
    return arrow::Status::NotImplemented("no action '", action.type, "'");
  }

 private:
  quiver::dist::WorkerService worker_;
};

// The members: the greeting server, and each node that announces itself.
class MemberList : public quiver::dist::ChannelResolver {
 public:
  explicit MemberList(std::vector<std::string> urls) : urls_(std::move(urls)) {}
  arrow::Result<std::vector<std::string>> WorkerUrls() override {
    std::lock_guard lock(mutex_);
    return urls_;
  }
  arrow::Result<std::shared_ptr<flight::FlightClient>> ClientFor(const std::string& url) override {
    return clients_.Get(url);
  }
  void Reconnect(const std::string& url) override { clients_.Forget(url); }
  arrow::Status Announce(const quiver::dist::ClusterMember& self) override {
    std::lock_guard lock(mutex_);
    urls_.push_back(self.worker_url);
    return arrow::Status::OK();
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> urls_;
  quiver::dist::FlightClientCache clients_;
};

arrow::Status Run() {
  const std::string secret = "the secret every member of this cluster shares";
  const auto dir = example::ScratchDir("worker_service");
  ARROW_ASSIGN_OR_RAISE(auto trips, example::WriteTrips(dir, 4));

  // The server of one's own, with Quiver's worker in it.
  quiver::dist::WorkerContext context;
  context.secret = secret;
  context.spill_dir = (dir / "spill").string();
  auto tasks = std::make_shared<quiver::dist::TaskRegistry>(context);
  GreetingServer server(tasks);
  ARROW_ASSIGN_OR_RAISE(auto location, flight::Location::ForGrpcTcp("127.0.0.1", 0));
  ARROW_RETURN_NOT_OK(server.Init(flight::FlightServerOptions(location)));
  ARROW_ASSIGN_OR_RAISE(auto server_url, flight::Location::ForGrpcTcp("127.0.0.1", server.port()));
  std::thread serving([&server] { (void)server.Serve(); });

  // A node whose cluster is the server and itself.
  auto members = std::make_shared<MemberList>(std::vector<std::string>{server_url.ToString()});
  tasks->set_resolver(members);  // the worker reads other tasks' output through it too
  quiver::engine::EngineOptions options;
  options.data_dir = (dir / "node").string();
  options.cluster.spec = "custom";
  options.cluster.resolver = members;
  options.cluster.secret = secret;
  ARROW_ASSIGN_OR_RAISE(auto node, quiver::engine::Engine::Open(options));
  ARROW_RETURN_NOT_OK(node->cluster()->Announce(""));

  auto session = node->NewSession();
  for (const std::string sql :
       {"CREATE EXTERNAL TABLE trips STORED AS PARQUET LOCATION '" + trips + "'",
        std::string("SET execution_mode = 'distributed'"), std::string("SET distributed_task_bytes = 1")}) {
    ARROW_RETURN_NOT_OK(example::Query(*session, sql).status());
  }
  ARROW_ASSIGN_OR_RAISE(auto result, session->Execute("SELECT city, count(*) AS trips FROM trips GROUP BY city"));
  ARROW_ASSIGN_OR_RAISE(auto table, result.batches->ToTable());
  std::cout << table->ToString() << "\n";
  size_t on_server = 0;
  for (const auto& stage : result.distributed->task_workers) {
    on_server += std::count(stage.begin(), stage.end(), server_url.ToString());
  }

  // It still serves its own flight.
  ARROW_ASSIGN_OR_RAISE(auto client, flight::FlightClient::Connect(server_url));
  ARROW_ASSIGN_OR_RAISE(auto greeting_stream, client->DoGet(flight::Ticket{"greeting"}));
  ARROW_ASSIGN_OR_RAISE(auto greeting, greeting_stream->ToTable());
  std::cout << "its own flight: " << greeting->column(0)->chunk(0)->ToString() << "\n";

  session.reset();
  node.reset();
  ARROW_RETURN_NOT_OK(server.Shutdown());
  serving.join();
  if (table->num_rows() != 4 || on_server == 0 || greeting->num_rows() != 1) {
    return arrow::Status::Invalid("expected 4 cities with tasks on the greeting server, and its greeting");
  }
  std::cout << "ok: " << on_server << " tasks of the query ran in the greeting server\n";
  std::filesystem::remove_all(dir);
  return arrow::Status::OK();
}

int main() { return example::Main(Run); }
