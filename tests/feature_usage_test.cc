#include "metrics/feature_usage.h"

#include <gtest/gtest.h>

#include <cmath>

#include "dataset_kinds.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

// u1: Search 3 (01-01), Export 2 (01-01), Search 1 (01-02), Search 4 (01-10);
// u2: Search 5 (01-02), Reports 1 (01-14); u3: Search 2 (01-05).
const char* const kTwoWeeks =
    "u1,2023-12-01,2024-01-01,Search,3\n"
    "u1,2023-12-01,2024-01-01,Export,2\n"
    "u1,2023-12-01,2024-01-02,Search,1\n"
    "u1,2023-12-01,2024-01-10,Search,4\n"
    "u2,2023-12-15,2024-01-02,Search,5\n"
    "u2,2023-12-15,2024-01-14,Reports,1\n"
    "u3,2024-01-05,2024-01-05,Search,2\n";

class FeatureUsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<CleanedData> data =
        IngestText(std::string(testing::kUsageHeader) + kTwoWeeks, "t.csv", IngestOptions());
    ASSERT_TRUE(data.ok()) << data.status().message();
    data_ = std::move(data).value();
  }
  uint16_t Feature(const char* name) const {
    return static_cast<uint16_t>(*UsageOf(data_.dataset).features.Find(name));
  }
  CleanedData data_;
};

TEST_F(FeatureUsageTest, TotalsAdoptionAndEngagement) {
  const FeatureReport report = ComputeFeatureReport(UsageOf(data_.dataset), UsageFilter());
  EXPECT_EQ(report.active_users, 3u);
  ASSERT_EQ(report.features.size(), 3u);
  const FeatureStats& search = report.features[0];
  EXPECT_EQ(search.feature, Feature("Search"));
  EXPECT_EQ(search.events, 15);
  EXPECT_EQ(search.users, 3u);
  EXPECT_DOUBLE_EQ(search.adoption, 1.0);
  EXPECT_DOUBLE_EQ(search.frequency, 5.0 / 3.0);  // u1 on 3 days, u2 and u3 on 1
  EXPECT_EQ(report.features[1].feature, Feature("Export"));
  EXPECT_DOUBLE_EQ(report.features[1].breadth, 1.0 / 3.0);
  EXPECT_EQ(report.features[2].events, 1);
}

TEST_F(FeatureUsageTest, FiltersOnDatesFeaturesAndUsers) {
  UsageFilter filter;
  filter.from = DaysFromCivil(2024, 1, 2);
  filter.features = {Feature("Search")};
  std::vector<uint8_t> segment(data_.dataset.users().size(), 1);
  segment[*data_.dataset.users().Find("u3")] = 0;
  filter.users = &segment;
  const FeatureReport report = ComputeFeatureReport(UsageOf(data_.dataset), filter);
  EXPECT_EQ(report.active_users, 2u);
  ASSERT_EQ(report.features.size(), 1u);
  EXPECT_EQ(report.features[0].events, 10);  // 1 + 4 (u1) + 5 (u2)
}

TEST_F(FeatureUsageTest, WeeklySeriesCountsEventsAndDistinctUsers) {
  const FeatureSeries series =
      ComputeFeatureSeries(UsageOf(data_.dataset), CohortPeriod::kWeek, UsageFilter());
  ASSERT_EQ(series.buckets.size(), 2u);
  EXPECT_EQ(CohortBucketLabel(series.buckets[0], CohortPeriod::kWeek), "2024-01-01");
  const auto search = static_cast<size_t>(
      std::find(series.features.begin(), series.features.end(), Feature("Search")) -
      series.features.begin());
  EXPECT_EQ(series.events[search], (std::vector<int64_t>{11, 4}));
  EXPECT_EQ(series.users[search], (std::vector<uint64_t>{3, 1}));
  const FeatureSeries daily =
      ComputeFeatureSeries(UsageOf(data_.dataset), CohortPeriod::kDay, UsageFilter());
  EXPECT_EQ(daily.buckets.size(), 14u);
}

TEST_F(FeatureUsageTest, PearsonCorrelationOfPerUserTotals) {
  // Pivot (Search, Export, Reports): u1 (8, 2, 0), u2 (5, 0, 1), u3 (2, 0, 0).
  const std::vector<std::vector<double>> correlation =
      FeatureCorrelation(UsageOf(data_.dataset), UsageFilter());
  const size_t search = Feature("Search"), exports = Feature("Export"),
               reports = Feature("Reports");
  EXPECT_NEAR(correlation[search][exports], 6.0 / std::sqrt(48.0), 1e-12);
  EXPECT_NEAR(correlation[search][reports], 0.0, 1e-12);
  EXPECT_NEAR(correlation[exports][reports], -0.5, 1e-12);
  EXPECT_DOUBLE_EQ(correlation[search][search], 1.0);
  EXPECT_DOUBLE_EQ(correlation[reports][exports], correlation[exports][reports]);
}

}  // namespace
}  // namespace growthlens
