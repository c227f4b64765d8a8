#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace quiver {

/// One setting a user's extension adds.
struct SettingDefinition {
  std::string name;  // without the extension's prefix
  std::string default_value;
  std::string description;
  /// Checks a value given with SET; an error says what is wrong with it. Null: any.
  std::function<arrow::Status(const std::string& value)> check;
};

/// The settings extensions add (an extension point): a group registered under prefix
/// `geo` makes `SET geo.precision = 3` a setting the engine checks with the group's
/// rule, shows with its default, and sends with every distributed query to every worker
/// that runs a piece of it, where plan nodes read it (plan::ExtensionContext). Names
/// outside every registered prefix are the engine's own business. Thread-safe.
class SettingsRegistry {
 public:
  /// The registry the engine and workers of this process consult.
  static SettingsRegistry& Default();

  /// Adds `settings` under `prefix` (letters, digits and '_'): their full names are
  /// "prefix.name". AlreadyExists for a prefix taken; Invalid for a bad name.
  arrow::Status Register(const std::string& prefix, std::vector<SettingDefinition> settings);

  /// Whether `name` lies under a registered prefix.
  bool Governs(const std::string& name) const;
  /// For SET: OK for a name no extension governs; for one it does, KeyError naming it
  /// if the extension has no such setting, else its check's verdict.
  arrow::Status Check(const std::string& name, const std::string& value) const;
  /// The value `settings` give `name`, else its registered default; KeyError naming it
  /// if no extension defines it.
  arrow::Result<std::string> Value(const std::map<std::string, std::string>& settings, const std::string& name) const;

  struct Entry {
    std::string name;  // full name
    std::string default_value;
    std::string description;
  };
  /// Every registered setting, by name.
  std::vector<Entry> List() const;

 private:
  const SettingDefinition* Find(const std::string& name) const;

  mutable std::mutex mutex_;
  /// prefix → its settings by name.
  std::map<std::string, std::map<std::string, SettingDefinition>> groups_;
};

}  // namespace quiver
