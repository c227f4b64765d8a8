#pragma once

#include <arrow/acero/exec_plan.h>
#include <arrow/result.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// What an extension node is lowered with: the settings of the query it runs in (the
/// session's on the node that planned it, the plan's on a worker).
struct ExtensionContext {
  std::map<std::string, std::string> settings;

  /// A setting's value, else the default an extension registered for it
  /// (SettingsRegistry); KeyError naming it if neither exists.
  arrow::Result<std::string> Setting(const std::string& name) const;
};

/// A plan operator of a user's making (an extension point): it computes its output as
/// an Acero declaration over its inputs' declarations. A distributed query carries it
/// to workers through the codec registered under codec_name()
/// (dist::PlanNodeCodecRegistry), which rebuilds it there.
///
/// A subclass sets `schema` (its output) and `inputs` as every operator does.
class LogicalExtension : public LogicalOperator {
 public:
  /// How a distributed query may split its rows among the tasks of a stage.
  enum class Distribution {
    /// Each output row depends on one input row: it runs in every task of its input's
    /// stage, on that task's share of the rows.
    kRowWise,
    /// It needs all its input at once: its input is gathered into one task first. A
    /// node without inputs is computed by one task.
    kWhole,
  };

  LogicalExtension() : LogicalOperator(LogicalKind::kExtension) {}

  /// The name of the codec that serializes it (PlanNodeCodec::name()).
  virtual std::string codec_name() const = 0;
  virtual Distribution distribution() const { return Distribution::kWhole; }
  /// A copy of this node with the same inputs: planners copy operators when they cut
  /// or rewrite a plan.
  virtual std::shared_ptr<LogicalExtension> Copy() const = 0;
  /// Its Acero declaration, over its inputs' declarations (in the order of `inputs`).
  virtual arrow::Result<arrow::acero::Declaration> Lower(std::vector<arrow::acero::Declaration> inputs,
                                                         const ExtensionContext& context) const = 0;
};

}  // namespace quiver::plan
