#pragma once

#include <arrow/status.h>

#include <memory>
#include <string>

namespace quiver {

/// Marks a status as a refused privilege, so the Flight layer answers with
/// PERMISSION_DENIED (Arrow has no such status code; the detail carries it).
class PermissionDeniedDetail : public arrow::StatusDetail {
 public:
  static constexpr const char* kTypeId = "quiver::PermissionDenied";
  const char* type_id() const override { return kTypeId; }
  std::string ToString() const override { return "permission denied"; }
};

/// Invalid with PermissionDeniedDetail: "permission denied for table t" and the like.
template <typename... Args>
arrow::Status PermissionDenied(Args&&... args) {
  return arrow::Status::FromDetailAndArgs(arrow::StatusCode::Invalid, std::make_shared<PermissionDeniedDetail>(),
                                          "permission denied ", std::forward<Args>(args)...);
}

inline bool IsPermissionDenied(const arrow::Status& status) {
  return status.detail() && std::string(status.detail()->type_id()) == PermissionDeniedDetail::kTypeId;
}

}  // namespace quiver
