#include "quiver/dist/plan_node_codec.h"

namespace quiver::dist {

PlanNodeCodecRegistry& PlanNodeCodecRegistry::Default() {
  static PlanNodeCodecRegistry registry;
  return registry;
}

arrow::Status PlanNodeCodecRegistry::Register(std::shared_ptr<PlanNodeCodec> codec) {
  if (!codec) return arrow::Status::Invalid("cannot register a null plan node codec");
  const std::string name = codec->name();
  std::lock_guard lock(mutex_);
  if (!codecs_.emplace(name, std::move(codec)).second) {
    return arrow::Status::AlreadyExists("a plan node codec named '", name, "' is registered already");
  }
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<PlanNodeCodec>> PlanNodeCodecRegistry::Find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto found = codecs_.find(name);
  if (found == codecs_.end()) {
    return arrow::Status::KeyError("no plan node codec named '", name,
                                   "' is registered in this process (every node of a cluster must register the "
                                   "codecs of the plan nodes its queries use)");
  }
  return found->second;
}

}  // namespace quiver::dist
