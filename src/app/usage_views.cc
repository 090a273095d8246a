#include "app/usage_views.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "app/table_view.h"
#include "metrics/analysis.h"
#include "metrics/property_breakdown.h"

namespace growthlens::app {

namespace {

/// Periods of the series shown in a terminal table unless --max-periods says otherwise.
constexpr size_t kTablePeriods = 12;

std::string FeatureName(const UsageLog& dataset, uint16_t feature) {
  return std::string(dataset.features[feature]);
}

/// The JSON fields every view starts with.
JsonDocument JsonHeading(const UsageContext& context) {
  JsonDocument json;
  json.Set("view", context.view);
  json.SetJsonText("filters", context.filters_json);
  nlohmann::ordered_json window = {{"from", nullptr}, {"to", nullptr}, {"all_time", true}};
  if (context.covered)
    window = {{"from", FormatDate(context.covered->first)},
              {"to", FormatDate(context.covered->last)},
              {"all_time", context.all_time}};
  json.Set("window", window);
  return json;
}

/// The view in the requested format; tables get `heading` and `footer` around them.
std::string Render(const UsageContext& context, const View& view, const std::string& heading,
                   JsonDocument json, std::string_view list_key, const std::string& footer = "") {
  switch (context.format) {
    case OutputFormat::kTable:
      return view.rows == 0 ? heading : heading + "\n" + RenderTable(view) + footer;
    case OutputFormat::kCsv:
      return RenderCsv(view);
    case OutputFormat::kJson:
      json.SetRows(list_key, view);
      return json.Render();
  }
  return "";
}

/// "<title> <period>, <filters>" and a line of detail, or a note that nothing matched.
std::string Heading(const UsageContext& context, std::string_view title, bool empty,
                    const std::string& detail) {
  return fmt::format("{} {}, {}\n{}\n", title, context.period, context.filters,
                     empty ? "No rows of the usage log match these filters" : detail);
}

const char* PeriodNoun(CohortPeriod granularity) {
  switch (granularity) {
    case CohortPeriod::kDay:
      return "days";
    case CohortPeriod::kWeek:
      return "weeks";
    case CohortPeriod::kMonth:
      return "months";
  }
  return "";
}

/// The feature report of the rows the filter keeps: the load's when it keeps them all.
FeatureReport ReportOf(const UsageContext& context) {
  if (context.whole) return context.whole->features;
  if (context.index)
    return FeatureReportOf(context.index->Totals(context.filter, context.segments));
  return ComputeFeatureReport(context.dataset, context.filter);
}

}  // namespace

std::string RenderFeatures(const UsageContext& context) {
  auto report = std::make_shared<const FeatureReport>(ReportOf(context));
  int64_t events = 0;
  for (const FeatureStats& stats : report->features) events += stats.events;
  View view;
  view.columns = {{"feature", "Feature", Align::kLeft},
                  {"events", "Events"},
                  {"events_share", "Share"},
                  {"users", "Users"},
                  {"adoption", "Adoption"}};
  view.rows = report->features.size();
  const UsageLog& dataset = context.dataset;
  view.row = [report, &dataset, events](size_t row, std::vector<Cell>& cells) {
    const FeatureStats& stats = report->features[row];
    cells = {Cell::Text(FeatureName(dataset, stats.feature)), Cell::Integer(stats.events),
             Cell::Percent(Ratio(static_cast<double>(stats.events), static_cast<double>(events))),
             Cell::Integer(static_cast<int64_t>(stats.users)), Cell::Percent(stats.adoption)};
  };
  const std::string heading = Heading(
      context, "Feature usage", report->features.empty(),
      fmt::format("{} active users, {} events in {} features; adoption = share of the active "
                  "users who used one",
                  WithThousands(report->active_users), WithThousands(static_cast<uint64_t>(events)),
                  report->features.size()));
  JsonDocument json = JsonHeading(context);
  json.Set("active_users", report->active_users);
  json.Set("events", events);
  return Render(context, view, heading, std::move(json), "features");
}

std::string RenderByProperty(const UsageContext& context, const PropertyColumn& property) {
  auto breakdown = std::make_shared<const PropertyBreakdown>(
      ComputePropertyBreakdown(context.dataset, property, context.filter));
  View view;
  view.columns = {{"value", property.name(), Align::kLeft},
                  {"events", "Events"},
                  {"events_share", "Share"},
                  {"users", "Users"},
                  {"adoption", "Adoption"}};
  view.rows = breakdown->values.size();
  const bool table = context.format == OutputFormat::kTable;
  view.row = [breakdown, &property, table](size_t row, std::vector<Cell>& cells) {
    const PropertyValueStats& stats = breakdown->values[row];
    const std::string_view value = property.values[stats.value];
    cells = {Cell::Text(value.empty() && table ? std::string("(not set)") : std::string(value)),
             Cell::Integer(stats.events), Cell::Percent(stats.events_share),
             Cell::Integer(static_cast<int64_t>(stats.users)), Cell::Percent(stats.adoption)};
  };
  const std::string heading = Heading(
      context, fmt::format("Feature usage by {}", property.name()), breakdown->values.empty(),
      fmt::format("{} active users, {} events in {} values; adoption = share of the active users "
                  "with an event of that value",
                  WithThousands(breakdown->active_users),
                  WithThousands(static_cast<uint64_t>(breakdown->events)),
                  breakdown->values.size()));
  JsonDocument json = JsonHeading(context);
  json.Set("property", property.name());
  json.Set("active_users", breakdown->active_users);
  json.Set("events", breakdown->events);
  return Render(context, view, heading, std::move(json), "values");
}

std::string RenderEngagement(const UsageContext& context) {
  FeatureReport report = ReportOf(context);
  // Widest reach first; stable, so equal breadth keeps the most events first.
  std::stable_sort(
      report.features.begin(), report.features.end(),
      [](const FeatureStats& a, const FeatureStats& b) { return a.breadth > b.breadth; });
  auto features = std::make_shared<const std::vector<FeatureStats>>(std::move(report.features));
  View view;
  view.columns = {{"feature", "Feature", Align::kLeft},
                  {"users", "Users"},
                  {"breadth", "Breadth"},
                  {"frequency", "Frequency (days)"},
                  {"events_per_user", "Events per user"}};
  view.rows = features->size();
  const UsageLog& dataset = context.dataset;
  view.row = [features, &dataset](size_t row, std::vector<Cell>& cells) {
    const FeatureStats& stats = (*features)[row];
    cells = {
        Cell::Text(FeatureName(dataset, stats.feature)),
        Cell::Integer(static_cast<int64_t>(stats.users)), Cell::Percent(stats.breadth),
        Cell::Number(stats.frequency, kRatioDecimals),
        Cell::Number(Ratio(static_cast<double>(stats.events), static_cast<double>(stats.users)),
                     kRatioDecimals)};
  };
  const std::string heading = Heading(
      context, "Feature engagement", features->empty(),
      fmt::format("Breadth: share of the {} active users who used it; frequency: mean distinct "
                  "days of use per user of it",
                  WithThousands(report.active_users)));
  JsonDocument json = JsonHeading(context);
  json.Set("active_users", report.active_users);
  return Render(context, view, heading, std::move(json), "features");
}

/// The first and last period shown when the days covered cut them (a series period with fewer
/// days to be active in): [{"period", "days_in_data", "days"}].
nlohmann::ordered_json PartialSeriesPeriods(const UsageContext& context,
                                            const FeatureSeries& series, size_t first_shown) {
  nlohmann::ordered_json partial = nlohmann::ordered_json::array();
  if (!context.covered || first_shown >= series.buckets.size()) return partial;
  std::vector<int32_t> edges = {series.buckets[first_shown]};
  if (series.buckets.back() != edges.front()) edges.push_back(series.buckets.back());
  for (const int32_t bucket : edges) {
    const PeriodCoverage coverage =
        CoverageOf(bucket, series.granularity, context.covered->first, context.covered->last);
    if (coverage.Partial())
      partial.push_back({{"period", CohortBucketLabel(bucket, series.granularity)},
                         {"days_in_data", coverage.days_in_data},
                         {"days", coverage.days}});
  }
  return partial;
}

std::string RenderSeries(const UsageContext& context, CohortPeriod granularity,
                         std::optional<size_t> max_periods) {
  // The load's series when it is of this period (unfiltered; a ClickHouse workspace's is
  // computed there in the period asked).
  auto series = std::make_shared<const FeatureSeries>(
      context.whole && context.whole->series.granularity == granularity ? context.whole->series
      : context.index
          ? FeatureSeriesOf(context.index->Series(granularity, context.filter, context.segments),
                            granularity)
          : ComputeFeatureSeries(context.dataset, granularity, context.filter));
  const size_t feature_count = series->features.size();
  auto totals = std::make_shared<std::vector<int64_t>>();
  for (const std::vector<int64_t>& events : series->events)
    totals->push_back(std::accumulate(events.begin(), events.end(), int64_t{0}));
  // Rows (features) by total events, most first, as in the features view.
  auto order = std::make_shared<std::vector<size_t>>(feature_count);
  std::iota(order->begin(), order->end(), size_t{0});
  std::stable_sort(order->begin(), order->end(),
                   [&totals](size_t a, size_t b) { return (*totals)[a] > (*totals)[b]; });

  const size_t periods = series->buckets.size();
  const size_t limit =
      max_periods.value_or(context.format == OutputFormat::kTable ? kTablePeriods : 0);
  const size_t shown = limit == 0 ? periods : std::min(periods, limit);
  const size_t first_shown = periods - shown;
  auto labels = std::make_shared<std::vector<std::string>>();
  for (int32_t bucket : series->buckets) labels->push_back(CohortBucketLabel(bucket, granularity));
  const UsageLog& dataset = context.dataset;

  if (context.format != OutputFormat::kTable) {
    // Long format: one row per (period, feature), periods ascending.
    View view;
    view.columns = {
        {"period", "Period"}, {"feature", "Feature"}, {"events", "Events"}, {"users", "Users"}};
    view.rows = shown * feature_count;
    view.row = [series, order, labels, &dataset, first_shown, feature_count](
                   size_t row, std::vector<Cell>& cells) {
      const size_t period_idx = first_shown + row / feature_count;
      const size_t feature_idx = (*order)[row % feature_count];
      cells = {Cell::Text((*labels)[period_idx]),
               Cell::Text(FeatureName(dataset, series->features[feature_idx])),
               Cell::Integer(series->events[feature_idx][period_idx]),
               Cell::Integer(static_cast<int64_t>(series->users[feature_idx][period_idx]))};
    };
    JsonDocument json = JsonHeading(context);
    json.Set("period", CohortPeriodName(granularity));
    json.Set("periods", shown);
    json.Set("total_periods", periods);
    json.Set("partial_periods", PartialSeriesPeriods(context, *series, first_shown));
    return Render(context, view, "", std::move(json), "series");
  }

  // Wide table: a row per feature, a column per period shown, then the total.
  View view;
  view.columns = {{"feature", "Feature", Align::kLeft}};
  for (size_t period_idx = first_shown; period_idx < periods; ++period_idx)
    view.columns.push_back({(*labels)[period_idx], (*labels)[period_idx]});
  view.columns.push_back({"total", "Total"});
  view.rows = feature_count;
  view.row = [series, order, totals, &dataset, first_shown, periods](size_t row,
                                                                     std::vector<Cell>& cells) {
    const size_t feature_idx = (*order)[row];
    cells.push_back(Cell::Text(FeatureName(dataset, series->features[feature_idx])));
    for (size_t period_idx = first_shown; period_idx < periods; ++period_idx)
      cells.push_back(Cell::Integer(series->events[feature_idx][period_idx]));
    cells.push_back(Cell::Integer((*totals)[feature_idx]));
  };
  const std::string heading =
      Heading(context, fmt::format("Events per {} and feature", CohortPeriodName(granularity)),
              feature_count == 0, "Features by total events, most first");
  std::string footer =
      shown < periods ? fmt::format("Showing the last {} of {} {} (--max-periods N, 0 = all); ",
                                    shown, periods, PeriodNoun(granularity))
                      : fmt::format("All {} {} shown; ", periods, PeriodNoun(granularity));
  footer += "Total is over all of them. Distinct users per period: --format csv or json\n";
  return Render(context, view, heading, JsonDocument(), "", footer);
}

std::string RenderCorrelation(const UsageContext& context) {
  const UsageLog& dataset = context.dataset;
  const FeatureReport report = ReportOf(context);
  // Features with kept rows, by name: the others have no variance to correlate.
  auto features = std::make_shared<std::vector<uint16_t>>();
  for (const FeatureStats& stats : report.features) features->push_back(stats.feature);
  std::sort(features->begin(), features->end(), [&dataset](uint16_t a, uint16_t b) {
    return dataset.features[a] < dataset.features[b];
  });
  auto matrix = std::make_shared<const std::vector<std::vector<double>>>(
      context.whole   ? context.whole->correlation
      : context.index ? context.index->Correlation(context.filter, context.segments)
                      : FeatureCorrelation(dataset, context.filter));

  View view;
  view.columns = {{"feature", "Feature", Align::kLeft}};
  for (uint16_t feature : *features)
    view.columns.push_back({FeatureName(dataset, feature), FeatureName(dataset, feature)});
  view.rows = features->size();
  view.row = [features, matrix, &dataset](size_t row, std::vector<Cell>& cells) {
    const uint16_t feature = (*features)[row];
    cells.push_back(Cell::Text(FeatureName(dataset, feature)));
    for (uint16_t other : *features)
      cells.push_back(Cell::Number((*matrix)[feature][other], kRatioDecimals));
  };
  if (context.format == OutputFormat::kJson) {
    // A matrix reads best as the feature names and one array per row.
    JsonDocument json = JsonHeading(context);
    json.Set("users", report.active_users);
    std::vector<nlohmann::ordered_json> names, rows;
    for (uint16_t feature : *features) {
      names.push_back(FeatureName(dataset, feature));
      nlohmann::ordered_json values = nlohmann::ordered_json::array();
      for (uint16_t other : *features) {
        const double value = (*matrix)[feature][other];
        values.push_back(std::isfinite(value) ? nlohmann::ordered_json(value) : nullptr);
      }
      rows.push_back(std::move(values));
    }
    json.Set("features", names);
    json.SetList("matrix", rows);
    return json.Render();
  }
  const std::string heading =
      Heading(context, "Feature correlation", features->empty(),
              fmt::format("Pearson r of per-user event totals over {} users; '-' where a feature's "
                          "totals do not vary",
                          WithThousands(report.active_users)));
  return Render(context, view, heading, JsonDocument(), "");
}

}  // namespace growthlens::app
