// Analytics against independent pandas computations (tests/golden/make_analytics_golden.py):
// the full UCI Online Retail file (cleaned with the default rules) and a small generated usage
// log (tests/golden/usage_small.csv). Counts must match exactly; money and ratios to 1e-9
// relative (the goldens are correctly rounded sums; we sum with compensation).

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

#include "dataset_kinds.h"
#include "io/csv_cursor.h"
#include "metrics/cohorts.h"
#include "metrics/feature_usage.h"
#include "metrics/kpis.h"
#include "metrics/revenue.h"
#include "metrics/rfm.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

constexpr double kRelativeTolerance = 1e-9;

void ExpectClose(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, kRelativeTolerance * std::max(1.0, std::abs(expected))) << what;
}

/// A golden CSV as rows of named fields.
std::vector<std::map<std::string, std::string>> ReadGoldenCsv(const std::string& name) {
  std::ifstream in(testing::GoldenPath(name), std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  CsvCursor cursor(text, CsvDialect{}, 0, text.size());
  std::vector<std::string_view> fields;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  while (cursor.Next(fields)) {
    if (cursor.blank_line()) continue;
    if (header.empty()) {
      header.assign(fields.begin(), fields.end());
      continue;
    }
    auto& row = rows.emplace_back();
    for (size_t field_idx = 0; field_idx < fields.size(); ++field_idx)
      row[header[field_idx]] = std::string(fields[field_idx]);
  }
  EXPECT_FALSE(rows.empty()) << name;
  return rows;
}

double Number(const std::string& text) {
  return std::stod(text);
}

std::string SegmentKey(RfmSegment segment) {
  std::string name(RfmSegmentName(segment));
  for (char& c : name) c = c == ' ' ? '_' : c;
  return name;
}

class OnlineRetailAnalyticsGolden : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<CleanedData> data =
        IngestText(testing::ReadXz(testing::PublicDataPath("online_retail.csv.xz")),
                   "online_retail.csv", IngestOptions());
    ASSERT_TRUE(data.ok()) << data.status().message();
    data_ = new CleanedData(std::move(data).value());
  }
  static void TearDownTestSuite() { delete data_; }
  static const Dataset& dataset() { return data_->dataset; }
  static CleanedData* data_;
};
CleanedData* OnlineRetailAnalyticsGolden::data_ = nullptr;

TEST_F(OnlineRetailAnalyticsGolden, MonthlyRevenueOrdersCustomersAndNewVsReturning) {
  const std::vector<MonthRevenue> months = RevenueByMonth(TransactionsOf(dataset()));
  const auto golden = ReadGoldenCsv("online_retail_monthly.csv");
  ASSERT_EQ(months.size(), golden.size());
  for (size_t idx = 0; idx < months.size(); ++idx) {
    const std::string label = FormatMonth(months[idx].month);
    EXPECT_EQ(label, golden[idx].at("month"));
    ExpectClose(months[idx].revenue, Number(golden[idx].at("revenue")), label + " revenue");
    EXPECT_EQ(months[idx].orders, std::stoull(golden[idx].at("orders"))) << label;
    EXPECT_EQ(months[idx].customers, std::stoull(golden[idx].at("customers"))) << label;
    ExpectClose(months[idx].average_order_value, Number(golden[idx].at("aov")), label + " aov");
    ExpectClose(months[idx].new_revenue, Number(golden[idx].at("new_revenue")), label + " new");
    ExpectClose(months[idx].returning_revenue, Number(golden[idx].at("returning_revenue")),
                label + " returning");
  }
}

TEST_F(OnlineRetailAnalyticsGolden, Countries) {
  const std::vector<CountryRevenue> countries = RevenueByCountry(TransactionsOf(dataset()));
  const auto golden = ReadGoldenCsv("online_retail_countries.csv");
  ASSERT_EQ(countries.size(), golden.size());
  for (size_t idx = 0; idx < countries.size(); ++idx) {
    EXPECT_EQ(countries[idx].country, golden[idx].at("country"));
    ExpectClose(countries[idx].revenue, Number(golden[idx].at("revenue")), countries[idx].country);
    EXPECT_EQ(countries[idx].orders, std::stoull(golden[idx].at("orders")))
        << countries[idx].country;
    EXPECT_EQ(countries[idx].customers, std::stoull(golden[idx].at("customers")));
  }
}

