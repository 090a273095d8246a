#pragma once
// ActivityGrid: which days each user was active, as one bitmap row per user over the data's
// period. Built in one pass over the rows; distinct active days, DAU/WAU/MAU and stickiness are
// then popcounts over small words instead of hash sets over millions of rows.

#include <cstdint>
#include <vector>

#include "core/dataset.h"

namespace growthlens {

class ActivityGrid {
 public:
  /// Rows whose day lies in [first_day, last_day]; users by code.
  ActivityGrid(const Dataset& dataset, Day first_day, Day last_day);

  Day first_day() const { return first_day_; }
  Day last_day() const { return last_day_; }
  size_t users() const { return users_; }
  bool Active(uint32_t user, Day day) const;
  /// Distinct active days of a user.
  int64_t ActiveDays(uint32_t user) const;
  /// Users active on each day of the period, in order.
  std::vector<uint64_t> DailyActiveUsers() const;
  /// Users active in each Monday-week / calendar month overlapping the period, in order.
  std::vector<uint64_t> WeeklyActiveUsers() const;
  std::vector<uint64_t> MonthlyActiveUsers() const;
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
  std::vector<uint64_t> bits_;
};

}  // namespace growthlens
