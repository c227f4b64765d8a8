#pragma once

#include <arrow/compute/expression.h>
#include <arrow/result.h>
#include <arrow/type_fwd.h>

namespace quiver::exec {

/// A scan's filter (written against the table's types) made to bind against the
/// types the files are read as, so that it runs before any column is converted.
///
/// Conjuncts that bind on the files' types are kept as they are. Arrow has no kernel
/// for some file types (LIKE or `=` on a string_view column, LIKE on a dictionary);
/// in such a conjunct the columns are converted to the table's types inside the
/// conjunct itself, so the other columns of rows it drops are never converted.
/// Fails only when the filter does not bind even then.
arrow::Result<arrow::compute::Expression> FilterOnFileTypes(const arrow::compute::Expression& filter,
                                                            const arrow::Schema& file_schema,
                                                            const arrow::Schema& table_schema);

}  // namespace quiver::exec
