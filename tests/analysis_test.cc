// RunAnalysis and what it rests on: rows grouped by user (in place or sorted), per-user passes
// that give the same results whatever the row order and thread count, and insights whose
// sentences follow the data. Expected numbers come from the pandas goldens in tests/golden/.

#include "metrics/analysis.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <tuple>

#include "dataset_kinds.h"
#include "metrics/distinct_keys.h"
#include "metrics/usage_rollup.h"
#include "metrics/user_rows.h"
#include "prep/ingest.h"
#include "synth/output_sink.h"
#include "synth/usage_generator.h"
#include "test_data.h"

namespace growthlens {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

/// The usage_small log with its data rows shuffled (header kept first).
std::string Shuffled(const std::string& csv, uint64_t seed) {
  std::istringstream in(csv);
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> lines;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  std::shuffle(lines.begin(), lines.end(), std::mt19937_64(seed));
  std::string out = header + "\n";
  for (const std::string& row : lines) out += row + "\n";
  return out;
}

CleanedData Load(const std::string& text) {
  Result<CleanedData> data = IngestText(text, "usage_small.csv", IngestOptions());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return std::move(data).value();
}

std::string UsageSmall() {
  return ReadFile(testing::GoldenPath("usage_small.csv"));
}

const Insight* FindInsight(const Analysis& analysis, std::string_view key) {
  for (const Insight& insight : analysis.insights)
    if (insight.key == key) return &insight;
  return nullptr;
}

TEST(UserRows, GroupedLogsNeedNoSortAndShuffledOnesAreGroupedBySort) {
  const CleanedData grouped = Load(UsageSmall());
  const UserRows in_place(grouped.dataset);
  EXPECT_TRUE(in_place.grouped_in_place());
  EXPECT_EQ(in_place.groups(), 244u);  // users with rows, as the golden counts them

  const CleanedData shuffled = Load(Shuffled(UsageSmall(), 3));
  const UserRows sorted(shuffled.dataset);
  EXPECT_FALSE(sorted.grouped_in_place());
  ASSERT_EQ(sorted.groups(), 244u);
  size_t rows = 0;
  for (size_t group = 0; group < sorted.groups(); ++group) {
    uint32_t previous_row = 0;
    bool first = true;
    sorted.ForEachRow(group, [&](uint32_t row) {
      EXPECT_EQ(UsageOf(shuffled.dataset).usage.user[row], sorted.user(group));
      if (!first) {
        EXPECT_LT(previous_row, row);  // file order kept within a user
      }
      previous_row = row;
      first = false;
      ++rows;
    });
  }
  EXPECT_EQ(rows, shuffled.dataset.rows());
}

/// The data rows of `csv` (header dropped).
std::vector<std::string> DataLines(const std::string& csv) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> lines;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  return lines;
}

