#pragma once

#include <arrow/compute/exec.h>
#include <arrow/compute/expression.h>
#include <arrow/datum.h>
#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <vector>

namespace quiver::exec {

/// A filter conjunct that reads a single column, dictionary-encoded in its input (a
/// string column read from Parquet as a dictionary). Instead of decoding every row to
/// compare it (`l_shipmode IN ('MAIL', 'SHIP')` casts each row's code to its string),
/// it is evaluated once per dictionary entry, and each row takes its entry's result.
class DictionaryCondition {
 public:
  /// Splits a bound condition's conjuncts into those over one dictionary column of
  /// `schema` and the rest.
  static void Split(const arrow::compute::Expression& condition, const arrow::Schema& schema,
                    std::vector<DictionaryCondition>* on_dictionaries, std::vector<arrow::compute::Expression>* others);

  /// The conjunct's value for each row of `batch`. Evaluated per dictionary entry where
  /// that pays (the column is an array with no NULLs and a dictionary smaller than the
  /// batch); row by row otherwise.
  arrow::Result<arrow::Datum> Evaluate(const arrow::compute::ExecBatch& batch,
                                       arrow::compute::ExecContext* context) const;

  const arrow::compute::Expression& expression() const { return expression_; }

 private:
  DictionaryCondition(arrow::compute::Expression expression, int column)
      : expression_(std::move(expression)), column_(column) {}

  arrow::compute::Expression expression_;
  int column_;
};

}  // namespace quiver::exec
