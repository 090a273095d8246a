// Lifecycle and weekly stickiness (metrics/lifecycle.h): small hand-checked logs for every
// category and edge, a brute-force cross-check on random activity (one thread = two threads),
// goldens from pandas (tests/golden/make_lifecycle_golden.py) on tests/golden/usage_small.csv and
// the full Online Retail file (every count must match exactly), and `growthlens lifecycle` end to
// end.

#include "metrics/lifecycle.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "dataset_kinds.h"
#include "ingest_or_die.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

using testing::IngestOrDie;

/// A usage log with one row per (user, "YYYY-MM-DD").
std::string UsageLogCsv(const std::vector<std::pair<std::string, std::string>>& user_days) {
  std::string text(testing::kUsageHeader);
  for (const auto& [user, day] : user_days) text += user + ",2020-01-01," + day + ",Search,1\n";
  return text;
}

struct ExpectedPeriod {
  std::string label;
  uint64_t new_users, returning, resurrecting, dormant;
};

void ExpectPeriods(const Lifecycle& lifecycle, const std::vector<ExpectedPeriod>& expected) {
  const LifecyclePeriods& periods = lifecycle.periods;
  ASSERT_EQ(periods.size(), expected.size());
  for (size_t idx = 0; idx < expected.size(); ++idx) {
    const ExpectedPeriod& want = expected[idx];
    EXPECT_EQ(CohortBucketLabel(periods.bucket[idx], lifecycle.period), want.label);
    EXPECT_EQ(periods.new_users[idx], want.new_users) << want.label;
    EXPECT_EQ(periods.returning[idx], want.returning) << want.label;
    EXPECT_EQ(periods.resurrecting[idx], want.resurrecting) << want.label;
    EXPECT_EQ(periods.dormant[idx], want.dormant) << want.label;
  }
}

LifecycleOptions Options(CohortPeriod period, std::optional<Day> from = std::nullopt,
                         std::optional<Day> to = std::nullopt) {
  LifecycleOptions options;
  options.period = period;
  options.from = from;
  options.to = to;
  return options;
}

// Months of 2024 (data from Jan 10 to Jun 15):
//   a: Jan, Feb (Jan 31 and Feb 1 are one ISO week), Mar     -> new, returning x2, dormant Apr
//   b: Jan only                                               -> new, dormant Feb
//   c: Feb, then May after two quiet months                   -> new, dormant Mar, resurrecting
//                                                                May, dormant Jun
//   d: Mar, Apr, Jun                                          -> new, returning, dormant May,
//                                                                resurrecting Jun
//   e: Jun only                                               -> new in the last period
const std::vector<std::pair<std::string, std::string>> kSixMonths = {
    {"a", "2024-01-10"}, {"a", "2024-01-31"}, {"a", "2024-01-31"}, {"a", "2024-02-01"},
    {"a", "2024-03-05"}, {"b", "2024-01-20"}, {"c", "2024-02-14"}, {"c", "2024-02-15"},
    {"c", "2024-05-30"}, {"d", "2024-03-01"}, {"d", "2024-04-30"}, {"d", "2024-06-01"},
    {"e", "2024-06-15"}};

const std::vector<ExpectedPeriod> kSixMonthsExpected = {
    {"2024-01", 2, 0, 0, 0}, {"2024-02", 1, 1, 0, 1}, {"2024-03", 1, 1, 0, 1},
    {"2024-04", 0, 1, 0, 1}, {"2024-05", 0, 0, 1, 1}, {"2024-06", 1, 0, 1, 1}};

