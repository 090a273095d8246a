// The usage index (metrics/usage_index.h) against the row scans it replaces
// (metrics/feature_usage.h), on random usage logs (rows in no order, repeated (user, day,
// feature) rows, several months) under random filters: dates (inside, across and outside the
// data), features, user groups and listed users. Counts and series are compared exactly, the
// correlation to 1e-9 (the pivot's columns are multiplied in another grouping), NaN where the
// row scan has NaN. Then the usage analysis end to end: its JSON with the index equals its JSON
// without one, segment filters included.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "app/analysis_registry.h"
#include "app/usage_analysis.h"
#include "dataset_kinds.h"
#include "metrics/analysis.h"
#include "metrics/feature_usage.h"
#include "metrics/usage_index.h"
#include "metrics/user_major_rows.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

constexpr size_t kGroups = 5;
const char* const kFeatures[] = {"Search", "Export", "Reports", "API", "Sharing", "Dashboard"};

/// A usage log of `users` users over ~100 days from 2025-01-20 (a Monday-less start, two month
/// ends), rows shuffled, some (user, day, feature) repeated.
CleanedData RandomLog(uint32_t seed, int users) {
  std::mt19937 random(seed);
  std::vector<std::string> lines;
  for (int user = 0; user < users; ++user) {
    const int first = static_cast<int>(random() % 60);
    const int span = 1 + static_cast<int>(random() % 45);
    const int rows = 1 + static_cast<int>(random() % 25);
    for (int row = 0; row < rows; ++row) {
      const Day day = DaysFromCivil(2025, 1, 22) + first + static_cast<int>(random() % span);
      const std::string line =
          fmt::format("u{},2024-12-01,{},{},{}\n", user, FormatDate(day),
                      kFeatures[random() % (user % 3 == 0 ? 2 : 6)], 1 + random() % 9);
      lines.push_back(line);
      if (random() % 10 == 0) lines.push_back(line);  // the same day and feature again
    }
  }
  std::shuffle(lines.begin(), lines.end(), random);
  std::string text(testing::kUsageHeader);
  for (const std::string& line : lines) text += line;
  Result<CleanedData> data = IngestText(text, "random.csv", IngestOptions());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return std::move(data).value();
}

struct RandomFilter {
  UsageFilter filter;
  std::vector<uint8_t> listed;  // per user, when users are listed
  std::vector<uint8_t> groups;  // per group, when groups are kept
  std::vector<uint8_t> users;   // what the row scan gets: listed and in the groups
};

RandomFilter MakeFilter(std::mt19937& random, const UsageLog& log,
                        const std::vector<uint8_t>& group_of_user) {
  RandomFilter made;
  const Day start = DaysFromCivil(2025, 1, 10);
  if (random() % 3 != 0) made.filter.from = start + static_cast<int>(random() % 120);
  if (random() % 3 != 0) made.filter.to = start + static_cast<int>(random() % 130);
  if (random() % 2 == 0)
    for (uint16_t feature = 0; feature < log.features.size(); ++feature)
      if (random() % 2 == 0) made.filter.features.push_back(feature);
  const bool list = random() % 4 == 0, group = random() % 2 == 0;
  made.listed.assign(log.users.size(), 1);
  made.groups.assign(kGroups, 1);
  if (list)
    for (uint8_t& kept : made.listed) kept = random() % 3 == 0 ? 1 : 0;
  if (group)
    for (uint8_t& kept : made.groups) kept = random() % 2;
  if (list) made.filter.users = &made.listed;
  made.users.resize(log.users.size());
  for (size_t user = 0; user < made.users.size(); ++user)
    made.users[user] = made.listed[user] & made.groups[group_of_user[user]];
  if (!group) made.groups.clear();
  return made;
}

/// The filter the row scans get: the groups folded into the users.
UsageFilter ScanFilter(const RandomFilter& made) {
  UsageFilter filter = made.filter;
  filter.users = &made.users;
  return filter;
}

