#include "quiver/exec/node_registry.h"

#include <arrow/compute/initialize.h>

#include <map>
#include <mutex>

namespace quiver::exec {

arrow::Status RegisterNodeFactory(const std::string& name, arrow::acero::ExecFactoryRegistry::Factory factory) {
  static std::mutex mutex;
  static std::map<std::string, arrow::Status> registered;
  std::lock_guard lock(mutex);
  if (auto found = registered.find(name); found != registered.end()) return found->second;
  arrow::Status status = arrow::compute::Initialize();
  if (status.ok()) status = arrow::acero::default_exec_factory_registry()->AddFactory(name, std::move(factory));
  registered[name] = status;
  return status;
}

}  // namespace quiver::exec
