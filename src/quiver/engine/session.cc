#include "quiver/engine/session.h"

#include "quiver/engine/engine.h"

namespace quiver::engine {

Session::Session(std::shared_ptr<Engine> engine) : engine_(std::move(engine)) {}

arrow::Result<StatementResult> Session::Execute(std::string_view sql, const ParameterValues& parameters) {
  return arrow::Status::NotImplemented("SQL execution is not built yet");
}

arrow::Result<std::shared_ptr<PreparedStatement>> Session::Prepare(std::string_view sql) {
  return arrow::Status::NotImplemented("SQL execution is not built yet");
}

}  // namespace quiver::engine
