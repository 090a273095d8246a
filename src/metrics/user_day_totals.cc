#include "metrics/user_day_totals.h"

#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "core/parallel.h"

namespace growthlens {

namespace {

constexpr size_t kParts = 16;  // of the users, built on both cores
constexpr int64_t kNarrowMagnitude = INT16_MAX;

/// The users of part `part` of kParts.
std::pair<uint32_t, uint32_t> PartUsers(size_t users, size_t part) {
  return {static_cast<uint32_t>(users * part / kParts),
          static_cast<uint32_t>(users * (part + 1) / kParts)};
}

}  // namespace

UserDayTotals::UserDayTotals(const UserMajorRows& rows) : features_(rows.features()) {
  const size_t users = rows.users();
  if (!rows.has_days() || features_ == 0) return;
  const auto span = static_cast<size_t>(rows.last_day() - rows.first_day() + 1);
  // Pass 1: each user's active days (days with a row of any feature).
  std::vector<uint32_t> begin(users + 1, 0);
  size_t log_rows = 0;
  std::vector<size_t> part_rows(kParts, 0);
  ParallelFor(kParts, 0, [&](size_t part) {
    std::vector<uint32_t> seen(span, UINT32_MAX);
    const auto [first_user, end_user] = PartUsers(users, part);
    for (uint32_t user = first_user; user < end_user; ++user) {
      uint32_t days = 0;
      for (size_t feature = 0; feature < features_; ++feature) {
        const std::span<const uint16_t> feature_days = rows.Days(user, feature);
        part_rows[part] += feature_days.size();
        for (const uint16_t day : feature_days)
          if (seen[day] != user) {
            seen[day] = user;
            ++days;
          }
      }
      begin[user + 1] = days;
    }
  });
  log_rows = std::accumulate(part_rows.begin(), part_rows.end(), size_t{0});
  std::partial_sum(begin.begin(), begin.end(), begin.begin());
  const size_t active_days = begin.back();
  if (active_days * (2 + 2 * features_) > kMaxBytesPerRow * log_rows + (size_t{1} << 20)) return;
  begin_ = std::move(begin);
  day_.resize(active_days);
  running_.assign(active_days * features_, 0);
  narrow_.assign(users, 1);
  // Pass 2: each user's days in order, the counts of each day's rows, then running sums.
  ParallelFor(kParts, 0, [&](size_t part) {
    std::vector<uint32_t> slot_of_day(span, UINT32_MAX);  // the user's row of the day
    const auto [first_user, end_user] = PartUsers(users, part);
    for (uint32_t user = first_user; user < end_user; ++user) {
      const uint32_t low = begin_[user], high = begin_[user + 1];
      if (low == high) continue;
      uint32_t filled = low;
      for (size_t feature = 0; feature < features_; ++feature)
        for (const uint16_t day : rows.Days(user, feature))
          if (slot_of_day[day] != user) {
            slot_of_day[day] = user;
            day_[filled++] = day;
          }
      std::sort(day_.begin() + low, day_.begin() + high);
      for (uint32_t slot = low; slot < high; ++slot) slot_of_day[day_[slot]] = slot;
      for (size_t feature = 0; feature < features_; ++feature) {
        const std::span<const uint16_t> days = rows.Days(user, feature);
        const std::span<const uint32_t> sums = rows.RunningSums(user, feature);
        int64_t magnitude = 0;
        for (size_t idx = 0; idx < days.size(); ++idx) {
          const int32_t count = UserMajorRows::CountAt(sums, idx);
          magnitude += std::abs(int64_t{count});
          uint16_t& cell = running_[size_t{slot_of_day[days[idx]]} * features_ + feature];
          cell = static_cast<uint16_t>(cell + static_cast<uint16_t>(count));  // modulo 2^16
        }
        if (magnitude > kNarrowMagnitude) narrow_[user] = 0;
        uint16_t sum = 0;
        for (uint32_t slot = low; slot < high; ++slot) {
          uint16_t& cell = running_[size_t{slot} * features_ + feature];
          sum = static_cast<uint16_t>(sum + cell);
          cell = sum;
        }
      }
      // The marks must not match a later user's slot numbers: reset to "no user".
      for (uint32_t slot = low; slot < high; ++slot) slot_of_day[day_[slot]] = UINT32_MAX;
    }
  });
}

size_t UserDayTotals::MemoryBytes() const {
  return begin_.capacity() * sizeof(uint32_t) + day_.capacity() * sizeof(uint16_t) +
         running_.capacity() * sizeof(uint16_t) + narrow_.capacity();
}

}  // namespace growthlens