std::string WithHeader(const std::string& csv, const std::vector<std::string>& lines) {
  std::string out = csv.substr(0, csv.find('\n') + 1);
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

/// A user's RFM row by name, for comparing files whose user codes differ.
std::map<std::string, std::tuple<int32_t, int64_t, double, int>> RfmByName(
    const CleanedData& data, const Analysis& analysis) {
  std::map<std::string, std::tuple<int32_t, int64_t, double, int>> out;
  for (size_t idx = 0; idx < analysis.rfm.size(); ++idx)
    out[std::string(data.dataset.users()[analysis.rfm.user[idx]])] = {
        analysis.rfm.recency[idx], analysis.rfm.frequency[idx], analysis.rfm.monetary[idx],
        static_cast<int>(analysis.rfm.segment[idx])};
  return out;
}

// The same rows, duplicates included, grouped by user, in time order and in no order: the same
// cleaning (duplicates found by step 1 in runs, by day runs, by the partitions) and the same
// analysis, on one thread and two.
TEST(RunAnalysis, EveryRowLayoutGivesTheSameCleaningAndAnalysis) {
  const std::string csv = UsageSmall();
  std::vector<std::string> lines = DataLines(csv);
  std::mt19937_64 draws(13);
  const size_t originals = lines.size();
  // Copies anywhere after their original: in time order most land in their day's run after
  // other users' rows (found by the day runs), grouped by user they make a second run.
  for (size_t copy = 0; copy < originals / 40; ++copy) {
    const size_t source = draws() % originals;
    const size_t after = source + 1 + draws() % (lines.size() - source);
    lines.insert(lines.begin() + static_cast<long>(after), lines[source]);
  }
  std::vector<std::string> by_time = lines;
  std::stable_sort(by_time.begin(), by_time.end(), [](const std::string& a, const std::string& b) {
    auto date = [](const std::string& line) {
      const size_t first = line.find(',');
      return line.substr(line.find(',', first + 1) + 1, 10);
    };
    return date(a) < date(b);
  });
  std::vector<std::string> shuffled = lines;
  std::shuffle(shuffled.begin(), shuffled.end(), draws);
  const CleanedData reference = Load(WithHeader(csv, lines));
  ASSERT_GT(reference.report.DroppedByRules(), 100u);  // the duplicates
  AnalysisOptions options;
  options.threads = 1;
  const Analysis expected = RunAnalysis(reference.dataset, options);
  for (const std::vector<std::string>* layout : {&by_time, &shuffled}) {
    const CleanedData data = Load(WithHeader(csv, *layout));
    EXPECT_EQ(data.report.rows_kept, reference.report.rows_kept);
    EXPECT_EQ(data.report.DroppedByRules(), reference.report.DroppedByRules());
    for (unsigned threads : {1u, 2u}) {
      options.threads = threads;
      const Analysis analysis = RunAnalysis(data.dataset, options);
      EXPECT_EQ(analysis.kpis.events, expected.kpis.events);
      EXPECT_EQ(analysis.kpis.active_users, expected.kpis.active_users);
      EXPECT_EQ(analysis.kpis.average_dau, expected.kpis.average_dau);
      EXPECT_EQ(analysis.kpis.average_mau, expected.kpis.average_mau);
      EXPECT_EQ(analysis.rfm.reference_day, expected.rfm.reference_day);
      EXPECT_EQ(RfmByName(data, analysis), RfmByName(reference, expected));
    }
  }
}

/// A generated usage log of `users` users in `order`, ingested.
CleanedData GeneratedLog(int64_t users, synth::RowOrder order) {
  synth::UsageGeneratorOptions options;
  options.users = users;
  options.order = order;
  synth::StringSink sink;
  EXPECT_TRUE(synth::GenerateUsageLog(options, sink).ok());
  return Load(sink.contents());
}

TEST(UserRows, ParallelSortOfATimeOrderedLogGivesTheGroupedLogsRollup) {
  // 15,000 users, about 670k rows: the counting sort splits them into several parts.
  const CleanedData by_user = GeneratedLog(15000, synth::RowOrder::kUser);
  const CleanedData by_time = GeneratedLog(15000, synth::RowOrder::kTime);
  const UserRows in_place(by_user.dataset), sorted(by_time.dataset);
  ASSERT_TRUE(in_place.grouped_in_place());
  ASSERT_FALSE(sorted.grouped_in_place());
  ASSERT_EQ(sorted.groups(), in_place.groups());
  const UsageLog& time_log = UsageOf(by_time.dataset);
  size_t rows = 0;
  for (size_t group = 0; group < sorted.groups(); ++group) {
    if (group > 0) {
      EXPECT_LT(sorted.user(group - 1), sorted.user(group));
    }
    int64_t previous_row = -1;
    sorted.ForEachRow(group, [&](uint32_t row) {
      EXPECT_EQ(time_log.usage.user[row], sorted.user(group));
      EXPECT_LT(previous_row, int64_t{row});  // file order kept within a user
      previous_row = row;
      ++rows;
    });
  }
  EXPECT_EQ(rows, by_time.dataset.rows());
  // The same order on any thread count (one part per thread).
  const std::vector<uint32_t> order(sorted.row_order().begin(), sorted.row_order().end());
  for (unsigned threads : {1u, 3u}) {
    const UserRows again(by_time.dataset, threads);
    EXPECT_EQ(std::vector<uint32_t>(again.row_order().begin(), again.row_order().end()), order)
        << threads;
  }

  const UsageLog& user_log = UsageOf(by_user.dataset);
  const UsageRollup grouped(user_log, in_place, CohortPeriod::kWeek, 2);
  const UsageRollup rolled(time_log, sorted, CohortPeriod::kWeek, 2);
  // Codes follow first appearance, which differs between the files: compare by name.
  const size_t buckets = rolled.series_totals().buckets;
  ASSERT_EQ(buckets, grouped.series_totals().buckets);
  for (uint32_t feature = 0; feature < time_log.features.size(); ++feature) {
    const std::optional<uint32_t> same = user_log.features.Find(time_log.features[feature]);
    ASSERT_TRUE(same.has_value());
    EXPECT_EQ(rolled.feature_totals().events[feature], grouped.feature_totals().events[*same]);
    EXPECT_EQ(rolled.feature_totals().users[feature], grouped.feature_totals().users[*same]);
    EXPECT_EQ(rolled.feature_totals().user_days[feature],
              grouped.feature_totals().user_days[*same]);
    for (size_t bucket = 0; bucket < buckets; ++bucket) {
      EXPECT_EQ(rolled.series_totals().users[feature * buckets + bucket],
                grouped.series_totals().users[*same * buckets + bucket]);
    }
  }
  for (uint32_t code = 0; code < time_log.users.size(); ++code) {
    const std::optional<uint32_t> same = user_log.users.Find(time_log.users[code]);
    ASSERT_TRUE(same.has_value());
    EXPECT_EQ(rolled.user_events()[code], grouped.user_events()[*same]);
  }
}

TEST(UserRows, OrderByBandIsTheSortedOrderAndGivesTheSameRollup) {
  // About 670k rows in time order: bands of 50k rows make a dozen of them.
  const CleanedData by_time = GeneratedLog(15000, synth::RowOrder::kTime);
  const UsageLog& log = UsageOf(by_time.dataset);
  const UserRows sorted(by_time.dataset, 2);
  const std::vector<uint32_t> whole_order(sorted.row_order().begin(), sorted.row_order().end());
  for (unsigned threads : {1u, 2u, 3u}) {
    const UserRows by_band(log, threads, UserRows::ByBand{});
    ASSERT_TRUE(by_band.ordered_by_band());
    ASSERT_FALSE(by_band.grouped_in_place());
    ASSERT_TRUE(by_band.row_order().empty());
    ASSERT_EQ(by_band.groups(), sorted.groups());
    const std::vector<size_t> bands = by_band.BandBounds(50000);
    ASSERT_GT(bands.size(), 10u);
    std::vector<uint32_t> order;
    for (size_t band = 0; band + 1 < bands.size(); ++band) {
      EXPECT_EQ(by_band.RowsBegin(bands[band]), order.size());
      const Column<uint32_t> part = by_band.OrderOfBand(log, bands[band], bands[band + 1], threads);
      order.insert(order.end(), part.begin(), part.end());
    }
    EXPECT_EQ(order, whole_order) << threads;
  }
  // Grouped logs need no bands.
  const CleanedData by_user = GeneratedLog(2000, synth::RowOrder::kUser);
  EXPECT_TRUE(UserRows(UsageOf(by_user.dataset), 2, UserRows::ByBand{}).grouped_in_place());

  const UserRows by_band(log, 2, UserRows::ByBand{});
  const UsageRollup whole(log, sorted, CohortPeriod::kWeek, 2);
  const UsageRollup banded(log, by_band, CohortPeriod::kWeek, 2, 50000);
  EXPECT_EQ(banded.total_events(), whole.total_events());
  EXPECT_EQ(banded.user_events(), whole.user_events());
  EXPECT_EQ(banded.feature_events().values, whole.feature_events().values);
  EXPECT_EQ(banded.feature_totals().active_users, whole.feature_totals().active_users);
  EXPECT_EQ(banded.feature_totals().events, whole.feature_totals().events);
  EXPECT_EQ(banded.feature_totals().users, whole.feature_totals().users);
  EXPECT_EQ(banded.feature_totals().user_days, whole.feature_totals().user_days);
  EXPECT_EQ(banded.series_totals().events, whole.series_totals().events);
  EXPECT_EQ(banded.series_totals().users, whole.series_totals().users);
  EXPECT_EQ(banded.days().DailyActiveUsers(), whole.days().DailyActiveUsers());
  EXPECT_EQ(banded.days().WeeklyActiveUsers(), whole.days().WeeklyActiveUsers());
}

TEST(UserRows, ChunksCoverEveryGroupOnceInOrder) {
  const CleanedData data = Load(UsageSmall());
  const UserRows by_user(data.dataset);
  for (size_t chunks : {1u, 7u, 64u, 1000u}) {
    const std::vector<size_t> bounds = by_user.ChunkBounds(chunks);
    EXPECT_EQ(bounds.front(), 0u);
    EXPECT_EQ(bounds.back(), by_user.groups());
    EXPECT_LE(bounds.size() - 1, std::min<size_t>(chunks, by_user.groups()));
    for (size_t idx = 1; idx < bounds.size(); ++idx) EXPECT_LT(bounds[idx - 1], bounds[idx]);
  }
}

TEST(DistinctKeys, CountsEachKeyOncePerGroup) {
  DistinctKeys keys;
  keys.Reset(4);
  EXPECT_TRUE(keys.Insert(7));
  EXPECT_FALSE(keys.Insert(7));
  EXPECT_TRUE(keys.Insert(uint64_t{7} << 32));
  keys.Reset(1000);  // a large group, then a small one again: old keys are gone
  for (uint64_t key = 0; key < 1000; ++key) EXPECT_TRUE(keys.Insert(key * 977));
  EXPECT_FALSE(keys.Insert(977));
  keys.Reset(2);
  EXPECT_TRUE(keys.Insert(7));
  EXPECT_TRUE(keys.Insert(977));
}

TEST(FeatureUsagePerUser, RowOrderAndThreadCountDoNotChangeResults) {
  const CleanedData grouped = Load(UsageSmall());
  const CleanedData shuffled = Load(Shuffled(UsageSmall(), 11));
  const UserRows grouped_rows(grouped.dataset), shuffled_rows(shuffled.dataset);
  auto names = [](const CleanedData& data, const FeatureReport& report) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const FeatureStats& stats : report.features)
      out.emplace_back(std::string(UsageOf(data.dataset).features[stats.feature]), stats.events);
    return out;
  };
  for (unsigned threads : {1u, 2u, 5u}) {
    const FeatureReport a =
        ComputeFeatureReport(UsageOf(grouped.dataset), grouped_rows, {}, threads);
    const FeatureReport b = ComputeFeatureReport(UsageOf(shuffled.dataset), shuffled_rows, {}, 1);
    EXPECT_EQ(a.active_users, b.active_users);
    EXPECT_EQ(names(grouped, a), names(shuffled, b));
    for (size_t idx = 0; idx < a.features.size(); ++idx) {
      EXPECT_EQ(a.features[idx].users, b.features[idx].users);
      EXPECT_DOUBLE_EQ(a.features[idx].frequency, b.features[idx].frequency);
    }
    const FeatureSeries sa = ComputeFeatureSeries(UsageOf(grouped.dataset), grouped_rows,
                                                  CohortPeriod::kWeek, {}, threads);
    const FeatureSeries sb =
        ComputeFeatureSeries(UsageOf(shuffled.dataset), shuffled_rows, CohortPeriod::kWeek, {}, 1);
    EXPECT_EQ(sa.buckets, sb.buckets);
    ASSERT_EQ(sa.features.size(), sb.features.size());
    for (size_t idx = 0; idx < sa.features.size(); ++idx) {
      const std::string_view name = UsageOf(grouped.dataset).features[sa.features[idx]];
      const size_t other = static_cast<size_t>(
          std::find_if(sb.features.begin(), sb.features.end(),
                       [&](uint16_t f) { return UsageOf(shuffled.dataset).features[f] == name; }) -
          sb.features.begin());
      ASSERT_LT(other, sb.features.size());
      EXPECT_EQ(sa.events[idx], sb.events[other]) << name;
      EXPECT_EQ(sa.users[idx], sb.users[other]) << name;
    }
  }
}

