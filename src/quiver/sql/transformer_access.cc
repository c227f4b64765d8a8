// Users, roles and privileges: CREATE / ALTER / DROP USER and ROLE, GRANT and REVOKE.
#include "quiver/sql/parse_tree_names.h"
#include "quiver/sql/source_text.h"
#include "quiver/sql/transformer.h"

namespace quiver::sql {

namespace {

using pg_query::Node;

arrow::Result<std::string> RoleName(const pg_query::RoleSpec& role) {
  if (role.roletype() != pg_query::ROLESPEC_CSTRING) {
    return arrow::Status::Invalid("only named roles are supported here (not PUBLIC, CURRENT_USER …)");
  }
  return role.rolename();
}

// The names of a list of RoleSpec nodes (grantees, roles to drop), appended to `names`.
arrow::Status AppendRoleNames(const google::protobuf::RepeatedPtrField<Node>& roles, std::vector<std::string>* names) {
  for (const auto& role : roles) {
    ARROW_ASSIGN_OR_RAISE(auto name, RoleName(role.role_spec()));
    names->push_back(std::move(name));
  }
  return arrow::Status::OK();
}

// PASSWORD 'x', SUPERUSER / NOSUPERUSER; other options (LOGIN, CREATEDB …) are refused
// by name rather than ignored.
arrow::Status ReadRoleOptions(const google::protobuf::RepeatedPtrField<Node>& options, Statement* statement,
                              std::string_view text) {
  for (const auto& node : options) {
    const auto& option = node.def_elem();
    if (option.defname() == "password") {
      if (!option.has_arg() || !option.arg().has_string()) {
        return SqlError(text, option.location(), "PASSWORD needs a quoted password");
      }
      statement->password = option.arg().string().sval();
    } else if (option.defname() == "superuser") {
      statement->superuser = option.has_arg() && option.arg().has_boolean() ? option.arg().boolean().boolval() : true;
    } else if (option.defname() == "canlogin") {
      // LOGIN / NOLOGIN: users log in, roles do not; the statement says which.
    } else {
      return SqlError(text, option.location(), "role option \"", option.defname(), "\" is not supported");
    }
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<Statement> Transformer::TransformCreateRole(const pg_query::CreateRoleStmt& create) {
  Statement statement;
  statement.kind = StatementKind::kCreateRole;
  statement.is_user = create.stmt_type() == pg_query::ROLESTMT_USER;
  if (create.stmt_type() != pg_query::ROLESTMT_USER && create.stmt_type() != pg_query::ROLESTMT_ROLE) {
    return Unsupported(0, "CREATE GROUP");
  }
  statement.names.push_back(create.role());
  ARROW_RETURN_NOT_OK(ReadRoleOptions(create.options(), &statement, text_));
  if (statement.is_user && statement.password.empty()) {
    return arrow::Status::Invalid("CREATE USER ", create.role(), " needs a PASSWORD");
  }
  if (!statement.is_user && (!statement.password.empty() || statement.superuser)) {
    return arrow::Status::Invalid("a role has no password and is no superuser; create a USER instead");
  }
  return statement;
}

arrow::Result<Statement> Transformer::TransformAlterRole(const pg_query::AlterRoleStmt& alter) {
  Statement statement;
  statement.kind = StatementKind::kAlterRole;
  ARROW_ASSIGN_OR_RAISE(auto name, RoleName(alter.role()));
  statement.names.push_back(std::move(name));
  ARROW_RETURN_NOT_OK(ReadRoleOptions(alter.options(), &statement, text_));
  if (statement.password.empty() || statement.superuser) {
    return arrow::Status::Invalid("ALTER USER supports only PASSWORD");
  }
  return statement;
}

arrow::Result<Statement> Transformer::TransformDropRole(const pg_query::DropRoleStmt& drop) {
  Statement statement;
  statement.kind = StatementKind::kDropRole;
  statement.if_exists = drop.missing_ok();
  ARROW_RETURN_NOT_OK(AppendRoleNames(drop.roles(), &statement.names));
  return statement;
}

arrow::Result<Statement> Transformer::TransformGrant(const pg_query::GrantStmt& grant) {
  Statement statement;
  statement.kind = StatementKind::kGrant;
  statement.is_grant = grant.is_grant();
  if (grant.grant_option()) return Unsupported(0, "WITH GRANT OPTION");
  if (grant.targtype() == pg_query::ACL_TARGET_ALL_IN_SCHEMA) {
    if (grant.objtype() != pg_query::OBJECT_TABLE) return Unsupported(0, "GRANT ON ALL of anything but tables");
    statement.on_schema = true;
  } else if (grant.targtype() != pg_query::ACL_TARGET_OBJECT) {
    return Unsupported(0, "ALTER DEFAULT PRIVILEGES");
  } else if (grant.objtype() == pg_query::OBJECT_SCHEMA) {
    statement.on_schema = true;
  } else if (grant.objtype() != pg_query::OBJECT_TABLE) {
    return Unsupported(0, "GRANT on objects other than tables and schemas");
  }
  for (const auto& object : grant.objects()) {
    statement.objects.push_back(object.has_range_var() ? RangeVarNames(object.range_var())
                                                       : std::vector<std::string>{StringValue(object)});
  }
  // No privileges listed means ALL.
  for (const auto& privilege : grant.privileges()) {
    const auto& access = privilege.access_priv();
    if (access.cols_size() > 0) return Unsupported(0, "column privileges");
    statement.privileges.push_back(access.priv_name());
  }
  ARROW_RETURN_NOT_OK(AppendRoleNames(grant.grantees(), &statement.names));
  return statement;
}

arrow::Result<Statement> Transformer::TransformGrantRole(const pg_query::GrantRoleStmt& grant) {
  Statement statement;
  statement.kind = StatementKind::kGrantRole;
  statement.is_grant = grant.is_grant();
  for (const auto& role : grant.granted_roles()) statement.granted_roles.push_back(role.access_priv().priv_name());
  ARROW_RETURN_NOT_OK(AppendRoleNames(grant.grantee_roles(), &statement.names));
  return statement;
}

}  // namespace quiver::sql
