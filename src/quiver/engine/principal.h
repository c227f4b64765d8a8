#pragma once

#include <arrow/status.h>

#include <string>

#include "quiver/catalog/access_control.h"

namespace quiver::engine {

/// Who runs a session's statements: a user who logged in, or, while a server has no
/// users, the local client it lets do everything.
struct Principal {
  std::string user;  // empty: unrestricted (no users are configured)

  bool unrestricted() const { return user.empty(); }
};

/// Checks privileges for one principal against the server's grants.
class Authorizer {
 public:
  Authorizer(const catalog::AccessControl& access, Principal principal)
      : access_(access), principal_(std::move(principal)) {}

  /// OK when the principal holds `privilege` on schema.table (on the schema when `table`
  /// is empty); otherwise a permission-denied status naming both.
  arrow::Status Require(catalog::Privilege privilege, const std::string& schema, const std::string& table) const;
  /// OK for superusers (and the unrestricted local client); `what` names the statement.
  arrow::Status RequireSuperuser(const std::string& what) const;

  const Principal& principal() const { return principal_; }

 private:
  const catalog::AccessControl& access_;
  Principal principal_;
};

/// Gives `principal` its owner's privileges on schema.table, which it has just created
/// (nothing for superusers, the unrestricted local client, or temporary tables).
arrow::Status RecordCreator(catalog::AccessControl& access, const Principal& principal, const std::string& schema,
                            const std::string& table);

}  // namespace quiver::engine
