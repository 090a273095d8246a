#include <gtest/gtest.h>

#include "core/date.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::warehouse {
namespace {

Day DayOf(const char* text) {
  return ParseIsoDate(text).value();
}

TEST(ClickHouseWindow, BoundsAsDateLiteralsOnTheRowsDay) {
  EXPECT_EQ(WindowCondition(DataKind::kUsage, {}), "1");
  EXPECT_EQ(WindowCondition(DataKind::kUsage, {DayOf("2025-03-12"), DayOf("2025-06-19")}),
            "day >= toDate('2025-03-12') AND day <= toDate('2025-06-19')");
  EXPECT_EQ(WindowCondition(DataKind::kEvents, {std::nullopt, DayOf("2025-06-19")}),
            "day <= toDate('2025-06-19')");
  // Transactions: the day of the purchase's time.
  EXPECT_EQ(WindowCondition(DataKind::kTransactions, {DayOf("2011-03-10"), std::nullopt}),
            "toDate(time) >= toDate('2011-03-10')");
}

TEST(ClickHouseWindow, BoundsOutsideTheDateRange) {
  // A Date holds 1970-01-01 .. 2149-06-06: a bound beyond keeps every row, or none.
  EXPECT_EQ(WindowCondition(DataKind::kUsage, {DayOf("1960-01-01"), std::nullopt}), "1");
  EXPECT_EQ(WindowCondition(DataKind::kUsage, {DayOf("1960-01-01"), DayOf("9999-12-31")}), "1");
  EXPECT_EQ(WindowCondition(DataKind::kUsage, {std::nullopt, DayOf("1969-12-31")}), "0");
  EXPECT_EQ(WindowCondition(DataKind::kUsage, {DayOf("9999-01-01"), std::nullopt}), "0");
  EXPECT_EQ(WindowCondition(DataKind::kUsage, {DayOf("1970-01-01"), std::nullopt}), "1");
}

}  // namespace
}  // namespace growthlens::warehouse
