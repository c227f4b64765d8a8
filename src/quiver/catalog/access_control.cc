#include "quiver/catalog/access_control.h"

#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "quiver/common/durable_file.h"

namespace quiver::catalog {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kAccessFile = "access.json";
constexpr Privilege kAllPrivileges[] = {Privilege::kSelect, Privilege::kInsert, Privilege::kUpdate, Privilege::kDelete,
                                        Privilege::kCreate};

arrow::Result<std::string> HashPassword(const std::string& password) {
  if (password.empty()) return arrow::Status::Invalid("a password must not be empty");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return arrow::Status::OutOfMemory("hashing a password needs ", crypto_pwhash_MEMLIMIT_INTERACTIVE, " bytes");
  }
  return std::string(hash);
}

}  // namespace

const char* PrivilegeName(Privilege privilege) {
  switch (privilege) {
    case Privilege::kSelect:
      return "SELECT";
    case Privilege::kInsert:
      return "INSERT";
    case Privilege::kUpdate:
      return "UPDATE";
    case Privilege::kDelete:
      return "DELETE";
    case Privilege::kCreate:
      return "CREATE";
  }
  return "?";
}

arrow::Result<Privilege> ParsePrivilege(const std::string& name) {
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  for (Privilege privilege : kAllPrivileges) {
    if (upper == PrivilegeName(privilege)) return privilege;
  }
  return arrow::Status::Invalid("unrecognized privilege type \"", name,
                                "\" (Quiver grants SELECT, INSERT, UPDATE, DELETE, CREATE)");
}

bool Grant::operator==(const Grant& other) const {
  return grantee == other.grantee && privilege == other.privilege && schema == other.schema && table == other.table;
}

arrow::Result<std::shared_ptr<AccessControl>> AccessControl::Open(const std::string& data_dir) {
  if (sodium_init() < 0) return arrow::Status::IOError("libsodium cannot be initialized");
  std::shared_ptr<AccessControl> access(new AccessControl((fs::path(data_dir) / kAccessFile).string()));
  ARROW_RETURN_NOT_OK(access->Load());
  return access;
}

arrow::Status AccessControl::Load() {
  if (!fs::exists(path_)) return arrow::Status::OK();
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return arrow::Status::IOError(path_, " is not valid JSON");
  try {
    for (const auto& item : doc.value("users", json::array())) {
      User user;
      user.password_hash = item.at("password_hash").get<std::string>();
      user.superuser = item.value("superuser", false);
      user.roles = item.value("roles", std::set<std::string>{});
      users_[item.at("name").get<std::string>()] = std::move(user);
    }
    roles_ = doc.value("roles", std::set<std::string>{});
    for (const auto& item : doc.value("grants", json::array())) {
      ARROW_ASSIGN_OR_RAISE(auto privilege, ParsePrivilege(item.at("privilege").get<std::string>()));
      grants_.push_back(Grant{item.at("grantee").get<std::string>(), privilege, item.at("schema").get<std::string>(),
                              item.value("table", "")});
    }
  } catch (const json::exception& error) {
    return arrow::Status::IOError(path_, " is malformed: ", error.what());
  }
  return arrow::Status::OK();
}

arrow::Status AccessControl::SaveLocked() const {
  json users = json::array();
  for (const auto& [name, user] : users_) {
    users.push_back(
        {{"name", name}, {"password_hash", user.password_hash}, {"superuser", user.superuser}, {"roles", user.roles}});
  }
  json grants = json::array();
  for (const auto& grant : grants_) {
    grants.push_back({{"grantee", grant.grantee},
                      {"privilege", PrivilegeName(grant.privilege)},
                      {"schema", grant.schema},
                      {"table", grant.table}});
  }
  json doc = {{"users", users}, {"roles", roles_}, {"grants", grants}};
  // Password hashes are for the server's eyes only.
  return WriteFileReplacing(path_, doc.dump(2) + "\n", 0600);
}

bool AccessControl::ExistsLocked(const std::string& name) const { return users_.count(name) || roles_.count(name); }

bool AccessControl::HasUsers() const {
  std::lock_guard lock(mutex_);
  return !users_.empty();
}

arrow::Status AccessControl::CreateUser(const std::string& name, const std::string& password, bool superuser) {
  ARROW_ASSIGN_OR_RAISE(auto hash, HashPassword(password));
  std::lock_guard lock(mutex_);
  if (ExistsLocked(name)) return arrow::Status::AlreadyExists("role \"", name, "\" already exists");
  users_[name] = User{std::move(hash), superuser, {}};
  auto status = SaveLocked();
  if (!status.ok()) users_.erase(name);
  return status;
}

arrow::Status AccessControl::CreateRole(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (ExistsLocked(name)) return arrow::Status::AlreadyExists("role \"", name, "\" already exists");
  roles_.insert(name);
  auto status = SaveLocked();
  if (!status.ok()) roles_.erase(name);
  return status;
}

arrow::Status AccessControl::DropPrincipal(const std::string& name, bool if_exists) {
  std::lock_guard lock(mutex_);
  if (!ExistsLocked(name)) {
    if (if_exists) return arrow::Status::OK();
    return arrow::Status::KeyError("role \"", name, "\" does not exist");
  }
  auto users = users_;
  auto roles = roles_;
  auto grants = grants_;
  users_.erase(name);
  roles_.erase(name);
  for (auto& [user_name, user] : users_) user.roles.erase(name);
  std::erase_if(grants_, [&](const Grant& grant) { return grant.grantee == name; });
  auto status = SaveLocked();
  if (!status.ok()) {
    users_ = std::move(users);
    roles_ = std::move(roles);
    grants_ = std::move(grants);
  }
  return status;
}

