// growthlens kpis FILE: the headline KPIs of a usage log or a transactions file over a period
// (the whole data unless --from / --to), as a metric / value card. Definitions in
// docs/ANALYTICS.md.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/date_window.h"
#include "metrics/kpi_trend.h"
#include "metrics/kpis.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kKpisCommand = "kpis";

struct KpisArgs {
  AnalysisInput input;
  DateWindowArgs window;
  std::string view = "card";
};

enum class KpisView { kCard, kTrend };

/// One line of the card: its key (CSV metric, JSON field), its label in the table, its value.
/// The period fields are in the table's headline rather than in its card.
struct KpiField {
  std::string key;
  std::string label;
  Cell value;
  bool in_card = true;
};

Cell Count(uint64_t value) {
  return Cell::Integer(static_cast<int64_t>(value));
}

std::vector<KpiField> KpiFields(const Kpis& kpis) {
  std::vector<KpiField> fields = {
      {"kind", "Data", Cell::Text(DataKindName(kpis.kind)), false},
      {"from", "From", Cell::Text(FormatDate(kpis.from)), false},
      {"to", "To", Cell::Text(FormatDate(kpis.to)), false},
      {"days", "Days", Cell::Integer(kpis.to - kpis.from + 1), false},
  };
  auto add = [&fields](std::string key, std::string label, Cell value) {
    fields.push_back({std::move(key), std::move(label), std::move(value)});
  };
  if (kpis.kind == DataKind::kUsage) {
    add("users", "Users (whole data)", Count(kpis.users));
    add("active_users", "Active users", Count(kpis.active_users));
    add("rows", "Rows", Count(kpis.rows));
    add("events", "Events", Cell::Integer(kpis.events));
    add("events_per_user", "Events per active user",
        Cell::Number(kpis.events_per_user, kRatioDecimals));
    add("active_days_per_user", "Active days per active user",
        Cell::Number(kpis.active_days_per_user, kRatioDecimals));
    add("average_dau", "Average DAU", Cell::Number(kpis.average_dau, kRatioDecimals));
    add("average_wau", "Average WAU", Cell::Number(kpis.average_wau, kRatioDecimals));
    add("average_mau", "Average MAU", Cell::Number(kpis.average_mau, kRatioDecimals));
    add("stickiness", "Stickiness (DAU / MAU)", Cell::Percent(kpis.stickiness));
  } else {
    add("customers", "Customers (whole data)", Count(kpis.users));
    add("active_customers", "Customers in the period", Count(kpis.active_users));
    add("rows", "Rows", Count(kpis.rows));
    add("revenue", "Revenue", Cell::Money(kpis.revenue));
    add("orders", "Orders", Count(kpis.orders));
    add("average_order_value", "Average order value", Cell::Money(kpis.average_order_value));
    add("repeat_purchase_rate", "Repeat-purchase rate", Cell::Percent(kpis.repeat_purchase_rate));
  }
  return fields;
}

/// Two columns; the metric column shows the label in a table and the key in CSV.
View CardView(std::shared_ptr<const std::vector<KpiField>> fields, bool labels) {
  auto shown = std::make_shared<std::vector<const KpiField*>>();
  for (const KpiField& field : *fields)
    if (field.in_card || !labels) shown->push_back(&field);
  View view;
  view.columns = {{"metric", "Metric", Align::kLeft}, {"value", "Value"}};
  view.rows = shown->size();
  view.row = [fields, shown, labels](size_t row, std::vector<Cell>& cells) {
    const KpiField& field = *(*shown)[row];
    cells = {Cell::Text(labels ? field.label : field.key), field.value};
  };
  return view;
}

std::string Headline(const Kpis& kpis) {
  const std::string period = fmt::format("{} .. {} ({} days)", FormatDate(kpis.from),
                                         FormatDate(kpis.to), kpis.to - kpis.from + 1);
  if (kpis.rows == 0) return fmt::format("KPIs {}: no rows in the period\n", period);
  if (kpis.kind == DataKind::kUsage)
    return fmt::format("Usage KPIs {}: {} active users, {} events, stickiness {:.1f}%\n", period,
                       WithThousands(kpis.active_users),
                       WithThousands(static_cast<uint64_t>(kpis.events)), 100.0 * kpis.stickiness);
  return fmt::format("Transaction KPIs {}: revenue {}, {} orders, {} customers\n", period,
                     GroupedNumber(kpis.revenue, 2), WithThousands(kpis.orders),
                     WithThousands(kpis.active_users));
}

/// Averages count every day of the window, so a window reaching past the data dilutes them.
void WarnOutsideData(const Dataset& dataset, const DateWindow& window) {
  const std::optional<DayRange> data = DaysWithRows(dataset);
  if (!data) return;
  if (window.from && *window.from < data->first)
    fmt::print(stderr,
               "growthlens kpis: warning: --from {} is before the first day in the data ({}); "
               "averages count the days before it as quiet\n",
               FormatDate(*window.from), FormatDate(data->first));
  if (window.to && *window.to > data->last)
    fmt::print(stderr,
               "growthlens kpis: warning: --to {} is after the last day in the data ({}); "
               "averages count the days after it as quiet\n",
               FormatDate(*window.to), FormatDate(data->last));
}

