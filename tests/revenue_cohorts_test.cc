// Revenue and cohort analytics: small hand-checked cases, and on the full Online Retail file
// the facts the cleaning golden already pins down (cohort sizes, monthly row counts, total).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "dataset_kinds.h"
#include "ingest_or_die.h"
#include "metrics/cohorts.h"
#include "metrics/revenue.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

using testing::IngestOrDie;

const char* const kThreeMonths =
    "1,A,a,2,2011-01-03 10:00,5.0,200,UK\n"  // 200: cohort Jan, new revenue 10 + 2.5
    "1,B,b,1,2011-01-03 10:00,2.5,200,UK\n"
    "2,A,a,1,2011-02-07 09:00,5.0,200,UK\n"      // 200 back in Feb (Monday): returning 5
    "3,A,a,4,2011-02-09 12:00,5.0,30,France\n"   // 30: cohort Feb, new 20
    "4,C,c,1,2011-03-01 18:00,1.0,200,UK\n"      // 200 in Mar: returning 1
    "5,C,c,3,2011-03-02 08:00,1.0,30,France\n";  // 30 in Mar: returning 3

TEST(Revenue, MonthlyTableSplitsNewAndReturning) {
  const CleanedData data = IngestOrDie(std::string(testing::kRetailHeader) + kThreeMonths);
  const std::vector<MonthRevenue> months = RevenueByMonth(TransactionsOf(data.dataset));
  ASSERT_EQ(months.size(), 3u);
  EXPECT_EQ(FormatMonth(months[0].month), "2011-01");
  EXPECT_DOUBLE_EQ(months[0].revenue, 12.5);
  EXPECT_EQ(months[0].orders, 1u);
  EXPECT_EQ(months[0].customers, 1u);
  EXPECT_DOUBLE_EQ(months[0].new_revenue, 12.5);
  EXPECT_DOUBLE_EQ(months[1].revenue, 25.0);
  EXPECT_EQ(months[1].orders, 2u);
  EXPECT_DOUBLE_EQ(months[1].average_order_value, 12.5);
  EXPECT_DOUBLE_EQ(months[1].new_revenue, 20.0);
  EXPECT_DOUBLE_EQ(months[1].returning_revenue, 5.0);
  EXPECT_DOUBLE_EQ(months[2].returning_revenue, 4.0);
  EXPECT_DOUBLE_EQ(months[2].new_revenue, 0.0);
}

