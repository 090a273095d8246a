#include "metrics/usage_index.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/parallel.h"

namespace growthlens {

namespace {

/// The first row of a day-sorted run on or after day offset `first`.
size_t FirstOnOrAfter(std::span<const uint16_t> days, size_t first) {
  if (days.empty() || days.front() >= first) return 0;
  return static_cast<size_t>(std::lower_bound(days.begin(), days.end(), first) - days.begin());
}

std::vector<size_t> KeptGroups(size_t groups, const std::vector<uint8_t>* groups_kept) {
  std::vector<size_t> kept;
  for (size_t group = 0; group < groups; ++group)
    if (groups_kept == nullptr || (*groups_kept)[group]) kept.push_back(group);
  return kept;
}

}  // namespace

std::shared_ptr<const UsageIndex> UsageIndex::Build(const UsageLog& log,
                                                    std::vector<uint8_t> group_of_user,
                                                    size_t groups) {
  if (!UserMajorRows::Fits(log) || groups == 0 || groups > 255 ||
      group_of_user.size() != log.users.size())
    return nullptr;
  // The per-day aggregates hold days x features x groups cells and the bitmaps days x features
  // maps whatever the rows: many names over many days in a small file would cost more than the
  // row scans they replace, so the index is left out there.
  if (!log.usage.day.empty()) {
    const auto [low, high] = std::minmax_element(log.usage.day.begin(), log.usage.day.end());
    const size_t cells =
        static_cast<size_t>(int64_t{*high} - *low + 1) * log.features.size() * groups;
    if (cells > 4 * log.rows() + (size_t{1} << 22)) return nullptr;
  }
  for (uint8_t group : group_of_user)
    if (group >= groups) return nullptr;
  return std::make_shared<const UsageIndex>(log, std::move(group_of_user), groups);
}

UsageIndex::UsageIndex(const UsageLog& log, std::vector<uint8_t> group_of_user, size_t groups)
    : group_of_user_(std::move(group_of_user)),
      groups_(groups),
      group_users_(groups, 0),
      rows_(log),
      days_(rows_, group_of_user_, groups),
      bitmaps_(rows_, group_of_user_, groups) {
  for (uint32_t user = 0; user < rows_.users(); ++user)
    for (size_t feature = 0; feature < rows_.features(); ++feature)
      if (!rows_.Days(user, feature).empty()) {
        ++group_users_[group_of_user_[user]];
        break;
      }
}

uint64_t UsageIndex::UsersInGroups(const std::vector<uint8_t>& groups_kept) const {
  uint64_t users = 0;
  for (size_t group = 0; group < groups_; ++group)
    if (groups_kept[group]) users += group_users_[group];
  return users;
}

std::optional<std::pair<size_t, size_t>> UsageIndex::DayOffsets(const UsageFilter& filter) const {
  if (!rows_.has_days()) return std::nullopt;
  const Day first = std::max(rows_.first_day(), filter.from.value_or(rows_.first_day()));
  const Day last = std::min(rows_.last_day(), filter.to.value_or(rows_.last_day()));
  if (first > last) return std::nullopt;
  return std::pair{static_cast<size_t>(first - rows_.first_day()),
                   static_cast<size_t>(last - rows_.first_day())};
}

std::vector<uint16_t> UsageIndex::KeptFeatureCodes(const UsageFilter& filter) const {
  std::vector<uint16_t> codes;
  if (filter.features.empty()) {
    for (size_t feature = 0; feature < rows_.features(); ++feature)
      codes.push_back(static_cast<uint16_t>(feature));
    return codes;
  }
  for (uint16_t feature : filter.features)
    if (feature < rows_.features()) codes.push_back(feature);
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

FeatureTotals UsageIndex::Totals(const UsageFilter& filter,
                                 const std::vector<uint8_t>* groups_kept) const {
  if (filter.users != nullptr) return ScanTotals(filter, groups_kept);
  const size_t features = rows_.features();
  FeatureTotals totals{std::vector<int64_t>(features, 0), std::vector<uint64_t>(features, 0),
                       std::vector<uint64_t>(features, 0), 0};
  const auto range = DayOffsets(filter);
  if (!range) return totals;
  const std::vector<uint16_t> kept = KeptFeatureCodes(filter);
  const std::vector<size_t> groups = KeptGroups(groups_, groups_kept);
  for (const uint16_t feature : kept)
    for (size_t day = range->first; day <= range->second; ++day)
      for (const size_t group : groups) {
        totals.events[feature] += days_.Events(day, feature, group);
        totals.user_days[feature] += days_.Users(day, feature, group);
      }
  const UserBitmaps::Counts users =
      bitmaps_.CountUsers(kept, range->first, range->second, bitmaps_.Select(groups_kept));
  for (size_t idx = 0; idx < kept.size(); ++idx) totals.users[kept[idx]] = users.per_feature[idx];
  totals.active_users = users.any;
  return totals;
}

FeatureTotals UsageIndex::ScanTotals(const UsageFilter& filter,
                                     const std::vector<uint8_t>* groups_kept) const {
  const size_t features = rows_.features();
  FeatureTotals totals{std::vector<int64_t>(features, 0), std::vector<uint64_t>(features, 0),
                       std::vector<uint64_t>(features, 0), 0};
  const auto range = DayOffsets(filter);
  if (!range) return totals;
  const std::vector<uint16_t> kept = KeptFeatureCodes(filter);
  for (uint32_t user = 0; user < rows_.users(); ++user) {
    if (!Selected(user, filter, groups_kept)) continue;
    bool any = false;
    for (const uint16_t feature : kept) {
      const std::span<const uint16_t> days = rows_.Days(user, feature);
      const std::span<const uint32_t> sums = rows_.RunningSums(user, feature);
      uint32_t last_day = UINT32_MAX;
      for (size_t idx = FirstOnOrAfter(days, range->first);
           idx < days.size() && days[idx] <= range->second; ++idx) {
        totals.events[feature] += UserMajorRows::CountAt(sums, idx);
        totals.user_days[feature] += days[idx] != last_day ? 1 : 0;
        if (last_day == UINT32_MAX) ++totals.users[feature];
        last_day = days[idx];
        any = true;
      }
    }
    totals.active_users += any ? 1 : 0;
  }
  return totals;
}

SeriesTotals UsageIndex::Series(CohortPeriod granularity, const UsageFilter& filter,
                                const std::vector<uint8_t>* groups_kept) const {
  const auto range = DayOffsets(filter);
  if (!range) return SeriesTotals{};
  const Day origin = rows_.first_day();
  const Day first_day = origin + static_cast<Day>(range->first);
  const Day last_day = origin + static_cast<Day>(range->second);
  const BucketTable bucket_of(first_day, last_day, granularity);
  const int32_t first_bucket = bucket_of(first_day);
  const auto buckets = static_cast<size_t>(bucket_of(last_day) - first_bucket + 1);
  std::vector<uint32_t> bucket_of_day(range->second - range->first + 1);  // from the first kept
  for (size_t day = range->first; day <= range->second; ++day)
    bucket_of_day[day - range->first] =
        static_cast<uint32_t>(bucket_of(origin + static_cast<Day>(day)) - first_bucket);
  const size_t features = rows_.features();
  SeriesTotals totals{first_bucket, buckets, std::vector<int64_t>(features * buckets, 0),
                      std::vector<uint64_t>(features * buckets, 0)};
  const std::vector<uint16_t> kept = KeptFeatureCodes(filter);
  if (filter.users != nullptr) {
    ScanSeries(*range, bucket_of_day, kept, filter, groups_kept, totals);
    return totals;
  }
  const std::vector<size_t> groups = KeptGroups(groups_, groups_kept);
  for (const uint16_t feature : kept)
    for (size_t day = range->first; day <= range->second; ++day) {
      const size_t cell = feature * buckets + bucket_of_day[day - range->first];
      for (const size_t group : groups) {
        totals.events[cell] += days_.Events(day, feature, group);
        if (granularity == CohortPeriod::kDay)
          totals.users[cell] += days_.Users(day, feature, group);
      }
    }
  if (granularity == CohortPeriod::kDay) return totals;
  const UserBitmaps::Selection among = bitmaps_.Select(groups_kept);
  for (size_t bucket = 0; bucket < buckets; ++bucket) {
    const int32_t id = first_bucket + static_cast<int32_t>(bucket);
    // The bucket's days in the data, and whether the filter keeps all of them: then the users
    // counted at load are its users; else its kept days' bitmaps are united.
    const Day data_first = std::max(FirstDayOfBucket(id, granularity), origin);
    const Day data_last = std::min(FirstDayOfBucket(id + 1, granularity) - 1, rows_.last_day());
    const bool whole = data_first >= first_day && data_last <= last_day;
    const auto kept_first = static_cast<size_t>(std::max(data_first, first_day) - origin);
    const auto kept_last = static_cast<size_t>(std::min(data_last, last_day) - origin);
    for (const uint16_t feature : kept) {
      uint64_t& users = totals.users[feature * buckets + bucket];
      if (!whole) {
        users = bitmaps_.CountUsers(feature, kept_first, kept_last, among);
        continue;
      }
      for (const size_t group : groups)
        users += days_.BucketUsersOf(granularity, id, feature, group);
    }
  }
  return totals;
}

void UsageIndex::ScanSeries(std::pair<size_t, size_t> range,
                            const std::vector<uint32_t>& bucket_of_day,
                            const std::vector<uint16_t>& kept, const UsageFilter& filter,
                            const std::vector<uint8_t>* groups_kept, SeriesTotals& totals) const {
  const size_t buckets = totals.buckets;
  for (uint32_t user = 0; user < rows_.users(); ++user) {
    if (!Selected(user, filter, groups_kept)) continue;
    for (const uint16_t feature : kept) {
      const std::span<const uint16_t> days = rows_.Days(user, feature);
      const std::span<const uint32_t> sums = rows_.RunningSums(user, feature);
      uint32_t last_bucket = UINT32_MAX;
      for (size_t idx = FirstOnOrAfter(days, range.first);
           idx < days.size() && days[idx] <= range.second; ++idx) {
        const uint32_t bucket = bucket_of_day[days[idx] - range.first];
        const size_t cell = feature * buckets + bucket;
        totals.events[cell] += UserMajorRows::CountAt(sums, idx);
        totals.users[cell] += bucket != last_bucket ? 1 : 0;
        last_bucket = bucket;
      }
    }
  }
}

std::vector<std::vector<double>> UsageIndex::Correlation(
    const UsageFilter& filter, const std::vector<uint8_t>* groups_kept) const {
  const size_t features = rows_.features();
  std::vector<std::vector<double>> correlation(
      features, std::vector<double>(features, std::numeric_limits<double>::quiet_NaN()));
  const auto range = DayOffsets(filter);
  if (!range) return correlation;
  const std::vector<uint16_t> kept = KeptFeatureCodes(filter);
  const size_t k = kept.size();
  // The users' totals over the range, for the users with a kept row (the row scan's pivot rows;
  // the features not kept would be columns of 0, hence NaN), each two lookups per (user,
  // feature), on both cores: whole numbers, so the order they are added in does not change the
  // sums.
  constexpr size_t kParts = 2;
  std::vector<CorrelationSums> parts(kParts, CorrelationSums(k));
  ParallelFor(kParts, kParts, [&](size_t part) {
    std::vector<int64_t> totals(k);
    const auto end = static_cast<uint32_t>(rows_.users() * (part + 1) / kParts);
    for (auto user = static_cast<uint32_t>(rows_.users() * part / kParts); user < end; ++user) {
      if (!Selected(user, filter, groups_kept)) continue;
      bool any = false;
      for (size_t col = 0; col < k; ++col) {
        const UserMajorRows::RangeTotal total =
            rows_.TotalBetween(user, kept[col], range->first, range->second);
        totals[col] = total.events;
        any |= total.any;
      }
      if (any) parts[part].Add(totals);
    }
  });
  for (size_t part = 1; part < kParts; ++part) parts[0].Merge(parts[part]);
  const std::vector<std::vector<double>> kept_correlation = parts[0].Correlation();
  for (size_t a = 0; a < k; ++a)
    for (size_t b = 0; b < k; ++b) correlation[kept[a]][kept[b]] = kept_correlation[a][b];
  return correlation;
}

size_t UsageIndex::MemoryBytes() const {
  return group_of_user_.capacity() + rows_.MemoryBytes() + days_.MemoryBytes() +
         bitmaps_.MemoryBytes();
}

}  // namespace growthlens