TEST_F(OnlineRetailAnalyticsGolden, ParetoAndTopCustomers) {
  const auto golden = testing::ReadGolden(testing::GoldenPath("online_retail_pareto.golden"));
  const ParetoCurve pareto = ProductPareto(TransactionsOf(dataset()));
  EXPECT_EQ(pareto.products.size(), std::stoull(golden.at("products")));
  EXPECT_EQ(pareto.top_count, std::stoull(golden.at("products.top20_count")));
  ExpectClose(pareto.top_share, Number(golden.at("products.top20_revenue_share")), "top 20%");
  for (const char* percent : {"10", "50", "80"}) {
    const size_t count =
        std::stoull(golden.at(std::string("products.cum_share.") + percent + ".count"));
    ExpectClose(pareto.cumulative_share[count - 1],
                Number(golden.at(std::string("products.cum_share.") + percent)), percent);
  }
  EXPECT_EQ(pareto.products.front().stock_code, golden.at("products.top1_stock_code"));
  ExpectClose(pareto.products.front().revenue, Number(golden.at("products.top1_revenue")), "top1");
  EXPECT_EQ(pareto.products.back().stock_code, golden.at("products.last_stock_code"));
  ExpectClose(TopCustomerShare(TransactionsOf(dataset())),
              Number(golden.at("customers.top20_revenue_share")), "customers");
}

TEST_F(OnlineRetailAnalyticsGolden, Seasonality) {
  std::map<std::string, std::vector<SeasonRevenue>> ours = {
      {"month", RevenueBySeason(TransactionsOf(dataset()), Season::kMonthOfYear)},
      {"weekday", RevenueBySeason(TransactionsOf(dataset()), Season::kWeekday)},
      {"hour", RevenueBySeason(TransactionsOf(dataset()), Season::kHour)}};
  std::map<std::string, size_t> seen;
  for (const auto& row : ReadGoldenCsv("online_retail_seasonality.csv")) {
    const std::string& dimension = row.at("dimension");
    const size_t idx = seen[dimension]++;
    ASSERT_LT(idx, ours[dimension].size()) << dimension;
    const SeasonRevenue& season = ours[dimension][idx];
    EXPECT_EQ(season.key, std::stoi(row.at("key"))) << dimension;
    ExpectClose(season.revenue, Number(row.at("revenue")), dimension + " " + row.at("key"));
    EXPECT_EQ(season.orders, std::stoull(row.at("orders"))) << dimension << " " << row.at("key");
  }
  for (const auto& [dimension, rows] : ours) EXPECT_EQ(rows.size(), seen[dimension]) << dimension;
}

TEST_F(OnlineRetailAnalyticsGolden, RfmSampleCustomers) {
  const RfmTable rfm = ComputeRfm(dataset(), RfmOptions());
  std::map<std::string, size_t> index_of;
  for (size_t idx = 0; idx < rfm.size(); ++idx)
    index_of[std::string(dataset().users()[rfm.user[idx]])] = idx;
  for (const auto& row : ReadGoldenCsv("online_retail_rfm_sample.csv")) {
    const std::string& id = row.at("customer_id");
    ASSERT_TRUE(index_of.count(id)) << id;
    const size_t idx = index_of[id];
    EXPECT_EQ(rfm.recency[idx], std::stoi(row.at("recency"))) << id;
    EXPECT_EQ(rfm.frequency[idx], std::stoll(row.at("frequency"))) << id;
    ExpectClose(rfm.monetary[idx], Number(row.at("monetary")), id);
    EXPECT_EQ(rfm.r[idx], std::stoi(row.at("r"))) << id;
    EXPECT_EQ(rfm.f[idx], std::stoi(row.at("f"))) << id;
    EXPECT_EQ(rfm.m[idx], std::stoi(row.at("m"))) << id;
    EXPECT_EQ(RfmSegmentName(rfm.segment[idx]), row.at("segment")) << id;
  }
}

void ExpectDistributions(const RfmTable& rfm, const std::map<std::string, std::string>& golden,
                         const std::string& prefix) {
  std::map<std::string, uint64_t> counts;
  for (size_t idx = 0; idx < rfm.size(); ++idx) {
    ++counts[prefix + "r." + std::to_string(rfm.r[idx])];
    ++counts[prefix + "f." + std::to_string(rfm.f[idx])];
    ++counts[prefix + "m." + std::to_string(rfm.m[idx])];
    ++counts[prefix + "segment." + SegmentKey(rfm.segment[idx])];
  }
  for (const char* dimension : {"r.", "f.", "m."})
    for (int score = 1; score <= 5; ++score) {
      const std::string key = prefix + dimension + std::to_string(score);
      EXPECT_EQ(counts[key], std::stoull(golden.at(key))) << key;
    }
  for (size_t segment = 0; segment < kRfmSegmentCount; ++segment) {
    const std::string key = prefix + "segment." + SegmentKey(static_cast<RfmSegment>(segment));
    EXPECT_EQ(counts[key], std::stoull(golden.at(key))) << key;
  }
}

