#include "quiver/common/datetime_kernels.h"

#include <arrow/array.h>
#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <gtest/gtest.h>

#include "quiver/common/kernel_calendar.h"
#include "quiver/common/sql_kernels.h"

namespace quiver {
namespace {

// Microseconds of a civil date and time, for readable expectations.
int64_t Micros(int64_t y, unsigned m, unsigned d, int64_t hh = 0, int64_t mi = 0, int64_t ss = 0, int64_t us = 0) {
  return calendar::DaysFromCivil(y, m, d) * calendar::kMicrosPerDay + ((hh * 60 + mi) * 60 + ss) * 1'000'000 + us;
}

std::string Format(int64_t micros, std::string_view format, std::string_view zone = "") {
  auto result = FormatTimestamp(micros, format, zone);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : "";
}

TEST(FormatTimestamp, NumericFieldsArePaddedUnlessFillMode) {
  const int64_t t = Micros(2024, 3, 5, 14, 7, 9, 123456);
  EXPECT_EQ(Format(t, "YYYY-MM-DD HH24:MI:SS.US"), "2024-03-05 14:07:09.123456");
  EXPECT_EQ(Format(t, "FMDD/FMMM/YY FMHH12"), "5/3/24 2");
  EXPECT_EQ(Format(t, "MS FF1 FF3"), "123 1 123");
}

TEST(FormatTimestamp, NamesFollowTheKeywordsCase) {
  const int64_t t = Micros(2024, 3, 5);
  EXPECT_EQ(Format(t, "Month|MONTH|month|Mon|MON|mon"), "March    |MARCH    |march    |Mar|MAR|mar");
  EXPECT_EQ(Format(t, "FMDay Dy dy"), "Tuesday Tue tue");
  EXPECT_EQ(Format(t, "RM rm"), "III  iii ");
}

TEST(FormatTimestamp, MeridiemOrdinalsAndQuotedText) {
  EXPECT_EQ(Format(Micros(2024, 1, 1, 0, 5), "HH12:MI AM a.m."), "12:05 AM a.m.");
  EXPECT_EQ(Format(Micros(2024, 1, 1, 13, 5), "HH:MI PM"), "01:05 PM");
  EXPECT_EQ(Format(Micros(2024, 1, 1), "FMDDth FMDDTH"), "1st 1ST");
  EXPECT_EQ(Format(Micros(2024, 1, 12), "FMDDth"), "12th");
  EXPECT_EQ(Format(Micros(2024, 1, 23), "FMDDth"), "23rd");
  EXPECT_EQ(Format(Micros(2024, 1, 1), "\"Day\" DD \"q\\\"\""), "Day 01 q\"");
}

TEST(FormatTimestamp, WeeksAndIsoYears) {
  // 2021-01-03 is a Sunday in ISO week 53 of 2020.
  EXPECT_EQ(Format(Micros(2021, 1, 3), "IYYY IW ID D WW DDD"), "2020 53 7 1 01 003");
  EXPECT_EQ(Format(Micros(2024, 8, 17), "Q CC J"), "3 21 2460540");
}

TEST(FormatTimestamp, TimesBeforeTheEpoch) {
  EXPECT_EQ(Format(Micros(1969, 12, 31, 23, 59, 59, 500000), "YYYY-MM-DD HH24:MI:SS.MS"), "1969-12-31 23:59:59.500");
}

TEST(FormatTimestamp, ZoneFields) {
  EXPECT_EQ(Format(0, "TZ tz OF", "UTC"), "UTC utc +00");
  EXPECT_EQ(Format(0, "[TZ]"), "[]");
}

int64_t Parse(std::string_view text, std::string_view format) {
  auto result = ParseTimestamp(text, format);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : 0;
}

TEST(ParseTimestamp, FixedWidthAndSeparatedFields) {
  EXPECT_EQ(Parse("20240305", "YYYYMMDD"), Micros(2024, 3, 5));
  EXPECT_EQ(Parse("2024-3-5 7:8:9", "YYYY-MM-DD HH24:MI:SS"), Micros(2024, 3, 5, 7, 8, 9));
  EXPECT_EQ(Parse("2024/03/05", "YYYY-MM-DD"), Micros(2024, 3, 5));
  EXPECT_EQ(Parse("  2024-03-05", "YYYY-MM-DD"), Micros(2024, 3, 5));
}

TEST(ParseTimestamp, NamesMeridiemAndFractions) {
  EXPECT_EQ(Parse("5 march 2024", "DD Month YYYY"), Micros(2024, 3, 5));
  EXPECT_EQ(Parse("Tue Mar 05 2024", "Dy Mon DD YYYY"), Micros(2024, 3, 5));
  EXPECT_EQ(Parse("2024-01-01 12:15 am", "YYYY-MM-DD HH:MI am"), Micros(2024, 1, 1, 0, 15));
  EXPECT_EQ(Parse("01:15 PM 2024-01-01", "HH12:MI PM YYYY-MM-DD"), Micros(2024, 1, 1, 13, 15));
  EXPECT_EQ(Parse("2024-01-01 00:00:01.25", "YYYY-MM-DD HH24:MI:SS.MS"), Micros(2024, 1, 1, 0, 0, 1, 250000));
}

TEST(ParseTimestamp, ShortYearsLandNear2020) {
  EXPECT_EQ(Parse("24-01-01", "YY-MM-DD"), Micros(2024, 1, 1));
  EXPECT_EQ(Parse("99-01-01", "YY-MM-DD"), Micros(1999, 1, 1));
  EXPECT_EQ(Parse("2024 060", "YYYY DDD"), Micros(2024, 2, 29));
}

TEST(ParseTimestamp, ReportsBadInput) {
  EXPECT_NE(ParseTimestamp("2024-02-30", "YYYY-MM-DD").status().message().find("out of range"), std::string::npos);
  EXPECT_NE(ParseTimestamp("2024-xx-01", "YYYY-MM-DD").status().message().find("invalid value \"xx\" for \"MM\""),
            std::string::npos);
  EXPECT_NE(ParseTimestamp("13:00", "HH12:MI").status().message().find("12-hour clock"), std::string::npos);
  EXPECT_FALSE(ParseTimestamp("Foo", "Mon").ok());
  EXPECT_FALSE(ParseTimestamp("2024", "TZ").ok());
}

TEST(Age, BorrowsDaysFromTheEarlierMonth) {
  MonthDayNanos age = Age(Micros(2024, 3, 5), Micros(2024, 1, 31));
  EXPECT_EQ(age.months, 1);
  EXPECT_EQ(age.days, 5);  // January has 31 days: Jan 31 + 1 month 5 days
  EXPECT_EQ(age.nanoseconds, 0);
  age = Age(Micros(2024, 3, 15, 8), Micros(2020, 1, 10));
  EXPECT_EQ(age.months, 4 * 12 + 2);
  EXPECT_EQ(age.days, 5);
  EXPECT_EQ(age.nanoseconds, 8LL * 3600 * 1'000'000'000);
}

TEST(Age, NegativeWhenTheFirstIsEarlier) {
  MonthDayNanos age = Age(Micros(2024, 1, 31), Micros(2024, 3, 5, 12));
  EXPECT_EQ(age.months, -1);
  EXPECT_EQ(age.days, -5);
  EXPECT_EQ(age.nanoseconds, -12LL * 3600 * 1'000'000'000);
}

TEST(MakeTimestamp, ValidatesFields) {
  EXPECT_EQ(*MakeTimestamp(2024, 2, 29, 23, 59, 59.5), Micros(2024, 2, 29, 23, 59, 59, 500000));
  EXPECT_EQ(MakeTimestamp(2023, 2, 29, 0, 0, 0).status().message(), "date field value out of range: 2023-02-29");
  EXPECT_EQ(MakeTimestamp(2023, 2, 28, 25, 0, 0).status().message(), "time field value out of range: 25:00:00");
  EXPECT_FALSE(MakeTimestamp(0, 1, 1, 0, 0, 0).ok());
}

TEST(IntervalPart, FieldsAndEpoch) {
  MonthDayNanos interval{26, 3, ((4LL * 60 + 5) * 60 + 6) * 1'000'000'000 + 500'000'000};
  EXPECT_EQ(*IntervalPart(interval, "year"), 2);
  EXPECT_EQ(*IntervalPart(interval, "month"), 2);
  EXPECT_EQ(*IntervalPart(interval, "day"), 3);
  EXPECT_EQ(*IntervalPart(interval, "hour"), 4);
  EXPECT_EQ(*IntervalPart(interval, "minute"), 5);
  EXPECT_DOUBLE_EQ(*IntervalPart(interval, "second"), 6.5);
  // A year is 365.25 days, a month 30 days.
  EXPECT_DOUBLE_EQ(*IntervalPart(MonthDayNanos{14, 0, 0}, "epoch"), 365.25 * 86400 + 2 * 30 * 86400);
  EXPECT_FALSE(IntervalPart(interval, "dow").ok());
}

TEST(DateTimeKernels, RunThroughArrowsRegistry) {
  ASSERT_TRUE(RegisterSqlKernels().ok());
  auto timestamps = arrow::MakeArrayFromScalar(
      arrow::TimestampScalar(Micros(2024, 3, 5, 14), arrow::timestamp(arrow::TimeUnit::MICRO)), 2);
  ASSERT_TRUE(timestamps.ok());
  auto formatted = arrow::compute::CallFunction(
      "quiver_to_char", {*timestamps, std::make_shared<arrow::StringScalar>("FMMonth FMDD HH12 PM")});
  ASSERT_TRUE(formatted.ok()) << formatted.status().ToString();
  auto strings = std::static_pointer_cast<arrow::StringArray>(formatted->make_array());
  EXPECT_EQ(strings->GetString(1), "March 5 02 PM");

  auto parsed = arrow::compute::CallFunction("quiver_to_date", {std::make_shared<arrow::StringScalar>("05.03.2024"),
                                                                std::make_shared<arrow::StringScalar>("DD.MM.YYYY")});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->scalar_as<arrow::Date32Scalar>().value, calendar::DaysFromCivil(2024, 3, 5));

  auto bad = arrow::compute::CallFunction("quiver_to_timestamp", {std::make_shared<arrow::StringScalar>("2024-02-30"),
                                                                  std::make_shared<arrow::StringScalar>("YYYY-MM-DD")});
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace quiver
