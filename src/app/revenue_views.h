#pragma once
// Views of the revenue analyses, shared by `growthlens revenue`, `growthlens analyze` and the
// server: months, countries, products with the Pareto curve, and seasonality.

#include <array>
#include <memory>
#include <vector>

#include "app/table_view.h"
#include "core/dataset.h"
#include "metrics/revenue.h"

namespace growthlens::app {

struct SeasonTable {
  Season season;
  const char* key;    // JSON list and CSV dimension
  const char* title;  // table header of the key column
  int first, last;    // keys listed, zeros included
};
inline constexpr std::array<SeasonTable, 3> kSeasonTables = {{
    {Season::kMonthOfYear, "month_of_year", "Month", 1, 12},
    {Season::kWeekday, "weekday", "Weekday", 0, 6},
    {Season::kHour, "hour", "Hour", 0, 23},
}};

View RevenueMonthlyView(std::shared_ptr<const std::vector<MonthRevenue>> months);
View RevenueCountriesView(std::shared_ptr<const std::vector<CountryRevenue>> countries,
                          double total);
/// The products ranked, shares of product revenue (lines that are not products left out).
/// Refers to `curve`.
View RevenueProductsView(const ParetoCurve& curve);
/// The lines that are not products (postage, fees, adjustments) per stock code, with their
/// share of all revenue `total`. Refers to `curve`.
View NonProductLinesView(const ParetoCurve& curve, double total);
/// Every key of `table` (zeros included): key, name, revenue, share, orders. With `dimension`,
/// a first column names the table (for the one CSV holding all three).
View RevenueSeasonView(const SeasonTable& table, const std::vector<SeasonRevenue>& found,
                       double total, bool dimension);
/// Views with the same columns, one after the other.
View StackedView(std::vector<View> parts);

}  // namespace growthlens::app
