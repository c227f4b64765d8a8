// The `quiver` binary: a thin wrapper over libquiver with one subcommand per file.
#include <CLI/CLI.hpp>
#include <map>

#include "quiver/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Quiver: a distributed SQL engine with an Arrow Flight SQL front door"};
  app.require_subcommand(1);
  std::map<std::string, quiver::cli::CommandRunner> runners;
  runners["server"] = quiver::cli::AddServerCommand(app);
  runners["sql"] = quiver::cli::AddSqlCommand(app);
  runners["cluster"] = quiver::cli::AddClusterCommand(app);
  CLI11_PARSE(app, argc, argv);
  for (auto* sub : app.get_subcommands()) {
    auto it = runners.find(sub->get_name());
    if (it != runners.end()) return it->second();
  }
  return 2;
}