TEST(Revenue, CountriesParetoAndSeasons) {
  const CleanedData data = IngestOrDie(std::string(testing::kRetailHeader) + kThreeMonths);
  const std::vector<CountryRevenue> countries = RevenueByCountry(TransactionsOf(data.dataset));
  ASSERT_EQ(countries.size(), 2u);
  EXPECT_EQ(countries[0].country, "France");  // 23 > 18.5
  EXPECT_DOUBLE_EQ(countries[0].revenue, 23.0);
  EXPECT_EQ(countries[0].orders, 2u);
  EXPECT_EQ(countries[1].customers, 1u);

  const ParetoCurve pareto = ProductPareto(TransactionsOf(data.dataset));
  ASSERT_EQ(pareto.products.size(), 3u);  // A 35, C 4, B 2.5
  EXPECT_EQ(pareto.products[0].stock_code, "A");
  EXPECT_EQ(pareto.products[0].quantity, 7);
  EXPECT_EQ(pareto.top_count, 1u);  // ceil(0.6)
  EXPECT_DOUBLE_EQ(pareto.top_share, 35.0 / 41.5);
  EXPECT_DOUBLE_EQ(pareto.cumulative_share.back(), 1.0);

  EXPECT_EQ(pareto.products[0].description, "a");

  // A code with several descriptions is named by its earliest line with one, whatever the
  // file's order; at one time by the smallest; ties of revenue rank by stock code.
  const CleanedData named = IngestOrDie(std::string(testing::kRetailHeader) +
                                        "9,D,later,1,2011-03-01 10:00,2.0,200,UK\n"
                                        "8,D,zebra,1,2011-02-01 10:00,2.0,200,UK\n"
                                        "8,D,apple,1,2011-02-01 10:00,2.0,200,UK\n"
                                        "7,E,,1,2011-01-01 10:00,5.0,200,UK\n"
                                        "9,E,only,1,2011-03-01 10:00,1.0,200,UK\n"
                                        "6,F,f,3,2011-01-01 10:00,2.0,200,UK\n");
  const ParetoCurve codes = ProductPareto(TransactionsOf(named.dataset));
  ASSERT_EQ(codes.products.size(), 3u);
  EXPECT_EQ(codes.products[0].stock_code, "D");  // 6.0, ties with E and F by code
  EXPECT_EQ(codes.products[0].description, "apple");
  EXPECT_EQ(codes.products[0].quantity, 3);
  EXPECT_EQ(codes.products[1].stock_code, "E");
  EXPECT_EQ(codes.products[1].description, "only");
  EXPECT_EQ(codes.products[2].stock_code, "F");

  // Sums in millionths past 64 bits rank by the doubles instead (no overflow, a ranking).
  EXPECT_EQ(PriceMicros(1.25), 1'250'000);
  EXPECT_FALSE(PriceMicros(1e13).has_value());
  EXPECT_FALSE(PriceMicros(std::nan("")).has_value());
  // X 1e13, Y 2e13 and Z 3e13 with millionths that would rank them X > Y > Z.
  const auto items = [] {
    std::vector<ItemRevenue> huge(3);
    for (size_t idx = 0; idx < huge.size(); ++idx) {
      huge[idx].stock_code = std::string(1, static_cast<char>('X' + idx));
      huge[idx].revenue.Add(static_cast<double>(idx + 1) * 1e13);
      huge[idx].revenue_micros = INT64_MAX / 4 - static_cast<int64_t>(idx);
    }
    return huge;
  };
  std::vector<ItemRevenue> one_inexact = items();
  one_inexact[1].micros_exact = false;  // its own sum passed 64 bits
  std::vector<ItemRevenue> sum_overflows = items();
  for (int copy = 0; copy < 4; ++copy) {  // X's five items: their millionths pass 64 bits
    sum_overflows.push_back(sum_overflows[0]);
    sum_overflows.back().revenue = CompensatedSum();
  }
  for (const std::vector<ItemRevenue>& case_items : {one_inexact, sum_overflows}) {
    const ParetoCurve by_doubles = ParetoOfItems(case_items);
    ASSERT_EQ(by_doubles.products.size(), 3u);
    EXPECT_EQ(by_doubles.products[0].stock_code, "Z");
    EXPECT_EQ(by_doubles.products[1].stock_code, "Y");
    EXPECT_EQ(by_doubles.products[2].stock_code, "X");
  }
  EXPECT_EQ(ParetoOfItems(items()).products[0].stock_code, "X");  // by the millionths

  const std::vector<SeasonRevenue> weekdays =
      RevenueBySeason(TransactionsOf(data.dataset), Season::kWeekday);
  ASSERT_EQ(weekdays.size(), 3u);  // Monday (Jan 3, Feb 7), Tuesday (Mar 1), Wednesday
  EXPECT_EQ(weekdays[0].key, 0);
  EXPECT_DOUBLE_EQ(weekdays[0].revenue, 17.5);
  EXPECT_EQ(weekdays[0].orders, 2u);
  const std::vector<SeasonRevenue> hours =
      RevenueBySeason(TransactionsOf(data.dataset), Season::kHour);
  EXPECT_EQ(hours.front().key, 8);
  EXPECT_EQ(hours.back().key, 18);
  EXPECT_DOUBLE_EQ(TopCustomerShare(TransactionsOf(data.dataset)),
                   23.0 / 41.5);  // ceil(0.4) = 1 customer
}

