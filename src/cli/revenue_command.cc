// growthlens revenue FILE: revenue of a transactions file by month (with new vs returning
// customers), by country, by product with the Pareto headline, and by season (month of year,
// weekday, hour). Definitions in docs/ANALYTICS.md.

#include <array>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "metrics/dataset_summary.h"
#include "metrics/revenue.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kCommand = "revenue";
/// Products listed in a table; csv and json list every product.
constexpr size_t kTableProducts = 20;
constexpr double kParetoFraction = 0.2;

enum class RevenueView { kMonthly, kCountries, kProducts, kSeasonality };

struct RevenueArgs {
  AnalysisInput input;
  std::string view = "monthly";
};

double Ratio(double part, double whole) {
  return whole == 0 ? 0.0 : part / whole;
}

View MonthlyView(std::shared_ptr<const std::vector<MonthRevenue>> months) {
  View view;
  view.columns = {{"month", "Month", Align::kLeft},
                  {"revenue", "Revenue"},
                  {"orders", "Orders"},
                  {"customers", "Customers"},
                  {"aov", "AOV"},
                  {"new_revenue", "New revenue"},
                  {"returning_revenue", "Returning revenue"}};
  view.rows = months->size();
  view.row = [months](size_t row, std::vector<Cell>& cells) {
    const MonthRevenue& month = (*months)[row];
    cells = {Cell::Text(FormatMonth(month.month)),
             Cell::Money(month.revenue),
             Cell::Integer(static_cast<int64_t>(month.orders)),
             Cell::Integer(static_cast<int64_t>(month.customers)),
             Cell::Money(month.average_order_value),
             Cell::Money(month.new_revenue),
             Cell::Money(month.returning_revenue)};
  };
  return view;
}

