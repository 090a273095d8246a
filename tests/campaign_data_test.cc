// The data side of the campaign simulation: the outcome window at the end of the data, the
// pre-period Dataset segments are computed on (no row of the window leaks into it), per-user
// outcomes in the window, campaign presets and segment names as people type them.

#include <gtest/gtest.h>

#include <string>

#include "dataset_kinds.h"
#include "metrics/campaign_presets.h"
#include "metrics/rfm.h"
#include "metrics/rows_before.h"
#include "metrics/window_outcomes.h"
#include "ml/user_groups.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

// Ten days, 2025-01-01 .. 2025-01-10; u3 is active in the last three days only.
const std::string kUsage = std::string(testing::kUsageHeader) +
                           "u1,2025-01-01,2025-01-01,Search,2\n"
                           "u1,2025-01-01,2025-01-05,Search,3\n"
                           "u1,2025-01-01,2025-01-09,Export,1\n"
                           "u1,2025-01-01,2025-01-09,Search,4\n"
                           "u2,2025-01-01,2025-01-02,Search,1\n"
                           "u2,2025-01-01,2025-01-10,Search,5\n"
                           "u3,2025-01-01,2025-01-08,Search,1\n";

// Customer 17850 orders on the 1st, 5th and 9th (two lines); 13047 on the 2nd and the 10th.
const std::string kRetail = std::string(testing::kRetailHeader) +
                            "536365,A,Thing,2,2011-01-01 10:00:00,5.0,17850,United Kingdom\n"
                            "536366,A,Thing,1,2011-01-05 10:00:00,5.0,17850,United Kingdom\n"
                            "536367,B,Other,3,2011-01-09 10:00:00,2.0,17850,United Kingdom\n"
                            "536367,A,Thing,1,2011-01-09 10:00:00,5.0,17850,United Kingdom\n"
                            "536368,A,Thing,4,2011-01-10 11:00:00,5.0,13047,United Kingdom\n"
                            "536369,A,Thing,1,2011-01-02 11:00:00,5.0,13047,United Kingdom\n";

Dataset Load(const std::string& text) {
  Result<CleanedData> data = IngestText(text, "test.csv", IngestOptions());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return std::move(data.value().dataset);
}

uint32_t Code(const Dataset& dataset, std::string_view id) {
  return *dataset.users().Find(id);
}

TEST(OutcomeWindow, IsTheLastDaysAndLeavesAPrePeriod) {
  const Dataset dataset = Load(kUsage);
  Result<OutcomeWindow> window = LastDaysWindow(dataset, 3);
  ASSERT_TRUE(window.ok());
  EXPECT_EQ(FormatDate(window->data_first), "2025-01-01");
  EXPECT_EQ(FormatDate(window->first), "2025-01-08");
  EXPECT_EQ(FormatDate(window->last), "2025-01-10");
  EXPECT_TRUE(LastDaysWindow(dataset, 9).ok());  // one pre-period day left
  const Result<OutcomeWindow> too_long = LastDaysWindow(dataset, 10);
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message().find("the data cover 10 days"), std::string::npos)
      << too_long.status().message();
  EXPECT_NE(too_long.status().message().find("at most 9"), std::string::npos);
  EXPECT_FALSE(LastDaysWindow(dataset, 0).ok());
}

TEST(OutcomeWindow, UsageSegmentsSeeOnlyThePrePeriodAndOutcomesOnlyTheWindow) {
  const Dataset dataset = Load(kUsage);
  const OutcomeWindow window = *LastDaysWindow(dataset, 3);
  const Dataset before = RowsBefore(dataset, window.first);
  EXPECT_EQ(before.rows(), 3u);
  EXPECT_EQ(before.users().size(), dataset.users().size());  // same codes
  const RfmTable rfm = ComputeRfm(before, RfmOptions{window.first, RfmTies::kFirstOccurrence});
  ASSERT_EQ(rfm.size(), 2u);  // u3 only appears in the window
  EXPECT_EQ(rfm.user[0], Code(dataset, "u1"));
  EXPECT_EQ(rfm.recency[0], 3);    // last seen on the 5th, reference day the 8th
  EXPECT_EQ(rfm.frequency[0], 2);  // two days before the window
  EXPECT_EQ(rfm.monetary[0], 5.0);

  const WindowOutcomes outcomes = ComputeWindowOutcomes(dataset, window);
  const std::vector<uint32_t> users = {Code(dataset, "u1"), Code(dataset, "u2"),
                                       Code(dataset, "u3")};
  EXPECT_EQ(OutcomeValues(outcomes, OutcomeMetric::kActiveDays, users),
            (std::vector<double>{1, 1, 1}));
  EXPECT_EQ(OutcomeValues(outcomes, OutcomeMetric::kEvents, users), (std::vector<double>{5, 5, 1}));
  EXPECT_EQ(OutcomeValues(outcomes, OutcomeMetric::kActive, users), (std::vector<double>{1, 1, 1}));
  // With a 2-day window u3 (the 8th) and u1 (the 9th) fall out.
  const WindowOutcomes last_two = ComputeWindowOutcomes(dataset, *LastDaysWindow(dataset, 2));
  EXPECT_EQ(OutcomeValues(last_two, OutcomeMetric::kActive, users), (std::vector<double>{1, 1, 0}));
}

