#include "app/kpis_analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "app/date_params.h"
#include "app/table_view.h"
#include "metrics/analysis.h"
#include "metrics/kpi_trend.h"
#include "metrics/kpis.h"

namespace growthlens::app {

namespace {

struct KpisParams {
  std::optional<Day> from;
  std::optional<Day> to;
  std::string view;
};

/// The card of a period, or its days (view=trend).
struct KpisResult {
  DataKind kind = DataKind::kUsage;
  std::optional<DayRange> data;  // the days with rows
  DateWindow window;             // as asked
  bool trend = false;
  Kpis kpis;                                   // the card
  std::shared_ptr<const KpiTrend> trend_days;  // the trend
  Day first = 0;                               // the trend's days, clamped to the data
  Day last = 0;
};

/// One line of the card: its key (CSV metric, JSON field), its label in the table, its value.
/// The period fields are in the table's headline rather than in its card.
struct KpiField {
  std::string key;
  std::string label;
  Cell value;
  bool in_card = true;
};

Cell KpiCount(uint64_t value) {
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
  if (ByKind(kpis.kind, true, false)) {
    add("users", "Users (whole data)", KpiCount(kpis.users));
    add("active_users", "Active users", KpiCount(kpis.active_users));
    add("rows", "Rows", KpiCount(kpis.rows));
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
    add("customers", "Customers (whole data)", KpiCount(kpis.users));
    add("active_customers", "Customers in the period", KpiCount(kpis.active_users));
    add("rows", "Rows", KpiCount(kpis.rows));
    add("revenue", "Revenue", Cell::Money(kpis.revenue));
    add("orders", "Orders", KpiCount(kpis.orders));
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
  if (ByKind(kpis.kind, true, false))
    return fmt::format("{} KPIs {}: {} active users, {} events, stickiness {:.1f}%\n",
                       kpis.kind == DataKind::kEvents ? "Event" : "Usage", period,
                       WithThousands(kpis.active_users),
                       WithThousands(static_cast<uint64_t>(kpis.events)), 100.0 * kpis.stickiness);
  return fmt::format("Transaction KPIs {}: revenue {}, {} orders, {} customers\n", period,
                     GroupedNumber(kpis.revenue, 2), WithThousands(kpis.orders),
                     WithThousands(kpis.active_users));
}

/// Averages count every day of the window, so a window reaching past the data dilutes them.
void WarnOutsideData(const DayRange& data, const DateWindow& window, RunContext& context) {
  if (window.from && *window.from < data.first)
    context.warnings.push_back(fmt::format(
        "{} {} is before the first day in the data ({}); averages count the days before it as "
        "quiet",
        ShownName(FromParamSpec(), context.naming), FormatDate(*window.from),
        FormatDate(data.first)));
  if (window.to && *window.to > data.last)
    context.warnings.push_back(fmt::format(
        "{} {} is after the last day in the data ({}); averages count the days after it as quiet",
        ShownName(ToParamSpec(), context.naming), FormatDate(*window.to), FormatDate(data.last)));
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
             KpiCount(trend->daily_active[row]), KpiCount(trend->weekly_active[row]),
             KpiCount(trend->monthly_active[row])};
    if (transactions) {
      cells.push_back(Cell::Money(trend->revenue[row]));
      cells.push_back(KpiCount(trend->orders[row]));
    }
  };
  return view;
}

Result<KpisResult> RunKpis(const CleanedData& data, const KpisParams& params, RunContext& context) {
  Result<DateWindow> window = CheckedWindow(params.from, params.to, context.naming);
  if (!window.ok()) return window.status();
  const Dataset& dataset = data.dataset;
  // (A pushed-down window without rows has no per-user rows, yet the whole data has some.)
  if (dataset.rows() == 0 && !context.analysis_window)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: no rows left after cleaning, so no KPIs", context.source));
  KpisResult result;
  result.kind = dataset.kind();
  result.data = DaysWithRows(dataset, context.analysis.get(), context.analysis_window);
  result.window = *window;
  WarnOutsideData(*result.data, *window, context);
  if (params.view == "trend") {
    result.trend = true;
    result.first = std::max(window->from.value_or(result.data->first), result.data->first);
    result.last = std::min(window->to.value_or(result.data->last), result.data->last);
    // Counted where the rows are (a ClickHouse workspace), or from the rows here.
    if (const Analysis* held = context.analysis.get(); held != nullptr && held->kpi_trend) {
      const KpiTrend& trend = *held->kpi_trend;
      const size_t days =
          result.last < result.first ? 0 : static_cast<size_t>(result.last - result.first + 1);
      if (trend.first_day != result.first || trend.size() != days)
        return Status(ErrorCode::kInternal,
                      fmt::format("the KPI trend held covers {} days from {}, not {} .. {}",
                                  trend.size(), FormatDate(trend.first_day),
                                  FormatDate(result.first), FormatDate(result.last)));
      result.trend_days = held->kpi_trend;
    } else {
      result.trend_days =
          std::make_shared<const KpiTrend>(ComputeKpiTrend(dataset, result.first, result.last));
    }
    return result;
  }
  // The KPIs the load computed, when held for this window (all time, or a pushed-down window).
  result.kpis = HeldAnalysisCovers(context.analysis.get(), context.analysis_window, *window)
                    ? context.analysis->kpis
                    : ComputeKpis(dataset, KpiOptions{window->from, window->to});
  return result;
}

std::string KpisJson(const KpisResult& result) {
  JsonDocument json;
  if (result.trend) {
    json.Set("view", "trend");
    json.Set("kind", DataKindName(result.kind));
    json.Set("window", WindowJson(result.data, result.window));
    json.SetRows("days", TrendView(result.trend_days, ByKind(result.kind, false, true)));
    return json.Render();
  }
  for (const KpiField& field : KpiFields(result.kpis)) json.Set(field.key, field.value.Json());
  json.Set("window", WindowJson(result.data, result.window));
  return json.Render();
}

std::string KpisCsv(const KpisResult& result) {
  if (result.trend)
    return RenderCsv(TrendView(result.trend_days, ByKind(result.kind, false, true)));
  return RenderCsv(CardView(std::make_shared<const std::vector<KpiField>>(KpiFields(result.kpis)),
                            /*labels=*/false));
}

std::string KpisTable(const KpisResult& result) {
  if (result.trend) {
    const bool transactions = ByKind(result.kind, false, true);
    return fmt::format(
               "Daily trend {} .. {}: users active that day (DAU), in the 7 and 30 days "
               "up to it (WAU, MAU){}\n\n",
               FormatDate(result.first), FormatDate(result.last),
               transactions ? ", revenue and orders" : "") +
           RenderTable(TrendView(result.trend_days, transactions));
  }
  return Headline(result.kpis) + "\n" +
         RenderTable(CardView(std::make_shared<const std::vector<KpiField>>(KpiFields(result.kpis)),
                              /*labels=*/true));
}

}  // namespace

