// `quiver server`: opens the engine on a data directory and serves Flight SQL until
// SIGTERM or SIGINT.
#include <arrow/flight/server.h>
#include <arrow/flight/server_auth.h>
#include <arrow/flight/types.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <thread>

#include "quiver/catalog/access_control.h"
#include "quiver/catalog/catalog.h"
#include "quiver/cli/commands.h"
#include "quiver/cli/default_paths.h"
#include "quiver/cli/memory_limit_option.h"
#include "quiver/common/durable_file.h"
#include "quiver/dist/cluster.h"
#include "quiver/engine/demo_dataset.h"
#include "quiver/engine/engine.h"
#include "quiver/exec/memory_budget.h"
#include "quiver/flightsql/authentication.h"
#include "quiver/flightsql/flight_sql_server.h"
#include "quiver/storage/decoded_column_cache.h"

namespace quiver::cli {

namespace {

struct ServerFlags {
  std::string host = "127.0.0.1";
  int port = 32010;
  std::string data_dir;
  int threads = 0;
  // Demo tables: installed into the default data directory unless told otherwise.
  bool demo = false;
  bool no_demo = false;
  std::string memory_limit{kDefaultMemoryLimit};
  std::string cache_memory{kDefaultCacheMemory};
  // TLS: the server's certificate chain and key (PEM); with a client CA, clients must
  // present a certificate it signed (mutual TLS).
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  // The cluster this node belongs to (dist::ParseClusterSpec), its worker port, the
  // host other nodes and clients reach it by, and the file holding the secret the
  // cluster's nodes share.
  std::string cluster = "local:2";
  int worker_port = 0;
  std::string advertise_host;
  std::string cluster_secret_file;
  int zookeeper_session_timeout_ms = 10000;
  int worker_timeout_ms = 5000;
  int unread_output_timeout_ms = 60000;
};

// The secret task tickets are signed with: the file's contents (surrounding
// whitespace dropped), else $QUIVER_CLUSTER_SECRET, else none.
arrow::Result<std::string> ReadClusterSecret(const std::string& path) {
  std::string secret;
  if (!path.empty()) {
    auto text = ReadWholeFile(path);
    if (!text.ok()) return arrow::Status::IOError("cannot read the cluster secret file ", path);
    secret = *std::move(text);
  } else if (const char* from_env = std::getenv("QUIVER_CLUSTER_SECRET")) {
    secret = from_env;
  }
  const auto first = secret.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return std::string();
  secret = secret.substr(first, secret.find_last_not_of(" \t\r\n") - first + 1);
  if (secret.size() < 16) {
    return arrow::Status::Invalid("the cluster secret ", path.empty() ? "in QUIVER_CLUSTER_SECRET" : "in " + path,
                                  " is too short: give at least 16 characters (e.g. openssl rand -hex 32)");
  }
  return secret;
}

// The host other machines reach this one by, for a server listening on every address.
std::string AdvertisedHost(const std::string& host) {
  if (host != "0.0.0.0" && host != "::" && host != "[::]") return host;
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == 0) return "127.0.0.1";
  return name;
}

arrow::Result<std::string> ReadPemFile(const std::string& path, const char* what) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return arrow::Status::IOError("cannot read the ", what, " ", path);
  if (text->find("-----BEGIN") == std::string::npos) {
    return arrow::Status::Invalid("the ", what, " ", path, " is not a PEM file");
  }
  return text;
}

// The listening location and its TLS settings, from the flags.
arrow::Status ConfigureTls(const ServerFlags& flags, arrow::flight::FlightServerOptions* options) {
  if (flags.tls_cert.empty()) return arrow::Status::OK();
  arrow::flight::CertKeyPair pair;
  ARROW_ASSIGN_OR_RAISE(pair.pem_cert, ReadPemFile(flags.tls_cert, "TLS certificate"));
  ARROW_ASSIGN_OR_RAISE(pair.pem_key, ReadPemFile(flags.tls_key, "TLS key"));
  options->tls_certificates.push_back(std::move(pair));
  if (!flags.tls_client_ca.empty()) {
    ARROW_ASSIGN_OR_RAISE(options->root_certificates, ReadPemFile(flags.tls_client_ca, "client CA certificate"));
    options->verify_client = true;
  }
  return arrow::Status::OK();
}