TEST(OutcomeWindow, TransactionsCountDistinctInvoicesAndRevenueInTheWindow) {
  const Dataset dataset = Load(kRetail);
  const OutcomeWindow window = *LastDaysWindow(dataset, 3);
  const Dataset before = RowsBefore(dataset, window.first);
  EXPECT_EQ(before.rows(), 3u);
  EXPECT_EQ(TransactionsOf(before).orders.size(), 3u);
  const RfmTable rfm = ComputeRfm(before, RfmOptions{window.first, RfmTies::kFirstOccurrence});
  ASSERT_EQ(rfm.size(), 2u);
  EXPECT_EQ(dataset.users()[rfm.user[0]], "13047");
  EXPECT_EQ(rfm.frequency[0], 1);  // the order of the 10th is in the window
  EXPECT_EQ(rfm.frequency[1], 2);
  EXPECT_DOUBLE_EQ(rfm.monetary[1], 15.0);

  const WindowOutcomes outcomes = ComputeWindowOutcomes(dataset, window);
  const std::vector<uint32_t> users = {Code(dataset, "17850"), Code(dataset, "13047")};
  EXPECT_EQ(OutcomeValues(outcomes, OutcomeMetric::kOrders, users), (std::vector<double>{1, 1}));
  EXPECT_EQ(OutcomeValues(outcomes, OutcomeMetric::kRevenue, users), (std::vector<double>{11, 20}));
  EXPECT_EQ(OutcomeValues(outcomes, OutcomeMetric::kRepeatPurchase, users),
            (std::vector<double>{1, 1}));
}

TEST(CampaignPresets, NamesMatchAsTypedAndMetricsFollowTheDataKind) {
  ASSERT_EQ(CampaignPresets().size(), 4u);
  const CampaignPreset* discount = FindCampaign("Reactivation Discount");
  ASSERT_NE(discount, nullptr);
  EXPECT_EQ(discount->MetricFor(DataKind::kTransactions), OutcomeMetric::kRepeatPurchase);
  EXPECT_EQ(discount->MetricFor(DataKind::kUsage), OutcomeMetric::kActive);
  EXPECT_FALSE(discount->relative);  // +2 points: a relative lift of a rate near 0 is nothing
  EXPECT_LT(discount->aov_effect, 0.0);
  EXPECT_EQ(FindCampaign("homepage_personalization"), FindCampaign("homepage-personalisation"));
  EXPECT_EQ(FindCampaign("coupon"), nullptr);
  EXPECT_EQ(FindOutcomeMetric("Active-Days", DataKind::kUsage), OutcomeMetric::kActiveDays);
  EXPECT_FALSE(FindOutcomeMetric("revenue", DataKind::kUsage).has_value());
}

TEST(UserGroups, FoundByNameAsTypedOrAUniquePrefix) {
  std::vector<ml::UserGroup> groups = {{"Champions", {1, 2}},  {"Can't Lose Them", {3}},
                                       {"At Risk", {}},        {"Dormant Users", {4}},
                                       {"Power Users 1", {5}}, {"Power Users 2", {6}}};
  EXPECT_EQ(*ml::FindGroup(groups, "cant-lose-them"), 1u);
  EXPECT_EQ(*ml::FindGroup(groups, "AT RISK"), 2u);
  EXPECT_EQ(*ml::FindGroup(groups, "dormant"), 3u);
  const Result<size_t> ambiguous = ml::FindGroup(groups, "power users");
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_NE(ambiguous.status().message().find("several"), std::string::npos);
  const Result<size_t> unknown = ml::FindGroup(groups, "Whales");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("Champions (2 users)"), std::string::npos)
      << unknown.status().message();
}

TEST(UserGroups, RfmGroupsListEverySegmentInRuleOrder) {
  const Dataset dataset = Load(kUsage);
  const RfmTable rfm = ComputeRfm(dataset, RfmOptions());
  const std::vector<ml::UserGroup> groups = ml::RfmGroups(rfm);
  ASSERT_EQ(groups.size(), kRfmSegmentCount);
  EXPECT_EQ(groups[5].name, "Can't Lose Them");
  size_t users = 0;
  for (const ml::UserGroup& group : groups) users += group.users.size();
  EXPECT_EQ(users, rfm.size());
}

}  // namespace
}  // namespace growthlens
