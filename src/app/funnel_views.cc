#include "app/funnel_views.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string_view>
#include <utility>

#include "app/table_view.h"
#include "core/date.h"

namespace growthlens::app {

namespace {

constexpr double kMsPerSecond = 1000.0;
constexpr int kSecondsDecimals = 3;

/// "3d 4h", "2h 5m", "45s": a duration as people read it, for tables.
std::string Duration(double ms) {
  const auto seconds = static_cast<int64_t>(ms / kMsPerSecond + 0.5);
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m {}s", seconds / 60, seconds % 60);
  if (seconds < 86400) return fmt::format("{}h {}m", seconds / 3600, seconds % 3600 / 60);
  return fmt::format("{}d {}h", seconds / 86400, seconds % 86400 / 3600);
}

Cell TimeCell(const ConversionTimes& times, double ms, bool human) {
  if (times.count == 0) return Cell::Empty();
  return human ? Cell::Text(Duration(ms)) : Cell::Number(ms / kMsPerSecond, kSecondsDecimals);
}

std::string TimestampText(int64_t ms) {
  return FormatTimestamp(FloorDiv(ms, static_cast<int64_t>(kMsPerSecond)));
}

/// One row per step of `summary`; `group` adds a first column (CSV of several groups).
View StepsView(const FunnelResult& result, const FunnelSummary& summary, bool human,
               std::string group_key = "", std::string group = "") {
  View view;
  if (!group_key.empty()) view.columns.push_back({group_key, group_key, Align::kLeft});
  const std::vector<ViewColumn> columns = {{"step", "Step"},
                                           {"event", "Event", Align::kLeft},
                                           {"users", "Users"},
                                           {"conversion_from_previous", "From previous"},
                                           {"conversion_from_first", "From first"},
                                           {"dropped", "Dropped"},
                                           {"median_seconds", "Median time"},
                                           {"p25_seconds", "p25"},
                                           {"p75_seconds", "p75"},
                                           {"p90_seconds", "p90"}};
  view.columns.insert(view.columns.end(), columns.begin(), columns.end());
  view.rows = summary.steps.size();
  view.row = [&result, &summary, human, has_group = !group_key.empty(), group](
                 size_t row, std::vector<Cell>& cells) {
    const FunnelStepStats& step = summary.steps[row];
    const ConversionTimes& times = step.time_from_previous;
    cells.clear();
    if (has_group) cells.push_back(Cell::Text(group));
    cells.push_back(Cell::Integer(static_cast<int64_t>(row + 1)));
    cells.push_back(Cell::Text(result.step_names[row]));
    cells.push_back(Cell::Integer(static_cast<int64_t>(step.users)));
    cells.push_back(Cell::Percent(step.from_previous));
    cells.push_back(Cell::Percent(step.from_first));
    cells.push_back(Cell::Integer(static_cast<int64_t>(step.dropped)));
    cells.push_back(TimeCell(times, times.median, human));
    cells.push_back(TimeCell(times, times.p25, human));
    cells.push_back(TimeCell(times, times.p75, human));
    cells.push_back(TimeCell(times, times.p90, human));
  };
  return view;
}

nlohmann::ordered_json TimesJson(const ConversionTimes& times) {
  nlohmann::ordered_json json = {{"users", times.count}};
  const auto seconds = [&times](double ms) {
    return times.count == 0 ? nlohmann::ordered_json(nullptr)
                            : nlohmann::ordered_json(ms / kMsPerSecond);
  };
  json["median_seconds"] = seconds(times.median);
  json["p25_seconds"] = seconds(times.p25);
  json["p75_seconds"] = seconds(times.p75);
  json["p90_seconds"] = seconds(times.p90);
  json["mean_seconds"] = seconds(times.mean);
  nlohmann::ordered_json histogram = nlohmann::ordered_json::array();
  for (size_t bin = 0; bin < kFunnelHistogramBins; ++bin)
    histogram.push_back(
        {{"under_seconds", bin < kFunnelHistogramBounds.size()
                               ? nlohmann::ordered_json(kFunnelHistogramBounds[bin] / 1000)
                               : nlohmann::ordered_json(nullptr)},
         {"users", times.histogram[bin]}});
  json["histogram"] = std::move(histogram);
  return json;
}

nlohmann::ordered_json SummaryJson(const FunnelResult& result, const FunnelSummary& summary) {
  nlohmann::ordered_json steps = ViewRowsJson(StepsView(result, summary, false));
  for (size_t step = 0; step < summary.steps.size(); ++step)
    steps[step]["time_from_previous"] = step == 0
                                            ? nlohmann::ordered_json(nullptr)
                                            : TimesJson(summary.steps[step].time_from_previous);
  return {{"steps", std::move(steps)}, {"time_overall", TimesJson(summary.time_overall)}};
}

std::string TrendLabel(const FunnelResult& result, size_t row) {
  return CohortBucketLabel(result.trend_buckets[row], result.trend_period);
}

/// The users who reached step `dropoff_step` and not the next one.
std::vector<uint32_t> DroppedUsers(const FunnelResult& result) {
  std::vector<uint32_t> users;
  for (uint32_t user = 0; user < result.users->users(); ++user)
    if (result.users->level[user] == result.dropoff_step) users.push_back(user);
  return users;
}

View DroppedView(const FunnelResult& result, std::shared_ptr<const std::vector<uint32_t>> users) {
  View view;
  view.columns = {{"user", "User", Align::kLeft},
                  {"last_step", "Last step reached", Align::kLeft},
                  {"entered_at", "First step at (UTC)", Align::kLeft},
                  {"last_step_at", "Last step at (UTC)", Align::kLeft}};
  view.rows = users->size();
  view.row = [&result, users](size_t row, std::vector<Cell>& cells) {
    const uint32_t user = (*users)[row];
    const size_t last = result.dropoff_step - 1;
    cells = {Cell::Text(std::string(result.log->users[user])), Cell::Text(result.step_names[last]),
             Cell::Text(TimestampText(result.users->Time(user, 0))),
             Cell::Text(TimestampText(result.users->Time(user, last)))};
  };
  return view;
}

std::string DroppedHeading(const FunnelResult& result, size_t users) {
  const size_t step = result.dropoff_step;
  return step == result.spec.steps.size()
             ? fmt::format("{} users completed the funnel (step {}: {})\n\n", WithThousands(users),
                           step, result.step_names[step - 1])
             : fmt::format("{} users reached step {} ({}) but not step {} ({})\n\n",
                           WithThousands(users), step, result.step_names[step - 1], step + 1,
                           result.step_names[step]);
}

}  // namespace

std::string FunnelJson(const FunnelResult& result) {
  JsonDocument json;
  json.Set("kind", DataKindName(result.kind));
  json.Set("mode", result.mode);
  json.Set("window", result.window);
  json.Set("window_seconds", result.spec.window_ms / 1000);
  if (result.dropoff_step > 0) {
    const auto users = std::make_shared<const std::vector<uint32_t>>(DroppedUsers(result));
    json.Set("dropoff_step", result.dropoff_step);
    json.SetRows("users", DroppedView(result, users));
    return json.Render();
  }
  const nlohmann::ordered_json all = SummaryJson(result, result.summary);
  json.Set("steps", all["steps"]);
  json.Set("time_overall", all["time_overall"]);
  if (!result.groups.empty() || result.by != "none") {
    std::vector<nlohmann::ordered_json> groups;
    for (size_t group = 0; group < result.groups.size(); ++group) {
      nlohmann::ordered_json item = {{"group", result.group_labels[group]}};
      item.update(SummaryJson(result, result.groups[group]));
      groups.push_back(std::move(item));
    }
    json.Set("by", result.by);
    json.SetList("groups", groups);
  }
  if (!result.trend_buckets.empty()) {
    std::vector<nlohmann::ordered_json> periods;
    for (size_t row = 0; row < result.trend.size(); ++row) {
      const FunnelSummary& summary = result.trend[row];
      nlohmann::ordered_json item = {{"period", TrendLabel(result, row)},
                                     {"entered", summary.steps.front().users},
                                     {"completed", summary.steps.back().users},
                                     {"conversion", summary.steps.back().from_first}};
      item.update(SummaryJson(result, summary));
      periods.push_back(std::move(item));
    }
    json.Set("trend_period", CohortPeriodName(result.trend_period));
    json.SetList("trend", periods);
  }
  return json.Render();
}

std::string FunnelCsv(const FunnelResult& result) {
  if (result.dropoff_step > 0)
    return RenderCsv(
        DroppedView(result, std::make_shared<const std::vector<uint32_t>>(DroppedUsers(result))));
  std::string out = RenderCsv(StepsView(result, result.summary, false, "group", "all"));
  const auto append_rows = [&out](const View& view) {
    const std::string csv = RenderCsv(view);
    out += csv.substr(csv.find('\n') + 1);  // the header is the first view's
  };
  for (size_t group = 0; group < result.groups.size(); ++group)
    append_rows(StepsView(result, result.groups[group], false, "group",
                          result.by == "property"
                              ? result.group_labels[group]
                              : fmt::format("{}={}", result.by, result.group_labels[group])));
  for (size_t row = 0; row < result.trend.size(); ++row)
    append_rows(StepsView(
        result, result.trend[row], false, "group",
        fmt::format("{}:{}", CohortPeriodName(result.trend_period), TrendLabel(result, row))));
  return out;
}

std::string FunnelTableText(const FunnelResult& result) {
  if (result.dropoff_step > 0) {
    const auto users = std::make_shared<const std::vector<uint32_t>>(DroppedUsers(result));
    return DroppedHeading(result, users->size()) + RenderTable(DroppedView(result, users));
  }
  const FunnelSummary& summary = result.summary;
  std::string out = fmt::format(
      "Funnel of {} steps, window {}, mode {}: {} users entered, {} completed ({:.1f}%)\n",
      summary.steps.size(), result.window, result.mode, WithThousands(summary.steps.front().users),
      WithThousands(summary.steps.back().users), 100.0 * summary.steps.back().from_first);
  if (summary.time_overall.count > 0)
    out += fmt::format("Time from first to last step: median {}, p90 {}\n",
                       Duration(summary.time_overall.median), Duration(summary.time_overall.p90));
  out += '\n' + RenderTable(StepsView(result, summary, true));
  for (size_t group = 0; group < result.groups.size(); ++group)
    out += fmt::format("\n{} = {}\n", result.by, result.group_labels[group]) +
           RenderTable(StepsView(result, result.groups[group], true));
  if (!result.trend.empty()) {
    View trend;
    trend.columns = {{"period", CohortPeriodName(result.trend_period), Align::kLeft},
                     {"entered", "Entered"},
                     {"completed", "Completed"},
                     {"conversion", "Conversion"}};
    trend.rows = result.trend.size();
    trend.row = [&result](size_t row, std::vector<Cell>& cells) {
      const FunnelSummary& period = result.trend[row];
      cells = {Cell::Text(TrendLabel(result, row)),
               Cell::Integer(static_cast<int64_t>(period.steps.front().users)),
               Cell::Integer(static_cast<int64_t>(period.steps.back().users)),
               Cell::Percent(period.steps.back().from_first)};
    };
    out += fmt::format("\nConversion by {} of the first step\n",
                       CohortPeriodName(result.trend_period)) +
           RenderTable(trend);
  }
  return out;
}

}  // namespace growthlens::app
