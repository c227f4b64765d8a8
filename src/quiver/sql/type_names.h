#pragma once

#include <string>

namespace quiver::sql {

/// The one spelling Quiver uses for a SQL type name, whatever the user wrote:
/// `int4`, `integer` → "int"; `float8`, `double precision` → "double";
/// `timestamp with time zone` → "timestamptz"; `varchar`, `character varying` → "text" …
/// Names it does not know are returned lower-cased, for the binder to refuse.
std::string CanonicalTypeName(const std::string& name);

}  // namespace quiver::sql
