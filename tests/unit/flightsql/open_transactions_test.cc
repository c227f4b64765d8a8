// Open transactions belong to their user and do not outlive an idle limit.
#include "quiver/flightsql/open_transactions.h"

#include <gtest/gtest.h>

#include <thread>

namespace quiver::flightsql {
namespace {

TEST(OpenTransactionsTest, ATransactionIsUnknownToOtherUsers) {
  OpenTransactions open("/nonexistent/commit.journal");
  const std::string id = open.Begin("alice");
  EXPECT_TRUE(open.Get(id, "alice").ok());
  auto stolen = open.Get(id, "mallory");
  ASSERT_FALSE(stolen.ok());
  EXPECT_NE(stolen.status().message().find("is not open"), std::string::npos) << stolen.status();
  EXPECT_FALSE(open.End(id, "mallory", /*commit=*/false).ok());
  // Still alice's to end.
  EXPECT_TRUE(open.End(id, "alice", /*commit=*/false).ok());
  EXPECT_EQ(open.size(), 0u);
}

TEST(OpenTransactionsTest, IdleTransactionsAreRolledBack) {
  OpenTransactions open("/nonexistent/commit.journal", std::chrono::milliseconds(30));
  const std::string idle = open.Begin("");
  auto transaction = open.Get(idle, "").ValueOrDie();
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  const std::string fresh = open.Begin("");
  EXPECT_EQ(open.size(), 1u);
  auto gone = open.Get(idle, "");
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.status().message().find("idle too long"), std::string::npos) << gone.status();
  // Rolled back: it takes no more statements.
  auto read = transaction->Read("/nonexistent/table");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("already ended"), std::string::npos) << read.status();
  EXPECT_TRUE(open.Get(fresh, "").ok());
}

}  // namespace
}  // namespace quiver::flightsql
