#pragma once
// The indexes of a usage log that the server builds at load, so that a filtered feature-usage
// query (dates, features, user groups such as RFM segments, listed users) reads aggregates and
// bitmaps instead of every row: per-day per-feature aggregates (DayFeatureIndex), user bitmaps
// (UserBitmaps) for distinct users over any range, and the rows laid out by user and feature
// (UserMajorRows) for what needs per-user totals (the correlation) or names users one by one.
// The answers equal the row scans of metrics/feature_usage.h (tests/usage_index_test.cc).

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "metrics/day_feature_index.h"
#include "metrics/feature_usage.h"
#include "metrics/user_bitmaps.h"
#include "metrics/user_major_rows.h"

namespace growthlens {

class UsageIndex {
 public:
  /// `group_of_user`: each user's group (< `groups`; at most 255 groups). Null when the log does
  /// not fit the layout (UserMajorRows::Fits): the row scans answer then.
  static std::shared_ptr<const UsageIndex> Build(const UsageLog& log,
                                                 std::vector<uint8_t> group_of_user, size_t groups);

  size_t groups() const { return groups_; }
  uint8_t GroupOf(uint32_t user) const { return group_of_user_[user]; }
  /// Users with a row in the kept groups.
  uint64_t UsersInGroups(const std::vector<uint8_t>& groups_kept) const;

  /// What ComputeFeatureReport, ComputeFeatureSeries and FeatureCorrelation compute for
  /// `filter`, its users further narrowed to `groups_kept` (per group, 1 = kept; null = all).
  FeatureTotals Totals(const UsageFilter& filter, const std::vector<uint8_t>* groups_kept) const;
  SeriesTotals Series(CohortPeriod granularity, const UsageFilter& filter,
                      const std::vector<uint8_t>* groups_kept) const;
  std::vector<std::vector<double>> Correlation(const UsageFilter& filter,
                                               const std::vector<uint8_t>* groups_kept) const;

  size_t MemoryBytes() const;

  UsageIndex(const UsageLog& log, std::vector<uint8_t> group_of_user, size_t groups);

 private:
  /// The filter's days as offsets from the rows' first day; nullopt when none has rows.
  std::optional<std::pair<size_t, size_t>> DayOffsets(const UsageFilter& filter) const;
  std::vector<uint16_t> KeptFeatureCodes(const UsageFilter& filter) const;
  bool Selected(uint32_t user, const UsageFilter& filter,
                const std::vector<uint8_t>* groups_kept) const {
    return (filter.users == nullptr || (*filter.users)[user]) &&
           (groups_kept == nullptr || (*groups_kept)[group_of_user_[user]]);
  }
  FeatureTotals ScanTotals(const UsageFilter& filter,
                           const std::vector<uint8_t>* groups_kept) const;
  /// The series of listed users from their rows, into `totals` (set up by Series).
  void ScanSeries(std::pair<size_t, size_t> range, const std::vector<uint32_t>& bucket_of_day,
                  const std::vector<uint16_t>& kept, const UsageFilter& filter,
                  const std::vector<uint8_t>* groups_kept, SeriesTotals& totals) const;

  std::vector<uint8_t> group_of_user_;
  size_t groups_;
  std::vector<uint64_t> group_users_;  // users with a row, per group
  UserMajorRows rows_;
  DayFeatureIndex days_;
  UserBitmaps bitmaps_;
};

}  // namespace growthlens