/// Equal doubles, NaN equal to NaN (unobserved cohort cells, constant features).
void ExpectSameValues(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t idx = 0; idx < a.size(); ++idx) {
    if (std::isnan(a[idx])) {
      EXPECT_TRUE(std::isnan(b[idx])) << idx;
    } else {
      EXPECT_EQ(a[idx], b[idx]) << idx;
    }
  }
}

/// RunAnalysis derives a usage log's analyses from one rollup pass; each must equal the
/// analysis computed on its own from the rows, whatever the row order and periods.
TEST(RunAnalysis, UsageRollupGivesWhatEachAnalysisComputesFromTheRows) {
  for (const uint64_t seed : {0u, 7u}) {
    const CleanedData data = Load(seed == 0 ? UsageSmall() : Shuffled(UsageSmall(), seed));
    const Dataset& dataset = data.dataset;
    const UserRows by_user(dataset);
    ASSERT_TRUE(UsageRollup::Covers(UsageOf(dataset), by_user));
    for (const CohortPeriod period :
         {CohortPeriod::kMonth, CohortPeriod::kWeek, CohortPeriod::kDay}) {
      AnalysisOptions options;
      options.cohort_period = period;
      options.series_period =
          period == CohortPeriod::kDay ? CohortPeriod::kMonth : CohortPeriod::kDay;
      options.threads = seed == 0 ? 1 : 2;
      const Analysis analysis = RunAnalysis(dataset, options);

      const RfmTable rfm = ComputeRfm(dataset, options.rfm);
      EXPECT_EQ(analysis.rfm.user, rfm.user);
      EXPECT_EQ(analysis.rfm.reference_day, rfm.reference_day);
      EXPECT_EQ(analysis.rfm.recency, rfm.recency);
      EXPECT_EQ(analysis.rfm.frequency, rfm.frequency);
      EXPECT_EQ(analysis.rfm.monetary, rfm.monetary);
      EXPECT_EQ(analysis.rfm.r, rfm.r);
      EXPECT_EQ(analysis.rfm.f, rfm.f);
      EXPECT_EQ(analysis.rfm.m, rfm.m);
      EXPECT_EQ(analysis.rfm.segment, rfm.segment);

      const Kpis kpis = ComputeKpis(dataset, KpiOptions());
      EXPECT_EQ(analysis.kpis.from, kpis.from);
      EXPECT_EQ(analysis.kpis.to, kpis.to);
      EXPECT_EQ(analysis.kpis.rows, kpis.rows);
      EXPECT_EQ(analysis.kpis.users, kpis.users);
      EXPECT_EQ(analysis.kpis.active_users, kpis.active_users);
      EXPECT_EQ(analysis.kpis.events, kpis.events);
      EXPECT_EQ(analysis.kpis.events_per_user, kpis.events_per_user);
      EXPECT_EQ(analysis.kpis.active_days_per_user, kpis.active_days_per_user);
      EXPECT_EQ(analysis.kpis.average_dau, kpis.average_dau);
      EXPECT_EQ(analysis.kpis.average_wau, kpis.average_wau);
      EXPECT_EQ(analysis.kpis.average_mau, kpis.average_mau);

      const CohortMatrix cohorts = ComputeCohorts(dataset, period);
      EXPECT_EQ(analysis.cohorts.cohorts, cohorts.cohorts);
      EXPECT_EQ(analysis.cohorts.cohort_size, cohorts.cohort_size);
      EXPECT_EQ(analysis.cohorts.active, cohorts.active);
      EXPECT_EQ(analysis.cohorts.active_on_or_after, cohorts.active_on_or_after);
      EXPECT_EQ(analysis.cohorts.first_observed_period, cohorts.first_observed_period);
      ExpectSameValues(analysis.cohorts.average, cohorts.average);
      ExpectSameValues(analysis.cohorts.average_on_or_after, cohorts.average_on_or_after);

      LifecycleOptions lifecycle_options;
      lifecycle_options.period = period == CohortPeriod::kDay ? CohortPeriod::kWeek : period;
      const Lifecycle lifecycle = ComputeLifecycle(dataset, lifecycle_options);
      EXPECT_EQ(analysis.lifecycle.data_first_day, lifecycle.data_first_day);
      EXPECT_EQ(analysis.lifecycle.periods.bucket, lifecycle.periods.bucket);
      EXPECT_EQ(analysis.lifecycle.periods.new_users, lifecycle.periods.new_users);
      EXPECT_EQ(analysis.lifecycle.periods.returning, lifecycle.periods.returning);
      EXPECT_EQ(analysis.lifecycle.periods.resurrecting, lifecycle.periods.resurrecting);
      EXPECT_EQ(analysis.lifecycle.periods.dormant, lifecycle.periods.dormant);
      EXPECT_EQ(analysis.lifecycle.stickiness.user_weeks, lifecycle.stickiness.user_weeks);

      const FeatureReport report = ComputeFeatureReport(UsageOf(dataset), by_user, {}, 1);
      EXPECT_EQ(analysis.features.active_users, report.active_users);
      ASSERT_EQ(analysis.features.features.size(), report.features.size());
      for (size_t idx = 0; idx < report.features.size(); ++idx) {
        EXPECT_EQ(analysis.features.features[idx].feature, report.features[idx].feature);
        EXPECT_EQ(analysis.features.features[idx].events, report.features[idx].events);
        EXPECT_EQ(analysis.features.features[idx].users, report.features[idx].users);
        EXPECT_EQ(analysis.features.features[idx].frequency, report.features[idx].frequency);
      }
      const FeatureSeries series =
          ComputeFeatureSeries(UsageOf(dataset), by_user, options.series_period, {}, 1);
      EXPECT_EQ(analysis.series.buckets, series.buckets);
      EXPECT_EQ(analysis.series.features, series.features);
      EXPECT_EQ(analysis.series.events, series.events);
      EXPECT_EQ(analysis.series.users, series.users);

      const auto correlation = FeatureCorrelation(UsageOf(dataset), by_user, {}, 1);
      ASSERT_EQ(analysis.correlation.size(), correlation.size());
      for (size_t row = 0; row < correlation.size(); ++row)
        ExpectSameValues(analysis.correlation[row], correlation[row]);
    }
  }
}

