// The daily trend (DAU, trailing WAU and MAU, revenue) against a direct count per day, and the
// rows of a date window (users keep their true start).
#include "metrics/kpi_trend.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "dataset_kinds.h"
#include "ingest_or_die.h"
#include "metrics/rows_before.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

using testing::IngestOrDie;

/// One Online Retail line of item 20001 ("Item a", 1.50) or 20002 ("Item b", 4.00).
std::string Line(int invoice, int item, int quantity, const char* when, int customer) {
  return fmt::format("{},{},{},{},{},{},{},France\n", invoice, item == 1 ? "20001" : "20002",
                     item == 1 ? "Item a" : "Item b", quantity, when, item == 1 ? "1.50" : "4.00",
                     customer);
}

/// Distinct users with a row in [day - length + 1, day].
uint64_t ActiveInTrailing(const Dataset& dataset, Day day, int length) {
  std::set<uint32_t> users;
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const Day row_day = DayOfRow(dataset, row);
    if (row_day <= day && row_day > day - length) users.insert(UserOfRow(dataset, row));
  }
  return users.size();
}

TEST(KpiTrend, DauAndTrailingWauMauMatchADirectCount) {
  // 40 users over 90 days, with gaps: user u is active every (u % 9 + 2)-th day from day u.
  std::string csv(testing::kUsageHeader);
  for (int user = 0; user < 40; ++user)
    for (int day = user % 13; day < 90; day += user % 9 + 2) {
      const Day when = DaysFromCivil(2024, 1, 1) + day;
      csv += fmt::format("u{},2023-12-01,{},Search,1\n", user, FormatDate(when));
    }
  const CleanedData data = IngestOrDie(csv);
  // A window starting after the data does: its first WAU and MAU look back before it.
  const Day first = DaysFromCivil(2024, 1, 20), last = DaysFromCivil(2024, 3, 20);
  const KpiTrend trend = ComputeKpiTrend(data.dataset, first, last);
  ASSERT_EQ(trend.size(), static_cast<size_t>(last - first + 1));
  for (size_t offset = 0; offset < trend.size(); ++offset) {
    const Day day = first + static_cast<Day>(offset);
    EXPECT_EQ(trend.daily_active[offset], ActiveInTrailing(data.dataset, day, 1)) << offset;
    EXPECT_EQ(trend.weekly_active[offset], ActiveInTrailing(data.dataset, day, 7)) << offset;
    EXPECT_EQ(trend.monthly_active[offset], ActiveInTrailing(data.dataset, day, 30)) << offset;
  }
  EXPECT_TRUE(trend.revenue.empty());
}

TEST(KpiTrend, RevenueAndOrdersPerDay) {
  const std::string csv = std::string(testing::kRetailHeader) +
                          Line(1001, 1, 2, "2024-01-02 10:00:00", 17001) +
                          Line(1001, 2, 1, "2024-01-02 10:00:00", 17001) +
                          Line(1002, 1, 3, "2024-01-02 12:00:00", 17002) +
                          Line(1003, 2, 5, "2024-01-04 09:00:00", 17001);
  const CleanedData data = IngestOrDie(csv);
  const KpiTrend trend =
      ComputeKpiTrend(data.dataset, DaysFromCivil(2024, 1, 2), DaysFromCivil(2024, 1, 4));
  EXPECT_EQ(trend.daily_active, (std::vector<uint64_t>{2, 0, 1}));
  EXPECT_EQ(trend.weekly_active, (std::vector<uint64_t>{2, 2, 2}));
  EXPECT_EQ(trend.orders, (std::vector<uint64_t>{2, 0, 1}));
  ASSERT_EQ(trend.revenue.size(), 3u);
  EXPECT_DOUBLE_EQ(trend.revenue[0], 3.0 + 4.0 + 4.5);
  EXPECT_DOUBLE_EQ(trend.revenue[1], 0.0);
  EXPECT_DOUBLE_EQ(trend.revenue[2], 20.0);
}

TEST(RowsInWindow, KeepsTheRowsOfThePeriodAndEachUsersTrueStart) {
  const std::string csv = std::string(testing::kRetailHeader) +
                          Line(1001, 1, 2, "2024-01-02 10:00:00", 17001) +
                          Line(1002, 1, 3, "2024-02-02 12:00:00", 17001) +
                          Line(1003, 2, 5, "2024-02-04 09:00:00", 17002) +
                          Line(1004, 2, 1, "2024-03-04 09:00:00", 17002);
  const CleanedData data = IngestOrDie(csv);
  const Dataset feb =
      RowsInWindow(data.dataset, DaysFromCivil(2024, 2, 1), DaysFromCivil(2024, 2, 29));
  EXPECT_EQ(feb.rows(), 2u);
  EXPECT_EQ(TransactionsOf(feb).orders.size(), 2u);
  // 17001 started in January (a returning customer in February), 17002 in February.
  EXPECT_EQ(feb.user_signup()[*feb.users().Find("17001")], DaysFromCivil(2024, 1, 2));
  EXPECT_EQ(feb.user_signup()[*feb.users().Find("17002")], DaysFromCivil(2024, 2, 4));
}

}  // namespace
}  // namespace growthlens
