#include "quiver/plan/logical_extension.h"

#include "quiver/common/settings_registry.h"

namespace quiver::plan {

arrow::Result<std::string> ExtensionContext::Setting(const std::string& name) const {
  return SettingsRegistry::Default().Value(settings, name);
}

}  // namespace quiver::plan