TEST(RunAnalysis, UsageInsightsCarryTheGoldenNumbers) {
  const CleanedData data = Load(UsageSmall());
  const Analysis analysis = RunAnalysis(data.dataset, AnalysisOptions());
  const auto golden = testing::ReadGolden(testing::GoldenPath("usage_small.golden"));
  const double total = std::stod(golden.at("total_events"));

  const Insight* most = FindInsight(analysis, "most_used_feature");
  ASSERT_NE(most, nullptr);
  EXPECT_NE(most->text.find("Dashboard"), std::string::npos) << most->text;
  EXPECT_NEAR(most->value, std::stod(golden.at("feature.Dashboard.events")) / total, 1e-12);
  const Insight* least = FindInsight(analysis, "least_used_feature");
  ASSERT_NE(least, nullptr);
  EXPECT_NE(least->text.find("Integrations"), std::string::npos) << least->text;
  const Insight* adoption = FindInsight(analysis, "lowest_adoption_feature");
  ASSERT_NE(adoption, nullptr);
  EXPECT_NEAR(adoption->value, std::stod(golden.at("feature.Integrations.adoption")), 1e-12);
  EXPECT_NE(adoption->text.find("2.9%"), std::string::npos) << adoption->text;
  ASSERT_NE(FindInsight(analysis, "stickiness"), nullptr);
  EXPECT_NEAR(FindInsight(analysis, "stickiness")->value, analysis.kpis.stickiness, 1e-15);
}

