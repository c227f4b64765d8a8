// Placeholder until the `quiver sql` command lands.
#include <iostream>

#include "quiver/cli/commands.h"

namespace quiver::cli {

CommandRunner AddSqlCommand(CLI::App& app) {
  app.add_subcommand("sql", "not built yet");
  return [] {
    std::cerr << "quiver sql: not built yet\n";
    return 1;
  };
}

}  // namespace quiver::cli
