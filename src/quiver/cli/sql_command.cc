// `quiver sql`: a Flight SQL client for a running `quiver server`. Statements come from
// -c, from -f, from piped standard input, or from an interactive prompt.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "quiver/cli/commands.h"
#include "quiver/cli/flight_sql_client.h"
#include "quiver/cli/interactive_prompt.h"
#include "quiver/cli/password_prompt.h"
#include "quiver/cli/result_printer.h"
#include "quiver/cli/sql_shell.h"
#include "quiver/common/durable_file.h"

namespace quiver::cli {
namespace {

struct SqlOptions {
  ConnectOptions connect;
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::vector<std::string> commands;
  std::string file;
  std::string format = "table";
};

int RunSql(const SqlOptions& options) {
  OutputFormat format;
  if (!ParseOutputFormat(options.format, &format)) {
    std::cerr << "quiver sql: unknown --format " << options.format << "\n";
    return 2;
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    std::cerr << "quiver sql: --tls-cert and --tls-key go together\n";
    return 2;
  }
  ConnectOptions connect = options.connect;
  for (auto [path, contents] : {std::pair{&options.tls_ca_file, &connect.tls_root_certs},
                                std::pair{&options.tls_cert_file, &connect.tls_cert_chain},
                                std::pair{&options.tls_key_file, &connect.tls_private_key}}) {
    if (path->empty()) continue;
    auto text = ReadWholeFile(*path);
    if (!text.ok()) {
      std::cerr << "quiver sql: " << text.status().message() << "\n";
      return 2;
    }
    *contents = *text;
    connect.tls = true;
  }
  if (!connect.user.empty()) {
    // Never a command-line flag: other users of the machine could read it from ps.
    if (const char* password = std::getenv("QUIVER_PASSWORD")) {
      connect.password = password;
    } else if (auto typed = PromptForPassword("Password for " + connect.user + ": ")) {
      connect.password = *typed;
    } else {
      std::cerr << "quiver sql: no password for user " << connect.user
                << ": set QUIVER_PASSWORD or run from a terminal\n";
      return 2;
    }
  }
  // Without a login the connection is made lazily by gRPC: an unreachable server shows
  // up as the first statement's error.
  auto client = FlightSqlClient::Connect(connect);
  if (!client.ok()) {
    std::cerr << "quiver sql: cannot connect to " << connect.host << ":" << connect.port << ": "
              << ServerMessage(client.status()) << "\n";
    return 1;
  }
  SqlShell shell(std::move(*client), format, std::cout, std::cerr);

  if (!options.commands.empty() || !options.file.empty()) {
    for (const std::string& command : options.commands) {
      if (!shell.RunScript(command)) return 1;
    }
    if (!options.file.empty()) {
      std::ifstream in(options.file);
      if (!in) {
        std::cerr << "quiver sql: cannot read " << options.file << "\n";
        return 1;
      }
      std::stringstream script;
      script << in.rdbuf();
      if (!shell.RunScript(script.str(), options.file)) return 1;
    }
    return 0;
  }

  if (!isatty(STDIN_FILENO)) {  // piped input is a script, not a conversation
    std::stringstream script;
    script << std::cin.rdbuf();
    return shell.RunScript(script.str()) ? 0 : 1;
  }

  const char* home = std::getenv("HOME");
  RunInteractive(shell, home ? std::string(home) + "/.quiver_history" : std::string());
  return 0;
}

}  // namespace

CommandRunner AddSqlCommand(CLI::App& app) {
  auto options = std::make_shared<SqlOptions>();
  CLI::App* sql = app.add_subcommand("sql", "Run SQL against a Quiver server over Flight SQL");
  sql->add_option("--host", options->connect.host, "Server host")->capture_default_str();
  sql->add_option("--port", options->connect.port, "Server port")->capture_default_str();
  sql->add_option("--user", options->connect.user,
                  "Log in as this user; the password comes from QUIVER_PASSWORD or is asked for");
  sql->add_flag("--tls", options->connect.tls, "Connect with TLS, trusting the system's certificate authorities");
  sql->add_option("--tls-ca", options->tls_ca_file, "Connect with TLS, trusting the CA certificate in this PEM file")
      ->check(CLI::ExistingFile);
  sql->add_option("--tls-cert", options->tls_cert_file, "Client certificate (PEM) for servers that require one")
      ->check(CLI::ExistingFile);
  sql->add_option("--tls-key", options->tls_key_file, "Private key (PEM) of --tls-cert")->check(CLI::ExistingFile);
  sql->add_option("-c,--command", options->commands,
                  "SQL to run (several statements separated by ';' allowed; repeatable)");
  sql->add_option("-f,--file", options->file, "Run the statements of a SQL file in order, stopping at the first error")
      ->check(CLI::ExistingFile);
  sql->add_option("--format", options->format, "Output format: table, csv or json (JSON Lines)")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  sql->footer("Without -c or -f, reads statements interactively (history in ~/.quiver_history).");
  return [options] {
    try {
      return RunSql(*options);
    } catch (const std::exception& e) {  // nothing may escape past the command's edge
      std::cerr << "quiver sql: " << e.what() << "\n";
      return 1;
    }
  };
}

}  // namespace quiver::cli