TEST(RunAnalysis, InsightsFollowTheDataNotFixedText) {
  std::string renamed = UsageSmall();
  for (size_t at = renamed.find(",Dashboard,"); at != std::string::npos;
       at = renamed.find(",Dashboard,", at))
    renamed.replace(at, 11, ",Home,");
  const CleanedData original = Load(UsageSmall());
  const CleanedData changed = Load(renamed);
  const Analysis a = RunAnalysis(original.dataset, AnalysisOptions());
  const Analysis b = RunAnalysis(changed.dataset, AnalysisOptions());
  const Insight* most = FindInsight(b, "most_used_feature");
  ASSERT_NE(most, nullptr);
  EXPECT_NE(most->text.find("Home is the most used feature"), std::string::npos) << most->text;
  EXPECT_EQ(FindInsight(a, "most_used_feature")->value, most->value);
  // A different log gives different numbers in the same sentences.
  std::string half = UsageSmall();
  half.resize(half.size() / 2);
  half.resize(half.rfind('\n') + 1);
  const CleanedData smaller = Load(half);
  const Analysis c = RunAnalysis(smaller.dataset, AnalysisOptions());
  EXPECT_NE(FindInsight(c, "top_20_percent_share")->text,
            FindInsight(a, "top_20_percent_share")->text);
}

