#pragma once

#include <arrow/status.h>

#include <cstdint>

#include "quiver/exec/executor.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::exec {

/// Computes a recursive WITH query and stores its rows in `cte.result`: runs the
/// non-recursive term, then the recursive term over the rows the previous round added
/// (put in `cte.working`), until a round adds none. With UNION (not ALL) a round keeps
/// only rows unlike every earlier row (NULLs equal), as PostgreSQL does. PostgreSQL
/// iterates without limit; this fails with an error naming the query after
/// `max_iterations` rounds that still added rows. The plans must be optimized. Each
/// round's plan is interruptible (see StartPlan), and `interrupted` is also asked
/// between rounds.
arrow::Status MaterializeRecursiveCte(const plan::RecursiveCtePlan& cte, int64_t max_iterations,
                                      const InterruptCheck& interrupted = {});

}  // namespace quiver::exec
