#include "app/revenue_analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "app/date_params.h"
#include "app/revenue_views.h"
#include "app/table_view.h"
#include "metrics/analysis.h"
#include "metrics/dataset_summary.h"
#include "metrics/revenue.h"

namespace growthlens::app {

namespace {

/// Products listed in a table; csv and json list every product.
constexpr size_t kTableProducts = 20;
constexpr double kParetoFraction = 0.2;

struct RevenueParams {
  std::optional<Day> from;
  std::optional<Day> to;
  std::string view;
};

/// What one view of revenue rests on, computed by the run; the renderers only lay it out.
struct RevenueResult {
  std::string view;  // monthly, countries, products, seasonality
  std::optional<DayRange> data;
  DateWindow window;
  std::shared_ptr<const Dataset> windowed;  // null: the whole data
  const Dataset* whole = nullptr;
  DatasetSummary summary;
  std::shared_ptr<const std::vector<MonthRevenue>> months;
  std::shared_ptr<const std::vector<CountryRevenue>> countries;
  std::shared_ptr<const ParetoCurve> curve;
  double top_customer_share = 0;
  std::vector<std::vector<SeasonRevenue>> seasons;  // per kSeasonTables entry

  /// The rows the view covers (transactions: RunRevenue checks the kind).
  const TransactionLog& dataset() const {
    return *(windowed ? *windowed : *whole).As<TransactionLog>();
  }
};

Result<RevenueResult> RunRevenue(const CleanedData& data, const RevenueParams& params,
                                 RunContext& context) {
  Result<DateWindow> window = CheckedWindow(params.from, params.to, context.naming);
  if (!window.ok()) return window.status();
  RevenueResult result;
  result.view = params.view;
  result.whole = &data.dataset;
  result.window = *window;
  result.data = DaysWithRows(data.dataset, context.analysis.get(), context.analysis_window);
  if (data.dataset.As<TransactionLog>() == nullptr)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is a {} log, and revenue needs transactions (InvoiceNo, "
                              "StockCode, Quantity, InvoiceDate, UnitPrice, CustomerID, Country); "
                              "map another export with --kind transactions and the column flags",
                              context.source, DataKindName(data.dataset.kind())));
  // The tables the load computed when they cover the window (all time, or the window a
  // ClickHouse workspace computed them over).
  const std::shared_ptr<const Analysis> held =
      HeldAnalysisCovers(context.analysis.get(), context.analysis_window, *window)
          ? context.analysis
          : nullptr;
  if (!held) result.windowed = RowsOfWindow(data.dataset, *window);
  const TransactionLog& dataset = result.dataset();
  result.summary = Summarize(result.windowed ? *result.windowed : data.dataset);
  // A ClickHouse workspace's data is one row per customer, not the rows the held analysis was
  // computed from: its totals are the held KPIs' (of a window: its customers and days with rows).
  const bool stand_in_rows =
      held && (context.analysis_window || held->kpis.rows != data.dataset.rows());
  if (stand_in_rows) {
    result.summary.rows = held->kpis.rows;
    result.summary.users = held->kpis.users;
    result.summary.first_day = held->kpis.from;
    result.summary.last_day = held->kpis.to;
    if (context.analysis_window) {
      const std::optional<DayRange>& rows = context.analysis_window->rows;
      result.summary.users = held->kpis.active_users;
      result.summary.first_day = rows ? rows->first : kNoDay;
      result.summary.last_day = rows ? rows->last : kNoDay;
    }
    result.summary.revenue = held->kpis.revenue;
    result.summary.orders = held->kpis.orders;
  }
  if (params.view == "monthly")
    result.months =
        held ? std::shared_ptr<const std::vector<MonthRevenue>>(held, &held->months)
             : std::make_shared<const std::vector<MonthRevenue>>(RevenueByMonth(dataset));
  if (params.view == "countries")
    result.countries =
        held ? std::shared_ptr<const std::vector<CountryRevenue>>(held, &held->countries)
             : std::make_shared<const std::vector<CountryRevenue>>(RevenueByCountry(dataset));
  if (params.view == "products") {
    result.curve = held ? std::shared_ptr<const ParetoCurve>(held, &held->pareto)
                        : std::make_shared<const ParetoCurve>(ProductPareto(dataset));
    // The customers' revenue in the window (RFM's monetary values of the customers with rows
    // in it); the others count as customers without revenue, as TopCustomerShare counts every
    // customer of the data.
    if (stand_in_rows) {
      std::vector<double> monetary = held->rfm.monetary;
      monetary.resize(std::max<size_t>(monetary.size(), held->kpis.users), 0.0);
      result.top_customer_share = TopShare(std::move(monetary), kParetoFraction);
    } else {
      result.top_customer_share = TopCustomerShare(dataset, kParetoFraction);
    }
  }
  if (params.view == "seasonality") {
    if (held) {
      result.seasons = {held->seasonality.month_of_year, held->seasonality.weekday,
                        held->seasonality.hour};
    } else {
      const std::vector<CompensatedSum> order_revenue = OrderRevenue(dataset);
      for (const SeasonTable& table : kSeasonTables)
        result.seasons.push_back(RevenueBySeason(dataset, table.season, order_revenue));
    }
  }
  return result;
}

std::string RevenueHeading(const RevenueResult& result) {
  const DatasetSummary& summary = result.summary;
  std::string heading = fmt::format(
      "Revenue {} from {} orders of {} customers, {} .. {}\n\n", GroupedNumber(summary.revenue, 2),
      WithThousands(summary.orders), WithThousands(summary.users),
      summary.first_day == kNoDay ? "-" : FormatDate(summary.first_day),
      summary.last_day == kNoDay ? "-" : FormatDate(summary.last_day));
  if (result.months)
    for (const MonthRevenue& month : *result.months)
      if (month.days_in_data < month.days)
        heading = fmt::format(
            "{}Note: the data covers {} in part ({} of {} days): its totals "
            "read low.\n\n",
            heading.substr(0, heading.size() - 1), FormatMonth(month.month), month.days_in_data,
            month.days);
  return heading;
}

/// The view's main table (for csv: the seasonality's three stacked).
View RevenueMainView(const RevenueResult& result, bool csv) {
  if (result.months) return RevenueMonthlyView(result.months);
  if (result.countries) return RevenueCountriesView(result.countries, result.summary.revenue);
  if (result.curve) return RevenueProductsView(*result.curve);
  std::vector<View> views;
  for (size_t table_idx = 0; table_idx < kSeasonTables.size(); ++table_idx)
    views.push_back(RevenueSeasonView(kSeasonTables[table_idx], result.seasons[table_idx],
                                      result.summary.revenue, csv));
  return StackedView(std::move(views));
}

std::string RevenueCsv(const RevenueResult& result) {
  return RenderCsv(RevenueMainView(result, /*csv=*/true));
}

std::string RevenueJson(const RevenueResult& result) {
  JsonDocument json;
  json.Set("view", result.view);
  json.Set("revenue", result.summary.revenue);
  json.Set("orders", result.summary.orders);
  json.Set("customers", result.summary.users);
  json.Set("window", WindowJson(result.data, result.window));
  if (result.months) json.SetRows("months", RevenueMonthlyView(result.months));
  if (result.countries)
    json.SetRows("countries", RevenueCountriesView(result.countries, result.summary.revenue));
  if (result.curve) {
    const ParetoCurve& curve = *result.curve;
    json.Set("product_count", curve.products.size());
    json.Set("top_count", curve.top_count);
    json.Set("top_share", curve.top_share);
    json.Set("top_customer_share", result.top_customer_share);
    json.Set("product_revenue", curve.product_revenue);
    json.Set("non_product_revenue", curve.non_product_revenue);
    json.SetRows("non_products", NonProductLinesView(curve, result.summary.revenue));
    json.SetRows("products", RevenueProductsView(curve));
  }
  for (size_t table_idx = 0; table_idx < result.seasons.size(); ++table_idx)
    json.SetRows(kSeasonTables[table_idx].key,
                 RevenueSeasonView(kSeasonTables[table_idx], result.seasons[table_idx],
                                   result.summary.revenue, false));
  return json.Render();
}

std::string RevenueTableText(const RevenueResult& result) {
  std::string heading = RevenueHeading(result);
  if (result.curve) {
    const ParetoCurve& curve = *result.curve;
    const View view = RevenueProductsView(curve);
    const View others = NonProductLinesView(curve, result.summary.revenue);
    heading += fmt::format(
        "Pareto   the top 20% of products ({} of {}) bring {:.1f}% of product revenue; the "
        "top 20% of customers bring {:.1f}% of revenue\n",
        WithThousands(curve.top_count), WithThousands(curve.products.size()),
        100.0 * curve.top_share, 100.0 * result.top_customer_share);
    heading += fmt::format(
        "Products {} of revenue; lines that are not products (postage, fees, adjustments) "
        "{}, listed after the products\n\n",
        GroupedNumber(curve.product_revenue, 2), GroupedNumber(curve.non_product_revenue, 2));
    heading += RenderTable(view, kTableProducts);
    if (view.rows > kTableProducts)
      heading += fmt::format("... and {} more products (--format csv or json lists all)\n",
                             WithThousands(view.rows - kTableProducts));
    if (others.rows > 0) heading += "\nNot products\n" + RenderTable(others);
    return heading;
  }
  if (!result.seasons.empty()) {
    for (size_t table_idx = 0; table_idx < result.seasons.size(); ++table_idx) {
      if (table_idx > 0) heading += '\n';
      heading += RenderTable(RevenueSeasonView(kSeasonTables[table_idx], result.seasons[table_idx],
                                               result.summary.revenue, false));
    }
    return heading;
  }
  return heading + RenderTable(RevenueMainView(result, false));
}

}  // namespace

