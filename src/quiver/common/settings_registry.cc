#include "quiver/common/settings_registry.h"

#include <algorithm>
#include <cctype>

namespace quiver {

namespace {

bool IsIdentifier(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// "geo.precision" → {"geo", "precision"}; no dot: {"", name}.
std::pair<std::string, std::string> Split(const std::string& name) {
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return {"", name};
  return {name.substr(0, dot), name.substr(dot + 1)};
}

}  // namespace

SettingsRegistry& SettingsRegistry::Default() {
  static SettingsRegistry registry;
  return registry;
}

arrow::Status SettingsRegistry::Register(const std::string& prefix, std::vector<SettingDefinition> settings) {
  if (!IsIdentifier(prefix)) {
    return arrow::Status::Invalid("settings prefix '", prefix, "' must be letters, digits and '_'");
  }
  std::map<std::string, SettingDefinition> group;
  for (auto& setting : settings) {
    if (!IsIdentifier(setting.name)) {
      return arrow::Status::Invalid("setting '", prefix, ".", setting.name,
                                    "': a name must be letters, digits and '_'");
    }
    if (setting.check) {
      auto valid = setting.check(setting.default_value);
      if (!valid.ok()) {
        return arrow::Status::Invalid("setting '", prefix, ".", setting.name, "': its default '", setting.default_value,
                                      "' fails its own check: ", valid.message());
      }
    }
    const std::string name = setting.name;
    if (!group.emplace(name, std::move(setting)).second) {
      return arrow::Status::Invalid("setting '", prefix, ".", name, "' is defined twice");
    }
  }
  std::lock_guard lock(mutex_);
  if (groups_.count(prefix))
    return arrow::Status::AlreadyExists("settings prefix '", prefix, "' is registered already");
  groups_.emplace(prefix, std::move(group));
  return arrow::Status::OK();
}

const SettingDefinition* SettingsRegistry::Find(const std::string& name) const {
  const auto [prefix, rest] = Split(name);
  auto group = groups_.find(prefix);
  if (group == groups_.end()) return nullptr;
  auto setting = group->second.find(rest);
  return setting == group->second.end() ? nullptr : &setting->second;
}

bool SettingsRegistry::Governs(const std::string& name) const {
  const auto prefix = Split(name).first;
  std::lock_guard lock(mutex_);
  return !prefix.empty() && groups_.count(prefix) > 0;
}

arrow::Status SettingsRegistry::Check(const std::string& name, const std::string& value) const {
  std::lock_guard lock(mutex_);
  const auto prefix = Split(name).first;
  if (prefix.empty() || !groups_.count(prefix)) return arrow::Status::OK();
  const auto* setting = Find(name);
  if (setting == nullptr) {
    std::string known;
    for (const auto& [other, _] : groups_.at(prefix)) known += (known.empty() ? "" : ", ") + prefix + "." + other;
    return arrow::Status::KeyError("unrecognized configuration parameter \"", name, "\" (the settings under \"", prefix,
                                   ".\" are: ", known.empty() ? "none" : known, ")");
  }
  if (!setting->check) return arrow::Status::OK();
  auto valid = setting->check(value);
  if (!valid.ok()) return valid.WithMessage("invalid value for ", name, ": ", valid.message());
  return arrow::Status::OK();
}

arrow::Result<std::string> SettingsRegistry::Value(const std::map<std::string, std::string>& settings,
                                                   const std::string& name) const {
  if (auto given = settings.find(name); given != settings.end()) return given->second;
  std::lock_guard lock(mutex_);
  const auto* setting = Find(name);
  if (setting == nullptr) return arrow::Status::KeyError("no extension defines the setting \"", name, "\"");
  return setting->default_value;
}

std::vector<SettingsRegistry::Entry> SettingsRegistry::List() const {
  std::lock_guard lock(mutex_);
  std::vector<Entry> entries;
  for (const auto& [prefix, group] : groups_) {
    for (const auto& [name, setting] : group) {
      entries.push_back(Entry{prefix + "." + name, setting.default_value, setting.description});
    }
  }
  return entries;
}

}  // namespace quiver
