#include "metrics/activity_grid.h"

#include <bit>

#include "metrics/parallel_zero.h"

namespace growthlens {

namespace {
constexpr int32_t kDaysFromMondayToEpoch = 3;  // 1970-01-01 was a Thursday
int32_t WeekOf(Day day) {
  const int64_t shifted = static_cast<int64_t>(day) + kDaysFromMondayToEpoch;
  return static_cast<int32_t>(shifted >= 0 ? shifted / 7 : (shifted - 6) / 7);
}
/// Index of a group of days (week or month) per day offset from `first_day`, from 0.
template <typename GroupOfDay>
std::vector<uint32_t> GroupOfOffset(Day first_day, Day last_day, GroupOfDay group_of_day) {
  std::vector<uint32_t> groups(last_day >= first_day ? static_cast<size_t>(last_day - first_day + 1)
                                                     : 0);
  const int32_t first_group = group_of_day(first_day);
  for (size_t offset = 0; offset < groups.size(); ++offset)
    groups[offset] =
        static_cast<uint32_t>(group_of_day(first_day + static_cast<Day>(offset)) - first_group);
  return groups;
}

}  // namespace

PeriodCounts CountPeriods(Day first_day, Day last_day) {
  if (last_day < first_day) return {};
  return {static_cast<uint64_t>(int64_t{last_day} - first_day + 1),
          static_cast<uint64_t>(WeekOf(last_day) - WeekOf(first_day) + 1),
          static_cast<uint64_t>(MonthIndexOf(last_day) - MonthIndexOf(first_day) + 1)};
}

ActivityGrid::ActivityGrid(const Dataset& dataset, Day first_day, Day last_day)
    : first_day_(first_day),
      last_day_(last_day),
      users_(dataset.users().size()),
      words_per_user_(last_day >= first_day ? static_cast<size_t>(last_day - first_day) / 64 + 1
                                            : 0),
      bits_(users_ * words_per_user_, 0) {
  if (words_per_user_ == 0) return;
  dataset.Visit([this](const auto& log) {
    for (size_t row = 0; row < log.rows(); ++row) {
      const uint32_t user = UserOfRow(log, row);
      const Day day = DayOfRow(log, row);
      if (user == kNullCode || day < first_day_ || day > last_day_) continue;
      const auto offset = static_cast<size_t>(day - first_day_);
      bits_[user * words_per_user_ + offset / 64] |= uint64_t{1} << (offset % 64);
    }
  });
}

ActivityGrid::ActivityGrid(Day first_day, Day last_day, size_t users, unsigned threads)
    : first_day_(first_day),
      last_day_(last_day),
      users_(users),
      words_per_user_(last_day >= first_day ? static_cast<size_t>(last_day - first_day) / 64 + 1
                                            : 0),
      bits_(users_ * words_per_user_) {
  ZeroInSlices(bits_.data(), bits_.size(), threads);
}

std::optional<Day> ActivityGrid::FirstActiveDay(uint32_t user) const {
  for (size_t word = 0; word < words_per_user_; ++word)
    if (const uint64_t bits = bits_[user * words_per_user_ + word]; bits != 0)
      return first_day_ + static_cast<Day>(word * 64 + static_cast<size_t>(std::countr_zero(bits)));
  return std::nullopt;
}

std::optional<Day> ActivityGrid::LastActiveDay(uint32_t user) const {
  for (size_t word = words_per_user_; word-- > 0;)
    if (const uint64_t bits = bits_[user * words_per_user_ + word]; bits != 0)
      return first_day_ +
             static_cast<Day>(word * 64 + 63 - static_cast<size_t>(std::countl_zero(bits)));
  return std::nullopt;
}

bool ActivityGrid::Active(uint32_t user, Day day) const {
  if (day < first_day_ || day > last_day_) return false;
  const auto offset = static_cast<size_t>(day - first_day_);
  return (bits_[user * words_per_user_ + offset / 64] >> (offset % 64)) & 1;
}

int64_t ActivityGrid::ActiveDays(uint32_t user) const {
  int64_t days = 0;
  for (size_t word = 0; word < words_per_user_; ++word)
    days += PopCount(bits_[user * words_per_user_ + word]);
  return days;
}

uint64_t ActivityGrid::ActiveUsers() const {
  uint64_t active = 0;
  for (size_t user = 0; user < users_; ++user) {
    bool any = false;
    for (size_t word = 0; word < words_per_user_ && !any; ++word)
      any = bits_[user * words_per_user_ + word] != 0;
    active += any ? 1 : 0;
  }
  return active;
}

std::vector<uint64_t> ActivityGrid::DailyActiveUsers() const {
  std::vector<uint64_t> daily(
      last_day_ >= first_day_ ? static_cast<size_t>(last_day_ - first_day_ + 1) : 0, 0);
  for (size_t user = 0; user < users_; ++user)
    for (size_t word = 0; word < words_per_user_; ++word)
      for (uint64_t bits = bits_[user * words_per_user_ + word]; bits != 0; bits &= bits - 1)
        ++daily[word * 64 + static_cast<size_t>(std::countr_zero(bits))];
  return daily;
}

template <typename GroupOf>
std::vector<uint64_t> ActivityGrid::ActiveUsersPerGroup(size_t groups, GroupOf group_of) const {
  std::vector<uint64_t> active(groups, 0);
  for (size_t user = 0; user < users_; ++user) {
    size_t last_group = SIZE_MAX;
    for (size_t word = 0; word < words_per_user_; ++word)
      for (uint64_t bits = bits_[user * words_per_user_ + word]; bits != 0; bits &= bits - 1) {
        const size_t group = group_of(word * 64 + static_cast<size_t>(std::countr_zero(bits)));
        if (group != last_group) ++active[group];  // days come in order, so groups do too
        last_group = group;
      }
  }
  return active;
}

std::vector<uint64_t> ActivityGrid::WeeklyActiveUsers() const {
  if (last_day_ < first_day_) return {};
  const auto groups = static_cast<size_t>(WeekOf(last_day_) - WeekOf(first_day_) + 1);
  const std::vector<uint32_t> week_of = GroupOfOffset(first_day_, last_day_, WeekOf);
  return ActiveUsersPerGroup(groups, [&](size_t offset) { return week_of[offset]; });
}

std::vector<uint64_t> ActivityGrid::MonthlyActiveUsers() const {
  if (last_day_ < first_day_) return {};
  const int32_t first_month = MonthIndexOf(first_day_);
  const auto groups = static_cast<size_t>(MonthIndexOf(last_day_) - first_month + 1);
  // Month of each day offset, computed once.
  std::vector<uint32_t> month_of(static_cast<size_t>(last_day_ - first_day_ + 1));
  for (size_t offset = 0; offset < month_of.size(); ++offset)
    month_of[offset] =
        static_cast<uint32_t>(MonthIndexOf(first_day_ + static_cast<Day>(offset)) - first_month);
  return ActiveUsersPerGroup(groups, [&](size_t offset) { return month_of[offset]; });
}

}  // namespace growthlens

