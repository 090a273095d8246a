#pragma once
// Calendar dates and timestamps as plain integers: days and seconds since 1970-01-01 (UTC,
// no time zones: the inputs carry wall-clock times). Conversions follow Howard Hinnant's
// proleptic Gregorian algorithms, which are exact for every representable year.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace growthlens {

/// Days since 1970-01-01; negative before it.
using Day = int32_t;
/// Seconds since 1970-01-01 00:00:00.
using Timestamp = int64_t;

inline constexpr int64_t kSecondsPerDay = 86'400;

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

/// Days since the epoch of a proleptic Gregorian date; the date must be valid.
constexpr Day DaysFromCivil(int year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const int year_of_era = year - era * 400;
  const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

/// The calendar date of a day number.
constexpr CivilDate CivilFromDays(Day days) {
  const int64_t z = static_cast<int64_t>(days) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

constexpr bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

constexpr int DaysInMonth(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

/// 0 = Monday ... 6 = Sunday (ISO weekday minus one, as pandas' dayofweek).
constexpr int WeekdayOf(Day days) {
  const int64_t shifted = static_cast<int64_t>(days) + 3;  // 1970-01-01 was a Thursday
  return static_cast<int>(((shifted % 7) + 7) % 7);
}

/// Months since 1970-01 (month index), used for year-month buckets.
constexpr int32_t MonthIndexOf(Day days) {
  const CivilDate date = CivilFromDays(days);
  return (date.year - 1970) * 12 + (date.month - 1);
}

constexpr Day DayOf(Timestamp seconds) {
  return static_cast<Day>(seconds >= 0 ? seconds / kSecondsPerDay
                                       : (seconds - kSecondsPerDay + 1) / kSecondsPerDay);
}

/// "2011-12-09"
std::string FormatDate(Day days);
/// "2011-12-09 12:50:00"
std::string FormatTimestamp(Timestamp seconds);
/// "2011-12" for a month index from MonthIndexOf.
std::string FormatMonth(int32_t month_index);
/// Parses "YYYY-MM-DD" strictly; nullopt when it is not a valid date.
std::optional<Day> ParseIsoDate(std::string_view text);

/// Writes "YYYY-MM-DD" into out[0..10); the caller guarantees room. Used by fast writers.
char* WriteDate(Day days, char* out);

}  // namespace growthlens
