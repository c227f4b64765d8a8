#include "quiver/flightsql/like_pattern.h"

#include <gtest/gtest.h>

namespace quiver::flightsql {
namespace {

bool Like(const char* pattern, const char* text) { return LikePattern(pattern).Matches(text); }

TEST(LikePatternTest, LiteralsMatchExactly) {
  EXPECT_TRUE(Like("trips", "trips"));
  EXPECT_FALSE(Like("trips", "trip"));
  EXPECT_FALSE(Like("trips", "tripss"));
  EXPECT_FALSE(Like("trips", "TRIPS"));
  EXPECT_TRUE(Like("", ""));
  EXPECT_FALSE(Like("", "x"));
}

TEST(LikePatternTest, PercentMatchesAnyRun) {
  EXPECT_TRUE(Like("%", ""));
  EXPECT_TRUE(Like("%", "anything"));
  EXPECT_TRUE(Like("trip%", "trips"));
  EXPECT_TRUE(Like("trip%", "trip"));
  EXPECT_TRUE(Like("%stats", "trip_stats"));
  EXPECT_TRUE(Like("t%p%s", "trip_stats"));
  EXPECT_FALSE(Like("t%x%s", "trip_stats"));
  EXPECT_TRUE(Like("%%a%%", "banana"));
}

TEST(LikePatternTest, UnderscoreMatchesExactlyOneCharacter) {
  EXPECT_TRUE(Like("trip_", "trips"));
  EXPECT_FALSE(Like("trip_", "trip"));
  EXPECT_FALSE(Like("trip_", "tripss"));
  EXPECT_TRUE(Like("_", "\xc3\xa9"));  // é is one character in two bytes
  EXPECT_TRUE(Like("caf_", "caf\xc3\xa9"));
}

TEST(LikePatternTest, BackslashEscapesWildcards) {
  EXPECT_TRUE(Like("trip\\_stats", "trip_stats"));
  EXPECT_FALSE(Like("trip\\_stats", "tripXstats"));
  EXPECT_TRUE(Like("100\\%", "100%"));
  EXPECT_FALSE(Like("100\\%", "1000"));
}

TEST(LikePatternTest, BacktracksAcrossRepeatedPrefixes) {
  EXPECT_TRUE(Like("%aab", "aaaab"));
  EXPECT_FALSE(Like("%aab", "aaaa"));
  EXPECT_TRUE(Like("a%b%c", "aXbYbZc"));
}

}  // namespace
}  // namespace quiver::flightsql