namespace growthlens {

ActiveUserCounts ActivityGrid::ActiveUsersPerPeriod() const {
  ActiveUserCounts counts;
  if (last_day_ < first_day_) return counts;
  const std::vector<uint32_t> week_of = GroupOfOffset(first_day_, last_day_, WeekOf);
  const std::vector<uint32_t> month_of = GroupOfOffset(first_day_, last_day_, MonthIndexOf);
  counts.daily.assign(week_of.size(), 0);
  counts.weekly.assign(week_of.back() + 1, 0);
  counts.monthly.assign(month_of.back() + 1, 0);
  for (size_t user = 0; user < users_; ++user) {
    uint32_t last_week = UINT32_MAX, last_month = UINT32_MAX;
    for (size_t word = 0; word < words_per_user_; ++word)
      for (uint64_t bits = bits_[user * words_per_user_ + word]; bits != 0; bits &= bits - 1) {
        const size_t offset = word * 64 + static_cast<size_t>(std::countr_zero(bits));
        ++counts.daily[offset];
        // Days come in order, so weeks and months do: a user counts once in each (branch-free:
        // a new week or month every few days is a mispredicted branch each time).
        const uint32_t week = week_of[offset], month = month_of[offset];
        counts.weekly[week] += week != last_week ? 1 : 0;
        counts.monthly[month] += month != last_month ? 1 : 0;
        last_week = week;
        last_month = month;
      }
  }
  return counts;
}

}  // namespace growthlens
