#include "io/date_parser.h"

#include <fmt/format.h>

namespace growthlens {

namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `count` digits at text[pos...]; advances pos.
bool ReadFixedDigits(std::string_view text, size_t& pos, int count, int& value) {
  if (pos + static_cast<size_t>(count) > text.size()) return false;
  value = 0;
  for (int digit_idx = 0; digit_idx < count; ++digit_idx) {
    const char c = text[pos++];
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

// Reads 1..max_count digits; advances pos.
bool ReadDigits(std::string_view text, size_t& pos, int max_count, int& value) {
  const size_t start = pos;
  value = 0;
  while (pos < text.size() && IsDigit(text[pos]) && pos - start < static_cast<size_t>(max_count))
    value = value * 10 + (text[pos++] - '0');
  return pos > start;
}

std::optional<Timestamp> Compose(int year, int month, int day, int hour, int minute, int second) {
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
    return std::nullopt;
  return static_cast<Timestamp>(DaysFromCivil(year, month, day)) * kSecondsPerDay + hour * 3600 +
         minute * 60 + second;
}

// Optional ":SS[.fff]" after HH:MM; advances pos. `millis` gets the fraction's first three
// digits (the rest are dropped).
bool ReadSecondsAndFraction(std::string_view text, size_t& pos, int& second,
                            int* millis = nullptr) {
  second = 0;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!ReadFixedDigits(text, pos, 2, second)) return false;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      const size_t fraction_start = pos;
      int fraction = 0;
      while (pos < text.size() && IsDigit(text[pos])) {
        if (pos - fraction_start < 3) fraction = fraction * 10 + (text[pos] - '0');
        ++pos;
      }
      if (pos == fraction_start) return false;
      for (size_t digits = pos - fraction_start; digits < 3; ++digits) fraction *= 10;
      if (millis != nullptr) *millis = fraction;
    }
  }
  return true;
}

// Epoch seconds below this, milliseconds from it: 1e11 seconds is the year 5138, 1e11
// milliseconds is March 1973, so the two ranges real logs use never meet.
constexpr int64_t kEpochMillisFrom = 100'000'000'000;

// "1709647402" (seconds) or "1709647402417" (milliseconds), as milliseconds.
std::optional<int64_t> ParseEpochMillis(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  int64_t value = 0;
  for (const char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value >= kEpochMillisFrom ? value : value * 1000;
}

constexpr const char* kMonthAbbreviations[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};

}  // namespace

std::optional<Timestamp> ParseIsoTimestamp(std::string_view text) {
  const std::optional<int64_t> millis = ParseIsoMillis(text);
  if (!millis) return std::nullopt;
  // Floor: fractions of a second are dropped, before the epoch too.
  return *millis >= 0 ? *millis / 1000 : (*millis - 999) / 1000;
}

std::optional<int64_t> ParseIsoMillis(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!ReadFixedDigits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' ||
      !ReadFixedDigits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-' ||
      !ReadFixedDigits(text, pos, 2, day))
    return std::nullopt;
  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] != ' ' && text[pos] != 'T') return std::nullopt;
    ++pos;
    if (!ReadFixedDigits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':' ||
        !ReadFixedDigits(text, pos, 2, minute) ||
        !ReadSecondsAndFraction(text, pos, second, &millis))
      return std::nullopt;
    if (pos < text.size() && text[pos] == 'Z') {
      ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int sign = text[pos++] == '-' ? -1 : 1;
      int offset_hours = 0, offset_minutes = 0;
      if (!ReadFixedDigits(text, pos, 2, offset_hours)) return std::nullopt;
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (pos < text.size() && !ReadFixedDigits(text, pos, 2, offset_minutes)) return std::nullopt;
      offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
    }
    if (pos != text.size()) return std::nullopt;
  }
  const std::optional<Timestamp> local = Compose(year, month, day, hour, minute, second);
  if (!local) return std::nullopt;
  return (*local - offset_seconds) * 1000 + millis;
}

std::optional<Timestamp> ParseMonthDayYear(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '/' ||
      !ReadDigits(text, pos, 2, day) || pos >= text.size() || text[pos++] != '/' ||
      !ReadFixedDigits(text, pos, 4, year))
    return std::nullopt;
  if (pos < text.size()) {
    if (text[pos++] != ' ') return std::nullopt;
    if (!ReadDigits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':' ||
        !ReadFixedDigits(text, pos, 2, minute) || !ReadSecondsAndFraction(text, pos, second) ||
        pos != text.size())
      return std::nullopt;
  }
  return Compose(year, month, day, hour, minute, second);
}

