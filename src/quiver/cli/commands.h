#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace quiver::cli {

/// Each subcommand registers its flags on `app` and returns the function that runs it
/// (called after parsing; its return value is the process exit code).
using CommandRunner = std::function<int()>;

CommandRunner AddServerCommand(CLI::App& app);
CommandRunner AddSqlCommand(CLI::App& app);
CommandRunner AddClusterCommand(CLI::App& app);

}  // namespace quiver::cli
