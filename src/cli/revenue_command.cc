// growthlens revenue FILE: revenue of a transactions file by month (with new vs returning
// customers), by country, by product with the Pareto headline, and by season (month of year,
// weekday, hour). Definitions in docs/ANALYTICS.md.

#include <array>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/date_window.h"
#include "cli/revenue_views.h"
#include "metrics/dataset_summary.h"
#include "metrics/revenue.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kRevenueCommand = "revenue";
/// Products listed in a table; csv and json list every product.
constexpr size_t kTableProducts = 20;
constexpr double kParetoFraction = 0.2;

enum class RevenueView { kMonthly, kCountries, kProducts, kSeasonality };

struct RevenueArgs {
  AnalysisInput input;
  DateWindowArgs window;
  std::string view = "monthly";
};

Status RunRevenue(RevenueArgs& args, CommandOutcome& outcome) {
  Result<RevenueView> view_choice =
      ParseChoice<RevenueView>("--view", args.view,
                               {{"monthly", RevenueView::kMonthly},
                                {"countries", RevenueView::kCountries},
                                {"products", RevenueView::kProducts},
                                {"seasonality", RevenueView::kSeasonality}});
  if (!view_choice.ok()) return view_choice.status();
  Result<DateWindow> window = ParseDateWindow(args.window);
  if (!window.ok()) return window.status();
  Result<LoadedData> cleaned = LoadForAnalysis(kRevenueCommand, args.input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& whole = (*cleaned)->dataset;
  const std::shared_ptr<const Dataset> windowed = RowsOfWindow(whole, *window);
  const Dataset& dataset = windowed ? *windowed : whole;
  if (dataset.kind() != DataKind::kTransactions)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is a {} log, and revenue needs transactions (InvoiceNo, "
                              "StockCode, Quantity, InvoiceDate, UnitPrice, CustomerID, Country); "
                              "map another export with --kind transactions and the column flags",
                              args.input.input, DataKindName(dataset.kind())));
  const DatasetSummary summary = Summarize(dataset);
  const OutputFormat format = args.input.format;
  std::string heading = fmt::format(
      "Revenue {} from {} orders of {} customers, {} .. {}\n\n", GroupedNumber(summary.revenue, 2),
      WithThousands(summary.orders), WithThousands(summary.users),
      summary.first_day == kNoDay ? "-" : FormatDate(summary.first_day),
      summary.last_day == kNoDay ? "-" : FormatDate(summary.last_day));
  JsonDocument json;
  json.Set("view", args.view);
  json.Set("revenue", summary.revenue);
  json.Set("orders", summary.orders);
  json.Set("customers", summary.users);
  json.Set("window", WindowJson(DaysWithRows(whole), *window));

  switch (*view_choice) {
    case RevenueView::kMonthly:
    case RevenueView::kCountries: {
      const bool monthly = *view_choice == RevenueView::kMonthly;
      auto months = std::make_shared<const std::vector<MonthRevenue>>(
          monthly ? RevenueByMonth(dataset) : std::vector<MonthRevenue>());
      for (const MonthRevenue& month : *months)
        if (month.days_in_data < month.days)
          heading = fmt::format(
              "{}Note: the data covers {} in part ({} of {} days): its totals "
              "read low.\n\n",
              heading.substr(0, heading.size() - 1), FormatMonth(month.month), month.days_in_data,
              month.days);
      const View view =
          monthly
              ? RevenueMonthlyView(months)
              : RevenueCountriesView(
                    std::make_shared<const std::vector<CountryRevenue>>(RevenueByCountry(dataset)),
                    summary.revenue);
      if (format == OutputFormat::kTable) PrintOut(outcome, heading + RenderTable(view));
      if (format == OutputFormat::kCsv) PrintOut(outcome, RenderCsv(view));
      if (format == OutputFormat::kJson) {
        json.SetRows(monthly ? "months" : "countries", view);
        PrintOut(outcome, json.Render());
      }
      break;
    }
    case RevenueView::kProducts: {
      const ParetoCurve curve = ProductPareto(dataset);
      const double top_customer_share = TopCustomerShare(dataset, kParetoFraction);
      const View view = RevenueProductsView(curve, dataset);
      const View others = NonProductLinesView(curve, dataset, summary.revenue);
      if (format == OutputFormat::kTable) {
        heading += fmt::format(
            "Pareto   the top 20% of products ({} of {}) bring {:.1f}% of product revenue; the "
            "top 20% of customers bring {:.1f}% of revenue\n",
            WithThousands(curve.top_count), WithThousands(curve.products.size()),
            100.0 * curve.top_share, 100.0 * top_customer_share);
        heading += fmt::format(
            "Products {} of revenue; lines that are not products (postage, fees, adjustments) "
            "{}, listed after the products\n\n",
            GroupedNumber(curve.product_revenue, 2), GroupedNumber(curve.non_product_revenue, 2));
        heading += RenderTable(view, kTableProducts);
        if (view.rows > kTableProducts)
          heading += fmt::format("... and {} more products (--format csv or json lists all)\n",
                                 WithThousands(view.rows - kTableProducts));
        if (others.rows > 0) heading += "\nNot products\n" + RenderTable(others);
        PrintOut(outcome, heading);
      }
      if (format == OutputFormat::kCsv) PrintOut(outcome, RenderCsv(view));
      if (format == OutputFormat::kJson) {
        json.Set("product_count", curve.products.size());
        json.Set("top_count", curve.top_count);
        json.Set("top_share", curve.top_share);
        json.Set("top_customer_share", top_customer_share);
        json.Set("product_revenue", curve.product_revenue);
        json.Set("non_product_revenue", curve.non_product_revenue);
        json.SetRows("non_products", others);
        json.SetRows("products", view);
        PrintOut(outcome, json.Render());
      }
      break;
    }
    case RevenueView::kSeasonality: {
      std::vector<View> views;
      const std::vector<CompensatedSum> order_revenue = OrderRevenue(dataset);
      for (const SeasonTable& table : kSeasonTables)
        views.push_back(RevenueSeasonView(table,
                                          RevenueBySeason(dataset, table.season, order_revenue),
                                          summary.revenue, format == OutputFormat::kCsv));
      if (format == OutputFormat::kTable) {
        for (size_t table_idx = 0; table_idx < views.size(); ++table_idx)
          heading += (table_idx == 0 ? "" : "\n") + RenderTable(views[table_idx]);
        PrintOut(outcome, heading);
      }
      if (format == OutputFormat::kCsv) PrintOut(outcome, RenderCsv(StackedView(std::move(views))));
      if (format == OutputFormat::kJson) {
        for (size_t table_idx = 0; table_idx < views.size(); ++table_idx)
          json.SetRows(kSeasonTables[table_idx].key, views[table_idx]);
        PrintOut(outcome, json.Render());
      }
      break;
    }
  }
  return Status::Ok();
}

}  // namespace

void RegisterRevenueCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<RevenueArgs>();
  CLI::App* command = app.add_subcommand(
      "revenue",
      "Revenue analysis of a transactions CSV, loaded as ingest does (nothing is written); a usage "
      "log is refused (exit 2).\nRevenue = sum of Quantity x UnitPrice, orders = distinct "
      "invoices, AOV = revenue / orders. Definitions in docs/ANALYTICS.md.");
  AddAnalysisInput(*command, args->input, outcome);
  AddDateWindowOptions(*command, args->window);
  command->add_option(
      "--view", args->view,
      "monthly (default): revenue, orders, customers, AOV, new and returning customers' revenue "
      "per month; countries: by revenue; products: by revenue with cumulative share and the "
      "Pareto headline (top 20% of products and of customers; tables show the first 20); "
      "seasonality: by month of year, weekday (Mon..Sun) and hour");
  command->callback([args, &outcome] {
    const Status status = RunRevenue(*args, outcome);
    if (!status.ok()) ReportFailure(std::string(kRevenueCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
