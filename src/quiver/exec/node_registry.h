#pragma once

#include <arrow/acero/exec_plan.h>
#include <arrow/status.h>

#include <string>

namespace quiver::exec {

/// Adds one of Quiver's exec nodes to Acero's default factory registry, once per name
/// for the life of the process (later calls return the first call's result). Arrow's
/// compute module is initialized first: Quiver's nodes call its sort, take and filter
/// kernels.
arrow::Status RegisterNodeFactory(const std::string& name, arrow::acero::ExecFactoryRegistry::Factory factory);

}  // namespace quiver::exec