TEST_F(OnlineRetailAnalyticsGolden, RfmScoreDistributionsSegmentsAndGrid) {
  const auto golden = testing::ReadGolden(testing::GoldenPath("online_retail_rfm_summary.golden"));
  const RfmTable rfm = ComputeRfm(dataset(), RfmOptions());
  EXPECT_EQ(rfm.size(), std::stoull(golden.at("customers")));
  EXPECT_EQ(FormatDate(rfm.reference_day), golden.at("reference_day"));
  ExpectDistributions(rfm, golden, "");
  std::map<std::string, uint64_t> grid;
  for (size_t idx = 0; idx < rfm.size(); ++idx)
    ++grid["grid." + std::to_string(rfm.r[idx]) + "." + std::to_string(rfm.f[idx]) + "." +
           std::to_string(rfm.m[idx])];
  size_t golden_cells = 0;
  for (const auto& [key, value] : golden) {
    if (!key.starts_with("grid.") || key == "grid.nonempty_cells") continue;
    ++golden_cells;
    EXPECT_EQ(grid[key], std::stoull(value)) << key;
  }
  EXPECT_EQ(grid.size(), golden_cells);
  EXPECT_EQ(grid.size(), std::stoull(golden.at("grid.nonempty_cells")));
  // Segment means and monetary share.
  const double total = Number(golden.at("total_monetary"));
  for (size_t segment = 0; segment < kRfmSegmentCount; ++segment) {
    const std::string key = "segment." + SegmentKey(static_cast<RfmSegment>(segment));
    double recency = 0, monetary = 0;
    uint64_t users = 0;
    for (size_t idx = 0; idx < rfm.size(); ++idx)
      if (rfm.segment[idx] == static_cast<RfmSegment>(segment)) {
        ++users;
        recency += rfm.recency[idx];
        monetary += rfm.monetary[idx];
      }
    if (users == 0) continue;
    ExpectClose(recency / static_cast<double>(users), Number(golden.at(key + ".mean_recency")),
                key);
    ExpectClose(monetary / total, Number(golden.at(key + ".monetary_share")), key);
  }

  RfmOptions shared;
  shared.ties = RfmTies::kShared;
  ExpectDistributions(ComputeRfm(dataset(), shared), golden, "shared.");
}

/// A golden average: NaN where the golden says no cohort observes the period.
void ExpectAverage(double actual, const std::string& expected, const std::string& what) {
  if (expected == "unobserved")
    EXPECT_TRUE(std::isnan(actual)) << what << ": " << actual;
  else
    ExpectClose(actual, Number(expected), what);
}

TEST_F(OnlineRetailAnalyticsGolden, CohortMatrixAndAverageCurves) {
  const CohortMatrix matrix = ComputeCohorts(dataset(), CohortPeriod::kMonth);
  std::map<std::pair<std::string, size_t>, const std::map<std::string, std::string>*> cells;
  const auto golden = ReadGoldenCsv("online_retail_cohorts.csv");
  for (const auto& row : golden) cells[{row.at("cohort"), std::stoull(row.at("period"))}] = &row;
  size_t non_empty = 0;
  for (size_t cohort_idx = 0; cohort_idx < matrix.cohorts.size(); ++cohort_idx) {
    const std::string label = FormatMonth(matrix.cohorts[cohort_idx]);
    for (size_t period_idx = 0; period_idx < matrix.active[cohort_idx].size(); ++period_idx) {
      const uint64_t active = matrix.active[cohort_idx][period_idx];
      if (active == 0) continue;
      ++non_empty;
      const auto cell = cells.find({label, period_idx});
      ASSERT_NE(cell, cells.end()) << label << " " << period_idx;
      EXPECT_EQ(active, std::stoull(cell->second->at("active_customers")));
      EXPECT_EQ(matrix.cohort_size[cohort_idx], std::stoull(cell->second->at("cohort_size")));
      EXPECT_EQ(matrix.active_on_or_after[cohort_idx][period_idx],
                std::stoull(cell->second->at("on_or_after_customers")));
      ExpectClose(matrix.Retention(cohort_idx, period_idx), Number(cell->second->at("retention")),
                  label);
    }
  }
  EXPECT_EQ(non_empty, golden.size());
  const auto average = ReadGoldenCsv("online_retail_cohort_average.csv");
  ASSERT_EQ(matrix.average.size(), average.size());
  for (size_t period_idx = 0; period_idx < average.size(); ++period_idx) {
    ExpectAverage(matrix.average[period_idx], average[period_idx].at("retention_weighted"),
                  "average " + std::to_string(period_idx));
    ExpectAverage(matrix.average_on_or_after[period_idx],
                  average[period_idx].at("retention_on_or_after_weighted"),
                  "on or after " + std::to_string(period_idx));
  }
  // The data ends on 2011-12-09: December 2011 is partial, every cohort started in the data.
  EXPECT_TRUE(matrix.last_bucket_partial);
  EXPECT_FALSE(matrix.first_bucket_partial);
  for (const uint8_t censored : matrix.left_censored) EXPECT_EQ(censored, 0);
}

