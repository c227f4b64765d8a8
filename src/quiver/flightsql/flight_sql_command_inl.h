#pragma once

// Template definitions for flight_sql_command.h.

#include <arrow/status.h>
#include <google/protobuf/any.pb.h>

namespace quiver::flightsql {

namespace detail {
arrow::Result<google::protobuf::Any> ParseAny(std::string_view bytes, std::string_view what);
}

template <typename Message>
arrow::Result<Message> UnpackAny(std::string_view bytes, std::string_view what) {
  ARROW_ASSIGN_OR_RAISE(auto any, detail::ParseAny(bytes, what));
  Message message;
  if (!any.template Is<Message>()) {
    return arrow::Status::Invalid(what, " must be a ", Message::descriptor()->full_name(), ", got type URL '",
                                  any.type_url(), "'");
  }
  if (!any.UnpackTo(&message)) {
    return arrow::Status::Invalid(what, ": malformed ", Message::descriptor()->full_name());
  }
  return message;
}

}  // namespace quiver::flightsql
