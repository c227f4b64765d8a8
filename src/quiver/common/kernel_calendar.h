#pragma once

// Calendar arithmetic shared by Quiver's date/time kernels: days since 1970-01-01 and
// civil (proleptic Gregorian) dates, after H. Hinnant's public-domain algorithms.

#include <cstdint>

namespace quiver::calendar {

inline constexpr int64_t kMicrosPerSecond = 1'000'000LL;
inline constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

/// a / b rounded towards negative infinity (b > 0).
inline int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

inline CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t year = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  CivilDate date;
  date.day = doy - (153 * mp + 2) / 5 + 1;
  date.month = mp < 10 ? mp + 3 : mp - 9;
  date.year = year + (date.month <= 2);
  return date;
}

inline int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

inline bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

/// A timestamp (microseconds since the epoch) plus an interval: months move the
/// calendar date and clamp the day to the month's length, as PostgreSQL does
/// ('2024-01-31' + 1 month = '2024-02-29'); then days and time are added.
inline int64_t AddIntervalMicros(int64_t micros, int64_t months, int64_t days, int64_t nanoseconds) {
  int64_t day = FloorDiv(micros, kMicrosPerDay);
  const int64_t time_of_day = micros - day * kMicrosPerDay;
  if (months != 0) {
    const CivilDate date = CivilFromDays(day);
    const int64_t month_index = date.year * 12 + (date.month - 1) + months;
    const int64_t y = FloorDiv(month_index, 12);
    const unsigned m = static_cast<unsigned>(month_index - y * 12) + 1;
    day = DaysFromCivil(y, m, date.day < DaysInMonth(y, m) ? date.day : DaysInMonth(y, m));
  }
  day += days;
  return day * kMicrosPerDay + time_of_day + nanoseconds / 1000;
}

/// 0 = Sunday … 6 = Saturday.
inline unsigned DayOfWeek(int64_t days) { return static_cast<unsigned>(FloorDiv(days + 4, 7) * -7 + days + 4); }

/// ISO 8601 week-numbering year and week (1..53) of a day.
inline void IsoWeek(int64_t days, int64_t* iso_year, unsigned* week) {
  const unsigned iso_dow = (DayOfWeek(days) + 6) % 7;  // Monday = 0
  const int64_t thursday = days - iso_dow + 3;         // the week belongs to its Thursday's year
  const int64_t year = CivilFromDays(thursday).year;
  const int64_t jan1 = DaysFromCivil(year, 1, 1);
  *iso_year = year;
  *week = static_cast<unsigned>((thursday - jan1) / 7 + 1);
}

}  // namespace quiver::calendar