/// Signup cohorts of the usage log: sizes, the periods before the data (unobserved), month-1
/// counts where month 1 is observed, and both average curves over the observed cells only.
void ExpectUsageCohorts(const CohortMatrix& cohorts,
                        const std::map<std::string, std::string>& golden) {
  ASSERT_EQ(cohorts.cohorts.size(), std::stoull(golden.at("cohorts")));
  size_t unobserved_cohorts = 0;
  for (size_t cohort_idx = 0; cohort_idx < cohorts.cohorts.size(); ++cohort_idx) {
    const std::string key = "cohort." + FormatMonth(cohorts.cohorts[cohort_idx]);
    EXPECT_EQ(cohorts.cohort_size[cohort_idx], std::stoull(golden.at(key + ".size"))) << key;
    const uint32_t first = cohorts.first_observed_period[cohort_idx];
    EXPECT_EQ(first, std::stoul(golden.at(key + ".first_observed_period"))) << key;
    EXPECT_EQ(cohorts.left_censored[cohort_idx], std::stoul(golden.at(key + ".left_censored")))
        << key;
    unobserved_cohorts += first > 0 ? 1 : 0;
    const bool month1 = golden.count(key + ".month1_active") > 0;
    EXPECT_EQ(cohorts.Observed(cohort_idx, 1), month1) << key;
    if (month1) {
      EXPECT_EQ(cohorts.active[cohort_idx][1], std::stoull(golden.at(key + ".month1_active")))
          << key;
    }
  }
  EXPECT_GE(unobserved_cohorts, 5u);       // the log has signups before its data
  ASSERT_EQ(cohorts.average.size(), 24u);  // 2024-01 .. 2025-12
  for (size_t period_idx = 0; period_idx < cohorts.average.size(); ++period_idx) {
    const std::string n = std::to_string(period_idx);
    ExpectAverage(cohorts.average[period_idx], golden.at("cohort_average." + n), "average " + n);
    ExpectAverage(cohorts.average_on_or_after[period_idx],
                  golden.at("cohort_average_on_or_after." + n), "on or after " + n);
  }
}

TEST(UsageAnalyticsGolden, FeaturesKpisRfmAndCohorts) {
  Result<CleanedData> data = IngestFile(testing::GoldenPath("usage_small.csv"), IngestOptions());
  ASSERT_TRUE(data.ok()) << data.status().message();
  const Dataset& dataset = data->dataset;
  const auto golden = testing::ReadGolden(testing::GoldenPath("usage_small.golden"));
  EXPECT_EQ(dataset.rows(), std::stoull(golden.at("rows")));

  const FeatureReport features = ComputeFeatureReport(UsageOf(dataset), UsageFilter());
  EXPECT_EQ(features.active_users, std::stoull(golden.at("users")));
  EXPECT_EQ(features.features.size(), 10u);
  for (const FeatureStats& stats : features.features) {
    const std::string key = "feature." + std::string(UsageOf(dataset).features[stats.feature]);
    EXPECT_EQ(stats.events, std::stoll(golden.at(key + ".events"))) << key;
    EXPECT_EQ(stats.users, std::stoull(golden.at(key + ".users"))) << key;
    ExpectClose(stats.adoption, Number(golden.at(key + ".adoption")), key);
  }

  const Kpis kpis = ComputeKpis(dataset, KpiOptions());
  EXPECT_EQ(kpis.events, std::stoll(golden.at("total_events")));
  EXPECT_EQ(FormatDate(kpis.from), golden.at("first_day"));
  EXPECT_EQ(FormatDate(kpis.to), golden.at("last_day"));
  ExpectClose(kpis.average_dau, Number(golden.at("average_dau")), "dau");
  ExpectClose(kpis.average_wau, Number(golden.at("average_wau")), "wau");
  ExpectClose(kpis.average_mau, Number(golden.at("average_mau")), "mau");
  ExpectClose(kpis.stickiness, Number(golden.at("stickiness")), "stickiness");

  const RfmTable rfm = ComputeRfm(dataset, RfmOptions());
  EXPECT_EQ(rfm.size(), std::stoull(golden.at("rfm.users")));
  EXPECT_EQ(FormatDate(rfm.reference_day), golden.at("rfm.reference_day"));
  ExpectDistributions(rfm, golden, "rfm.");
  RfmOptions shared;
  shared.ties = RfmTies::kShared;
  ExpectDistributions(ComputeRfm(dataset, shared), golden, "rfm.shared.");

  ExpectUsageCohorts(ComputeCohorts(dataset, CohortPeriod::kMonth), golden);
}

}  // namespace
}  // namespace growthlens
