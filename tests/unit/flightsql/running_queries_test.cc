#include "quiver/flightsql/running_queries.h"

#include <gtest/gtest.h>

namespace quiver::flightsql {
namespace {

TEST(RunningQueriesTest, CancellingAQueryCancelsItsStreamsAndOnlyThose) {
  RunningQueries queries;
  auto first = queries.Start("a");
  auto second = queries.Start("a");
  auto other = queries.Start("b");
  ASSERT_TRUE(first && second && other);
  EXPECT_TRUE(queries.Cancel("a"));
  EXPECT_TRUE(first->cancelled());
  EXPECT_TRUE(second->cancelled());
  EXPECT_FALSE(other->cancelled());
}

TEST(RunningQueriesTest, ACancelledQueryDoesNotStartAgain) {
  RunningQueries queries;
  EXPECT_FALSE(queries.Cancel("later"));  // nothing running yet
  EXPECT_EQ(queries.Start("later"), nullptr);
  EXPECT_NE(queries.Start("else"), nullptr);
}

TEST(RunningQueriesTest, AFinishedStreamIsNoLongerListed) {
  RunningQueries queries;
  { auto run = queries.Start("done"); }
  // Cancelling finds nothing running, though later starts are refused.
  EXPECT_FALSE(queries.Cancel("done"));
}

}  // namespace
}  // namespace quiver::flightsql
