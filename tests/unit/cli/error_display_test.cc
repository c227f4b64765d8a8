#include "quiver/cli/error_display.h"

#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

TEST(ErrorDisplay, FindsThePositionAtTheEndOfTheMessage) {
  auto position = FindErrorPosition("column \"nope\" does not exist at line 2, column 13");
  ASSERT_TRUE(position.has_value());
  EXPECT_EQ(position->line, 2);
  EXPECT_EQ(position->column, 13);
  EXPECT_FALSE(FindErrorPosition("division by zero").has_value());
  EXPECT_FALSE(FindErrorPosition("at line 2, column 13 is where it was, in the middle").has_value());
}

TEST(ErrorDisplay, PutsACaretUnderTheColumn) {
  EXPECT_EQ(FormatError("SELECT nope FROM t", "column nope not found at line 1, column 8"),
            "ERROR: column nope not found at line 1, column 8\n"
            "LINE 1: SELECT nope FROM t\n"
            "               ^\n");
}

TEST(ErrorDisplay, ShowsTheLineTheErrorIsOnAndNumbersItInTheScript) {
  EXPECT_EQ(FormatError("SELECT 1,\n  2 +\n  FROM t", "syntax error at or near \"FROM\" at line 3, column 3", 10),
            "ERROR: syntax error at or near \"FROM\" at line 3, column 3\n"
            "LINE 12:   FROM t\n"
            "           ^\n");
}

TEST(ErrorDisplay, CountsCharactersNotBytesAndKeepsTabs) {
  // "é" is two bytes; the caret goes under "x", the 5th character.
  EXPECT_EQ(FormatError("'é' x", "bad at line 1, column 5"),
            "ERROR: bad at line 1, column 5\n"
            "LINE 1: 'é' x\n"
            "            ^\n");
  EXPECT_EQ(FormatError("\tSELECT x", "bad at line 1, column 9"),
            "ERROR: bad at line 1, column 9\n"
            "LINE 1: \tSELECT x\n"
            "        \t       ^\n");
}

TEST(ErrorDisplay, PointsJustPastTheEndForEndOfInput) {
  EXPECT_EQ(FormatError("SELECT (1", "syntax error at end of input at line 1, column 10"),
            "ERROR: syntax error at end of input at line 1, column 10\n"
            "LINE 1: SELECT (1\n"
            "                 ^\n");
}

TEST(ErrorDisplay, LeavesMessagesWithoutAUsablePositionAlone) {
  EXPECT_EQ(FormatError("SELECT 1/0", "division by zero"), "ERROR: division by zero\n");
  EXPECT_EQ(FormatError("SELECT 1", "odd at line 5, column 1"), "ERROR: odd at line 5, column 1\n");
}

}  // namespace
}  // namespace quiver::cli
