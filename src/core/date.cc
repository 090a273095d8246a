#include "core/date.h"

#include <fmt/format.h>

namespace growthlens {

char* WriteDate(Day days, char* out) {
  const CivilDate date = CivilFromDays(days);
  int year = date.year;
  for (int digit_idx = 3; digit_idx >= 0; --digit_idx) {
    out[digit_idx] = static_cast<char>('0' + year % 10);
    year /= 10;
  }
  out[4] = '-';
  out[5] = static_cast<char>('0' + date.month / 10);
  out[6] = static_cast<char>('0' + date.month % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + date.day / 10);
  out[9] = static_cast<char>('0' + date.day % 10);
  return out + 10;
}

std::string FormatDate(Day days) {
  const CivilDate date = CivilFromDays(days);
  return fmt::format("{:04d}-{:02d}-{:02d}", date.year, date.month, date.day);
}

std::string FormatTimestamp(Timestamp seconds) {
  const Day days = DayOf(seconds);
  const int64_t second_of_day = seconds - static_cast<int64_t>(days) * kSecondsPerDay;
  return fmt::format("{} {:02d}:{:02d}:{:02d}", FormatDate(days), second_of_day / 3600,
                     second_of_day / 60 % 60, second_of_day % 60);
}

std::string FormatMonth(int32_t month_index) {
  const int year = 1970 + (month_index >= 0 ? month_index / 12 : (month_index - 11) / 12);
  const int month = month_index - (year - 1970) * 12 + 1;
  return fmt::format("{:04d}-{:02d}", year, month);
}

std::optional<Day> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lengths[3] = {4, 2, 2};
  for (int part_idx = 0; part_idx < 3; ++part_idx) {
    for (int char_idx = 0; char_idx < lengths[part_idx]; ++char_idx) {
      const char c = text[starts[part_idx] + char_idx];
      if (c < '0' || c > '9') return std::nullopt;
      parts[part_idx] = parts[part_idx] * 10 + (c - '0');
    }
  }
  if (parts[1] < 1 || parts[1] > 12 || parts[2] < 1 || parts[2] > DaysInMonth(parts[0], parts[1]))
    return std::nullopt;
  return DaysFromCivil(parts[0], parts[1], parts[2]);
}

}  // namespace growthlens
