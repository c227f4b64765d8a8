#include "quiver/engine/session.h"

#include <utility>

#include "quiver/engine/engine.h"
#include "quiver/engine/session_state.h"
#include "quiver/engine/statement_runner.h"
#include "quiver/engine/table_access.h"
#include "quiver/sql/parser.h"

namespace quiver::engine {

namespace {

class SqlPreparedStatement : public PreparedStatement {
 public:
  SqlPreparedStatement(std::shared_ptr<Session> session, std::string sql, bool is_query,
                       std::shared_ptr<arrow::Schema> dataset_schema, std::shared_ptr<arrow::Schema> parameter_schema,
                       std::shared_ptr<PlannedQuery> planned)
      : session_(std::move(session)),
        sql_(std::move(sql)),
        is_query_(is_query),
        dataset_schema_(std::move(dataset_schema)),
        parameter_schema_(std::move(parameter_schema)),
        planned_(std::move(planned)) {}

  const std::string& sql() const override { return sql_; }
  bool is_query() const override { return is_query_; }
  std::shared_ptr<arrow::Schema> dataset_schema() const override { return dataset_schema_; }
  std::shared_ptr<arrow::Schema> parameter_schema() const override { return parameter_schema_; }

  arrow::Result<StatementResult> Execute(const ParameterValues& parameters) override {
    return session_->Execute(sql_, parameters);
  }

  std::shared_ptr<PlannedQuery> TakePlan() override { return std::exchange(planned_, nullptr); }

 private:
  std::shared_ptr<Session> session_;
  std::string sql_;
  bool is_query_;
  std::shared_ptr<arrow::Schema> dataset_schema_;
  std::shared_ptr<arrow::Schema> parameter_schema_;
  std::shared_ptr<PlannedQuery> planned_;
};

}  // namespace

Session::Session(std::shared_ptr<Engine> engine)
    : engine_(std::move(engine)), state_(std::make_shared<SessionState>()) {}

TableAccess& Session::access() {
  if (transaction_) return *transaction_;
  return Autocommit::Instance();
}

void Session::share_state(std::shared_ptr<SessionState> shared) {
  state_ = std::move(shared);
  settings_ = state_->settings();
}

StatementRunner Session::NewRunner(std::function<bool()> interrupted) {
  // Another statement of the client's (this session's or one sharing its state) may
  // have changed them.
  settings_ = state_->settings();
  StatementRunner runner(engine_->catalog(), settings_, access(), std::move(interrupted));
  runner.set_session_state(state_.get());
  runner.set_access_control(engine_->access_control(), principal_);
  runner.set_cluster(engine_->cluster());
  return runner;
}

arrow::Result<StatementResult> Session::Execute(std::string_view sql, const ParameterValues& parameters) {
  ARROW_ASSIGN_OR_RAISE(auto statements, sql::ParseSql(sql));
  if (statements.empty()) return arrow::Status::Invalid("no statement to run");
  StatementRunner runner = NewRunner(interrupted_);
  StatementResult result;
  for (const auto& statement : statements) {
    plan::BindContext context;
    context.sql = statement.text;
    context.parameters = &parameters;
    auto ran = runner.Run(statement, context, /*describe_only=*/false);
    if (statement.kind == sql::StatementKind::kSet && ran.ok()) state_->ReplaceSettings(settings_);
    ARROW_ASSIGN_OR_RAISE(result, std::move(ran));
  }
  return result;
}

arrow::Result<StatementResult> Session::Describe(std::string_view sql, const ParameterValues* parameters,
                                                 plan::BindContext& context) {
  ARROW_ASSIGN_OR_RAISE(auto statement, sql::ParseSingleStatement(sql));
  context.sql = statement.text;
  context.parameters = parameters;
  return NewRunner().Run(statement, context, /*describe_only=*/true);
}

arrow::Result<std::shared_ptr<arrow::Schema>> Session::ResultSchema(std::string_view sql,
                                                                    const ParameterValues& parameters) {
  plan::BindContext context;
  ARROW_ASSIGN_OR_RAISE(auto described, Describe(sql, &parameters, context));
  return described.schema ? described.schema : arrow::schema({});
}

arrow::Result<StatementResult> Session::ExecutePlanned(const PlannedQuery& planned) {
  return NewRunner(interrupted_).RunPlanned(planned);
}

arrow::Result<std::shared_ptr<PlannedQuery>> Session::PlanQuery(std::string_view sql,
                                                                const ParameterValues& parameters) {
  plan::BindContext context;
  ARROW_ASSIGN_OR_RAISE(auto described, Describe(sql, &parameters, context));
  return described.planned;
}

arrow::Result<std::shared_ptr<dist::DistributedQuery>> Session::Distribute(const PlannedQuery& planned) {
  return NewRunner(interrupted_).Distribute(planned);
}

arrow::Result<std::shared_ptr<PreparedStatement>> Session::Prepare(std::string_view sql) {
  plan::BindContext context;
  ARROW_ASSIGN_OR_RAISE(auto described, Describe(sql, nullptr, context));
  arrow::FieldVector parameters;
  for (size_t i = 0; i < context.parameter_types.size(); ++i) {
    auto type = context.parameter_types[i] ? context.parameter_types[i] : arrow::null();
    parameters.push_back(arrow::field("$" + std::to_string(i + 1), type));
  }
  auto dataset_schema = described.schema ? described.schema : arrow::schema({});
  // A plan with open placeholders cannot run as it is.
  auto planned = parameters.empty() ? std::move(described.planned) : nullptr;
  return std::make_shared<SqlPreparedStatement>(shared_from_this(), std::string(sql), described.is_query,
                                                dataset_schema, arrow::schema(parameters), std::move(planned));
}

}  // namespace quiver::engine
