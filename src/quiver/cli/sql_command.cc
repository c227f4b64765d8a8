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
#include "quiver/cli/result_printer.h"
#include "quiver/cli/sql_shell.h"

namespace quiver::cli {
namespace {

struct SqlOptions {
  std::string host = "127.0.0.1";
  int port = 32010;
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
  // The connection is made lazily by gRPC: an unreachable server shows up as the first
  // statement's error.
  auto client = FlightSqlClient::Connect(options.host, options.port);
  if (!client.ok()) {
    std::cerr << "quiver sql: cannot connect to " << options.host << ":" << options.port << ": "
              << client.status().message() << "\n";
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
  sql->add_option("--host", options->host, "Server host")->capture_default_str();
  sql->add_option("--port", options->port, "Server port")->capture_default_str();
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