TEST(RunAnalysis, OnlineRetailInsightsMatchThePandasGoldens) {
  Result<CleanedData> data =
      IngestText(testing::ReadXz(testing::PublicDataPath("online_retail.csv.xz")),
                 "online_retail.csv", IngestOptions());
  ASSERT_TRUE(data.ok()) << data.status().message();
  const Analysis analysis = RunAnalysis(data->dataset, AnalysisOptions());
  const auto pareto = testing::ReadGolden(testing::GoldenPath("online_retail_pareto.golden"));
  const Insight* share = FindInsight(analysis, "top_20_percent_share");
  ASSERT_NE(share, nullptr);
  EXPECT_NEAR(share->value, std::stod(pareto.at("customers.top20_revenue_share")), 1e-12);
  EXPECT_NE(share->text.find("73.7%"), std::string::npos) << share->text;
  EXPECT_NEAR(FindInsight(analysis, "product_pareto")->value,
              std::stod(pareto.at("products.top20_revenue_share")), 1e-12);
  EXPECT_NE(FindInsight(analysis, "product_pareto")->text.find("of product revenue"),
            std::string::npos);
  EXPECT_NEAR(FindInsight(analysis, "repeat_purchase_rate")->value,
              std::stod(pareto.at("customers.repeat_purchase_rate")), 1e-12);
  // Peak month and cohort drop, against online_retail_monthly.csv and _cohorts.csv (netted):
  // November 2011 is the top month (1,137,549.67) against the mean of the whole months
  // (December 2011, 9 of 31 days, is left out and named); the March 2011 cohort (451
  // customers, 65 back in month 1) is the lowest month-1 retention among cohorts whose month 1
  // the data covers whole.
  const Insight* peak = FindInsight(analysis, "peak_month");
  ASSERT_NE(peak, nullptr);
  EXPECT_NEAR(peak->value, 1137549.67, 0.005);
  EXPECT_NE(peak->text.find("2011-11"), std::string::npos) << peak->text;
  EXPECT_NE(peak->text.find("Partial months are left out: 2011-12 (9 of 31 days)"),
            std::string::npos)
      << peak->text;
  const Insight* drop = FindInsight(analysis, "steepest_cohort_drop");
  ASSERT_NE(drop, nullptr);
  EXPECT_NEAR(drop->value, 65.0 / 451.0, 1e-12);
  EXPECT_NE(drop->text.find("2011-03"), std::string::npos) << drop->text;
  const Insight* risk = FindInsight(analysis, "most_value_at_risk");
  ASSERT_NE(risk, nullptr);
  EXPECT_NE(risk->text.find("Can't Lose Them"), std::string::npos) << risk->text;
}