// How long statements still running at shutdown may take to finish before they are
// cancelled. Without a limit, one client that stops reading a result but keeps its
// connection open would keep the server from ever exiting.
constexpr std::chrono::seconds kShutdownGrace{5};

// Stops the server on SIGTERM or SIGINT. The signals are blocked in every thread
// (so this must be created before any other thread) and taken by a dedicated
// thread with sigwait(), which then shuts the server down with a deadline. (Arrow's
// own SetShutdownOnSignals waits without a deadline for every call to finish.)
class SignalShutdown {
 public:
  SignalShutdown() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  }

  /// Starts waiting for a signal; when one arrives, shuts `server` down.
  void Watch(arrow::flight::FlightServerBase& server) {
    waiter_ = std::thread([this, &server] {
      int signal = 0;
      sigwait(&signals_, &signal);
      if (server_stopped_) return;
      received_ = signal;
      auto deadline = std::chrono::system_clock::now() + kShutdownGrace;
      (void)server.Shutdown(&deadline);
    });
  }

  /// Called once the server has stopped; returns the signal that stopped it (0 if
  /// it stopped on its own, in which case the waiting thread is woken to exit).
  int Join() {
    if (!waiter_.joinable()) return received_;
    if (received_ == 0) {
      server_stopped_ = true;
      pthread_kill(waiter_.native_handle(), SIGTERM);
    }
    waiter_.join();
    return received_;
  }

 private:
  sigset_t signals_;
  std::thread waiter_;
  std::atomic<int> received_{0};
  std::atomic<bool> server_stopped_{false};
};

// Sets the budget every query allocates from (shared by all running queries) and says
// what it is, so an operator can tell why a big query failed.
bool ApplyMemoryLimit(const std::string& text) {
  int64_t available = AvailableMemoryBytes();
  auto limit = ParseMemoryLimit(text, available);
  if (!limit.ok()) {
    std::cerr << "quiver server: " << limit.status().message() << "\n";
    return false;
  }
  exec::SetQueryMemoryLimit(*limit);
  std::cerr << "quiver server: memory limit " << exec::FormatByteSize(*limit) << " for all running queries";
  if (text.find('%') != std::string::npos)
    std::cerr << " (" << text << " of " << exec::FormatByteSize(available) << ")";
  std::cerr << "\n";
  return true;
}

// The decoded columns of CACHE TABLE tables, beside what queries hold.
bool ApplyCacheMemory(const std::string& text) {
  auto bytes = ParseMemoryLimit(text, AvailableMemoryBytes(), "--cache-memory");
  if (!bytes.ok()) {
    std::cerr << "quiver server: " << bytes.status().message() << "\n";
    return false;
  }
  storage::DecodedColumnCache::Instance().set_capacity_bytes(*bytes);
  return true;
}