TEST(Lifecycle, MonthlyEveryCategoryAndAGapOfSeveralMonths) {
  const CleanedData data = IngestOrDie(UsageLogCsv(kSixMonths));
  const Lifecycle lifecycle = ComputeLifecycle(data.dataset, Options(CohortPeriod::kMonth));
  EXPECT_EQ(lifecycle.data_first_day, DaysFromCivil(2024, 1, 10));
  EXPECT_EQ(lifecycle.data_last_day, DaysFromCivil(2024, 6, 15));
  ExpectPeriods(lifecycle, kSixMonthsExpected);
  const LifecyclePeriods& periods = lifecycle.periods;
  EXPECT_EQ(periods.Active(0), 2u);
  EXPECT_EQ(periods.Active(3), 1u);
  EXPECT_EQ(periods.Active(5), 2u);
  EXPECT_FALSE(periods.QuickRatio(0).has_value());  // nobody to lose yet
  EXPECT_DOUBLE_EQ(*periods.QuickRatio(1), 1.0);
  EXPECT_DOUBLE_EQ(*periods.QuickRatio(3), 0.0);
  EXPECT_DOUBLE_EQ(*periods.QuickRatio(5), 2.0);
  // Partial first and last months are reported as they are, and flagged.
  EXPECT_EQ(periods.days_in_data[0], 22u);
  EXPECT_EQ(periods.days[0], 31u);
  EXPECT_TRUE(periods.Partial(0));
  EXPECT_EQ(periods.days_in_data[1], 29u);  // 2024 is a leap year
  EXPECT_FALSE(periods.Partial(1));
  EXPECT_EQ(periods.days_in_data[5], 15u);
  EXPECT_TRUE(periods.Partial(5));
  // Growth accounting: last period's active users either return or go dormant.
  for (size_t idx = 1; idx < periods.size(); ++idx)
    EXPECT_EQ(periods.Active(idx - 1), periods.returning[idx] + periods.dormant[idx]) << idx;
}

TEST(Lifecycle, UserOfTheFirstPeriodOnlyIsDormantOnceAndQuietPeriodsAreListed) {
  const CleanedData data =
      IngestOrDie(UsageLogCsv({{"only_jan", "2024-01-03"}, {"apr", "2024-04-09"}}));
  const Lifecycle lifecycle = ComputeLifecycle(data.dataset, Options(CohortPeriod::kMonth));
  ExpectPeriods(lifecycle, {{"2024-01", 1, 0, 0, 0},
                            {"2024-02", 0, 0, 0, 1},
                            {"2024-03", 0, 0, 0, 0},
                            {"2024-04", 1, 0, 0, 0}});
  EXPECT_EQ(lifecycle.periods.Active(2), 0u);
  EXPECT_FALSE(lifecycle.periods.QuickRatio(2).has_value());
  EXPECT_DOUBLE_EQ(*lifecycle.periods.QuickRatio(1), 0.0);
}

TEST(Lifecycle, FromToShowsWholeOverlappingPeriodsAndKeepsEarlierHistory) {
  const CleanedData data = IngestOrDie(UsageLogCsv(kSixMonths));
  // Mar 20 .. May 2 overlaps March, April and May; February's activity still makes a returning
  // in March and c resurrecting (not new) in May.
  const Lifecycle window = ComputeLifecycle(
      data.dataset,
      Options(CohortPeriod::kMonth, DaysFromCivil(2024, 3, 20), DaysFromCivil(2024, 5, 2)));
  ExpectPeriods(window, {kSixMonthsExpected[2], kSixMonthsExpected[3], kSixMonthsExpected[4]});
  EXPECT_EQ(window.periods.days_in_data[0], 31u);  // shown whole, not from the 20th
  // A range wider than the data is clamped to it.
  const Lifecycle wide = ComputeLifecycle(
      data.dataset,
      Options(CohortPeriod::kMonth, DaysFromCivil(2023, 1, 1), DaysFromCivil(2030, 1, 1)));
  ExpectPeriods(wide, kSixMonthsExpected);
  // Only `to`: the periods up to it.
  const Lifecycle until =
      ComputeLifecycle(data.dataset, Options(CohortPeriod::kMonth, {}, DaysFromCivil(2024, 2, 1)));
  ExpectPeriods(until, {kSixMonthsExpected[0], kSixMonthsExpected[1]});
  // Outside the data, or from after to: nothing to show.
  for (const auto& [from, to] : {std::pair{DaysFromCivil(2025, 1, 1), DaysFromCivil(2025, 2, 1)},
                                 std::pair{DaysFromCivil(2024, 5, 1), DaysFromCivil(2024, 4, 1)}}) {
    const Lifecycle empty = ComputeLifecycle(data.dataset, Options(CohortPeriod::kMonth, from, to));
    EXPECT_EQ(empty.periods.size(), 0u);
    EXPECT_EQ(empty.stickiness.Total(), 0u);
  }
}

