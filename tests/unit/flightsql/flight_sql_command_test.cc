#include "quiver/flightsql/flight_sql_command.h"

#include <google/protobuf/any.pb.h>
#include <gtest/gtest.h>

namespace quiver::flightsql {
namespace {

TEST(FlightSqlCommandTest, RoundTripsAStatementQuery) {
  pb::CommandStatementQuery query;
  query.set_query("SELECT 1");
  auto decoded = DecodeFlightSqlCommand(PackAny(query));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  auto* back = std::get_if<pb::CommandStatementQuery>(&*decoded);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->query(), "SELECT 1");
  EXPECT_FALSE(back->has_transaction_id());
  EXPECT_EQ(CommandName(*decoded), "CommandStatementQuery");
}

TEST(FlightSqlCommandTest, TypeUrlCarriesTheSpecificationsPackage) {
  // Clients recognise commands by this exact name.
  google::protobuf::Any any;
  ASSERT_TRUE(any.ParseFromString(PackAny(pb::CommandGetTables())));
  EXPECT_EQ(any.type_url(), "type.googleapis.com/arrow.flight.protocol.sql.CommandGetTables");
}

TEST(FlightSqlCommandTest, KeepsOptionalFieldPresence) {
  pb::CommandGetTables tables;
  tables.set_catalog("");
  tables.add_table_types("VIEW");
  auto decoded = DecodeFlightSqlCommand(PackAny(tables));
  ASSERT_TRUE(decoded.ok());
  const auto& back = std::get<pb::CommandGetTables>(*decoded);
  EXPECT_TRUE(back.has_catalog());
  EXPECT_FALSE(back.has_table_name_filter_pattern());
  EXPECT_EQ(back.table_types(0), "VIEW");
}

TEST(FlightSqlCommandTest, DecodesEveryCommandKind) {
  EXPECT_TRUE(std::holds_alternative<pb::CommandGetSqlInfo>(*DecodeFlightSqlCommand(PackAny(pb::CommandGetSqlInfo()))));
  EXPECT_TRUE(std::holds_alternative<pb::CommandGetCrossReference>(
      *DecodeFlightSqlCommand(PackAny(pb::CommandGetCrossReference()))));
  EXPECT_TRUE(
      std::holds_alternative<pb::TicketStatementQuery>(*DecodeFlightSqlCommand(PackAny(pb::TicketStatementQuery()))));
  EXPECT_TRUE(std::holds_alternative<pb::CommandPreparedStatementUpdate>(
      *DecodeFlightSqlCommand(PackAny(pb::CommandPreparedStatementUpdate()))));
  EXPECT_TRUE(std::holds_alternative<pb::CommandStatementIngest>(
      *DecodeFlightSqlCommand(PackAny(pb::CommandStatementIngest()))));
}

TEST(FlightSqlCommandTest, GarbageBytesAreInvalid) {
  auto decoded = DecodeFlightSqlCommand("\xff\xff\xff\xff garbage");
  ASSERT_TRUE(decoded.status().IsInvalid());
  EXPECT_NE(decoded.status().message().find("not a Flight SQL message"), std::string::npos)
      << decoded.status().message();
}

TEST(FlightSqlCommandTest, EmptyBytesAreInvalid) { EXPECT_TRUE(DecodeFlightSqlCommand("").status().IsInvalid()); }

TEST(FlightSqlCommandTest, UnknownTypeUrlIsInvalidAndNamed) {
  google::protobuf::Any any;
  any.set_type_url("type.googleapis.com/acme.Nonsense");
  auto decoded = DecodeFlightSqlCommand(any.SerializeAsString());
  ASSERT_TRUE(decoded.status().IsInvalid());
  EXPECT_NE(decoded.status().message().find("acme.Nonsense"), std::string::npos);
}

TEST(FlightSqlCommandTest, MalformedPayloadIsInvalid) {
  google::protobuf::Any any;
  any.set_type_url("type.googleapis.com/arrow.flight.protocol.sql.CommandStatementQuery");
  any.set_value("\x0a\xff\xff\xff\x0f");  // field 1 claims more bytes than there are
  auto decoded = DecodeFlightSqlCommand(any.SerializeAsString());
  ASSERT_TRUE(decoded.status().IsInvalid());
  EXPECT_NE(decoded.status().message().find("malformed"), std::string::npos);
}

TEST(FlightSqlCommandTest, UnpackAnyChecksTheType) {
  pb::ActionCreatePreparedStatementRequest request;
  request.set_query("SELECT $1");
  auto ok = UnpackAny<pb::ActionCreatePreparedStatementRequest>(PackAny(request), "body");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->query(), "SELECT $1");

  auto wrong = UnpackAny<pb::ActionClosePreparedStatementRequest>(PackAny(request), "body");
  ASSERT_TRUE(wrong.status().IsInvalid());
  EXPECT_NE(wrong.status().message().find("ActionClosePreparedStatementRequest"), std::string::npos);
}

}  // namespace
}  // namespace quiver::flightsql
