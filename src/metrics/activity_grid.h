#pragma once
// ActivityGrid: which days each user was active, as one bitmap row per user over the data's
// period. Built in one pass over the rows; distinct active days, DAU/WAU/MAU and stickiness are
// then popcounts over small words instead of hash sets over millions of rows.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/column.h"
#include "core/dataset.h"

namespace growthlens {

/// Set bits of a word. std::popcount is a library call unless the build targets POPCNT; this is
/// a few inline instructions on any x86-64.
inline int64_t PopCount(uint64_t bits) {
  bits = bits - ((bits >> 1) & 0x5555'5555'5555'5555);
  bits = (bits & 0x3333'3333'3333'3333) + ((bits >> 2) & 0x3333'3333'3333'3333);
  bits = (bits + (bits >> 4)) & 0x0f0f'0f0f'0f0f'0f0f;
  return static_cast<int64_t>((bits * 0x0101'0101'0101'0101) >> 56);
}

/// Users active on each day, in each Monday-week and in each calendar month of a grid's period.
struct ActiveUserCounts {
  std::vector<uint64_t> daily, weekly, monthly;
};

/// Days, Monday-weeks and calendar months overlapping [first_day, last_day] (all 0 if empty).
struct PeriodCounts {
  uint64_t days = 0, weeks = 0, months = 0;
};
PeriodCounts CountPeriods(Day first_day, Day last_day);

class ActivityGrid {
 public:
  /// Rows whose day lies in [first_day, last_day]; users by code.
  ActivityGrid(const Dataset& dataset, Day first_day, Day last_day);
  /// No active day yet for `users` users over [first_day, last_day]: filled through UserWords
  /// (threads may fill different users at once). Zeroed on `threads` threads (0 = all cores).
  ActivityGrid(Day first_day, Day last_day, size_t users, unsigned threads = 1);

  Day first_day() const { return first_day_; }
  Day last_day() const { return last_day_; }
  size_t users() const { return users_; }
  bool Active(uint32_t user, Day day) const;
  /// Distinct active days of a user.
  int64_t ActiveDays(uint32_t user) const;
  /// First / last active day of a user; nullopt when none.
  std::optional<Day> FirstActiveDay(uint32_t user) const;
  std::optional<Day> LastActiveDay(uint32_t user) const;
  /// A user's bits: bit (d - first_day) % 64 of word (d - first_day) / 64 is day d.
  size_t words_per_user() const { return words_per_user_; }
  std::span<const uint64_t> UserWords(uint32_t user) const {
    return {bits_.data() + user * words_per_user_, words_per_user_};
  }
  std::span<uint64_t> UserWords(uint32_t user) {
    return {bits_.data() + user * words_per_user_, words_per_user_};
  }
  /// Users active on each day of the period, in order.
  std::vector<uint64_t> DailyActiveUsers() const;
  /// Users active in each Monday-week / calendar month overlapping the period, in order.
  std::vector<uint64_t> WeeklyActiveUsers() const;
  std::vector<uint64_t> MonthlyActiveUsers() const;
  /// The three above in one pass over the bits.
  ActiveUserCounts ActiveUsersPerPeriod() const;
  /// Users with at least one active day.
  uint64_t ActiveUsers() const;

 private:
  // Users active at least once in each group of consecutive days (group_of maps a day offset to
  // its group index, non-decreasing).
  template <typename GroupOf>
  std::vector<uint64_t> ActiveUsersPerGroup(size_t groups, GroupOf group_of) const;

  Day first_day_;
  Day last_day_;
  size_t users_;
  size_t words_per_user_;
  Column<uint64_t> bits_;  // zeroed by the constructors (on every core for the empty grid)
};

}  // namespace growthlens