TEST(Cohorts, MonthlyRetentionOnAndOnOrAfter) {
  // Whole months (data from 1 January to 31 March), so that every cell counts in the average:
  // 77 and 88 join in January and never come back, 99 buys once on 31 March.
  const CleanedData data = IngestOrDie(std::string(testing::kRetailHeader) + kThreeMonths +
                                       "6,A,a,1,2011-01-20 10:00,5.0,77,UK\n"
                                       "7,D,d,1,2011-01-01 09:00,1.0,88,UK\n"
                                       "8,D,d,1,2011-03-31 09:00,1.0,99,UK\n");
  const CohortMatrix matrix = ComputeCohorts(data.dataset, CohortPeriod::kMonth);
  ASSERT_EQ(matrix.cohorts.size(), 3u);
  EXPECT_EQ(CohortBucketLabel(matrix.cohorts[0], CohortPeriod::kMonth), "2011-01");
  EXPECT_EQ(matrix.cohort_size, (std::vector<uint64_t>{3, 1, 1}));
  EXPECT_EQ(matrix.active[0], (std::vector<uint64_t>{3, 1, 1}));
  EXPECT_EQ(matrix.active_on_or_after[0], (std::vector<uint64_t>{3, 1, 1}));
  EXPECT_EQ(matrix.active[1], (std::vector<uint64_t>{1, 1}));
  EXPECT_DOUBLE_EQ(matrix.Retention(0, 1), 1.0 / 3.0);
  EXPECT_EQ(matrix.left_censored, (std::vector<uint8_t>{0, 0, 0}));
  EXPECT_FALSE(matrix.first_bucket_partial || matrix.last_bucket_partial);
  // Period 1: (1 + 1) / (3 + 1); period 2 only the January cohort is old enough: 1 / 3.
  EXPECT_DOUBLE_EQ(matrix.average[1], 0.5);
  EXPECT_DOUBLE_EQ(matrix.average[2], 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(matrix.revenue[0][0], 18.5);
  EXPECT_DOUBLE_EQ(matrix.revenue[1][1], 3.0);
}

TEST(Cohorts, APartialLastMonthIsFlaggedAndLeftOutOfTheAverage) {
  // The same sales ending on 2 March: March is partial (2 of 31 days), January starts on the
  // 3rd, so its cohort may hold customers from before the data: left-censored.
  const CleanedData data = IngestOrDie(std::string(testing::kRetailHeader) + kThreeMonths);
  const CohortMatrix matrix = ComputeCohorts(data.dataset, CohortPeriod::kMonth);
  EXPECT_EQ(matrix.left_censored, (std::vector<uint8_t>{1, 0}));
  EXPECT_TRUE(matrix.first_bucket_partial);
  EXPECT_TRUE(matrix.last_bucket_partial);
  EXPECT_TRUE(matrix.Partial(1, 1));  // February's month 1 is March
  ASSERT_EQ(matrix.average.size(), 3u);
  EXPECT_DOUBLE_EQ(matrix.average[0], 1.0);  // February's first month, whole
  EXPECT_TRUE(std::isnan(matrix.average[1]));
  EXPECT_TRUE(std::isnan(matrix.average[2]));
}

TEST(Cohorts, WeeksStartOnMondayAndUsageUsesSignupMonth) {
  const std::string text = std::string(testing::kUsageHeader) +
                           "u1,2024-01-20,2024-02-05,Search,3\n"  // signed up in January
                           "u1,2024-01-20,2024-03-01,Search,1\n"
                           "u2,2024-02-10,2024-02-11,Search,7\n";
  const CleanedData data = IngestOrDie(text);
  const CohortMatrix months = ComputeCohorts(data.dataset, CohortPeriod::kMonth);
  ASSERT_EQ(months.cohorts.size(), 2u);
  EXPECT_EQ(CohortBucketLabel(months.cohorts[0], CohortPeriod::kMonth), "2024-01");
  EXPECT_EQ(months.active[0], (std::vector<uint64_t>{0, 1, 1}));  // January: before the data
  EXPECT_EQ(months.first_observed_period, (std::vector<uint32_t>{1, 0}));
  EXPECT_EQ(CohortBucketLabel(CohortBucketOf(DaysFromCivil(2024, 2, 11), CohortPeriod::kWeek),
                              CohortPeriod::kWeek),
            "2024-02-05");  // a Sunday belongs to the week of the Monday before
}

// Data from 2024-03-01 to 2024-04-15; two users signed up in January, before it.
const char* const kSignupsBeforeTheData =
    "u1,2024-01-10,2024-03-05,Search,1\n"  // January cohort: periods 2 and 3
    "u1,2024-01-10,2024-04-02,Search,1\n"
    "u2,2024-01-20,2024-03-10,Search,1\n"  // January cohort: period 2 only
    "u3,2024-03-01,2024-03-01,Search,1\n"  // March cohort: periods 0 and 1
    "u3,2024-03-01,2024-04-15,Search,1\n"
    "u4,2024-03-05,2024-03-06,Search,1\n";  // March cohort: period 0 only

TEST(Cohorts, PeriodsBeforeTheDataAreUnobservedCohortsBeforeItCensored) {
  const CleanedData data = IngestOrDie(std::string(testing::kUsageHeader) + kSignupsBeforeTheData);
  const CohortMatrix matrix = ComputeCohorts(data.dataset, CohortPeriod::kMonth);
  ASSERT_EQ(matrix.cohorts.size(), 2u);
  EXPECT_EQ(CohortBucketLabel(matrix.cohorts[0], CohortPeriod::kMonth), "2024-01");
  EXPECT_EQ(matrix.cohort_size, (std::vector<uint64_t>{2, 2}));
  // January and February lie before the data: January's periods 0 and 1 are unobserved.
  EXPECT_EQ(matrix.first_observed_period, (std::vector<uint32_t>{2, 0}));
  EXPECT_FALSE(matrix.Observed(0, 0));
  EXPECT_FALSE(matrix.Observed(0, 1));
  EXPECT_TRUE(matrix.Observed(0, 2));
  EXPECT_FALSE(matrix.Observed(1, 2));  // March + 2 is past the data
  EXPECT_EQ(matrix.active[0], (std::vector<uint64_t>{0, 0, 2, 1}));
  // Not {2, 2, 2, 1}: "on or after" an unobserved period is unobserved too.
  EXPECT_EQ(matrix.active_on_or_after[0], (std::vector<uint64_t>{0, 0, 2, 1}));
  EXPECT_EQ(matrix.active[1], (std::vector<uint64_t>{2, 1}));
  // January started before the data (only users still active in March can be seen): it is
  // left-censored and left out of the average. April ends on the 15th: partial, left out too.
  EXPECT_EQ(matrix.left_censored, (std::vector<uint8_t>{1, 0}));
  EXPECT_TRUE(matrix.last_bucket_partial);
  EXPECT_FALSE(matrix.first_bucket_partial);
  EXPECT_TRUE(matrix.Partial(1, 1));   // March + 1 = April
  EXPECT_FALSE(matrix.Partial(1, 0));  // March
  EXPECT_TRUE(matrix.Partial(0, 3));   // January + 3 = April
  ASSERT_EQ(matrix.average.size(), 4u);
  EXPECT_DOUBLE_EQ(matrix.average[0], 1.0);  // March only, 2 / 2
  for (const size_t period : {1u, 2u, 3u}) EXPECT_TRUE(std::isnan(matrix.average[period]));
}

// The demo's shape: signup cohorts before the data whose survivors look loyal. Data from
// 2024-03-01 to 2024-05-31 (whole months). January: 10 users of whom only the 4 still active
// show up, all of them in March and April; March and April cohorts signed up inside the data.
std::string CensoringFixture() {
  std::string text(testing::kUsageHeader);
  for (int user = 0; user < 4; ++user) {  // January survivors, active in March, April and May
    for (const char* day : {"2024-03-01", "2024-04-04", "2024-05-31"})
      text += fmt::format("jan{},2024-01-15,{},Search,1\n", user, day);
  }
  for (int user = 0; user < 10; ++user) {  // March: 10 signups, 3 back in April, 2 in May
    text += fmt::format("mar{},2024-03-02,2024-03-02,Search,1\n", user);
    if (user < 3) text += fmt::format("mar{},2024-03-02,2024-04-10,Search,1\n", user);
    if (user < 2) text += fmt::format("mar{},2024-03-02,2024-05-10,Search,1\n", user);
  }
  for (int user = 0; user < 5; ++user) {  // April: 5 signups, 1 back in May
    text += fmt::format("apr{},2024-04-03,2024-04-03,Search,1\n", user);
    if (user < 1) text += fmt::format("apr{},2024-04-03,2024-05-20,Search,1\n", user);
  }
  return text;
}

TEST(Cohorts, TheAverageIsOverCohortsThatStartedInsideTheData) {
  const CohortMatrix matrix =
      ComputeCohorts(IngestOrDie(CensoringFixture()).dataset, CohortPeriod::kMonth);
  ASSERT_EQ(matrix.cohorts.size(), 3u);
  EXPECT_EQ(matrix.left_censored, (std::vector<uint8_t>{1, 0, 0}));
  EXPECT_FALSE(matrix.first_bucket_partial);
  EXPECT_FALSE(matrix.last_bucket_partial);
  // January's survivors: 100% in periods 2, 3 and 4, which would pull the average up.
  EXPECT_EQ(matrix.active[0], (std::vector<uint64_t>{0, 0, 4, 4, 4}));
  // Period 1: March 3 of 10 and April 1 of 5 = 4 / 15; period 2: March only, 2 / 10. With
  // January counted they would be 4 / 15 and (2 + 4) / 14, and periods 3-4 would be 100%.
  ASSERT_EQ(matrix.average.size(), 5u);
  EXPECT_DOUBLE_EQ(matrix.average[0], 1.0);
  EXPECT_DOUBLE_EQ(matrix.average[1], 4.0 / 15.0);
  EXPECT_DOUBLE_EQ(matrix.average[2], 0.2);
  EXPECT_TRUE(std::isnan(matrix.average[3]));
  EXPECT_TRUE(std::isnan(matrix.average[4]));
}

TEST(Cohorts, AWeekTheDataStartsInsideCensorsItsCohort) {
  // Online Retail's shape: the data starts on a Wednesday, so the first week's cohort holds
  // users first seen Wednesday to Sunday, some of whom came before: censored.
  const std::string text = std::string(testing::kUsageHeader) +
                           "a,,2024-01-03,Search,1\n"  // Wednesday: week of 2024-01-01
                           "a,,2024-01-09,Search,1\n"
                           "b,,2024-01-08,Search,1\n"  // Monday: week of 2024-01-08
                           "b,,2024-01-21,Search,1\n";
  const CohortMatrix weeks = ComputeCohorts(IngestOrDie(text).dataset, CohortPeriod::kWeek);
  ASSERT_EQ(weeks.cohorts.size(), 2u);
  EXPECT_EQ(weeks.left_censored, (std::vector<uint8_t>{1, 0}));
  EXPECT_TRUE(weeks.first_bucket_partial);
  ASSERT_EQ(weeks.average.size(), 3u);
  EXPECT_DOUBLE_EQ(weeks.average[0], 1.0);  // the week of 2024-01-08 only: b
  EXPECT_DOUBLE_EQ(weeks.average[1], 1.0);  // b again in the week of 2024-01-15
  EXPECT_TRUE(std::isnan(weeks.average[2]));
}

TEST(Cohorts, AveragePeriodNoCohortCountsAtIsNaN) {
  // Only the January signups: censored, so no period has a cohort to average.
  const std::string text = std::string(testing::kUsageHeader) +
                           "u1,2024-01-10,2024-03-05,Search,1\n"
                           "u1,2024-01-10,2024-04-02,Search,1\n";
  const CohortMatrix matrix = ComputeCohorts(IngestOrDie(text).dataset, CohortPeriod::kMonth);
  ASSERT_EQ(matrix.average.size(), 4u);
  for (const double share : matrix.average) EXPECT_TRUE(std::isnan(share));
  for (const double share : matrix.average_on_or_after) EXPECT_TRUE(std::isnan(share));
}

TEST(Revenue, MonthsCarryTheDaysTheDataCoversInThem) {
  const std::string text = std::string(testing::kRetailHeader) +
                           "1,A,a,1,2011-01-05 10:00:00,1.0,10,UK\n"
                           "2,A,a,1,2011-02-01 10:00:00,1.0,10,UK\n"
                           "3,A,a,1,2011-03-09 10:00:00,1.0,10,UK\n";
  const std::vector<MonthRevenue> months =
      RevenueByMonth(TransactionsOf(IngestOrDie(text).dataset));
  ASSERT_EQ(months.size(), 3u);
  EXPECT_EQ(months[0].days_in_data, 27u);  // 5 .. 31 January
  EXPECT_EQ(months[0].days, 31u);
  EXPECT_EQ(months[1].days_in_data, 28u);
  EXPECT_EQ(months[1].days, 28u);
  EXPECT_EQ(months[2].days_in_data, 9u);
  EXPECT_EQ(months[2].days, 31u);
}

TEST(OnlineRetailAnalytics, CohortSizesAndMonthsMatchTheCleaningGolden) {
  const std::string text = testing::ReadXz(testing::PublicDataPath("online_retail.csv.xz"));
  ASSERT_FALSE(text.empty());
  const auto golden = testing::ReadGolden(testing::GoldenPath("online_retail_cleaning.golden"));
  // That golden is of the seed's plain cancellation rule (no netting).
  IngestOptions plain;
  plain.cleaning.Set(CleaningRule::kNetCancellations, false);
  Result<CleanedData> ingested = IngestText(text, "online_retail.csv", plain);
  ASSERT_TRUE(ingested.ok()) << ingested.status().message();
  const CleanedData& data = *ingested;
  const CohortMatrix matrix = ComputeCohorts(data.dataset, CohortPeriod::kMonth);
  ASSERT_EQ(matrix.cohorts.size(), 13u);
  for (size_t cohort_idx = 0; cohort_idx < matrix.cohorts.size(); ++cohort_idx) {
    const std::string key = "customers_by_cohort." + FormatMonth(matrix.cohorts[cohort_idx]);
    EXPECT_EQ(matrix.cohort_size[cohort_idx], std::stoull(golden.at(key))) << key;
    EXPECT_EQ(matrix.active[cohort_idx][0], matrix.cohort_size[cohort_idx]);
    EXPECT_EQ(matrix.first_observed_period[cohort_idx], 0u);  // first-purchase cohorts
  }
  double total = 0;
  for (const MonthRevenue& month : RevenueByMonth(TransactionsOf(data.dataset)))
    total += month.revenue;
  EXPECT_NEAR(total, std::stod(golden.at("kept.revenue")), 0.005);
}

}  // namespace
}  // namespace growthlens
