#pragma once
// UsageRollup: one pass over a usage log's rows, user by user, from which every unfiltered
// analysis of RunAnalysis derives, instead of each analysis scanning the millions of rows again:
//  - each user's active days (an ActivityGrid): RFM recency and frequency, KPIs, cohorts,
//    lifecycle and weekly stickiness;
//  - each user's events: RFM monetary and the KPIs;
//  - the user x feature pivot of events: the feature correlation and the personas' features;
//  - per feature, and per (feature, series bucket): events, distinct users and user-days.
// A user's rows go through a small (feature x day) bitmap, so distinct counts need no hashing.
// Rows without a user belong to no UserRows group: Covers() says whether the rollup saw them all.
//
//   const UserRows by_user(dataset);
//   if (UsageRollup::Covers(dataset, by_user)) {
//     const UsageRollup rollup(dataset, by_user, CohortPeriod::kDay, threads);
//     const FeatureReport report = FeatureReportOf(rollup.feature_totals());
//   }

#include <cstdint>
#include <utility>
#include <vector>

#include "core/dataset.h"
#include "metrics/activity_grid.h"
#include "metrics/cohorts.h"
#include "metrics/feature_usage.h"
#include "metrics/user_rows.h"

namespace growthlens {

class UsageRollup {
 public:
  /// A usage log whose every row has a user (so every row is in a group) and at least one row.
  static bool Covers(const UsageLog& dataset, const UserRows& by_user);

  /// `series_period`: the buckets of series_totals(). threads 0 = all cores. A `by_user` built
  /// UserRows::ByBand is walked in bands of about `rows_per_band` rows (a 32 MB order each).
  UsageRollup(const UsageLog& dataset, const UserRows& by_user, CohortPeriod series_period,
              unsigned threads, size_t rows_per_band = size_t{1} << 23);

  Day first_day() const { return days_.first_day(); }
  Day last_day() const { return days_.last_day(); }
  /// Active days per user code, over [first_day, last_day].
  const ActivityGrid& days() const { return days_; }
  /// Events per user code (0 without rows).
  const std::vector<int64_t>& user_events() const { return user_events_; }
  int64_t total_events() const { return total_events_; }
  /// Events per (UserRows group, feature code), as doubles (pandas' pivot).
  const ColumnMajorMatrix& feature_events() const { return feature_events_; }
  /// Moves feature_events() out (left empty), for a caller that keeps it after the rollup.
  ColumnMajorMatrix ReleaseFeatureEvents() { return std::move(feature_events_); }
  const FeatureTotals& feature_totals() const { return feature_totals_; }
  const SeriesTotals& series_totals() const { return series_totals_; }

  size_t MemoryBytes() const;

 private:
  ActivityGrid days_;
  std::vector<int64_t> user_events_;
  int64_t total_events_ = 0;
  ColumnMajorMatrix feature_events_;
  FeatureTotals feature_totals_;
  SeriesTotals series_totals_;
};

}  // namespace growthlens