int RunServer(const ServerFlags& flags) {
  SignalShutdown shutdown;
  if (!ApplyMemoryLimit(flags.memory_limit) || !ApplyCacheMemory(flags.cache_memory)) return 2;
  engine::EngineOptions options;
  options.data_dir = flags.data_dir.empty() ? DefaultDataDir() : flags.data_dir;
  options.threads = flags.threads;
  options.cluster.spec = flags.cluster;
  options.cluster.worker_host = flags.host;
  options.cluster.worker_port = flags.worker_port;
  options.cluster.advertise_host = flags.advertise_host.empty() ? AdvertisedHost(flags.host) : flags.advertise_host;
  auto secret = ReadClusterSecret(flags.cluster_secret_file);
  if (!secret.ok()) {
    std::cerr << "quiver server: " << secret.status().message() << "\n";
    return 2;
  }
  options.cluster.secret = *std::move(secret);
  options.cluster.zookeeper_session_timeout = std::chrono::milliseconds(flags.zookeeper_session_timeout_ms);
  options.cluster.worker_timeout = std::chrono::milliseconds(flags.worker_timeout_ms);
  options.cluster.unread_output_timeout = std::chrono::milliseconds(flags.unread_output_timeout_ms);
  options.cluster.log = [](const std::string& message) { std::cerr << "quiver server: " << message << std::endl; };
  auto engine = engine::Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << "quiver server: cannot start with data directory " << options.data_dir << ": "
              << engine.status().message() << "\n";
    return 1;
  }
  if (!(*engine)->access_control().HasUsers()) {
    std::cerr << "quiver server: no users are configured: serving only clients on this machine, without "
                 "authentication (CREATE USER … PASSWORD … SUPERUSER to require logins)\n";
  }
  if (!(*engine)->recovery_report().empty()) std::cerr << "quiver server: " << (*engine)->recovery_report() << "\n";

  const bool install_demo = flags.demo || (flags.data_dir.empty() && !flags.no_demo);
  if (install_demo) {
    if (auto status = engine::InstallDemoDataset(**engine); !status.ok()) {
      std::cerr << "quiver server: cannot install the demo tables: " << status.message() << "\n";
      return 1;
    }
  }

  const bool tls = !flags.tls_cert.empty();
  auto location = tls ? arrow::flight::Location::ForGrpcTls(flags.host, flags.port)
                      : arrow::flight::Location::ForGrpcTcp(flags.host, flags.port);
  if (!location.ok()) {
    std::cerr << "quiver server: bad address " << flags.host << ":" << flags.port << ": " << location.status().message()
              << "\n";
    return 2;
  }
  flightsql::FlightSqlServer server(*engine);
  // Worker ports speak plain gRPC: clients of a TLS front door fetch results through it.
  server.set_worker_locations(!tls);
  arrow::flight::FlightServerOptions server_options(*location);
  if (auto status = ConfigureTls(flags, &server_options); !status.ok()) {
    std::cerr << "quiver server: " << status.message() << "\n";
    return 2;
  }
  // Every call is authenticated first (authentication.h); then its session is found.
  auto token_key = flightsql::LoadOrCreateTokenKey((*engine)->catalog().data_dir() + "/token.key");
  if (!token_key.ok()) {
    std::cerr << "quiver server: " << token_key.status().message() << "\n";
    return 1;
  }
  auto authenticator = std::make_shared<flightsql::Authenticator>(
      std::shared_ptr<catalog::AccessControl>(*engine, &(*engine)->access_control()), std::chrono::hours(1),
      *std::move(token_key));
  server_options.middleware.emplace_back(flightsql::AuthMiddleware::kName,
                                         std::make_shared<flightsql::AuthMiddlewareFactory>(authenticator));
  // Logins happen in the middleware above; Handshake (which clients such as pyarrow's
  // authenticate_basic_token call to log in) only has to succeed.
  server_options.auth_handler = std::make_shared<arrow::flight::NoOpAuthHandler>();
  // Flight sessions: clients that keep the session cookie keep their settings.
  server_options.middleware.emplace_back(
      flightsql::SessionMiddleware::kName,
      std::make_shared<flightsql::SessionMiddlewareFactory>(std::make_shared<flightsql::ClientSessions>()));
  if (auto status = server.Init(server_options); !status.ok()) {
    std::cerr << "quiver server: cannot listen on " << flags.host << ":" << flags.port << ": " << status.message()
              << "\n";
    return 1;
  }
  // Scripts and tests read the port from this line (it matters with --port 0).
  std::cout << "quiver server listening on " << (tls ? "grpc+tls://" : "grpc://") << flags.host << ":" << server.port()
            << " (data dir " << (*engine)->catalog().data_dir() << ")" << std::endl;
  if (auto* cluster = (*engine)->cluster()) {
    // Only now, with both ports serving, may other nodes give this one tasks.
    const auto& host = options.cluster.advertise_host;
    auto front_door = tls ? arrow::flight::Location::ForGrpcTls(host, server.port())
                          : arrow::flight::Location::ForGrpcTcp(host, server.port());
    auto status = front_door.ok() ? cluster->Announce(front_door->ToString()) : front_door.status();
    if (!status.ok()) {
      std::cerr << "quiver server: cannot join the cluster: " << status.message() << "\n";
      return 1;
    }
    std::cout << "quiver server workers on";
    for (const auto& url : cluster->LocalWorkerUrls()) std::cout << " " << url;
    std::cout << " (cluster " << flags.cluster << ")" << std::endl;
  }

  shutdown.Watch(server);
  // Returns once the signal thread has shut the server down; the only way to stop.
  auto status = server.Wait();
  int signal = shutdown.Join();
  if (!status.ok()) {
    std::cerr << "quiver server: " << status.message() << "\n";
    return 1;
  }
  if (signal == 0) {
    std::cerr << "quiver server: stopped unexpectedly\n";
    return 1;
  }
  std::cerr << "quiver server: stopped by signal " << signal << "\n";
  return 0;
}

}  // namespace

