#include "metrics/kpis.h"

#include <gtest/gtest.h>

#include "ingest_or_die.h"
#include "metrics/activity_grid.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

// Two weeks from Monday 2024-01-01: DAU 1,2,0,0,1,0,0,0,0,1,0,0,0,1; weeks 3 then 2 users.
const char* const kTwoWeeks =
    "u1,2023-12-01,2024-01-01,Search,3\n"
    "u1,2023-12-01,2024-01-01,Export,2\n"
    "u1,2023-12-01,2024-01-02,Search,1\n"
    "u1,2023-12-01,2024-01-10,Search,4\n"
    "u2,2023-12-15,2024-01-02,Search,5\n"
    "u2,2023-12-15,2024-01-14,Reports,1\n"
    "u3,2024-01-05,2024-01-05,Search,2\n";

using testing::IngestOrDie;

TEST(ActivityGrid, CountsDistinctDaysAndActiveUsersPerPeriod) {
  const CleanedData data = IngestOrDie(std::string(testing::kUsageHeader) + kTwoWeeks);
  const ActivityGrid grid(data.dataset, DaysFromCivil(2024, 1, 1), DaysFromCivil(2024, 1, 14));
  EXPECT_EQ(grid.ActiveDays(*data.dataset.users().Find("u1")), 3);
  EXPECT_EQ(grid.ActiveDays(*data.dataset.users().Find("u2")), 2);
  EXPECT_TRUE(grid.Active(*data.dataset.users().Find("u3"), DaysFromCivil(2024, 1, 5)));
  EXPECT_FALSE(grid.Active(*data.dataset.users().Find("u3"), DaysFromCivil(2024, 1, 6)));
  EXPECT_EQ(grid.DailyActiveUsers(),
            (std::vector<uint64_t>{1, 2, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(grid.WeeklyActiveUsers(), (std::vector<uint64_t>{3, 2}));
  EXPECT_EQ(grid.MonthlyActiveUsers(), (std::vector<uint64_t>{3}));
  EXPECT_EQ(grid.ActiveUsers(), 3u);
}

TEST(Kpis, UsageLogWholePeriodAndAWindow) {
  const CleanedData data = IngestOrDie(std::string(testing::kUsageHeader) + kTwoWeeks);
  const Kpis all = ComputeKpis(data.dataset, KpiOptions());
  EXPECT_EQ(all.users, 3u);
  EXPECT_EQ(all.active_users, 3u);
  EXPECT_EQ(all.events, 18);
  EXPECT_DOUBLE_EQ(all.events_per_user, 6.0);
  EXPECT_DOUBLE_EQ(all.active_days_per_user, 2.0);
  EXPECT_DOUBLE_EQ(all.average_dau, 6.0 / 14.0);
  EXPECT_DOUBLE_EQ(all.average_wau, 2.5);
  EXPECT_DOUBLE_EQ(all.average_mau, 3.0);
  EXPECT_DOUBLE_EQ(all.stickiness, 6.0 / 14.0 / 3.0);

  KpiOptions second_week;
  second_week.from = DaysFromCivil(2024, 1, 8);
  const Kpis window = ComputeKpis(data.dataset, second_week);
  EXPECT_EQ(window.users, 3u);
  EXPECT_EQ(window.active_users, 2u);
  EXPECT_EQ(window.events, 5);
  EXPECT_EQ(window.rows, 2u);
  EXPECT_DOUBLE_EQ(window.average_dau, 2.0 / 7.0);
  EXPECT_DOUBLE_EQ(window.average_wau, 2.0);
}

TEST(Kpis, WindowBeyondTheDataAveragesOverEveryDayAskedFor) {
  // Two quiet weeks before the data and the rest of January after it: 2023-12-18..2024-01-31 is
  // 45 days, 7 Monday-weeks and 2 months, the data's 6 active user-days, 3 + 2 weekly and 3
  // monthly actives unchanged. Only the data's 14 days need bits.
  const CleanedData data = IngestOrDie(std::string(testing::kUsageHeader) + kTwoWeeks);
  KpiOptions wide;
  wide.from = DaysFromCivil(2023, 12, 18);
  wide.to = DaysFromCivil(2024, 1, 31);
  const Kpis kpis = ComputeKpis(data.dataset, wide);
  EXPECT_DOUBLE_EQ(kpis.average_dau, 6.0 / 45.0);
  EXPECT_DOUBLE_EQ(kpis.average_wau, 5.0 / 7.0);
  EXPECT_DOUBLE_EQ(kpis.average_mau, 3.0 / 2.0);
  EXPECT_DOUBLE_EQ(kpis.active_days_per_user, 2.0);

  KpiOptions everything;
  everything.from = DaysFromCivil(1, 1, 1);
  everything.to = DaysFromCivil(9999, 12, 31);
  const Kpis all = ComputeKpis(data.dataset, everything);
  EXPECT_DOUBLE_EQ(all.average_dau, 6.0 / 3652059.0);
  EXPECT_EQ(CountPeriods(*everything.from, *everything.to).months, 9999u * 12u);
}

TEST(Kpis, Transactions) {
  const std::string text = std::string(testing::kRetailHeader) +
                           "1,A,a,2,2011-01-03 10:00,5.0,200,UK\n"
                           "1,B,b,1,2011-01-03 10:00,2.5,200,UK\n"
                           "2,A,a,1,2011-02-07 09:00,5.0,200,UK\n"
                           "3,A,a,4,2011-02-09 12:00,5.0,30,France\n"
                           "6,C,c,1,2011-03-02 08:00,1.5,77,UK\n";
  const CleanedData data = IngestOrDie(text);
  const Kpis kpis = ComputeKpis(data.dataset, KpiOptions());
  EXPECT_DOUBLE_EQ(kpis.revenue, 39.0);
  EXPECT_EQ(kpis.orders, 4u);
  EXPECT_EQ(kpis.active_users, 3u);
  EXPECT_DOUBLE_EQ(kpis.average_order_value, 9.75);
  EXPECT_DOUBLE_EQ(kpis.repeat_purchase_rate, 1.0 / 3.0);  // only customer 200 came back
}

}  // namespace
}  // namespace growthlens
