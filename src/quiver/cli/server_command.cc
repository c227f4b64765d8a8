// Placeholder until the `quiver server` command lands.
#include <iostream>

#include "quiver/cli/commands.h"

namespace quiver::cli {

CommandRunner AddServerCommand(CLI::App& app) {
  app.add_subcommand("server", "not built yet");
  return [] {
    std::cerr << "quiver server: not built yet\n";
    return 1;
  };
}

}  // namespace quiver::cli
