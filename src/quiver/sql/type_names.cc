#include "quiver/sql/type_names.h"

#include <cctype>
#include <map>

namespace quiver::sql {

std::string CanonicalTypeName(const std::string& name) {
  static const std::map<std::string, std::string> kAliases = {
      {"int2", "smallint"},
      {"int4", "int"},
      {"integer", "int"},
      {"int8", "bigint"},
      {"float4", "real"},
      {"float8", "double"},
      {"float", "double"},
      {"double precision", "double"},
      {"decimal", "numeric"},
      {"varchar", "text"},
      {"character varying", "text"},
      {"bpchar", "text"},
      {"char", "text"},
      {"character", "text"},
      {"string", "text"},
      {"bool", "boolean"},
      {"timestamp without time zone", "timestamp"},
      {"timestamp with time zone", "timestamptz"},
  };
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = kAliases.find(lower);
  return it == kAliases.end() ? lower : it->second;
}

}  // namespace quiver::sql
