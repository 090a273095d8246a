#include "metrics/user_major_rows.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace growthlens {

namespace {

constexpr size_t kMaxKeysPerRow = 4;  // users x features beyond 4 per row: too sparse to lay out
constexpr int64_t kMaxDaySpan = 65'535;

}  // namespace

bool UserMajorRows::Fits(const UsageLog& log) {
  const auto& days = log.usage.day;
  if (days.empty()) return true;
  const auto [low, high] = std::minmax_element(days.begin(), days.end());
  const size_t keys = log.users.size() * std::max<size_t>(log.features.size(), 1);
  // Feature codes are 16 bits wide here.
  return log.features.size() <= UINT16_MAX && int64_t{*high} - *low <= kMaxDaySpan &&
         keys <= kMaxKeysPerRow * log.rows() + (size_t{1} << 20) && log.rows() < UINT32_MAX;
}

UserMajorRows::UserMajorRows(const UsageLog& log)
    : users_(log.users.size()), features_(log.features.size()) {
  const size_t rows = log.rows();
  const auto& user = log.usage.user;
  const auto& day = log.usage.day;
  const auto& feature = log.usage.feature;
  if (rows > 0) {
    const auto [low, high] = std::minmax_element(day.begin(), day.end());
    first_day_ = *low;
    last_day_ = *high;
  }
  // A stable counting sort by (user, feature): a time-ordered log's rows come out in day order.
  begin_.assign(users_ * features_ + 1, 0);
  for (size_t row = 0; row < rows; ++row)
    if (user[row] != kNullCode) ++begin_[size_t{user[row]} * features_ + feature[row] + 1];
  std::partial_sum(begin_.begin(), begin_.end(), begin_.begin());
  const size_t kept = begin_.back();
  day_.resize(kept);
  running_.resize(kept);  // each row's count first, its running sum below
  std::vector<uint32_t> next(begin_.begin(), begin_.end() - 1);
  const RowCounts counts(log.usage);
  for (size_t row = 0; row < rows; ++row) {
    if (user[row] == kNullCode) continue;
    const uint32_t slot = next[size_t{user[row]} * features_ + feature[row]]++;
    day_[slot] = static_cast<uint16_t>(day[row] - first_day_);
    running_[slot] = static_cast<uint32_t>(counts[row]);
  }
  // Logs in another order: sort each (user, feature)'s few rows by day.
  std::vector<std::pair<uint16_t, uint32_t>> pairs;
  for (size_t key = 0; key + 1 < begin_.size(); ++key) {
    const auto first = day_.begin() + begin_[key], end = day_.begin() + begin_[key + 1];
    if (std::is_sorted(first, end)) continue;
    pairs.clear();
    for (uint32_t slot = begin_[key]; slot < begin_[key + 1]; ++slot)
      pairs.emplace_back(day_[slot], running_[slot]);
    std::stable_sort(pairs.begin(), pairs.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (uint32_t slot = begin_[key], idx = 0; slot < begin_[key + 1]; ++slot, ++idx) {
      day_[slot] = pairs[idx].first;
      running_[slot] = pairs[idx].second;
    }
  }
  for (size_t key = 0; key + 1 < begin_.size(); ++key) {
    uint32_t sum = 0;
    int64_t magnitude = 0;
    for (uint32_t slot = begin_[key]; slot < begin_[key + 1]; ++slot) {
      const auto count = static_cast<int32_t>(running_[slot]);
      sum += running_[slot];  // modulo 2^32: each count comes back exact (CountAt)
      running_[slot] = sum;
      magnitude += count < 0 ? -int64_t{count} : int64_t{count};
    }
    if (magnitude > INT32_MAX) sums_exact_ = false;
  }
}

int64_t UserMajorRows::SlowSum(std::span<const uint32_t> sums, size_t first, size_t end) {
  int64_t total = 0;
  for (size_t idx = first; idx < end; ++idx) total += CountAt(sums, idx);
  return total;
}

size_t UserMajorRows::MemoryBytes() const {
  return begin_.capacity() * sizeof(uint32_t) + day_.capacity() * sizeof(uint16_t) +
         running_.capacity() * sizeof(uint32_t);
}

}  // namespace growthlens