AnalysisEntry KpisAnalysis() {
  return MakeEntry(
      AnalysisInfo(
          "kpis", DataNeed::kAny,
          "Headline KPIs of the period (a metric / value card), or one row per day",
          "Headline KPIs of a usage log or a transactions file over a period, loaded as ingest "
          "does (nothing is written).\n"
          "Usage logs: users, active users, events, events and active days per active user, "
          "average DAU / WAU / MAU (over every day, week and month of the period, quiet ones "
          "included) and stickiness = average DAU / average MAU.\n"
          "Transactions: customers, revenue, orders, average order value, repeat-purchase rate "
          "(share of the period's customers with 2+ orders in it).\n"
          "Table: a headline and a metric / value card; json: one object; csv: metric,value rows "
          "(kind, from, to, days first). Definitions in docs/ANALYTICS.md."),
      TypedAnalysis<KpisParams, KpisResult>{
          {
              {FromParamSpec(), &KpisParams::from},
              {ToParamSpec(), &KpisParams::to},
              {EnumParam(
                   "view", "card", {"card", "trend"},
                   "card (default): the KPIs of the period; trend: one row per day with DAU, the "
                   "users active in the 7 and 30 days up to it (WAU, MAU) and, for transactions, "
                   "revenue and orders"),
               &KpisParams::view},
          },
          CheckWindowParams<KpisParams>,
          RunKpis,
          KpisJson,
          KpisCsv,
          KpisTable});
}

}  // namespace growthlens::app
