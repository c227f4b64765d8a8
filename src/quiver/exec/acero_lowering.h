#pragma once

#include <arrow/acero/exec_plan.h>
#include <arrow/result.h>

#include <functional>
#include <map>
#include <string>

#include "quiver/exec/metrics_node.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::exec {

struct DictionaryGroupKeys;

struct LoweringOptions {
  /// When set, every logical operator's Acero nodes get a "quiver_metrics" node above
  /// them, and the operator's counters are recorded here (EXPLAIN ANALYZE).
  PlanMetrics* metrics = nullptr;
  /// The pool scans allocate from (the query memory pool, which enforces the budget,
  /// when null); other nodes use the plan's.
  arrow::MemoryPool* pool = nullptr;
  /// Where scans decode their files; null: Arrow's CPU thread pool.
  arrow::internal::Executor* scan_executor = nullptr;
  /// Makes the source node of an exchange (a distributed plan's stage reading another
  /// stage's output); dist/ supplies it. Plans without exchanges need none.
  std::function<arrow::Result<arrow::acero::Declaration>(const plan::LogicalExchange&)> exchange_source;
  /// The query's settings, which user plan nodes (plan::LogicalExtension) are lowered
  /// with; null: none set.
  const std::map<std::string, std::string>* settings = nullptr;
  /// Set by LowerToAcero: the group keys scans leave dictionary-encoded.
  const DictionaryGroupKeys* dictionary_keys = nullptr;
};

/// Turns an optimized logical plan into an Acero declaration tree, one Acero node (or
/// a short chain) per logical operator. Every declaration carries a label describing
/// it, which EXPLAIN prints as the physical plan.
arrow::Result<arrow::acero::Declaration> LowerToAcero(const plan::LogicalOperator& root,
                                                      const LoweringOptions& options = {});

/// The indented tree of Acero nodes of a declaration, with their labels.
std::string FormatPhysicalPlan(const arrow::acero::Declaration& declaration);

}  // namespace quiver::exec
