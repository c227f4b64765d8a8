#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "quiver/cli/flight_sql_client.h"
#include "quiver/cli/result_printer.h"
#include "quiver/cli/statement_splitter.h"

namespace quiver::cli {

/// Runs statements for `quiver sql` and shows their outcome: results on `out` in the
/// chosen format (plus a row-count and timing footer in table format), errors on `err`
/// with a caret under the position the server names.
class SqlShell {
 public:
  SqlShell(std::unique_ptr<FlightSqlClient> client, OutputFormat format, std::ostream& out, std::ostream& err)
      : client_(std::move(client)), format_(format), out_(out), err_(err) {}

  /// Runs one statement; false when it failed (the error has been printed).
  /// `source` names where it came from ("file.sql") for error messages; may be empty.
  bool Run(const ScriptStatement& statement, const std::string& source = "");

  /// Runs every statement of a script in order, stopping at the first failure.
  bool RunScript(const std::string& script, const std::string& source = "");

 private:
  std::unique_ptr<FlightSqlClient> client_;
  OutputFormat format_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace quiver::cli