// The demo's shape: 2024 signups seen only from 2025 on. The steepest drop is among cohorts
// that started inside the data, and the average the insight compares with excludes the others.
TEST(RunAnalysis, CohortDropLeavesOutCohortsThatStartedBeforeTheData) {
  std::string rows;
  // A 2024-12 cohort of which only 2 survivors are seen, both back in every month: 100% in its
  // month 1 (January). It started before the data, so it is left out of the comparison.
  for (int user = 0; user < 2; ++user)
    for (const char* day : {"2025-01-01", "2025-02-05"})
      rows += fmt::format("old{},2024-12-10,{},Search,1\n", user, day);
  for (int user = 0; user < 10; ++user) {  // January: 10 signups, 5 back in February
    rows += fmt::format("jan{},2025-01-03,2025-01-03,Search,1\n", user);
    if (user < 5) rows += fmt::format("jan{},2025-01-03,2025-02-10,Search,1\n", user);
  }
  for (int user = 0; user < 10; ++user) {  // February: 10 signups, 8 back in March
    rows += fmt::format("feb{},2025-02-03,2025-02-03,Search,1\n", user);
    if (user < 8) rows += fmt::format("feb{},2025-02-03,2025-03-10,Search,1\n", user);
  }
  rows += "feb0,2025-02-03,2025-03-31,Search,1\n";  // the data ends with March
  const CleanedData data = Load(std::string(testing::kUsageHeader) + rows);
  const Analysis analysis = RunAnalysis(data.dataset, AnalysisOptions());
  const Insight* drop = FindInsight(analysis, "steepest_cohort_drop");
  ASSERT_NE(drop, nullptr);
  EXPECT_DOUBLE_EQ(drop->value, 0.5);
  EXPECT_NE(drop->text.find("The 2025-01 cohort"), std::string::npos) << drop->text;
  EXPECT_NE(drop->text.find("against 65.0% for the 2 cohorts compared"), std::string::npos)
      << drop->text;
}

}  // namespace
}  // namespace growthlens