View CountriesView(std::shared_ptr<const std::vector<CountryRevenue>> countries, double total) {
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

/// The first description seen for each stock code (a code may carry several).
std::vector<uint32_t> FirstDescriptions(const Dataset& dataset) {
  std::vector<uint32_t> description(dataset.stock_codes.size(), kNullCode);
  for (uint32_t item = 0; item < dataset.items.size(); ++item) {
    uint32_t& first = description[dataset.items.stock_code[item]];
    if (first == kNullCode) first = dataset.items.description[item];
  }
  return description;
}

View ProductsView(const ParetoCurve& curve, const Dataset& dataset, double total) {
  auto descriptions = std::make_shared<std::vector<uint32_t>>(FirstDescriptions(dataset));
  View view;
  view.columns = {{"rank", "Rank"},
                  {"stock_code", "StockCode", Align::kLeft},
                  {"description", "Description", Align::kLeft},
                  {"revenue", "Revenue"},
                  {"quantity", "Quantity"},
                  {"revenue_share", "Share"},
                  {"cumulative_share", "Cumulative"}};
  view.rows = curve.products.size();
  view.row = [&curve, &dataset, descriptions, total](size_t row, std::vector<Cell>& cells) {
    const ProductRevenue& product = curve.products[row];
    const uint32_t description = (*descriptions)[product.stock_code];
    cells = {Cell::Integer(static_cast<int64_t>(row + 1)),
             Cell::Text(std::string(dataset.stock_codes[product.stock_code])),
             description == kNullCode ? Cell::Empty()
                                      : Cell::Text(std::string(dataset.descriptions[description])),
             Cell::Money(product.revenue),
             Cell::Integer(product.quantity),
             Cell::Percent(Ratio(product.revenue, total)),
             Cell::Percent(curve.cumulative_share[row])};
  };
  return view;
}

struct SeasonTable {
  Season season;
  const char* key;    // JSON list and CSV dimension
  const char* title;  // table header of the key column
  int first, last;    // keys listed, zeros included
};
constexpr std::array<SeasonTable, 3> kSeasonTables = {{
    {Season::kMonthOfYear, "month_of_year", "Month", 1, 12},
    {Season::kWeekday, "weekday", "Weekday", 0, 6},
    {Season::kHour, "hour", "Hour", 0, 23},
}};

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

/// Every key of `table` (zeros included): key, name, revenue, share, orders. With `dimension`,
/// a first column names the table (for the one CSV holding all three).
View SeasonView(const SeasonTable& table, const std::vector<SeasonRevenue>& found, double total,
                bool dimension) {
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

Status RunRevenue(RevenueArgs& args) {
  Result<RevenueView> view_choice =
      ParseChoice<RevenueView>("--view", args.view,
                               {{"monthly", RevenueView::kMonthly},
                                {"countries", RevenueView::kCountries},
                                {"products", RevenueView::kProducts},
                                {"seasonality", RevenueView::kSeasonality}});
  if (!view_choice.ok()) return view_choice.status();
  Result<CleanedData> cleaned = LoadForAnalysis(kCommand, args.input);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& dataset = cleaned->dataset;
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

  switch (*view_choice) {
    case RevenueView::kMonthly:
    case RevenueView::kCountries: {
      const bool monthly = *view_choice == RevenueView::kMonthly;
      const View view = monthly ? MonthlyView(std::make_shared<const std::vector<MonthRevenue>>(
                                      RevenueByMonth(dataset)))
                                : CountriesView(std::make_shared<const std::vector<CountryRevenue>>(
                                                    RevenueByCountry(dataset)),
                                                summary.revenue);
      if (format == OutputFormat::kTable) PrintOut(heading + RenderTable(view));
      if (format == OutputFormat::kCsv) PrintOut(RenderCsv(view));
      if (format == OutputFormat::kJson) {
        json.SetRows(monthly ? "months" : "countries", view);
        PrintOut(json.Render());
      }
      break;
    }
    case RevenueView::kProducts: {
      const ParetoCurve curve = ProductPareto(dataset);
      const double top_customer_share = TopCustomerShare(dataset, kParetoFraction);
      const View view = ProductsView(curve, dataset, summary.revenue);
      if (format == OutputFormat::kTable) {
        heading += fmt::format(
            "Pareto   the top 20% of products ({} of {}) bring {:.1f}% of revenue; the top 20% of "
            "customers bring {:.1f}%\n\n",
            WithThousands(curve.top_count), WithThousands(curve.products.size()),
            100.0 * curve.top_share, 100.0 * top_customer_share);
        heading += RenderTable(view, kTableProducts);
        if (view.rows > kTableProducts)
          heading += fmt::format("... and {} more products (--format csv or json lists all)\n",
                                 WithThousands(view.rows - kTableProducts));
        PrintOut(heading);
      }
      if (format == OutputFormat::kCsv) PrintOut(RenderCsv(view));
      if (format == OutputFormat::kJson) {
        json.Set("product_count", curve.products.size());
        json.Set("top_count", curve.top_count);
        json.Set("top_share", curve.top_share);
        json.Set("top_customer_share", top_customer_share);
        json.SetRows("products", view);
        PrintOut(json.Render());
      }
      break;
    }
    case RevenueView::kSeasonality: {
      std::vector<View> views;
      for (const SeasonTable& table : kSeasonTables)
        views.push_back(SeasonView(table, RevenueBySeason(dataset, table.season), summary.revenue,
                                   format == OutputFormat::kCsv));
      if (format == OutputFormat::kTable) {
        for (size_t table_idx = 0; table_idx < views.size(); ++table_idx)
          heading += (table_idx == 0 ? "" : "\n") + RenderTable(views[table_idx]);
        PrintOut(heading);
      }
      if (format == OutputFormat::kCsv) PrintOut(RenderCsv(StackedView(std::move(views))));
      if (format == OutputFormat::kJson) {
        for (size_t table_idx = 0; table_idx < views.size(); ++table_idx)
          json.SetRows(kSeasonTables[table_idx].key, views[table_idx]);
        PrintOut(json.Render());
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
  AddAnalysisInput(*command, args->input);
  command->add_option(
      "--view", args->view,
      "monthly (default): revenue, orders, customers, AOV, new and returning customers' revenue "
      "per month; countries: by revenue; products: by revenue with cumulative share and the "
      "Pareto headline (top 20% of products and of customers; tables show the first 20); "
      "seasonality: by month of year, weekday (Mon..Sun) and hour");
  command->callback([args, &outcome] {
    const Status status = RunRevenue(*args);
    if (!status.ok()) ReportFailure(std::string(kCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
