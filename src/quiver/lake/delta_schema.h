#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <string>

namespace quiver::lake {

/// Delta Lake describes a table's columns as a JSON "struct" type (the metaData
/// action's schemaString). These convert between it and Arrow schemas.

/// The schemaString for `schema`. Invalid, naming the column, for a type Delta cannot
/// store (time of day, intervals, unsigned integers …).
arrow::Result<std::string> ToDeltaSchemaString(const arrow::Schema& schema);

/// The Arrow schema of a schemaString. Delta's timestamp is timestamp[us, UTC],
/// timestamp_ntz timestamp[us]; NotImplemented for types Quiver cannot read.
arrow::Result<std::shared_ptr<arrow::Schema>> FromDeltaSchemaString(const std::string& schema_string);

/// True if a column (at any depth) is a timestamp without time zone, which needs
/// Delta's timestampNtz table feature.
bool UsesTimestampWithoutTimeZone(const arrow::Schema& schema);

}  // namespace quiver::lake