Result<DateParser> DateParser::FromSpec(std::string_view spec) {
  DateParser parser;
  if (spec.empty() || spec == "auto") {
    parser.mode_ = Mode::kAuto;
  } else if (spec == "iso") {
    parser.mode_ = Mode::kIso;
  } else if (spec == "mdy") {
    parser.mode_ = Mode::kMonthDayYear;
  } else {
    parser.mode_ = Mode::kCustom;
    parser.format_ = spec;
    bool has_year = false;
    for (size_t pos = 0; pos < spec.size(); ++pos) {
      if (spec[pos] != '%') continue;
      if (pos + 1 >= spec.size() ||
          std::string_view("YymdHMSfbp%").find(spec[pos + 1]) == std::string_view::npos)
        return Status(ErrorCode::kInvalidArgument,
                      fmt::format("--date-format '{}': unsupported directive at position {}; use "
                                  "%Y %y %m %d %H %M %S %f %b %p",
                                  spec, pos + 1));
      has_year |= spec[pos + 1] == 'Y' || spec[pos + 1] == 'y';
      ++pos;
    }
    if (!has_year)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--date-format '{}' has no year (%Y or %y)", spec));
  }
  return parser;
}

std::optional<Timestamp> DateParser::Parse(std::string_view text) const {
  switch (mode_) {
    case Mode::kIso:
      return ParseIsoTimestamp(text);
    case Mode::kMonthDayYear:
      return ParseMonthDayYear(text);
    case Mode::kCustom:
      return ParseCustom(text);
    case Mode::kAuto:
      if (text.size() >= 10 && text[4] == '-') return ParseIsoTimestamp(text);
      return ParseMonthDayYear(text);
  }
  return std::nullopt;
}

std::optional<int64_t> DateParser::ParseMillis(std::string_view text) const {
  if (mode_ == Mode::kAuto || mode_ == Mode::kIso) {
    if (text.size() >= 10 && text[4] == '-') return ParseIsoMillis(text);
    if (std::optional<int64_t> epoch = ParseEpochMillis(text)) return epoch;
    if (mode_ == Mode::kIso) return std::nullopt;
  }
  const std::optional<Timestamp> seconds = Parse(text);
  if (!seconds) return std::nullopt;
  return *seconds * 1000;
}

std::optional<Timestamp> DateParser::ParseCustom(std::string_view text) const {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int pm_shift = -1;  // -1 = no %p seen, 0 = AM, 12 = PM
  size_t pos = 0;
  for (size_t format_idx = 0; format_idx < format_.size(); ++format_idx) {
    const char directive_char = format_[format_idx];
    if (directive_char != '%') {
      if (pos >= text.size() || text[pos++] != directive_char) return std::nullopt;
      continue;
    }
    const char directive = format_[++format_idx];
    bool ok = true;
    switch (directive) {
      case 'Y':
        ok = ReadFixedDigits(text, pos, 4, year);
        break;
      case 'y':
        ok = ReadFixedDigits(text, pos, 2, year);
        year += year < 69 ? 2000 : 1900;  // POSIX strptime's pivot
        break;
      case 'm':
        ok = ReadDigits(text, pos, 2, month);
        break;
      case 'd':
        ok = ReadDigits(text, pos, 2, day);
        break;
      case 'H':
        ok = ReadDigits(text, pos, 2, hour);
        break;
      case 'M':
        ok = ReadDigits(text, pos, 2, minute);
        break;
      case 'S':
        ok = ReadDigits(text, pos, 2, second);
        break;
      case 'f': {
        int ignored = 0;
        ok = ReadDigits(text, pos, 9, ignored);
        break;
      }
      case 'b': {
        ok = false;
        if (pos + 3 <= text.size()) {
          std::string lower;
          for (size_t char_idx = 0; char_idx < 3; ++char_idx)
            lower.push_back(static_cast<char>(text[pos + char_idx] | 0x20));
          for (int month_idx = 0; month_idx < 12; ++month_idx)
            if (lower == kMonthAbbreviations[month_idx]) {
              month = month_idx + 1;
              ok = true;
            }
          pos += 3;
        }
        break;
      }
      case 'p': {
        ok = pos + 2 <= text.size();
        if (ok) {
          const char first = static_cast<char>(text[pos] | 0x20);
          ok = (first == 'a' || first == 'p') && (text[pos + 1] | 0x20) == 'm';
          pm_shift = first == 'p' ? 12 : 0;
          pos += 2;
        }
        break;
      }
      case '%':
        ok = pos < text.size() && text[pos++] == '%';
        break;
      default:
        ok = false;
    }
    if (!ok) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  if (pm_shift >= 0) {
    if (hour < 1 || hour > 12) return std::nullopt;
    hour = hour % 12 + pm_shift;
  }
  return Compose(year, month, day, hour, minute, second);
}

std::string DateParser::Expected() const {
  switch (mode_) {
    case Mode::kIso:
      return "an ISO date like 2011-12-09 or 2011-12-09 12:50:00";
    case Mode::kMonthDayYear:
      return "a month-first date like 12/9/2011 12:50";
    case Mode::kCustom:
      return fmt::format("a date in the format '{}'", format_);
    case Mode::kAuto:
      return "a date like 2011-12-09, 2011-12-09 12:50:00 or 12/9/2011 12:50";
  }
  return "a date";
}

}  // namespace growthlens
