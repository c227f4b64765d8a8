#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "quiver/plan/logical_extension.h"

namespace quiver::dist {

/// Serializes one kind of user plan node (plan::LogicalExtension) so that a
/// distributed query can carry it to the workers, and rebuilds it there: the extension
/// point for custom plan nodes. Every node of a cluster registers the same codecs.
/// Implementations are thread-safe.
class PlanNodeCodec {
 public:
  virtual ~PlanNodeCodec() = default;
  /// Unique among codecs; nodes name it (LogicalExtension::codec_name()).
  virtual std::string name() const = 0;
  /// The node's own fields as bytes; its inputs and output schema travel apart.
  virtual arrow::Result<std::string> Encode(const plan::LogicalExtension& node) const = 0;
  /// The node from Encode's bytes. The caller sets its inputs and schema afterwards.
  virtual arrow::Result<std::shared_ptr<plan::LogicalExtension>> Decode(std::string_view payload) const = 0;
};

/// The codecs this process knows, by name. Thread-safe.
class PlanNodeCodecRegistry {
 public:
  /// The registry plan encoding and decoding use.
  static PlanNodeCodecRegistry& Default();

  /// AlreadyExists for a name taken.
  arrow::Status Register(std::shared_ptr<PlanNodeCodec> codec);
  /// KeyError naming the codec when none is registered under `name`.
  arrow::Result<std::shared_ptr<PlanNodeCodec>> Find(const std::string& name) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<PlanNodeCodec>> codecs_;
};

}  // namespace quiver::dist
