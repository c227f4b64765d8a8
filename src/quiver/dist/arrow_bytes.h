#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <memory>
#include <string>

namespace quiver::dist {

// Arrow values as bytes for Quiver's plan messages, in Arrow's IPC format.

std::string SchemaBytes(const arrow::Schema& schema);
arrow::Result<std::shared_ptr<arrow::Schema>> SchemaFromBytes(const std::string& bytes);

/// An IPC stream of the table's batches.
arrow::Result<std::string> TableBytes(const arrow::Table& table);
arrow::Result<std::shared_ptr<arrow::Table>> TableFromBytes(const std::string& bytes);

/// A scalar as a one-row IPC stream; a null pointer as no bytes.
arrow::Result<std::string> ScalarBytes(const std::shared_ptr<arrow::Scalar>& scalar);
arrow::Result<std::shared_ptr<arrow::Scalar>> ScalarFromBytes(const std::string& bytes);

}  // namespace quiver::dist
