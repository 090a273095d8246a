#include "app/revenue_views.h"

#include <fmt/format.h>

#include <memory>

namespace growthlens::app {

namespace {

std::string SeasonName(Season season, int key) {
  constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  constexpr std::array<const char*, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu",
                                                    "Fri", "Sat", "Sun"};
  switch (season) {
    case Season::kMonthOfYear:
      return kMonths[static_cast<size_t>(key - 1)];
    case Season::kWeekday:
      return kWeekdays[static_cast<size_t>(key)];
    case Season::kHour:
      return fmt::format("{:02}:00", key);
  }
  return "";
}

}  // namespace

View RevenueMonthlyView(std::shared_ptr<const std::vector<MonthRevenue>> months) {
  View view;
  view.columns = {{"month", "Month", Align::kLeft},
                  {"revenue", "Revenue"},
                  {"orders", "Orders"},
                  {"customers", "Customers"},
                  {"aov", "AOV"},
                  {"new_revenue", "New revenue"},
                  {"returning_revenue", "Returning revenue"},
                  {"days_in_data", "Days in data"},
                  {"days", "Days"},
                  {"partial", "Partial", Align::kLeft}};
  view.rows = months->size();
  view.row = [months](size_t row, std::vector<Cell>& cells) {
    const MonthRevenue& month = (*months)[row];
    cells = {Cell::Text(FormatMonth(month.month)),
             Cell::Money(month.revenue),
             Cell::Integer(static_cast<int64_t>(month.orders)),
             Cell::Integer(static_cast<int64_t>(month.customers)),
             Cell::Money(month.average_order_value),
             Cell::Money(month.new_revenue),
             Cell::Money(month.returning_revenue),
             Cell::Integer(month.days_in_data),
             Cell::Integer(month.days),
             Cell::Flag(month.days_in_data < month.days)};
  };
  return view;
}

View RevenueCountriesView(std::shared_ptr<const std::vector<CountryRevenue>> countries,
                          double total) {
  View view;
  view.columns = {{"country", "Country", Align::kLeft},
                  {"revenue", "Revenue"},
                  {"revenue_share", "Share"},
                  {"orders", "Orders"},
                  {"customers", "Customers"}};
  view.rows = countries->size();
  view.row = [countries, total](size_t row, std::vector<Cell>& cells) {
    const CountryRevenue& country = (*countries)[row];
    cells = {Cell::Text(country.country), Cell::Money(country.revenue),
             Cell::Percent(Ratio(country.revenue, total)),
             Cell::Integer(static_cast<int64_t>(country.orders)),
             Cell::Integer(static_cast<int64_t>(country.customers))};
  };
  return view;
}

View RevenueProductsView(const ParetoCurve& curve) {
  View view;
  view.columns = {{"rank", "Rank"},
                  {"stock_code", "StockCode", Align::kLeft},
                  {"description", "Description", Align::kLeft},
                  {"revenue", "Revenue"},
                  {"quantity", "Quantity"},
                  {"revenue_share", "Share"},
                  {"cumulative_share", "Cumulative"}};
  view.rows = curve.products.size();
  view.row = [&curve](size_t row, std::vector<Cell>& cells) {
    const ProductRevenue& product = curve.products[row];
    cells = {Cell::Integer(static_cast<int64_t>(row + 1)),
             Cell::Text(product.stock_code),
             product.description.empty() ? Cell::Empty() : Cell::Text(product.description),
             Cell::Money(product.revenue),
             Cell::Integer(product.quantity),
             Cell::Percent(Ratio(product.revenue, curve.product_revenue)),
             Cell::Percent(curve.cumulative_share[row])};
  };
  return view;
}

View NonProductLinesView(const ParetoCurve& curve, double total) {
  View view;
  view.columns = {{"stock_code", "StockCode", Align::kLeft},
                  {"description", "Description", Align::kLeft},
                  {"revenue", "Revenue"},
                  {"quantity", "Quantity"},
                  {"revenue_share", "Share of revenue"}};
  view.rows = curve.non_products.size();
  view.row = [&curve, total](size_t row, std::vector<Cell>& cells) {
    const ProductRevenue& line = curve.non_products[row];
    cells = {Cell::Text(line.stock_code),
             line.description.empty() ? Cell::Empty() : Cell::Text(line.description),
             Cell::Money(line.revenue), Cell::Integer(line.quantity),
             Cell::Percent(Ratio(line.revenue, total))};
  };
  return view;
}

/// Every key of `table` (zeros included): key, name, revenue, share, orders. With `dimension`,
/// a first column names the table (for the one CSV holding all three).
View RevenueSeasonView(const SeasonTable& table, const std::vector<SeasonRevenue>& found,
                       double total, bool dimension) {
  auto rows = std::make_shared<std::vector<SeasonRevenue>>();
  for (int key = table.first; key <= table.last; ++key) {
    SeasonRevenue entry{key, 0, 0};
    for (const SeasonRevenue& season : found)
      if (season.key == key) entry = season;
    rows->push_back(entry);
  }
  View view;
  if (dimension) view.columns.push_back({"dimension", "Dimension", Align::kLeft});
  view.columns.push_back({dimension ? "key" : table.key, "#"});
  view.columns.push_back({"name", table.title, Align::kLeft});
  view.columns.push_back({"revenue", "Revenue"});
  view.columns.push_back({"revenue_share", "Share"});
  view.columns.push_back({"orders", "Orders"});
  view.rows = rows->size();
  view.row = [rows, table, total, dimension](size_t row, std::vector<Cell>& cells) {
    const SeasonRevenue& season = (*rows)[row];
    if (dimension) cells.push_back(Cell::Text(table.key));
    cells.push_back(Cell::Integer(season.key));
    cells.push_back(Cell::Text(SeasonName(table.season, season.key)));
    cells.push_back(Cell::Money(season.revenue));
    cells.push_back(Cell::Percent(Ratio(season.revenue, total)));
    cells.push_back(Cell::Integer(static_cast<int64_t>(season.orders)));
  };
  return view;
}

/// The three season views stacked into one (CSV).
View StackedView(std::vector<View> parts) {
  auto shared = std::make_shared<std::vector<View>>(std::move(parts));
  View view;
  view.columns = shared->front().columns;
  for (const View& part : *shared) view.rows += part.rows;
  view.row = [shared](size_t row, std::vector<Cell>& cells) {
    for (const View& part : *shared) {
      if (row < part.rows) return part.row(row, cells);
      row -= part.rows;
    }
  };
  return view;
}

}  // namespace growthlens::app
