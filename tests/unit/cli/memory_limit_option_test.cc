#include "quiver/cli/memory_limit_option.h"

#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kGiB = int64_t{1} << 30;

TEST(MemoryLimitOptionTest, ReadsSizesWithUnits) {
  EXPECT_EQ(ParseMemoryLimit("512MB", 0).ValueOrDie(), 512 * kMiB);
  EXPECT_EQ(ParseMemoryLimit("512mb", 0).ValueOrDie(), 512 * kMiB);
  EXPECT_EQ(ParseMemoryLimit("2GiB", 0).ValueOrDie(), 2 * kGiB);
  EXPECT_EQ(ParseMemoryLimit("1.5G", 0).ValueOrDie(), 3 * kGiB / 2);
  EXPECT_EQ(ParseMemoryLimit("64 MB", 0).ValueOrDie(), 64 * kMiB);
  EXPECT_EQ(ParseMemoryLimit("100k", 0).ValueOrDie(), 100 * 1024);
  EXPECT_EQ(ParseMemoryLimit("1048576", 0).ValueOrDie(), kMiB);
}

TEST(MemoryLimitOptionTest, ReadsPercentagesOfTheMachine) {
  EXPECT_EQ(ParseMemoryLimit("60%", 10 * kGiB).ValueOrDie(), 6 * kGiB);
  EXPECT_EQ(ParseMemoryLimit("100%", kGiB).ValueOrDie(), kGiB);
}

TEST(MemoryLimitOptionTest, RefusesNonsense) {
  for (const char* text : {"", "abc", "0", "-5MB", "12XB", "5 apples", "150%", "0%"}) {
    auto limit = ParseMemoryLimit(text, kGiB);
    EXPECT_FALSE(limit.ok()) << text;
    if (!limit.ok()) EXPECT_NE(limit.status().message().find("--memory-limit"), std::string::npos) << text;
  }
}

TEST(MemoryLimitOptionTest, KnowsTheMachinesMemory) { EXPECT_GT(AvailableMemoryBytes(), 64 * kMiB); }

}  // namespace
}  // namespace quiver::cli
