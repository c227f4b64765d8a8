// Users, roles and privileges, and the checks every statement passes before it runs.
#include "quiver/catalog/access_control.h"
#include "quiver/engine/statement_runner.h"

namespace quiver::engine {

namespace {

using catalog::Privilege;

constexpr Privilege kGrantable[] = {Privilege::kSelect, Privilege::kInsert, Privilege::kUpdate, Privilege::kDelete,
                                    Privilege::kCreate};

}  // namespace

arrow::Status StatementRunner::Require(Privilege privilege, const QualifiedName& name, bool on_schema) const {
  // A session's temporary tables are its own.
  if (!authorizer_ || name.schema == sql::kTemporarySchema) return arrow::Status::OK();
  return authorizer_->Require(privilege, name.schema, on_schema ? "" : name.name);
}

arrow::Status StatementRunner::RecordCreator(const QualifiedName& name) const {
  if (!authorizer_) return arrow::Status::OK();
  return engine::RecordCreator(*access_control_, authorizer_->principal(), name.schema, name.name);
}

arrow::Status StatementRunner::ForgetGrants(const QualifiedName& name) const {
  if (!access_control_ || name.schema == sql::kTemporarySchema) return arrow::Status::OK();
  return access_control_->ForgetObject(name.schema, name.name);
}

arrow::Status StatementRunner::MoveGrants(const QualifiedName& name, const std::string& new_name) const {
  if (!access_control_ || name.schema == sql::kTemporarySchema) return arrow::Status::OK();
  return access_control_->RenameObject(name.schema, name.name, new_name);
}

void StatementRunner::ExemptFromReadCheck(plan::BindContext& context, const std::string& location) {
  if (!context.check_table_read) return;
  context.check_table_read = [check = std::move(context.check_table_read), location](const catalog::TableEntry& entry) {
    return entry.location == location ? arrow::Status::OK() : check(entry);
  };
}

arrow::Status StatementRunner::Authorize(const sql::Statement& statement) const {
  if (!authorizer_ || authorizer_->principal().unrestricted()) return arrow::Status::OK();
  switch (statement.kind) {
    case sql::StatementKind::kCreateExternalTable:
    case sql::StatementKind::kCreateView:
    case sql::StatementKind::kCreateTable:
    case sql::StatementKind::kCreateTableAs:
    case sql::StatementKind::kDrop:
    case sql::StatementKind::kAlterTable: {
      // Creating, changing and dropping objects in a schema takes CREATE on it.
      ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
      return Require(Privilege::kCreate, name, /*on_schema=*/true);
    }
    case sql::StatementKind::kVacuum:
      // Without names it vacuums only the tables the user may delete from.
      if (statement.names.empty()) return arrow::Status::OK();
      [[fallthrough]];
    case sql::StatementKind::kTruncate: {
      for (const auto& names : statement.AllNames()) {
        ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(names));
        ARROW_RETURN_NOT_OK(Require(Privilege::kDelete, name, false));
      }
      return arrow::Status::OK();
    }
    case sql::StatementKind::kInsert: {
      ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
      return Require(Privilege::kInsert, name, false);
    }
    case sql::StatementKind::kUpdate: {
      ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
      return Require(Privilege::kUpdate, name, false);
    }
    case sql::StatementKind::kDelete: {
      ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
      return Require(Privilege::kDelete, name, false);
    }
    case sql::StatementKind::kCreateSchema:
    case sql::StatementKind::kDropSchema:
      return authorizer_->RequireSuperuser("create or drop schemas");
    case sql::StatementKind::kCreateRole:
    case sql::StatementKind::kDropRole:
    case sql::StatementKind::kGrant:
    case sql::StatementKind::kGrantRole:
      return authorizer_->RequireSuperuser("manage users, roles and privileges");
    case sql::StatementKind::kAlterRole:
      // Users may change their own password.
      if (statement.names.front() == authorizer_->principal().user) return arrow::Status::OK();
      return authorizer_->RequireSuperuser("change another user's password");
    default:
      return arrow::Status::OK();
  }
}

arrow::Result<StatementResult> StatementRunner::RunCreateRole(const sql::Statement& statement) {
  if (!access_control_) return arrow::Status::NotImplemented("this engine keeps no users");
  const std::string& name = statement.names.front();
  if (statement.is_user) {
    ARROW_RETURN_NOT_OK(access_control_->CreateUser(name, statement.password, statement.superuser));
  } else {
    ARROW_RETURN_NOT_OK(access_control_->CreateRole(name));
  }
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunAlterRole(const sql::Statement& statement) {
  if (!access_control_) return arrow::Status::NotImplemented("this engine keeps no users");
  ARROW_RETURN_NOT_OK(access_control_->SetPassword(statement.names.front(), statement.password));
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunDropRole(const sql::Statement& statement) {
  if (!access_control_) return arrow::Status::NotImplemented("this engine keeps no users");
  for (const auto& name : statement.names) {
    if (authorizer_ && name == authorizer_->principal().user) {
      return arrow::Status::Invalid("current user cannot be dropped");
    }
  }
  for (const auto& name : statement.names) {
    ARROW_RETURN_NOT_OK(access_control_->DropPrincipal(name, statement.if_exists));
  }
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunGrant(const sql::Statement& statement) {
  if (!access_control_) return arrow::Status::NotImplemented("this engine keeps no users");
  std::vector<Privilege> privileges;
  if (statement.privileges.empty()) {  // ALL
    privileges.assign(std::begin(kGrantable), std::end(kGrantable));
  }
  for (const auto& word : statement.privileges) {
    ARROW_ASSIGN_OR_RAISE(auto privilege, catalog::ParsePrivilege(word));
    privileges.push_back(privilege);
  }
  std::vector<catalog::Grant> grants;
  for (const auto& object : statement.objects) {
    std::string schema, table;
    if (statement.on_schema) {
      schema = object.back();
      if (!catalog_.HasSchema(schema)) return arrow::Status::KeyError("schema \"", schema, "\" does not exist");
    } else {
      ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(object));
      if (!catalog_.FindTable(name.schema, name.name)) {
        return arrow::Status::KeyError("relation \"", name.name, "\" does not exist");
      }
      schema = name.schema;
      table = name.name;
      if (std::find(privileges.begin(), privileges.end(), Privilege::kCreate) != privileges.end() &&
          !statement.privileges.empty()) {
        return arrow::Status::Invalid("CREATE is granted on schemas, not on tables");
      }
    }
    for (const auto& grantee : statement.names) {
      for (Privilege privilege : privileges) {
        if (!table.empty() && privilege == Privilege::kCreate) continue;  // ALL on a table
        grants.push_back(catalog::Grant{grantee, privilege, schema, table});
      }
    }
  }
  for (const auto& grant : grants) {
    ARROW_RETURN_NOT_OK(statement.is_grant ? access_control_->AddGrant(grant) : access_control_->RemoveGrant(grant));
  }
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunGrantRole(const sql::Statement& statement) {
  if (!access_control_) return arrow::Status::NotImplemented("this engine keeps no users");
  for (const auto& role : statement.granted_roles) {
    for (const auto& member : statement.names) {
      ARROW_RETURN_NOT_OK(statement.is_grant ? access_control_->GrantRole(role, member)
                                             : access_control_->RevokeRole(role, member));
    }
  }
  return StatementResult{};
}

}  // namespace quiver::engine
