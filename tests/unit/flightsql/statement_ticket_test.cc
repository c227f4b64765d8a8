#include "quiver/flightsql/statement_ticket.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <arrow/type.h>
#include <gtest/gtest.h>

#include "quiver/flightsql/parameter_rows.h"

namespace quiver::flightsql {
namespace {

std::shared_ptr<arrow::RecordBatch> TwoRows() {
  arrow::Int64Builder ids;
  EXPECT_TRUE(ids.AppendValues({7, 8}).ok());
  arrow::StringBuilder names;
  EXPECT_TRUE(names.Append("x").ok());
  EXPECT_TRUE(names.AppendNull().ok());
  auto schema = arrow::schema({arrow::field("$1", arrow::int64()), arrow::field("$2", arrow::utf8())});
  return arrow::RecordBatch::Make(schema, 2, {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie()});
}

TEST(StatementTicketTest, RoundTripsSqlAlone) {
  StatementTicket ticket;
  ticket.sql = "SELECT 'quote \" and \\ and\nnewline'";
  auto decoded = StatementTicket::Decode(ticket.Encode().ValueOrDie());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->sql, ticket.sql);
  EXPECT_EQ(decoded->parameters, nullptr);
  EXPECT_FALSE(decoded->already_executed);
}

TEST(StatementTicketTest, RoundTripsParametersAndExecutedFlag) {
  StatementTicket ticket;
  ticket.sql = "SELECT * FROM t WHERE id = $1 AND name = $2";
  ticket.parameters = TwoRows();
  ticket.already_executed = true;
  auto decoded = StatementTicket::Decode(ticket.Encode().ValueOrDie());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->sql, ticket.sql);
  EXPECT_TRUE(decoded->already_executed);
  ASSERT_NE(decoded->parameters, nullptr);
  EXPECT_TRUE(decoded->parameters->Equals(*ticket.parameters));
}

TEST(StatementTicketTest, CarriesAQueryIdFreshForEachTicket) {
  StatementTicket ticket;
  ticket.sql = "SELECT 1";
  ticket.query_id = StatementTicket::NewQueryId();
  EXPECT_EQ(ticket.query_id.size(), StatementTicket::kQueryIdBytes);
  EXPECT_NE(ticket.query_id, StatementTicket::NewQueryId());
  auto decoded = StatementTicket::Decode(ticket.Encode().ValueOrDie());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->query_id, ticket.query_id);
  EXPECT_EQ(decoded->sql, ticket.sql);
}

TEST(StatementTicketTest, RejectsForeignAndTruncatedBytes) {
  EXPECT_TRUE(StatementTicket::Decode("hello").status().IsInvalid());
  StatementTicket ticket;
  ticket.sql = "SELECT 1";
  ticket.parameters = TwoRows();
  std::string bytes = ticket.Encode().ValueOrDie();
  EXPECT_TRUE(StatementTicket::Decode(bytes.substr(0, 9)).status().IsInvalid());
  EXPECT_TRUE(StatementTicket::Decode(bytes.substr(0, bytes.size() - 20)).status().IsInvalid());
}

TEST(ParameterRowsTest, OneScalarListPerRowInPlaceholderOrder) {
  auto rows = ParameterRows(TwoRows()).ValueOrDie();
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].size(), 2u);
  EXPECT_TRUE(rows[0][0]->Equals(arrow::Int64Scalar(7)));
  EXPECT_TRUE(rows[0][1]->Equals(arrow::StringScalar("x")));
  EXPECT_TRUE(rows[1][0]->Equals(arrow::Int64Scalar(8)));
  EXPECT_FALSE(rows[1][1]->is_valid);
}

TEST(ParameterRowsTest, NoParametersMeansOneRunWithoutValues) {
  auto rows = ParameterRows(nullptr).ValueOrDie();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].empty());
}

TEST(ParameterRowsTest, CombinesBatchesAndChecksTheColumnCount) {
  auto batch = TwoRows();
  auto combined = CombineParameterBatches({batch, batch}, batch->schema()).ValueOrDie();
  EXPECT_EQ(combined->num_rows(), 4);
  EXPECT_EQ(CombineParameterBatches({}, batch->schema()).ValueOrDie(), nullptr);
  auto one = arrow::schema({arrow::field("$1", arrow::null())});
  auto wrong = CombineParameterBatches({batch}, one);
  ASSERT_TRUE(wrong.status().IsInvalid());
  EXPECT_NE(wrong.status().message().find("1 parameter"), std::string::npos) << wrong.status().message();
}

}  // namespace
}  // namespace quiver::flightsql