/// One row per day: DAU, trailing WAU and MAU, and for transactions revenue and orders.
View TrendView(std::shared_ptr<const KpiTrend> trend, bool transactions) {
  View view;
  view.columns = {{"day", "Day", Align::kLeft},
                  {"daily_active_users", "DAU"},
                  {"weekly_active_users", "WAU (7 days)"},
                  {"monthly_active_users", "MAU (30 days)"}};
  if (transactions) {
    view.columns.push_back({"revenue", "Revenue"});
    view.columns.push_back({"orders", "Orders"});
  }
  view.rows = trend->size();
  view.row = [trend, transactions](size_t row, std::vector<Cell>& cells) {
    cells = {Cell::Text(FormatDate(trend->first_day + static_cast<Day>(row))),
             Count(trend->daily_active[row]), Count(trend->weekly_active[row]),
             Count(trend->monthly_active[row])};
    if (transactions) {
      cells.push_back(Cell::Money(trend->revenue[row]));
      cells.push_back(Count(trend->orders[row]));
    }
  };
  return view;
}

Status PrintTrend(const Dataset& dataset, const DateWindow& window, const AnalysisInput& input,
                  CommandOutcome& outcome) {
  const std::optional<DayRange> data = DaysWithRows(dataset);
  const Day first = std::max(window.from.value_or(data->first), data->first);
  const Day last = std::min(window.to.value_or(data->last), data->last);
  const bool transactions = dataset.kind() == DataKind::kTransactions;
  const View view = TrendView(
      std::make_shared<const KpiTrend>(ComputeKpiTrend(dataset, first, last)), transactions);
  switch (input.format) {
    case OutputFormat::kTable:
      PrintOut(outcome, fmt::format("Daily trend {} .. {}: users active that day (DAU), in the 7 "
                                    "and 30 days up to it (WAU, MAU){}\n\n",
                                    FormatDate(first), FormatDate(last),
                                    transactions ? ", revenue and orders" : "") +
                            RenderTable(view));
      break;
    case OutputFormat::kCsv:
      PrintOut(outcome, RenderCsv(view));
      break;
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("view", "trend");
      json.Set("kind", DataKindName(dataset.kind()));
      json.Set("window", WindowJson(data, window));
      json.SetRows("days", view);
      PrintOut(outcome, json.Render());
      break;
    }
  }
  return Status::Ok();
}

Status RunKpis(KpisArgs& args, CommandOutcome& outcome) {
  Result<KpisView> view = ParseChoice<KpisView>(
      "--view", args.view, {{"card", KpisView::kCard}, {"trend", KpisView::kTrend}});
  if (!view.ok()) return view.status();
  Result<DateWindow> window = ParseDateWindow(args.window);
  if (!window.ok()) return window.status();
  Result<LoadedData> cleaned = LoadForAnalysis(kKpisCommand, args.input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& dataset = (*cleaned)->dataset;
  if (dataset.rows() == 0)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: no rows left after cleaning, so no KPIs", args.input.input));
  if (!args.input.quiet) WarnOutsideData(dataset, *window);
  if (*view == KpisView::kTrend) return PrintTrend(dataset, *window, args.input, outcome);

  const Kpis kpis = ComputeKpis(dataset, KpiOptions{window->from, window->to});
  auto fields = std::make_shared<const std::vector<KpiField>>(KpiFields(kpis));
  switch (args.input.format) {
    case OutputFormat::kTable:
      PrintOut(outcome, Headline(kpis) + "\n" + RenderTable(CardView(fields, /*labels=*/true)));
      break;
    case OutputFormat::kCsv:
      PrintOut(outcome, RenderCsv(CardView(fields, /*labels=*/false)));
      break;
    case OutputFormat::kJson: {
      JsonDocument json;
      for (const KpiField& field : *fields) json.Set(field.key, field.value.Json());
      json.Set("window", WindowJson(DaysWithRows(dataset), *window));
      PrintOut(outcome, json.Render());
      break;
    }
  }
  return Status::Ok();
}

}  // namespace

void RegisterKpisCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<KpisArgs>();
  CLI::App* command = app.add_subcommand(
      "kpis",
      "Headline KPIs of a usage log or a transactions file over a period, loaded as ingest does "
      "(nothing is written).\n"
      "Usage logs: users, active users, events, events and active days per active user, average "
      "DAU / WAU / MAU (over every day, week and month of the period, quiet ones included) and "
      "stickiness = average DAU / average MAU.\n"
      "Transactions: customers, revenue, orders, average order value, repeat-purchase rate "
      "(share of the period's customers with 2+ orders in it).\n"
      "Table: a headline and a metric / value card; json: one object; csv: metric,value rows "
      "(kind, from, to, days first). Definitions in docs/ANALYTICS.md.");
  AddAnalysisInput(*command, args->input, outcome);
  AddDateWindowOptions(*command, args->window);
  command->add_option("--view", args->view,
                      "card (default): the KPIs of the period; trend: one row per day with DAU, "
                      "the users active in the 7 and 30 days up to it (WAU, MAU) and, for "
                      "transactions, revenue and orders");
  command->callback([args, &outcome] {
    const Status status = RunKpis(*args, outcome);
    if (!status.ok()) ReportFailure(std::string(kKpisCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
