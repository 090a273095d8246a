// The live state's incremental analyses (app/live_totals.h) against the engine's own analyses of
// the same rows read as an events file (app/inbox_fold.h's CleanInbox): KPI counts, feature
// totals and daily series, cohort sizes and the lifecycle of a month must be equal, whether the
// rows are added at once or in small batches. And the last hour's window (app/live_window.h).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "app/inbox_fold.h"
#include "app/live_totals.h"
#include "app/live_window.h"
#include "core/date.h"
#include "metrics/cohorts.h"
#include "metrics/feature_usage.h"
#include "metrics/kpis.h"
#include "metrics/lifecycle.h"
#include "metrics/periods.h"

namespace growthlens {
namespace {

constexpr int64_t kDayMs = 86'400'000;

/// Rows over three months, several users and event names, repeated (user, day) pairs, counts
/// above 1; each (user, time, event) once (the cleaning keeps them all).
store::InboxRows RandomRows(uint32_t seed, size_t count) {
  std::mt19937 random(seed);
  const int64_t start = int64_t{DaysFromCivil(2026, 1, 20)} * kDayMs;
  const std::vector<std::string> names = {"login", "search", "export", "share", "pay"};
  store::InboxRows rows;
  for (size_t index = 0; index < count; ++index) {
    rows.id.push_back(static_cast<int64_t>(index) + 1);
    rows.received_ms.push_back(start);
    // fmt, not "u" + std::to_string: GCC 12 reports a false -Wrestrict on that.
    rows.user.push_back(fmt::format("u{}", random() % 40));
    rows.event.push_back(names[random() % names.size()]);
    // Distinct times: a whole number of ms per row on top of a random day.
    rows.time_ms.push_back(start + static_cast<int64_t>(random() % 70) * kDayMs +
                           static_cast<int64_t>(index) * 1000);
    rows.count.push_back(static_cast<int32_t>(1 + random() % 3));
    rows.properties_json.emplace_back();
  }
  return rows;
}

app::LiveTotals AddInBatches(const store::InboxRows& rows, size_t batch) {
  app::LiveTotals totals;
  for (size_t first = 0; first < rows.size(); first += batch)
    for (size_t row = first; row < std::min(rows.size(), first + batch); ++row)
      totals.Add(rows.user[row], rows.event[row], rows.time_ms[row], rows.count[row]);
  return totals;
}

class LiveTotalsTest : public ::testing::TestWithParam<size_t> {};

TEST_P(LiveTotalsTest, EqualsTheEngineOnTheSameRows) {
  const store::InboxRows rows = RandomRows(7, 600);
  const app::LiveTotals totals = AddInBatches(rows, GetParam());
  Result<CleanedData> cleaned = app::CleanInbox(rows, IngestOptions{});
  ASSERT_TRUE(cleaned.ok()) << cleaned.status().message();
  const Dataset& dataset = cleaned->dataset;
  ASSERT_EQ(dataset.rows(), rows.size());  // nothing dropped: the comparison is row for row
  const UsageLog& log = *dataset.As<UsageLog>();

  const Kpis kpis = ComputeKpis(dataset, KpiOptions{});
  EXPECT_EQ(totals.rows(), kpis.rows);
  EXPECT_EQ(totals.users(), kpis.users);
  EXPECT_EQ(totals.events(), kpis.events);
  EXPECT_DOUBLE_EQ(
      static_cast<double>(totals.active_user_days()) / static_cast<double>(totals.users()),
      kpis.active_days_per_user);

  const FeatureReport report = ComputeFeatureReport(log, UsageFilter{});
  const std::vector<app::LiveFeatureTotal> features = totals.Features();
  ASSERT_EQ(features.size(), report.features.size());
  std::map<std::string, FeatureStats> engine;
  for (const FeatureStats& stats : report.features)
    engine[std::string(log.features[stats.feature])] = stats;
  for (const app::LiveFeatureTotal& feature : features) {
    SCOPED_TRACE(feature.feature);
    ASSERT_TRUE(engine.contains(feature.feature));
    EXPECT_EQ(feature.events, engine[feature.feature].events);
    EXPECT_EQ(feature.users, engine[feature.feature].users);
    EXPECT_DOUBLE_EQ(static_cast<double>(feature.user_days) / static_cast<double>(feature.users),
                     engine[feature.feature].frequency);
  }

  const FeatureSeries series = ComputeFeatureSeries(log, CohortPeriod::kDay, UsageFilter{});
  for (size_t index = 0; index < series.features.size(); ++index) {
    const std::string name(log.features[series.features[index]]);
    SCOPED_TRACE(name);
    std::map<Day, std::pair<int64_t, uint64_t>> engine_days;
    for (size_t bucket = 0; bucket < series.buckets.size(); ++bucket)
      if (series.events[index][bucket] > 0)
        engine_days[series.buckets[bucket]] = {series.events[index][bucket],
                                               series.users[index][bucket]};
    std::map<Day, std::pair<int64_t, uint64_t>> live_days;
    for (const app::LiveDayPoint& point : totals.FeatureSeries(name))
      live_days[point.day] = {point.events, point.users};  // a day bucket is the day
    EXPECT_EQ(live_days, engine_days);
  }

  const CohortMatrix cohorts = ComputeCohorts(dataset, CohortPeriod::kMonth);
  std::map<int32_t, uint64_t> engine_cohorts;
  for (size_t index = 0; index < cohorts.cohorts.size(); ++index)
    engine_cohorts[cohorts.cohorts[index]] = cohorts.cohort_size[index];
  EXPECT_EQ(totals.CohortSizes(), engine_cohorts);  // a month bucket is its MonthIndexOf

  const Lifecycle lifecycle = ComputeLifecycle(dataset, LifecycleOptions{});
  ASSERT_GE(lifecycle.periods.size(), 3u);
  for (size_t index = 0; index < lifecycle.periods.size(); ++index) {
    const int32_t month = lifecycle.periods.bucket[index];
    SCOPED_TRACE(FormatMonth(month));
    const app::LiveTotalsSummary summary = totals.Summary(month);  // what the live page shows
    EXPECT_EQ(summary.cohorts, engine_cohorts);
    EXPECT_EQ(summary.users, totals.users());
    const app::LiveMonthLifecycle live = totals.Lifecycle(month);
    EXPECT_EQ(summary.lifecycle.returning, live.returning);
    EXPECT_EQ(live.fresh, lifecycle.periods.new_users[index]);
    EXPECT_EQ(live.returning, lifecycle.periods.returning[index]);
    EXPECT_EQ(live.resurrecting, lifecycle.periods.resurrecting[index]);
    EXPECT_EQ(live.dormant, lifecycle.periods.dormant[index]);
  }
}

INSTANTIATE_TEST_SUITE_P(Batches, LiveTotalsTest, ::testing::Values(600, 1, 7, 128));

// A user's events going back and forth between days: each (user, day) counts once, whichever
// day their previous event fell on (the totals skip the second hash while a user stays on a day).
TEST(LiveTotalsDaysTest, CountsEachUserDayOnceWhenEventsAlternateBetweenDays) {
  app::LiveTotals totals;
  const int64_t day1 = 20'000 * kDayMs, day2 = day1 + kDayMs;
  for (const int64_t time : {day1, day2, day1 + 5, day2 + 5, day1 + 9})
    totals.Add("a", "x", time, 1);
  totals.Add("b", "y", day1 + 1, 2);
  totals.Add("b", "x", day1 + 2, 1);
  EXPECT_EQ(totals.active_user_days(), 3u);  // (a, 1), (a, 2), (b, 1)
  EXPECT_EQ(totals.users(), 2u);
  const std::vector<app::LiveDayPoint> daily = totals.DailySeries();
  ASSERT_EQ(daily.size(), 2u);
  EXPECT_EQ(daily[0].events, 6);
  EXPECT_EQ(daily[0].users, 2u);
  EXPECT_EQ(daily[1].events, 2);
  EXPECT_EQ(daily[1].users, 1u);
  const std::vector<app::LiveFeatureTotal> features = totals.Features();
  ASSERT_EQ(features.size(), 2u);
  EXPECT_EQ(features[0].feature, "x");
  EXPECT_EQ(features[0].users, 2u);
  EXPECT_EQ(features[0].user_days, 3u);
}

TEST(LiveWindowTest, CountsTheLastHourByMinuteAndTheActiveUsers) {
  const int64_t now = int64_t{DaysFromCivil(2026, 3, 1)} * kDayMs + 12 * 3'600'000 + 30'000;
  app::LiveWindow window(3);
  // Users a, b, c, d as the numbers 0 to 3 (LiveTotals::Add's codes).
  window.Add({now, now - 2 * app::kMillisPerMinute, "a", "login", 2}, 0);    // 2 minutes ago
  window.Add({now, now - 10 * app::kMillisPerMinute, "b", "search", 1}, 1);  // 10 minutes ago
  window.Add({now, now - 40 * app::kMillisPerMinute, "c", "login", 1}, 2);   // 40 minutes ago
  window.Add({now, now - 90 * app::kMillisPerMinute, "d", "export", 5}, 3);  // before the hour
  window.Add({now, now, "a", "search", 1}, 0);
  window.Prune(now);
  const app::LiveWindowSnapshot snapshot = window.Snapshot(now);
  ASSERT_EQ(snapshot.per_minute.size(), 60u);
  EXPECT_EQ(snapshot.per_minute.back().minute_ms, now - 30'000);
  EXPECT_EQ(snapshot.per_minute.back().events, 1);
  EXPECT_EQ(snapshot.per_minute[57].events, 2);  // two minutes before the current one
  EXPECT_EQ(snapshot.events_last_hour, 5);
  EXPECT_EQ(snapshot.active_5m, 1u);      // a
  EXPECT_EQ(snapshot.active_30m, 2u);     // a, b
  ASSERT_EQ(snapshot.latest.size(), 3u);  // the three newest, newest first
  EXPECT_EQ(snapshot.latest[0].event, "search");
  EXPECT_EQ(snapshot.latest[0].user, "a");
  EXPECT_EQ(snapshot.latest[2].user, "c");
  ASSERT_EQ(snapshot.features_last_hour.size(), 2u);
  EXPECT_EQ(snapshot.features_last_hour[0].name, "login");  // 3 (2 + 1) before search's 2
  EXPECT_EQ(snapshot.features_last_hour[0].events, 3);
  EXPECT_EQ(snapshot.features_last_hour[1].events, 2);
  // An hour later everything has left the window.
  window.Prune(now + 61 * app::kMillisPerMinute);
  const app::LiveWindowSnapshot later = window.Snapshot(now + 61 * app::kMillisPerMinute);
  EXPECT_EQ(later.events_last_hour, 0);
  EXPECT_EQ(later.active_30m, 0u);
}

TEST(LiveWindowTest, CountCountsWithoutListingAmongTheLatest) {
  const int64_t now = int64_t{DaysFromCivil(2026, 3, 1)} * kDayMs;
  app::LiveWindow window(2);
  window.Count(now - 1'000, 7, "login", 4);
  window.Count(now - 2'000, 7, "search", 1);
  window.Add({now, now, "u8", "login", 1}, 8);
  const app::LiveWindowSnapshot snapshot = window.Snapshot(now);
  EXPECT_EQ(snapshot.events_last_hour, 6);
  EXPECT_EQ(snapshot.active_5m, 2u);  // users 7 and 8
  ASSERT_EQ(snapshot.latest.size(), 1u);
  EXPECT_EQ(snapshot.latest[0].user, "u8");
  ASSERT_EQ(snapshot.features_last_hour.size(), 2u);
  EXPECT_EQ(snapshot.features_last_hour[0].name, "login");
  EXPECT_EQ(snapshot.features_last_hour[0].events, 5);
}

}  // namespace
}  // namespace growthlens
