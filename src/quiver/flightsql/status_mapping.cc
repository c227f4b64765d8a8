#include "quiver/flightsql/status_mapping.h"

#include <arrow/flight/types.h>

#include "quiver/common/permission_denied.h"

namespace quiver::flightsql {

namespace flight = arrow::flight;

arrow::Status ToFlightStatus(const arrow::Status& status) {
  if (status.ok()) return status;
  // A status that already carries a Flight code was chosen on purpose.
  if (flight::FlightStatusDetail::UnwrapStatus(status)) return status;
  if (IsPermissionDenied(status))
    return flight::MakeFlightError(flight::FlightStatusCode::Unauthorized, status.message());
  switch (status.code()) {
    case arrow::StatusCode::Invalid:
    case arrow::StatusCode::KeyError:
    case arrow::StatusCode::AlreadyExists:
    case arrow::StatusCode::NotImplemented:
    case arrow::StatusCode::Cancelled:
      return status;
    case arrow::StatusCode::TypeError:
    case arrow::StatusCode::IndexError:
      // Type mismatches and out-of-range values come from what the user sent
      // (a parameter of the wrong type, a bad literal): the user can fix them.
      return arrow::Status::Invalid(status.message());
    case arrow::StatusCode::IOError:
      return flight::MakeFlightError(flight::FlightStatusCode::Unavailable, status.message());
    default:
      return flight::MakeFlightError(flight::FlightStatusCode::Internal, status.ToString());
  }
}

}  // namespace quiver::flightsql