void ExpectSameReport(const FeatureReport& indexed, const FeatureReport& scanned) {
  EXPECT_EQ(indexed.active_users, scanned.active_users);
  ASSERT_EQ(indexed.features.size(), scanned.features.size());
  for (size_t idx = 0; idx < scanned.features.size(); ++idx) {
    EXPECT_EQ(indexed.features[idx].feature, scanned.features[idx].feature);
    EXPECT_EQ(indexed.features[idx].events, scanned.features[idx].events);
    EXPECT_EQ(indexed.features[idx].users, scanned.features[idx].users);
    EXPECT_EQ(indexed.features[idx].adoption, scanned.features[idx].adoption);
    EXPECT_EQ(indexed.features[idx].frequency, scanned.features[idx].frequency);
  }
}

void ExpectSameSeries(const FeatureSeries& indexed, const FeatureSeries& scanned) {
  EXPECT_EQ(indexed.buckets, scanned.buckets);
  EXPECT_EQ(indexed.features, scanned.features);
  EXPECT_EQ(indexed.events, scanned.events);
  EXPECT_EQ(indexed.users, scanned.users);
}

void ExpectSameCorrelation(const std::vector<std::vector<double>>& indexed,
                           const std::vector<std::vector<double>>& scanned) {
  ASSERT_EQ(indexed.size(), scanned.size());
  for (size_t a = 0; a < scanned.size(); ++a)
    for (size_t b = 0; b < scanned.size(); ++b) {
      if (std::isnan(scanned[a][b])) {
        EXPECT_TRUE(std::isnan(indexed[a][b])) << a << "," << b << ": " << indexed[a][b];
      } else {
        EXPECT_NEAR(indexed[a][b], scanned[a][b], 1e-9) << a << "," << b;
      }
    }
}

/// Each user's group, drawn at random.
std::vector<uint8_t> RandomGroups(std::mt19937& random, const UsageLog& log) {
  std::vector<uint8_t> group_of_user(log.users.size());
  for (uint8_t& group : group_of_user) group = static_cast<uint8_t>(random() % kGroups);
  return group_of_user;
}

TEST(UsageIndex, EqualsTheRowScansUnderRandomFilters) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    const CleanedData data = RandomLog(seed, 300);
    const UsageLog& log = UsageOf(data.dataset);
    std::mt19937 random(seed * 7919);
    const std::vector<uint8_t> group_of_user = RandomGroups(random, log);
    const std::shared_ptr<const UsageIndex> index = UsageIndex::Build(log, group_of_user, kGroups);
    ASSERT_NE(index, nullptr);
    for (int trial = 0; trial < 150; ++trial) {
      SCOPED_TRACE(::testing::Message() << "seed " << seed << ", trial " << trial);
      const RandomFilter made = MakeFilter(random, log, group_of_user);
      const UsageFilter scan = ScanFilter(made);
      const std::vector<uint8_t>* groups = made.groups.empty() ? nullptr : &made.groups;
      ExpectSameReport(FeatureReportOf(index->Totals(made.filter, groups)),
                       ComputeFeatureReport(log, scan));
      for (CohortPeriod period : {CohortPeriod::kDay, CohortPeriod::kWeek, CohortPeriod::kMonth})
        ExpectSameSeries(FeatureSeriesOf(index->Series(period, made.filter, groups), period),
                         ComputeFeatureSeries(log, period, scan));
      ExpectSameCorrelation(index->Correlation(made.filter, groups), FeatureCorrelation(log, scan));
    }
  }
}