arrow::Status AccessControl::SetPassword(const std::string& name, const std::string& password) {
  ARROW_ASSIGN_OR_RAISE(auto hash, HashPassword(password));
  std::lock_guard lock(mutex_);
  auto it = users_.find(name);
  if (it == users_.end()) return arrow::Status::KeyError("user \"", name, "\" does not exist");
  std::swap(it->second.password_hash, hash);
  auto status = SaveLocked();
  if (!status.ok()) std::swap(it->second.password_hash, hash);
  return status;
}

arrow::Status AccessControl::GrantRole(const std::string& role, const std::string& member) {
  std::lock_guard lock(mutex_);
  if (!roles_.count(role)) return arrow::Status::KeyError("role \"", role, "\" does not exist");
  auto it = users_.find(member);
  if (it == users_.end()) return arrow::Status::KeyError("user \"", member, "\" does not exist");
  if (!it->second.roles.insert(role).second) return arrow::Status::OK();
  auto status = SaveLocked();
  if (!status.ok()) it->second.roles.erase(role);
  return status;
}

arrow::Status AccessControl::RevokeRole(const std::string& role, const std::string& member) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(member);
  if (it == users_.end()) return arrow::Status::KeyError("user \"", member, "\" does not exist");
  if (it->second.roles.erase(role) == 0) return arrow::Status::OK();
  auto status = SaveLocked();
  if (!status.ok()) it->second.roles.insert(role);
  return status;
}

arrow::Status AccessControl::AddGrant(Grant grant) {
  std::lock_guard lock(mutex_);
  if (!ExistsLocked(grant.grantee)) return arrow::Status::KeyError("role \"", grant.grantee, "\" does not exist");
  if (std::find(grants_.begin(), grants_.end(), grant) != grants_.end()) return arrow::Status::OK();
  grants_.push_back(std::move(grant));
  auto status = SaveLocked();
  if (!status.ok()) grants_.pop_back();
  return status;
}

arrow::Status AccessControl::RemoveGrant(const Grant& grant) {
  std::lock_guard lock(mutex_);
  if (!ExistsLocked(grant.grantee)) return arrow::Status::KeyError("role \"", grant.grantee, "\" does not exist");
  auto previous = grants_;
  std::erase(grants_, grant);
  if (grants_.size() == previous.size()) return arrow::Status::OK();
  auto status = SaveLocked();
  if (!status.ok()) grants_ = std::move(previous);
  return status;
}

arrow::Status AccessControl::GrantOwnership(const std::string& user, const std::string& schema,
                                            const std::string& table) {
  std::lock_guard lock(mutex_);
  if (!ExistsLocked(user)) return arrow::Status::KeyError("user \"", user, "\" does not exist");
  auto previous = grants_;
  for (Privilege privilege : {Privilege::kSelect, Privilege::kInsert, Privilege::kUpdate, Privilege::kDelete}) {
    Grant grant{user, privilege, schema, table};
    if (std::find(grants_.begin(), grants_.end(), grant) == grants_.end()) grants_.push_back(std::move(grant));
  }
  auto status = SaveLocked();
  if (!status.ok()) grants_ = std::move(previous);
  return status;
}

arrow::Status AccessControl::ForgetObject(const std::string& schema, const std::string& table) {
  std::lock_guard lock(mutex_);
  auto previous = grants_;
  std::erase_if(grants_,
                [&](const Grant& grant) { return grant.schema == schema && (table.empty() || grant.table == table); });
  if (grants_.size() == previous.size()) return arrow::Status::OK();
  auto status = SaveLocked();
  if (!status.ok()) grants_ = std::move(previous);
  return status;
}

arrow::Status AccessControl::RenameObject(const std::string& schema, const std::string& table,
                                          const std::string& new_name) {
  std::lock_guard lock(mutex_);
  auto previous = grants_;
  bool changed = false;
  for (auto& grant : grants_) {
    if (grant.schema == schema && grant.table == table) {
      grant.table = new_name;
      changed = true;
    }
  }
  if (!changed) return arrow::Status::OK();
  auto status = SaveLocked();
  if (!status.ok()) grants_ = std::move(previous);
  return status;
}

bool AccessControl::VerifyPassword(const std::string& user, const std::string& password) const {
  std::string hash;
  {
    std::lock_guard lock(mutex_);
    auto it = users_.find(user);
    if (it == users_.end()) return false;
    hash = it->second.password_hash;
  }
  // Verification is slow by design; the lock is not held meanwhile.
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool AccessControl::UserExists(const std::string& user) const {
  std::lock_guard lock(mutex_);
  return users_.count(user) > 0;
}

bool AccessControl::IsSuperuser(const std::string& user) const {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user);
  return it != users_.end() && it->second.superuser;
}

bool AccessControl::AllowsLocked(const std::string& user, Privilege privilege, const std::string& schema,
                                 const std::string& table) const {
  auto it = users_.find(user);
  if (it == users_.end()) return false;
  if (it->second.superuser) return true;
  for (const auto& grant : grants_) {
    if (grant.privilege != privilege || grant.schema != schema) continue;
    if (grant.grantee != user && !it->second.roles.count(grant.grantee)) continue;
    // A schema-wide grant covers the schema's tables; a table grant only its table.
    if (grant.table.empty() || grant.table == table) return true;
  }
  return false;
}

bool AccessControl::Allows(const std::string& user, Privilege privilege, const std::string& schema,
                           const std::string& table) const {
  std::lock_guard lock(mutex_);
  return AllowsLocked(user, privilege, schema, table);
}

bool AccessControl::SeesTable(const std::string& user, const std::string& schema, const std::string& table) const {
  std::lock_guard lock(mutex_);
  for (Privilege privilege : kAllPrivileges) {
    if (AllowsLocked(user, privilege, schema, table)) return true;
  }
  return false;
}

}  // namespace quiver::catalog
