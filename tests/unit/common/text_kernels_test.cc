#include "quiver/common/text_kernels.h"

#include <arrow/array.h>
#include <arrow/compute/api.h>
#include <gtest/gtest.h>

#include "quiver/common/sql_kernels.h"

namespace quiver {
namespace {

TEST(CharacterOf, EncodesCodePointsAsUtf8) {
  EXPECT_EQ(*CharacterOf(65), "A");
  EXPECT_EQ(*CharacterOf(0xE9), "\xC3\xA9");
  EXPECT_EQ(*CharacterOf(0x20AC), "\xE2\x82\xAC");
  EXPECT_EQ(*CharacterOf(0x1F600), "\xF0\x9F\x98\x80");
}

TEST(CharacterOf, RefusesWhatPostgresRefuses) {
  EXPECT_EQ(CharacterOf(0).status().message(), "null character not permitted");
  EXPECT_EQ(CharacterOf(-1).status().message(), "character number must be positive");
  EXPECT_FALSE(CharacterOf(0x110000).ok());
  EXPECT_FALSE(CharacterOf(0xD800).ok());
}

TEST(Translate, ReplacesOrRemovesCharacters) {
  EXPECT_EQ(Translate("12345", "143", "ax"), "a2x5");
  EXPECT_EQ(Translate("na\xC3\xAFve", "\xC3\xAF", "i"), "naive");
  EXPECT_EQ(Translate("abc", "", "xyz"), "abc");
  // The first occurrence of a character in `from` decides.
  EXPECT_EQ(Translate("aaa", "aa", "xy"), "xxx");
}

TEST(TextKernels, ToHexUsesTheInputsWidth) {
  ASSERT_TRUE(RegisterSqlKernels().ok());
  auto narrow = arrow::compute::CallFunction("quiver_to_hex", {std::make_shared<arrow::Int32Scalar>(-1)});
  ASSERT_TRUE(narrow.ok()) << narrow.status().ToString();
  EXPECT_EQ(narrow->scalar()->ToString(), "ffffffff");
  auto wide = arrow::compute::CallFunction("quiver_to_hex", {std::make_shared<arrow::Int64Scalar>(-1)});
  ASSERT_TRUE(wide.ok()) << wide.status().ToString();
  EXPECT_EQ(wide->scalar()->ToString(), "ffffffffffffffff");
}

}  // namespace
}  // namespace quiver