// The running sums' range totals against the rows' own sums, for every (user, feature) and
// every range whose edges fall before, on, between and after the rows' days (the first day, the
// last day, one past it, empty ranges).
TEST(UserMajorRows, RangeTotalsEqualTheRowsSums) {
  const CleanedData data = RandomLog(21, 120);
  const UsageLog& log = UsageOf(data.dataset);
  const UserMajorRows rows(log);
  ASSERT_TRUE(rows.has_days());
  const auto span = static_cast<size_t>(rows.last_day() - rows.first_day());
  const RowCounts counts(log.usage);
  std::vector<std::vector<std::vector<int64_t>>> by_day(  // [user][feature][day]: the rows' sums
      log.users.size(),
      std::vector<std::vector<int64_t>>(log.features.size(), std::vector<int64_t>(span + 1, 0)));
  std::vector<std::vector<std::vector<int>>> rows_on(
      log.users.size(),
      std::vector<std::vector<int>>(log.features.size(), std::vector<int>(span + 1, 0)));
  for (size_t row = 0; row < log.rows(); ++row) {
    const auto day = static_cast<size_t>(log.usage.day[row] - rows.first_day());
    by_day[log.usage.user[row]][log.usage.feature[row]][day] += counts[row];
    ++rows_on[log.usage.user[row]][log.usage.feature[row]][day];
  }
  size_t checked = 0;
  for (uint32_t user = 0; user < log.users.size(); user += 7)
    for (size_t feature = 0; feature < log.features.size(); ++feature)
      for (size_t first = 0; first <= span + 1; first += 3)
        for (size_t last = first == 0 ? 0 : first - 1; last <= span + 1; ++last) {
          int64_t events = 0;
          bool any = false;
          for (size_t day = first; day <= std::min(last, span); ++day) {
            events += by_day[user][feature][day];
            any |= rows_on[user][feature][day] > 0;
          }
          const UserMajorRows::RangeTotal total = rows.TotalBetween(user, feature, first, last);
          ASSERT_EQ(total.events, events) << user << " " << feature << " " << first << ".." << last;
          ASSERT_EQ(total.any, any) << user << " " << feature << " " << first << ".." << last;
          ++checked;
        }
  EXPECT_GT(checked, 10'000u);
}

/// A usage log of 3 users and 2 features built by hand, with counts near 2^31: one user's sum of
/// a feature passes 2^31 - 1, so the running sums (32 bits) cannot give its range totals.
UsageLog HugeCountsLog() {
  UsageLog log;
  for (const char* name : {"u0", "u1", "u2"}) {
    log.users.Intern(name);
    log.user_signup.push_back(kNoDay);
  }
  log.features.Intern("A");
  log.features.Intern("B");
  const Day day0 = DaysFromCivil(2025, 3, 1);
  const struct {
    uint32_t user;
    int day;
    uint16_t feature;
    int32_t events;
  } rows[] = {{0, 0, 0, 2'000'000'000}, {0, 1, 0, 2'000'000'000}, {0, 3, 1, 5}, {1, 0, 0, 7},
              {1, 2, 1, 1'500'000'000}, {1, 3, 1, 1'900'000'000}, {2, 1, 0, 1}, {2, 2, 1, 3},
              {2, 3, 0, 2'100'000'000}};
  for (const auto& row : rows) {
    log.usage.user.push_back(row.user);
    log.usage.day.push_back(day0 + row.day);
    log.usage.feature.push_back(row.feature);
    log.usage.events.push_back(row.events);
  }
  return log;
}

TEST(UserMajorRows, RangeTotalsPastThirtyTwoBitsAreSummedRowByRow) {
  const UsageLog log = HugeCountsLog();
  const UserMajorRows rows(log);
  EXPECT_EQ(rows.TotalBetween(0, 0, 0, 3).events, 4'000'000'000);
  EXPECT_EQ(rows.TotalBetween(0, 0, 1, 3).events, 2'000'000'000);
  EXPECT_EQ(rows.TotalBetween(1, 1, 0, 3).events, 3'400'000'000);
  EXPECT_EQ(rows.TotalBetween(1, 1, 3, 3).events, 1'900'000'000);
  EXPECT_FALSE(rows.TotalBetween(1, 1, 0, 1).any);
  // The correlation over such totals: equal to the row scan's.
  const auto index = UsageIndex::Build(log, std::vector<uint8_t>(3, 0), 1);
  ASSERT_NE(index, nullptr);
  for (const int from : {0, 1, 2}) {
    UsageFilter filter;
    filter.from = DaysFromCivil(2025, 3, 1) + from;
    ExpectSameCorrelation(index->Correlation(filter, nullptr), FeatureCorrelation(log, filter));
  }
}

/// A usage log built by hand (the cleaning keeps no zero or negative counts): `users` users over
/// ~100 days from 2025-01-22, 7 features, rows in no order, counts of 0, negative counts and
/// every ~40th user with counts in the thousands (totals past 16 bits).
UsageLog RandomHandLog(uint32_t seed, uint32_t users) {
  std::mt19937 random(seed);
  UsageLog log;
  for (uint32_t user = 0; user < users; ++user) {
    log.users.Intern(fmt::format("u{}", user));
    log.user_signup.push_back(kNoDay);
  }
  for (const char* name : {"A", "B", "C", "D", "E", "F", "G"}) log.features.Intern(name);
  const Day day0 = DaysFromCivil(2025, 1, 22);
  for (uint32_t user = 0; user < users; ++user) {
    const int first = static_cast<int>(random() % 70), span = 1 + static_cast<int>(random() % 40);
    const auto rows = static_cast<uint32_t>(random() % 30);
    const bool wide = random() % 40 == 0;
    for (uint32_t row = 0; row < rows; ++row) {
      const auto kind = static_cast<uint32_t>(random() % 20);
      log.usage.user.push_back(user);
      log.usage.day.push_back(day0 + first + static_cast<int>(random() % span));
      log.usage.feature.push_back(static_cast<uint16_t>(random() % (user % 2 == 0 ? 3 : 7)));
      log.usage.events.push_back(kind == 0   ? 0
                                 : kind == 1 ? -static_cast<int32_t>(random() % 5)
                                 : wide      ? 9'000 + static_cast<int32_t>(random() % 9'000)
                                             : 1 + static_cast<int32_t>(random() % 40));
    }
  }
  std::vector<size_t> order(log.usage.user.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::shuffle(order.begin(), order.end(), random);
  UsageColumns shuffled;
  for (const size_t row : order) {
    shuffled.user.push_back(log.usage.user[row]);
    shuffled.day.push_back(log.usage.day[row]);
    shuffled.feature.push_back(log.usage.feature[row]);
    shuffled.events.push_back(log.usage.events[row]);
  }
  log.usage = std::move(shuffled);
  return log;
}

// The correlation under random filters on hand-made logs (zero and negative counts, totals past
// 16 bits) against the row scan, the users whose kept totals are 0 included (counted when they
// have a kept row on those days, as the pivot does).
TEST(UsageIndex, CorrelationEqualsTheRowScanWithZeroNegativeAndWideCounts) {
  for (uint32_t seed : {41u, 42u, 43u}) {
    const UsageLog log = RandomHandLog(seed, 500);
    std::mt19937 random(seed * 31);
    const std::vector<uint8_t> group_of_user = RandomGroups(random, log);
    const std::shared_ptr<const UsageIndex> index = UsageIndex::Build(log, group_of_user, kGroups);
    ASSERT_NE(index, nullptr);
    for (int trial = 0; trial < 150; ++trial) {
      SCOPED_TRACE(::testing::Message() << "seed " << seed << ", trial " << trial);
      const RandomFilter made = MakeFilter(random, log, group_of_user);
      const std::vector<uint8_t>* groups = made.groups.empty() ? nullptr : &made.groups;
      ExpectSameCorrelation(index->Correlation(made.filter, groups),
                            FeatureCorrelation(log, ScanFilter(made)));
    }
  }
}

// The exact sums against a correlation computed another way (Eigen, centred, in doubles) on
// whole numbers where some users' totals pass 2^24 (their products go to the 128-bit sums at
// once) and more than 2^14 users have small ones (their 64-bit sums are moved over twice).
TEST(CorrelationSums, EqualsTheCentredCorrelationAcrossBatchesAndLargeTotals) {
  std::mt19937 random(5);
  constexpr size_t kColumns = 4, kUsers = 40'000;
  ColumnMajorMatrix pivot{kUsers, kColumns, Column<double>(kUsers * kColumns)};
  CorrelationSums sums(kColumns);
  std::vector<int64_t> totals(kColumns);
  for (size_t user = 0; user < kUsers; ++user) {
    for (size_t col = 0; col < kColumns; ++col) {
      const bool large = random() % 50 == 0;
      const auto draw = static_cast<int64_t>(random() % 1000);
      totals[col] = random() % 3 == 0 ? int64_t{0}
                    : large           ? (int64_t{1} << 25) + draw
                                      : draw % 40 + static_cast<int64_t>(col * user % 7);
      pivot(user, col) = static_cast<double>(totals[col]);
    }
    sums.Add(totals);
  }
  const std::vector<std::vector<double>> exact = sums.Correlation();
  const std::vector<std::vector<double>> centred = CorrelationOfPivot(pivot);
  for (size_t a = 0; a < kColumns; ++a)
    for (size_t b = 0; b < kColumns; ++b) EXPECT_NEAR(exact[a][b], centred[a][b], 1e-9);
  // Merged halves give the same bits as one pass.
  CorrelationSums first(kColumns), second(kColumns);
  for (size_t user = 0; user < kUsers; ++user) {
    for (size_t col = 0; col < kColumns; ++col)
      totals[col] = static_cast<int64_t>(pivot(user, col));
    (user < kUsers / 3 ? first : second).Add(totals);
  }
  first.Merge(second);
  EXPECT_EQ(first.Correlation(), exact);
}

TEST(UsageIndex, CountsUsersInGroups) {
  const CleanedData data = RandomLog(5, 50);
  const UsageLog& log = UsageOf(data.dataset);
  std::vector<uint8_t> group_of_user(log.users.size(), 0);
  group_of_user[0] = 1;
  group_of_user[1] = 1;
  const auto index = UsageIndex::Build(log, group_of_user, 2);
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->UsersInGroups({0, 1}), 2u);
  EXPECT_EQ(index->UsersInGroups({1, 1}), log.users.size());
  EXPECT_EQ(UsageIndex::Build(log, std::vector<uint8_t>(log.users.size(), 2), 2), nullptr);
}

/// A usage log with one row per feature: `features` names over `days` days, for one user.
CleanedData ManyFeatures(int features, int days) {
  std::string text(testing::kUsageHeader);
  for (int feature = 0; feature < features; ++feature)
    text += fmt::format("u0,2024-12-01,{},f{},1\n",
                        FormatDate(DaysFromCivil(2025, 1, 1) + feature % days), feature);
  Result<CleanedData> data = IngestText(text, "many.csv", IngestOptions());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return std::move(data).value();
}

// Left out (the row scans answer) where it could not hold the codes or would cost more than the
// rows: more names than 16-bit codes hold (the loops over them would not end), and days x
// names x groups cells far beyond the rows.
TEST(UsageIndex, LeftOutWhereItWouldNotFitTheData) {
  // 65,536 names (an event log's fold allows them; a CSV stops at 65,535): built by hand.
  UsageLog wide_log;
  wide_log.users.Intern("u0");
  wide_log.user_signup.push_back(kNoDay);
  for (uint32_t feature = 0; feature <= UINT16_MAX; ++feature)
    wide_log.features.Intern(fmt::format("f{}", feature));
  for (const uint16_t feature : {uint16_t{0}, uint16_t{UINT16_MAX}}) {
    wide_log.usage.user.push_back(0);
    wide_log.usage.day.push_back(DaysFromCivil(2025, 1, 1));
    wide_log.usage.feature.push_back(feature);
    wide_log.usage.events.push_back(1);
  }
  ASSERT_EQ(wide_log.features.size(), 65'536u);
  EXPECT_EQ(UsageIndex::Build(wide_log, std::vector<uint8_t>(1, 0), 1), nullptr);

  const CleanedData sparse = ManyFeatures(3'000, 1'500);
  EXPECT_EQ(UsageIndex::Build(UsageOf(sparse.dataset), std::vector<uint8_t>(1, 0), kGroups),
            nullptr);
  const CleanedData narrow = ManyFeatures(300, 30);
  EXPECT_NE(UsageIndex::Build(UsageOf(narrow.dataset), std::vector<uint8_t>(1, 0), kGroups),
            nullptr);
}

/// The usage analysis's JSON for `query`, with or without the index.
std::string UsageJson(const CleanedData& data, const app::ParamText& query,
                      std::shared_ptr<const UsageIndex> index) {
  const app::AnalysisEntry* entry = app::FindAnalysis("usage");
  Result<app::ParamText> params =
      app::Canonical(entry->params, query, app::Naming::kApi, entry->name);
  EXPECT_TRUE(params.ok()) << params.status().message();
  app::RunContext context;
  context.naming = app::Naming::kApi;
  context.source = "data.csv";
  context.usage_index = std::move(index);
  Result<std::string> json = entry->run(data, *params, app::OutputFormat::kJson, context);
  return json.ok() ? *json : "error: " + json.status().message();
}

TEST(UsageIndex, UsageViewsAnswerAsWithoutIt) {
  const CleanedData data = RandomLog(11, 400);
  const auto index = app::BuildUsageIndex(data, nullptr);
  ASSERT_NE(index, nullptr);
  const std::vector<app::ParamText> queries = {
      {{"from", "2025-02-03"}, {"to", "2025-03-20"}},
      {{"features", "Search,API"}, {"segment", "Champions,Lost,Hibernating"}},
      {{"segment", "At Risk,New"}, {"from", "2025-02-10"}},
      {{"view", "series"}, {"period", "week"}, {"from", "2025-02-05"}, {"to", "2025-04-02"}},
      {{"view", "series"}, {"segment", "Champions,Loyal"}, {"features", "Search,Reports"}},
      {{"view", "series"}, {"period", "day"}, {"segment", "Lost"}, {"users", "u1,u2,u5,u9"}},
      {{"view", "engagement"}, {"segment", "Potential Loyalist,Promising,Need Attention"}},
      {{"view", "correlation"}, {"from", "2025-03-01"}},
      {{"view", "correlation"}, {"segment", "Champions,Loyal"}, {"features", "Search,Export,API"}},
      {{"segment", "Lost"}, {"users", "u3,u4"}},
      {{"segment", "Champions"}, {"from", "2030-01-01"}},
  };
  for (const app::ParamText& query : queries) {
    std::string text;
    for (const auto& [name, value] : query) text += name + "=" + value + " ";
    SCOPED_TRACE(text);
    const std::string indexed = UsageJson(data, query, index);
    const std::string scanned = UsageJson(data, query, nullptr);
    if (indexed.find("\"matrix\"") == std::string::npos) {
      EXPECT_EQ(indexed, scanned);
      continue;
    }
    const nlohmann::json a = nlohmann::json::parse(indexed), b = nlohmann::json::parse(scanned);
    EXPECT_EQ(a["features"], b["features"]);
    EXPECT_EQ(a["users"], b["users"]);
    ASSERT_EQ(a["matrix"].size(), b["matrix"].size());
    for (size_t row = 0; row < b["matrix"].size(); ++row)
      for (size_t col = 0; col < b["matrix"][row].size(); ++col) {
        if (b["matrix"][row][col].is_null()) {
          EXPECT_TRUE(a["matrix"][row][col].is_null());
        } else {
          EXPECT_NEAR(a["matrix"][row][col].get<double>(), b["matrix"][row][col].get<double>(),
                      1e-9);
        }
      }
  }
}

}  // namespace
}  // namespace growthlens