// Three full ISO weeks from Monday 2024-01-01:
//   u1: Mon-Wed of week 1 (3 days), nothing in week 2, all 7 days of week 3 -> resurrecting
//   u2: Sunday of week 1, Monday of week 2 -> new, returning, dormant in week 3
const std::vector<std::pair<std::string, std::string>> kThreeWeeks = {
    {"u1", "2024-01-01"}, {"u1", "2024-01-02"}, {"u1", "2024-01-03"}, {"u1", "2024-01-03"},
    {"u1", "2024-01-15"}, {"u1", "2024-01-16"}, {"u1", "2024-01-17"}, {"u1", "2024-01-18"},
    {"u1", "2024-01-19"}, {"u1", "2024-01-20"}, {"u1", "2024-01-21"}, {"u2", "2024-01-07"},
    {"u2", "2024-01-08"}};

TEST(Lifecycle, WeeklyPeriodsAndStickinessHistogram) {
  const CleanedData data = IngestOrDie(UsageLogCsv(kThreeWeeks));
  const Lifecycle weekly = ComputeLifecycle(data.dataset, Options(CohortPeriod::kWeek));
  ExpectPeriods(
      weekly, {{"2024-01-01", 2, 0, 0, 0}, {"2024-01-08", 0, 1, 0, 1}, {"2024-01-15", 0, 0, 1, 1}});
  for (size_t idx = 0; idx < 3; ++idx) EXPECT_FALSE(weekly.periods.Partial(idx));
  const StickinessHistogram& sticky = weekly.stickiness;
  EXPECT_EQ(sticky.user_weeks, (std::array<uint64_t, kDaysPerWeek>{2, 0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(sticky.Total(), 4u);
  EXPECT_DOUBLE_EQ(sticky.Share(1), 0.5);
  EXPECT_DOUBLE_EQ(sticky.Share(7), 0.25);
  EXPECT_DOUBLE_EQ(sticky.MeanActiveDays(), 3.0);  // (1 + 1 + 3 + 7) / 4
  EXPECT_EQ(CohortBucketLabel(sticky.first_week, CohortPeriod::kWeek), "2024-01-01");
  EXPECT_EQ(CohortBucketLabel(sticky.last_week, CohortPeriod::kWeek), "2024-01-15");

  // By month the same log is one partial month in which both users are new; stickiness stays
  // weekly.
  const Lifecycle monthly = ComputeLifecycle(data.dataset, Options(CohortPeriod::kMonth));
  ExpectPeriods(monthly, {{"2024-01", 2, 0, 0, 0}});
  EXPECT_EQ(monthly.periods.days_in_data[0], 21u);
  EXPECT_EQ(monthly.stickiness.user_weeks, sticky.user_weeks);
}

TEST(Lifecycle, StickinessCountsTheWholeWeeksOverlappingTheRange) {
  const CleanedData data = IngestOrDie(UsageLogCsv(kThreeWeeks));
  // Wednesday to Friday of week 2: only u2's Monday there counts, as a 1-day week.
  const Lifecycle window = ComputeLifecycle(
      data.dataset,
      Options(CohortPeriod::kWeek, DaysFromCivil(2024, 1, 10), DaysFromCivil(2024, 1, 12)));
  ExpectPeriods(window, {{"2024-01-08", 0, 1, 0, 1}});
  EXPECT_EQ(window.stickiness.user_weeks,
            (std::array<uint64_t, kDaysPerWeek>{1, 0, 0, 0, 0, 0, 0}));
}

TEST(Lifecycle, PartialEdgeWeeks) {
  // Wednesday 2024-01-03 to Tuesday 2024-01-09: two partial weeks.
  const CleanedData data =
      IngestOrDie(UsageLogCsv({{"x", "2024-01-03"}, {"x", "2024-01-07"}, {"y", "2024-01-09"}}));
  const Lifecycle weekly = ComputeLifecycle(data.dataset, Options(CohortPeriod::kWeek));
  ExpectPeriods(weekly, {{"2024-01-01", 1, 0, 0, 0}, {"2024-01-08", 1, 0, 0, 1}});
  EXPECT_EQ(weekly.periods.days_in_data, (std::vector<uint32_t>{5, 2}));
  EXPECT_EQ(weekly.periods.days, (std::vector<uint32_t>{7, 7}));
  EXPECT_EQ(weekly.stickiness.user_weeks,
            (std::array<uint64_t, kDaysPerWeek>{1, 1, 0, 0, 0, 0, 0}));
}

TEST(Lifecycle, TransactionsCountCustomersOncePerPeriod) {
  const std::string text = std::string(testing::kRetailHeader) +
                           "1,A,a,2,2011-01-03 10:00,5.0,200,UK\n"
                           "1,B,b,1,2011-01-03 10:00,2.5,200,UK\n"
                           "2,A,a,1,2011-01-04 09:00,5.0,200,UK\n"
                           "3,A,a,4,2011-02-09 12:00,5.0,30,France\n"
                           "6,C,c,1,2011-03-02 08:00,1.5,200,UK\n";
  const CleanedData data = IngestOrDie(text);
  const Lifecycle lifecycle = ComputeLifecycle(data.dataset, Options(CohortPeriod::kMonth));
  ExpectPeriods(lifecycle,
                {{"2011-01", 1, 0, 0, 0}, {"2011-02", 1, 0, 0, 1}, {"2011-03", 0, 0, 1, 1}});
  // Customer 200 bought on two days of the week of 2011-01-03; 30 and 200 once in later weeks.
  EXPECT_EQ(lifecycle.stickiness.user_weeks,
            (std::array<uint64_t, kDaysPerWeek>{2, 1, 0, 0, 0, 0, 0}));
}

TEST(Lifecycle, FirstDayOfBucketInvertsCohortBucketOf) {
  for (const CohortPeriod period : {CohortPeriod::kDay, CohortPeriod::kWeek, CohortPeriod::kMonth})
    for (Day day = DaysFromCivil(1969, 11, 20); day <= DaysFromCivil(1970, 3, 10); ++day) {
      const int32_t bucket = CohortBucketOf(day, period);
      EXPECT_LE(FirstDayOfBucket(bucket, period), day);
      EXPECT_EQ(CohortBucketOf(FirstDayOfBucket(bucket, period), period), bucket);
      EXPECT_NE(CohortBucketOf(FirstDayOfBucket(bucket, period) - 1, period), bucket);
    }
  EXPECT_EQ(
      FormatDate(FirstDayOfBucket(CohortBucketOf(DaysFromCivil(2011, 12, 9), CohortPeriod::kWeek),
                                  CohortPeriod::kWeek)),
      "2011-12-05");
  EXPECT_EQ(FirstDayOfBucket(MonthIndexOf(DaysFromCivil(1969, 12, 31)), CohortPeriod::kMonth),
            DaysFromCivil(1969, 12, 1));
}

TEST(Lifecycle, EmptyDataset) {
  const Lifecycle lifecycle = ComputeLifecycle(Dataset(UsageLog()), LifecycleOptions());
  EXPECT_EQ(lifecycle.data_first_day, kNoDay);
  EXPECT_EQ(lifecycle.periods.size(), 0u);
  EXPECT_EQ(lifecycle.stickiness.Total(), 0u);
  EXPECT_EQ(lifecycle.stickiness.MeanActiveDays(), 0.0);
}

/// The definitions applied literally to sets of (user, period) and (user, week, day).
Lifecycle BruteForce(const Dataset& dataset, CohortPeriod period, Day from, Day to) {
  std::map<uint32_t, std::set<int32_t>> active;
  std::map<std::pair<uint32_t, int32_t>, std::set<Day>> week_days;
  Day first = INT32_MAX, last = INT32_MIN;
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t user = UserOfRow(dataset, row);
    const Day day = DayOfRow(dataset, row);
    active[user].insert(CohortBucketOf(day, period));
    week_days[{user, CohortBucketOf(day, CohortPeriod::kWeek)}].insert(day);
    first = std::min(first, day);
    last = std::max(last, day);
  }
  Lifecycle expected;
  expected.period = period;
  from = std::max(from, first);
  to = std::min(to, last);
  for (int32_t bucket = CohortBucketOf(from, period); bucket <= CohortBucketOf(to, period);
       ++bucket) {
    expected.periods.bucket.push_back(bucket);
    uint64_t new_users = 0, returning = 0, resurrecting = 0, dormant = 0;
    for (const auto& [user, buckets] : active) {
      const bool now = buckets.count(bucket) > 0, before = buckets.count(bucket - 1) > 0;
      new_users += now && *buckets.begin() == bucket;
      returning += now && before;
      resurrecting += now && !before && *buckets.begin() < bucket;
      dormant += !now && before;
    }
    expected.periods.new_users.push_back(new_users);
    expected.periods.returning.push_back(returning);
    expected.periods.resurrecting.push_back(resurrecting);
    expected.periods.dormant.push_back(dormant);
  }
  for (const auto& [user_week, days] : week_days)
    if (user_week.second >= CohortBucketOf(from, CohortPeriod::kWeek) &&
        user_week.second <= CohortBucketOf(to, CohortPeriod::kWeek))
      ++expected.stickiness.user_weeks[days.size() - 1];
  return expected;
}

TEST(Lifecycle, MatchesTheDefinitionsOnRandomActivityOnOneAndTwoThreadsAndInBlocks) {
  // More users than one task of the per-user pass holds, so that two threads really split them
  // and the smallest blocks make three.
  constexpr int kUsers = 20'000;
  constexpr int kWindowDays = 120;
  std::mt19937 random(/*seed=*/42);
  std::uniform_int_distribution<int> rows_of_user(1, 12), day_offset(0, 420);
  std::string text(testing::kUsageHeader);
  const Day start = DaysFromCivil(2023, 11, 15);
  for (int user = 0; user < kUsers; ++user) {
    // Each user lives in a random window, so that every category is common.
    const int base = day_offset(random) / 2;
    const std::string prefix = fmt::format("u{},2020-01-01,", user);
    for (int row = rows_of_user(random); row > 0; --row)
      text += fmt::format("{}{},Search,1\n", prefix,
                          FormatDate(start + base + day_offset(random) % kWindowDays));
  }
  const CleanedData data = IngestOrDie(text);
  for (const CohortPeriod period : {CohortPeriod::kMonth, CohortPeriod::kWeek}) {
    for (const auto& [from, to] :
         {std::pair{INT32_MIN, INT32_MAX},
          std::pair{DaysFromCivil(2024, 2, 10), DaysFromCivil(2024, 6, 3)}}) {
      const Lifecycle expected = BruteForce(data.dataset, period, from, to);
      // One thread, two, and users counted in blocks (a grid of one byte forces the smallest).
      for (const auto& [threads, max_grid_bytes] :
           {std::pair{1u, size_t{1} << 30}, std::pair{2u, size_t{1} << 30},
            std::pair{2u, size_t{1}}}) {
        LifecycleOptions options = Options(period, from, to);
        options.threads = threads;
        options.max_grid_bytes = max_grid_bytes;
        const Lifecycle lifecycle = ComputeLifecycle(data.dataset, options);
        SCOPED_TRACE(::testing::Message() << "threads " << threads << " max_grid_bytes "
                                          << max_grid_bytes << " from " << from);
        EXPECT_EQ(lifecycle.periods.bucket, expected.periods.bucket);
        EXPECT_EQ(lifecycle.periods.new_users, expected.periods.new_users);
        EXPECT_EQ(lifecycle.periods.returning, expected.periods.returning);
        EXPECT_EQ(lifecycle.periods.resurrecting, expected.periods.resurrecting);
        EXPECT_EQ(lifecycle.periods.dormant, expected.periods.dormant);
        EXPECT_EQ(lifecycle.stickiness.user_weeks, expected.stickiness.user_weeks);
      }
    }
  }
}

// ---- goldens from pandas -----------------------------------------------------------------

/// Rows of a golden CSV written by make_lifecycle_golden.py: '#' lines are comments, fields are
/// never quoted.
std::vector<std::map<std::string, std::string>> ReadLifecycleGolden(const std::string& name) {
  std::ifstream in(testing::GoldenPath(name));
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
    if (line.back() == ',') fields.emplace_back();  // getline drops a trailing empty field
    if (header.empty()) {
      header = std::move(fields);
      continue;
    }
    EXPECT_EQ(fields.size(), header.size()) << name << ": " << line;
    auto& row = rows.emplace_back();
    for (size_t idx = 0; idx < std::min(fields.size(), header.size()); ++idx)
      row[header[idx]] = fields[idx];
  }
  EXPECT_FALSE(rows.empty()) << name;
  return rows;
}

void ExpectPeriodsMatchGolden(const Dataset& dataset, const std::string& name,
                              CohortPeriod period) {
  const Lifecycle lifecycle = ComputeLifecycle(dataset, Options(period));
  const auto golden = ReadLifecycleGolden("lifecycle_" + name + ".csv");
  const LifecyclePeriods& periods = lifecycle.periods;
  ASSERT_EQ(periods.size(), golden.size()) << name;
  for (size_t idx = 0; idx < golden.size(); ++idx) {
    const auto& want = golden[idx];
    const std::string label = CohortBucketLabel(periods.bucket[idx], period);
    EXPECT_EQ(label, want.at("period")) << name;
    EXPECT_EQ(periods.days_in_data[idx], std::stoul(want.at("days_in_data"))) << label;
    EXPECT_EQ(periods.days[idx], std::stoul(want.at("days"))) << label;
    EXPECT_EQ(periods.Active(idx), std::stoull(want.at("active"))) << label;
    EXPECT_EQ(periods.new_users[idx], std::stoull(want.at("new"))) << label;
    EXPECT_EQ(periods.returning[idx], std::stoull(want.at("returning"))) << label;
    EXPECT_EQ(periods.resurrecting[idx], std::stoull(want.at("resurrecting"))) << label;
    EXPECT_EQ(periods.dormant[idx], std::stoull(want.at("dormant"))) << label;
    const std::optional<double> quick_ratio = periods.QuickRatio(idx);
    if (want.at("quick_ratio").empty()) {
      EXPECT_FALSE(quick_ratio.has_value()) << label;
    } else {
      ASSERT_TRUE(quick_ratio.has_value()) << label;
      // Both sides divide the same two exact integers once.
      EXPECT_EQ(*quick_ratio, std::stod(want.at("quick_ratio"))) << label;
    }
  }
}

void ExpectRangesMatchGolden(const Dataset& dataset, const std::string& name) {
  size_t checked = 0;
  for (const auto& want : ReadLifecycleGolden("lifecycle_ranges.csv")) {
    if (want.at("dataset") != name) continue;
    ++checked;
    const CohortPeriod period =
        want.at("period") == "week" ? CohortPeriod::kWeek : CohortPeriod::kMonth;
    LifecycleOptions options = Options(period);
    if (!want.at("from").empty()) options.from = ParseIsoDate(want.at("from"));
    if (!want.at("to").empty()) options.to = ParseIsoDate(want.at("to"));
    const Lifecycle lifecycle = ComputeLifecycle(dataset, options);
    const std::string what = name + " " + want.at("period") + " " + want.at("from");
    ASSERT_EQ(lifecycle.periods.size(), std::stoull(want.at("periods"))) << what;
    EXPECT_EQ(CohortBucketLabel(lifecycle.periods.bucket.front(), period), want.at("first_period"))
        << what;
    EXPECT_EQ(CohortBucketLabel(lifecycle.periods.bucket.back(), period), want.at("last_period"))
        << what;
    for (int days = 1; days <= kDaysPerWeek; ++days)
      EXPECT_EQ(lifecycle.stickiness.user_weeks[static_cast<size_t>(days - 1)],
                std::stoull(want.at("days_" + std::to_string(days))))
          << what << " days " << days;
    EXPECT_EQ(lifecycle.stickiness.Total(), std::stoull(want.at("user_weeks"))) << what;
  }
  EXPECT_EQ(checked, 4u) << name;
}

TEST(LifecycleGolden, UsageSmallMonthWeekAndRanges) {
  Result<CleanedData> data = IngestFile(testing::GoldenPath("usage_small.csv"), IngestOptions());
  ASSERT_TRUE(data.ok()) << data.status().message();
  ExpectPeriodsMatchGolden(data->dataset, "usage_small_month", CohortPeriod::kMonth);
  ExpectPeriodsMatchGolden(data->dataset, "usage_small_week", CohortPeriod::kWeek);
  ExpectRangesMatchGolden(data->dataset, "usage_small");
}

TEST(LifecycleGolden, OnlineRetailMonthWeekAndRanges) {
  Result<CleanedData> data =
      IngestText(testing::ReadXz(testing::PublicDataPath("online_retail.csv.xz")),
                 "online_retail.csv", IngestOptions());
  ASSERT_TRUE(data.ok()) << data.status().message();
  ASSERT_EQ(data->dataset.rows(), 389'870u);  // netting cancelled orders, as the golden
  ExpectPeriodsMatchGolden(data->dataset, "online_retail_month", CohortPeriod::kMonth);
  ExpectPeriodsMatchGolden(data->dataset, "online_retail_week", CohortPeriod::kWeek);
  ExpectRangesMatchGolden(data->dataset, "online_retail");
}

// ---- growthlens lifecycle ----------------------------------------------------------------

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandRun RunLifecycleCommand(const std::string& arguments) {
  CommandRun run;
  const std::string command =
      std::string(GROWTHLENS_BINARY) + " lifecycle --quiet " + arguments + " 2>&1";
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, read);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(LifecycleCommand, CsvOfEveryMonthMatchesTheGolden) {
  const CommandRun run =
      RunLifecycleCommand(testing::GoldenPath("usage_small.csv") + " --format csv");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::stringstream lines(run.output);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "period,days_in_data,days,active,new,returning,resurrecting,dormant,quick_ratio");
  for (const auto& want : ReadLifecycleGolden("lifecycle_usage_small_month.csv")) {
    ASSERT_TRUE(std::getline(lines, line));
    EXPECT_EQ(line.substr(0, line.rfind(',')),
              want.at("period") + "," + want.at("days_in_data") + "," + want.at("days") + "," +
                  want.at("active") + "," + want.at("new") + "," + want.at("returning") + "," +
                  want.at("resurrecting") + "," + want.at("dormant"));
    const std::string quick_ratio = line.substr(line.rfind(',') + 1);
    if (want.at("quick_ratio").empty())
      EXPECT_EQ(quick_ratio, "") << line;
    else
      EXPECT_EQ(std::stod(quick_ratio), std::stod(want.at("quick_ratio"))) << line;
  }
  EXPECT_FALSE(std::getline(lines, line)) << line;
}

TEST(LifecycleCommand, StickinessJsonAndUsageErrors) {
  const std::string input = testing::GoldenPath("usage_small.csv");
  const CommandRun json = RunLifecycleCommand(input + " --view stickiness --format json");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_NE(json.output.find("\"user_weeks\": 2614"), std::string::npos) << json.output;
  EXPECT_NE(json.output.find("{\"active_days\":7,\"user_weeks\":2,"), std::string::npos);

  for (const auto& [arguments, message] :
       {std::pair{"--period day", "--period 'day': expected one of month, week"},
        std::pair{"--view cohorts", "--view 'cohorts': expected one of periods, stickiness"},
        std::pair{"--from 2025-02-30",
                  "--from '2025-02-30': expected YYYY-MM-DD (a valid calendar date)"},
        std::pair{"--from 2025-06-01 --to 2025-05-01", "--from 2025-06-01 is after --to"}}) {
    const CommandRun run = RunLifecycleCommand(input + " " + arguments);
    EXPECT_EQ(run.exit_code, 2) << arguments;
    EXPECT_NE(run.output.find(message), std::string::npos) << run.output;
  }
}

}  // namespace
}  // namespace growthlens
