#pragma once
// Parses dates and timestamps in the forms exports use: ISO 8601 ("2011-12-09",
// "2011-12-09 12:50", "2011-12-09T12:50:00.123+02:00"), the Kaggle form "12/9/2011 12:50"
// (month first), and any explicit strptime-like format ("%d.%m.%Y %H:%M").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace growthlens {

class DateParser {
 public:
  /// "auto" (ISO, then month-first slashes), "iso", "mdy", or a format with %Y %y %m %d %H %M
  /// %S %f %b %p and literal characters.
  static Result<DateParser> FromSpec(std::string_view spec);

  /// Seconds since the epoch in UTC; times with an offset are converted to UTC, times without
  /// one are taken as they are. Fractions of a second are dropped.
  std::optional<Timestamp> Parse(std::string_view text) const;

  /// Milliseconds since the epoch in UTC, for event times: everything Parse() reads (to the
  /// millisecond for ISO fractions), and in auto/iso mode epoch numbers too, seconds or
  /// milliseconds told apart by magnitude (from 1e11 on, milliseconds).
  std::optional<int64_t> ParseMillis(std::string_view text) const;

  /// True when plain ISO dates ("2025-03-17") parse as themselves under this parser.
  bool AcceptsIso() const { return mode_ == Mode::kAuto || mode_ == Mode::kIso; }

  /// What a valid value looks like, for error messages.
  std::string Expected() const;

 private:
  enum class Mode { kAuto, kIso, kMonthDayYear, kCustom };
  std::optional<Timestamp> ParseCustom(std::string_view text) const;

  Mode mode_ = Mode::kAuto;
  std::string format_;
};

/// ISO 8601 date with optional time and offset; exposed for the fast path and tests.
std::optional<Timestamp> ParseIsoTimestamp(std::string_view text);
/// The same to the millisecond (fraction digits past three are dropped).
std::optional<int64_t> ParseIsoMillis(std::string_view text);
/// "M/D/YYYY[ H:MM[:SS]]".
std::optional<Timestamp> ParseMonthDayYear(std::string_view text);

}  // namespace growthlens
