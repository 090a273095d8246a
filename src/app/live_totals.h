#pragma once
// The analyses the live state keeps up to date event by event instead of recomputing (issue 19):
// KPI counts, feature totals and their daily series, cohort sizes and the lifecycle of the
// current month, over every event it was given. Adding rows in any number of calls gives what
// the engine's own analyses (metrics/kpis.h, feature_usage.h, cohorts.h) compute on the same
// rows read as an events file (tests/live_totals_test.cc compares them).
//
// An event's day is its UTC day; a user's cohort is the month of their first event.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/date.h"

namespace growthlens::app {

struct LiveFeatureTotal {
  std::string feature;
  int64_t events = 0;      // counts summed
  uint64_t users = 0;      // distinct users
  uint64_t user_days = 0;  // distinct (user, day)
};

struct LiveDayPoint {
  Day day = 0;
  int64_t events = 0;
  uint64_t users = 0;  // distinct
};

/// A month's users as metrics/lifecycle.h counts them: new (first event in the month), returning
/// (active in it and the month before), resurrecting (active in it, not the month before, but
/// earlier), dormant (active the month before, not in it).
struct LiveMonthLifecycle {
  int32_t month = 0;  // MonthIndexOf
  uint64_t fresh = 0;
  uint64_t returning = 0;
  uint64_t resurrecting = 0;
  uint64_t dormant = 0;
};

/// What the live page shows of the totals, computed from them at one moment (a copy of the
/// totals themselves would copy every user and (user, day) set they keep).
struct LiveTotalsSummary {
  int64_t events = 0;
  uint64_t rows = 0;
  uint64_t users = 0;
  uint64_t active_user_days = 0;
  std::vector<LiveFeatureTotal> features;
  std::vector<LiveDayPoint> daily;
  std::map<int32_t, uint64_t> cohorts;
  LiveMonthLifecycle lifecycle;
};

class LiveTotals {
 public:
  /// Returns the user's number (0, 1, 2... in order of first appearance), which stands for the
  /// user in LiveWindow too, so that the user's text is hashed once per event.
  uint32_t Add(std::string_view user, std::string_view event, int64_t time_ms, int32_t count);

  int64_t events() const { return events_; }
  uint64_t rows() const { return rows_; }
  uint64_t users() const { return first_day_.size(); }
  uint64_t active_user_days() const { return user_days_.size(); }
  /// Most events first, ties by name.
  std::vector<LiveFeatureTotal> Features() const;
  /// The feature's days, ascending, only days with events; empty for an unknown feature.
  std::vector<LiveDayPoint> FeatureSeries(std::string_view feature) const;
  /// Every feature together, per day.
  std::vector<LiveDayPoint> DailySeries() const;
  /// Users by the month of their first event (MonthIndexOf), ascending.
  std::map<int32_t, uint64_t> CohortSizes() const;
  LiveMonthLifecycle Lifecycle(int32_t month) const;
  /// All of the above, with the lifecycle of `month`.
  LiveTotalsSummary Summary(int32_t month) const;

 private:
  struct Feature {
    int64_t events = 0;
    uint64_t users = 0;
    std::vector<bool> has_user;              // by user code: a flag, not a hash set (the hot path)
    std::unordered_set<uint64_t> user_days;  // KeyOf(user, day)
    std::map<Day, int64_t> day_events;
  };
  uint32_t UserCode(std::string_view user, Day day);

  int64_t events_ = 0;
  uint64_t rows_ = 0;
  /// Looked up by a view of the row's text: no string made per event, only per new user.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, uint32_t, TextHash, std::equal_to<>> user_codes_;
  std::vector<Day> first_day_;  // per user code
  /// Per user code, the day of their last event (kNoDay before the first): while a user's events
  /// stay on one day, (user, day) is known to be in user_days_ without hashing it a second time.
  std::vector<int64_t> last_day_;
  std::unordered_set<uint64_t> user_days_;  // KeyOf(user, day)
  std::map<Day, int64_t> day_events_;
  std::map<std::string, Feature, std::less<>> features_;
};

}  // namespace growthlens::app
