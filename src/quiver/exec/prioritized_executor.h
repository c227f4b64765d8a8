#pragma once

#include <arrow/util/thread_pool.h>

#include <cstdint>

namespace quiver::exec {

/// An executor that hands every task to `inner` with `priority` (lower runs first).
/// Arrow's thread pool keeps its queue ordered by priority, so on a node whose threads
/// are busy the tasks of more urgent work are taken before those queued earlier.
///
/// A worker gives each stage task the stage's number: producers are numbered before
/// their consumers, and a consumer that is waiting for a hash table built from a
/// producer's output gains nothing from running ahead of it (its probe rows queue up).
/// One executor per (inner, priority), never destroyed: Arrow's futures may still
/// schedule continuations on it after the plan that used it is gone.
arrow::internal::Executor* PrioritizedExecutor(arrow::internal::Executor* inner, int32_t priority);

}  // namespace quiver::exec