CommandRunner AddServerCommand(CLI::App& app) {
  auto flags = std::make_shared<ServerFlags>();
  auto* command = app.add_subcommand("server", "Serve Flight SQL (ADBC, JDBC, pyarrow.flight clients)");
  command->add_option("--host", flags->host, "Address to listen on")->capture_default_str();
  command->add_option("--port", flags->port, "Port to listen on; 0 picks a free port")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  command->add_option("--data-dir", flags->data_dir,
                      "Catalog and managed data (default: $QUIVER_HOME, else var/quiver in the checkout)");
  command->add_flag("--demo", flags->demo, "Install the demo tables (cities, trips) if absent")
      ->excludes(command->add_flag("--no-demo", flags->no_demo, "Do not install the demo tables"));
  command->add_option("--threads", flags->threads, "Query worker threads; 0 means one per core")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--memory-limit", flags->memory_limit,
                   "Memory all running queries may hold together (512MB, 2GiB, or a share of the machine's "
                   "memory such as 60%); a query that would exceed it fails")
      ->capture_default_str();
  command
      ->add_option("--cache-memory", flags->cache_memory,
                   "Memory for the decoded columns of tables marked CACHE TABLE (a size or a share of the "
                   "machine's memory); the least recently used go first")
      ->capture_default_str();
  auto* cert = command->add_option("--tls-cert", flags->tls_cert, "Serve TLS with this certificate chain (PEM)");
  auto* key = command->add_option("--tls-key", flags->tls_key, "The private key of --tls-cert (PEM)");
  cert->needs(key);
  key->needs(cert);
  command
      ->add_option("--tls-client-ca", flags->tls_client_ca,
                   "Mutual TLS: accept only clients presenting a certificate signed by this CA (PEM)")
      ->needs(cert);
  command
      ->add_option("--cluster", flags->cluster,
                   "The cluster queries run on: local:N (N workers in this process), static:host:port,… (every "
                   "node's worker address, this one's included), or zookeeper://host:port[,host:port…]/path "
                   "(nodes register under path)")
      ->capture_default_str();
  command->add_option("--worker-port", flags->worker_port, "This node's worker port (static clusters); 0 picks one")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  command->add_option("--advertise-host", flags->advertise_host,
                      "The host other nodes and clients reach this node's workers by (default: --host, or the "
                      "machine's name when listening on every address)");
  command->add_option("--cluster-secret-file", flags->cluster_secret_file,
                      "File holding the secret every node of the cluster shares (default: $QUIVER_CLUSTER_SECRET)");
  command
      ->add_option("--zookeeper-session-timeout-ms", flags->zookeeper_session_timeout_ms,
                   "ZooKeeper clusters: how long a node that stopped answering stays registered")
      ->capture_default_str()
      ->check(CLI::Range(1000, 600000));
  command
      ->add_option("--worker-timeout-ms", flags->worker_timeout_ms,
                   "How long a worker a query reads from may send nothing and then not answer a ping before the "
                   "query takes it for lost")
      ->capture_default_str()
      ->check(CLI::Range(100, 600000));
  command
      ->add_option("--unread-output-timeout-ms", flags->unread_output_timeout_ms,
                   "How long a finished task keeps output no reader has asked for (endpoints of a result never "
                   "fetched) before dropping it; asked for later, it is computed again")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));
  return [flags] { return RunServer(*flags); };
}

}  // namespace quiver::cli
