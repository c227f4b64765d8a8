#include "quiver/common/like_kernel.h"

#include <arrow/array/builder_binary.h>
#include <arrow/compute/api_scalar.h>
#include <arrow/compute/exec.h>
#include <gtest/gtest.h>

#include "quiver/common/sql_kernels.h"

namespace quiver {
namespace {

namespace cp = arrow::compute;

TEST(PiecewiseLikePatternTest, TakesOnlyLiteralPiecesBetweenPercentSigns) {
  auto parsed = PiecewiseLikePattern::Parse("%special%requests%");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->pieces, (std::vector<std::string>{"special", "requests"}));
  EXPECT_FALSE(parsed->anchored_start);
  EXPECT_FALSE(parsed->anchored_end);

  auto anchored = PiecewiseLikePattern::Parse("a%%b");
  ASSERT_TRUE(anchored.has_value());
  EXPECT_EQ(anchored->pieces, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(anchored->anchored_start);
  EXPECT_TRUE(anchored->anchored_end);

  // One piece (Arrow's own fast paths), `_`, and escapes are left to match_like.
  for (const char* pattern : {"abc", "%abc%", "abc%", "%", "", "a_%b", "a%\\%b"}) {
    EXPECT_FALSE(PiecewiseLikePattern::Parse(pattern).has_value()) << pattern;
  }
}

TEST(PiecewiseLikePatternTest, MatchesLikeSql) {
  struct Case {
    const char* pattern;
    const char* text;
    bool match;
  };
  for (const Case& c : std::vector<Case>{{"ab%ba", "abba", true},
                                         {"ab%ba", "aba", false},  // the pieces may not overlap
                                         {"a%b%a", "aXbYa", true},
                                         {"a%b%a", "aXbY", false},
                                         {"%ab%ab", "ababab", true},
                                         {"%ab%ab", "abxab ", false},
                                         {"%x%y%", "yx", false},
                                         {"%x%y%", "xxyy", true},
                                         {"é%ü%", "éxüy", true},
                                         {"%a%a%", "a", false}}) {
    EXPECT_EQ(PiecewiseLikePattern::Parse(c.pattern)->Matches(c.text), c.match) << c.pattern << " on " << c.text;
  }
}

TEST(PiecewiseLikePatternTest, KernelReadsStringsAndStringViewsWithNulls) {
  ASSERT_TRUE(RegisterSqlKernels().ok());
  cp::MatchSubstringOptions options("%b%d%");
  arrow::StringBuilder strings;
  arrow::StringViewBuilder views;
  for (auto* builder : std::vector<arrow::ArrayBuilder*>{&strings, &views}) {
    auto append = [&](const char* text) {
      if (builder == &strings) return strings.Append(text);
      return views.Append(text);
    };
    ASSERT_TRUE(append("abcde").ok());
    ASSERT_TRUE(append("a long string that is not inline: bd").ok());
    ASSERT_TRUE(builder->AppendNull().ok());
    ASSERT_TRUE(append("db").ok());
  }
  for (auto* builder : std::vector<arrow::ArrayBuilder*>{&strings, &views}) {
    std::shared_ptr<arrow::Array> input;
    ASSERT_TRUE(builder->Finish(&input).ok());
    auto result = cp::CallFunction(kPiecewiseLikeFunction, {input}, &options);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->make_array()->ToString(), "[\n  true,\n  true,\n  null,\n  false\n]");
  }
}

}  // namespace
}  // namespace quiver
