#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace quiver::catalog {

enum class Privilege { kSelect, kInsert, kUpdate, kDelete, kCreate };

const char* PrivilegeName(Privilege privilege);
/// "select", "INSERT" … ; Invalid naming the word for anything else.
arrow::Result<Privilege> ParsePrivilege(const std::string& name);

/// A privilege held by a user or role on one table, or on a schema: there it covers
/// every table of the schema, and CREATE lets the holder create and drop objects in it.
struct Grant {
  std::string grantee;
  Privilege privilege;
  std::string schema;
  std::string table;  // empty: the schema
  bool operator==(const Grant& other) const;
};

/// Users (who log in with a password), roles (privileges users are given as a group),
/// and the grants of privileges, persisted as `access.json` in the data directory (mode
/// 0600: it holds password hashes), replaced whole on every change like the catalog.
/// Passwords are stored only as salted argon2id hashes (libsodium's crypto_pwhash_str),
/// slow to compute by design. A superuser may do everything. Thread-safe.
class AccessControl {
 public:
  static arrow::Result<std::shared_ptr<AccessControl>> Open(const std::string& data_dir);

  /// Whether any user exists: without users the server runs unauthenticated.
  bool HasUsers() const;

  arrow::Status CreateUser(const std::string& name, const std::string& password, bool superuser);
  arrow::Status CreateRole(const std::string& name);
  /// Drops a user or role, with its grants and memberships.
  arrow::Status DropPrincipal(const std::string& name, bool if_exists);
  arrow::Status SetPassword(const std::string& user, const std::string& password);
  arrow::Status GrantRole(const std::string& role, const std::string& member);
  arrow::Status RevokeRole(const std::string& role, const std::string& member);
  arrow::Status AddGrant(Grant grant);
  arrow::Status RemoveGrant(const Grant& grant);
  /// Gives `user` SELECT, INSERT, UPDATE and DELETE on a table it has just created:
  /// what its owner may do with it.
  arrow::Status GrantOwnership(const std::string& user, const std::string& schema, const std::string& table);
  /// Forgets the grants on a dropped table, or with `table` empty on a dropped schema
  /// and its tables, so that an object created later under that name starts bare.
  arrow::Status ForgetObject(const std::string& schema, const std::string& table);
  /// Moves the grants on a table to its new name.
  arrow::Status RenameObject(const std::string& schema, const std::string& table, const std::string& new_name);

  /// True when `user` exists and `password` is its password.
  bool VerifyPassword(const std::string& user, const std::string& password) const;
  bool UserExists(const std::string& user) const;
  bool IsSuperuser(const std::string& user) const;
  /// Whether `user`, itself or through a role, holds `privilege` on schema.table (on
  /// the schema when `table` is empty). Superusers hold everything.
  bool Allows(const std::string& user, Privilege privilege, const std::string& schema, const std::string& table) const;
  /// Whether `user` holds any privilege on the table (what metadata lists show it).
  bool SeesTable(const std::string& user, const std::string& schema, const std::string& table) const;

 private:
  struct User {
    std::string password_hash;
    bool superuser = false;
    std::set<std::string> roles;
  };
  explicit AccessControl(std::string path) : path_(std::move(path)) {}
  arrow::Status Load();
  arrow::Status SaveLocked() const;
  bool ExistsLocked(const std::string& name) const;
  bool AllowsLocked(const std::string& user, Privilege privilege, const std::string& schema,
                    const std::string& table) const;

  std::string path_;
  mutable std::mutex mutex_;
  std::map<std::string, User> users_;
  std::set<std::string> roles_;
  std::vector<Grant> grants_;
};

}  // namespace quiver::catalog
