#include "quiver/engine/principal.h"

#include "quiver/common/permission_denied.h"
#include "quiver/sql/ast.h"

namespace quiver::engine {

arrow::Status Authorizer::Require(catalog::Privilege privilege, const std::string& schema,
                                  const std::string& table) const {
  if (principal_.unrestricted() || access_.Allows(principal_.user, privilege, schema, table)) {
    return arrow::Status::OK();
  }
  if (table.empty()) {
    return PermissionDenied("for schema ", schema, ": user \"", principal_.user, "\" lacks ",
                            catalog::PrivilegeName(privilege));
  }
  return PermissionDenied("for table ", schema, ".", table, ": user \"", principal_.user, "\" lacks ",
                          catalog::PrivilegeName(privilege));
}

arrow::Status Authorizer::RequireSuperuser(const std::string& what) const {
  if (principal_.unrestricted() || access_.IsSuperuser(principal_.user)) return arrow::Status::OK();
  return PermissionDenied("to ", what, ": user \"", principal_.user, "\" is not a superuser");
}

arrow::Status RecordCreator(catalog::AccessControl& access, const Principal& principal, const std::string& schema,
                            const std::string& table) {
  if (principal.unrestricted() || schema == sql::kTemporarySchema || access.IsSuperuser(principal.user)) {
    return arrow::Status::OK();
  }
  return access.GrantOwnership(principal.user, schema, table);
}

}  // namespace quiver::engine