AnalysisEntry RevenueAnalysis() {
  return MakeEntry(
      AnalysisInfo(
          "revenue", DataNeed::kTransactions,
          "Revenue of transactions by month (new vs returning customers), country, product "
          "(Pareto) or season",
          "Revenue analysis of a transactions CSV, loaded as ingest does (nothing is written); a "
          "usage log is refused (exit 2).\n"
          "Revenue = sum of Quantity x UnitPrice, orders = distinct invoices, AOV = revenue / "
          "orders. Definitions in docs/ANALYTICS.md."),
      TypedAnalysis<RevenueParams, RevenueResult>{
          {
              {FromParamSpec(), &RevenueParams::from},
              {ToParamSpec(), &RevenueParams::to},
              {EnumParam(
                   "view", "monthly", {"monthly", "countries", "products", "seasonality"},
                   "monthly (default): revenue, orders, customers, AOV, new and returning "
                   "customers' revenue per month; countries: by revenue; products: by revenue "
                   "with cumulative share and the Pareto headline (top 20% of products and of "
                   "customers; tables show the first 20); seasonality: by month of year, weekday "
                   "(Mon..Sun) and hour"),
               &RevenueParams::view},
          },
          CheckWindowParams<RevenueParams>,
          RunRevenue,
          RevenueJson,
          RevenueCsv,
          RevenueTableText});
}

}  // namespace growthlens::app
