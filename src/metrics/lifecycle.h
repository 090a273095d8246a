#pragma once
// Lifecycle (growth accounting) and weekly stickiness. Per week or month: how many users were
// new, returning, resurrecting or dormant; and for every (user, ISO week) with activity, on how
// many distinct days of that week the user was active. A "user" is a customer for transactions;
// active in a period = at least one row in it. Definitions in docs/ANALYTICS.md ("Lifecycle").
//
//   LifecycleOptions options;
//   options.period = CohortPeriod::kWeek;
//   const Lifecycle lifecycle = ComputeLifecycle(dataset, options);
//   // lifecycle.periods.new_users[0]; lifecycle.stickiness.user_weeks[6] = 7-day user-weeks

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/dataset.h"
#include "metrics/cohorts.h"

namespace growthlens {

inline constexpr int kDaysPerWeek = 7;

struct LifecycleOptions {
  /// kMonth or kWeek (ISO, Monday-labelled); kDay works too, each day being a period.
  CohortPeriod period = CohortPeriod::kMonth;
  /// The periods (and stickiness weeks) shown are those overlapping [from, to], inclusive,
  /// counted whole; activity before `from` still makes users returning, resurrecting or not new.
  std::optional<Day> from;
  std::optional<Day> to;
  unsigned threads = 0;  // 0: every core
  /// Memory cap of the (user, week) grid, 1 byte each: beyond it (decades of data or tens of
  /// millions of users) users are counted in blocks, one pass over the rows per block.
  size_t max_grid_bytes = size_t{1} << 30;
};

/// One entry per period shown, in order, quiet periods included.
struct LifecyclePeriods {
  std::vector<int32_t> bucket;         // CohortBucketOf; CohortBucketLabel names it
  std::vector<uint32_t> days_in_data;  // days of the period inside the data's first..last day
  std::vector<uint32_t> days;          // days of the period: 7, or 28..31
  std::vector<uint64_t> new_users;     // first active period is this one
  std::vector<uint64_t> returning;     // active in this period and the previous one
  std::vector<uint64_t> resurrecting;  // active now, not in the previous period, but before it
  std::vector<uint64_t> dormant;       // active in the previous period, not in this one (>= 0)

  size_t size() const { return bucket.size(); }
  /// The data starts or ends inside the period, so it is only partly observed.
  bool Partial(size_t idx) const { return days_in_data[idx] < days[idx]; }
  /// new + returning + resurrecting.
  uint64_t Active(size_t idx) const { return new_users[idx] + returning[idx] + resurrecting[idx]; }
  /// (new + resurrecting) / dormant; nullopt when dormant is 0.
  std::optional<double> QuickRatio(size_t idx) const;
};

/// User-weeks by their number of distinct active days, over the ISO weeks shown.
struct StickinessHistogram {
  std::array<uint64_t, kDaysPerWeek> user_weeks{};  // [d - 1]: user-weeks active on d days
  int32_t first_week = 0;  // CohortBucketOf(day, kWeek) of the weeks counted, inclusive
  int32_t last_week = -1;

  uint64_t Total() const;
  /// Share of the user-weeks active on `active_days` (1..7) days; 0 when there are none.
  double Share(int active_days) const;
  double MeanActiveDays() const;
};

struct Lifecycle {
  CohortPeriod period = CohortPeriod::kMonth;
  /// First and last day of the rows with a user; kNoDay when there are none.
  Day data_first_day = kNoDay;
  Day data_last_day = kNoDay;
  LifecyclePeriods periods;
  StickinessHistogram stickiness;
};

class ActivityGrid;
/// `days`: the users' active days over the rows' first to last day (UsageRollup), which saves
/// the passes over the rows; null: computed from the rows.
Lifecycle ComputeLifecycle(const Dataset& dataset, const LifecycleOptions& options,
                           const ActivityGrid* days = nullptr);

}  // namespace growthlens
