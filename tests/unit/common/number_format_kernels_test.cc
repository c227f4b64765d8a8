#include "quiver/common/number_format_kernels.h"

#include <gtest/gtest.h>

namespace quiver {
namespace {

std::string Format(std::string_view number, std::string_view format) {
  auto result = FormatNumber(number, format);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : "";
}

TEST(FormatNumber, PadsWithASignSlot) {
  EXPECT_EQ(Format("485", "999"), " 485");
  EXPECT_EQ(Format("-485", "999"), "-485");
  EXPECT_EQ(Format("0", "999"), "   0");
  EXPECT_EQ(Format("-0.1", "99.99"), "  -.10");
}

TEST(FormatNumber, ZerosAndFillMode) {
  EXPECT_EQ(Format("12", "9990999.9"), "    0012.0");
  EXPECT_EQ(Format("12", "FM9990999.9"), "0012.");
  EXPECT_EQ(Format("148.5", "FM999.999"), "148.5");
  EXPECT_EQ(Format("148.5", "FM999.990"), "148.500");
}

TEST(FormatNumber, RoundsHalfAwayFromZero) {
  EXPECT_EQ(Format("2.345", "9.99"), " 2.35");
  EXPECT_EQ(Format("-2.5", "9"), "-3");
  EXPECT_EQ(Format("9.999", "9.99"), " #.##");  // rounds to 10.00, too wide
}

TEST(FormatNumber, GroupsSignsAndOverflow) {
  EXPECT_EQ(Format("3148.5", "9G999D999"), " 3,148.500");
  EXPECT_EQ(Format("-12345.678", "FM9,999,999.99"), "-12,345.68");
  EXPECT_EQ(Format("12345", "999"), " ###");
  EXPECT_EQ(Format("-485", "999S"), "485-");
  EXPECT_EQ(Format("5", "S999"), "  +5");
  EXPECT_EQ(Format("-485", "999PR"), "<485>");
  EXPECT_EQ(Format("1e+20", "FM999"), "###");
  EXPECT_FALSE(FormatNumber("1", "9.99EEEE").ok());
}

}  // namespace
}  // namespace quiver
