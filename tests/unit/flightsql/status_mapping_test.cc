#include "quiver/flightsql/status_mapping.h"

#include <arrow/flight/types.h>
#include <gtest/gtest.h>

namespace quiver::flightsql {
namespace {

namespace flight = arrow::flight;

std::optional<flight::FlightStatusCode> FlightCode(const arrow::Status& status) {
  auto detail = flight::FlightStatusDetail::UnwrapStatus(status);
  if (!detail) return std::nullopt;
  return detail->code();
}

TEST(StatusMappingTest, OkStaysOk) { EXPECT_TRUE(ToFlightStatus(arrow::Status::OK()).ok()); }

TEST(StatusMappingTest, CodesFlightAlreadyMapsPassThroughWithTheEngineMessage) {
  // Flight sends these as INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, UNIMPLEMENTED.
  auto invalid = ToFlightStatus(arrow::Status::Invalid("syntax error at line 1, column 8"));
  EXPECT_TRUE(invalid.IsInvalid());
  EXPECT_EQ(invalid.message(), "syntax error at line 1, column 8");
  EXPECT_TRUE(ToFlightStatus(arrow::Status::KeyError("table \"t\" does not exist")).IsKeyError());
  EXPECT_TRUE(ToFlightStatus(arrow::Status::AlreadyExists("relation \"t\" already exists")).IsAlreadyExists());
  EXPECT_TRUE(ToFlightStatus(arrow::Status::NotImplemented("no")).IsNotImplemented());
}

TEST(StatusMappingTest, UserValueMistakesBecomeInvalid) {
  auto status = ToFlightStatus(arrow::Status::TypeError("cannot cast 'x' to int64"));
  EXPECT_TRUE(status.IsInvalid());
  EXPECT_EQ(status.message(), "cannot cast 'x' to int64");
}

TEST(StatusMappingTest, IOErrorBecomesUnavailableKeepingTheMessage) {
  auto status = ToFlightStatus(arrow::Status::IOError("cannot read /data/x.parquet: No such file"));
  EXPECT_EQ(FlightCode(status), flight::FlightStatusCode::Unavailable);
  EXPECT_NE(status.message().find("/data/x.parquet"), std::string::npos);
}

TEST(StatusMappingTest, UnexpectedErrorsBecomeInternal) {
  EXPECT_EQ(FlightCode(ToFlightStatus(arrow::Status::UnknownError("boom"))), flight::FlightStatusCode::Internal);
  EXPECT_EQ(FlightCode(ToFlightStatus(arrow::Status::OutOfMemory("oom"))), flight::FlightStatusCode::Internal);
  EXPECT_EQ(FlightCode(ToFlightStatus(arrow::Status::CapacityError("big"))), flight::FlightStatusCode::Internal);
}

TEST(StatusMappingTest, ChosenFlightCodesAreKept) {
  auto status = flight::MakeFlightError(flight::FlightStatusCode::Unauthenticated, "who are you");
  EXPECT_EQ(FlightCode(ToFlightStatus(status)), flight::FlightStatusCode::Unauthenticated);
}

}  // namespace
}  // namespace quiver::flightsql
