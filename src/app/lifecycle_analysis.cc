#include "app/lifecycle_analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/date_params.h"
#include "app/lifecycle_views.h"
#include "app/table_view.h"
#include "metrics/analysis.h"
#include "metrics/lifecycle.h"

namespace growthlens::app {

namespace {

constexpr int kMeanDecimals = 2;

struct LifecycleParams {
  std::string period;
  std::optional<Day> from;
  std::optional<Day> to;
  std::string view;
};

struct LifecycleResult {
  std::string view;  // periods, stickiness
  LifecycleOptions options;
  DataKind kind = DataKind::kUsage;
  std::shared_ptr<const Lifecycle> lifecycle;

  bool usage() const { return ByKind(kind, true, false); }
  bool periods() const { return view != "stickiness"; }
};

std::string PartialPeriods(const LifecyclePeriods& periods, CohortPeriod period) {
  std::string partial;
  for (size_t idx = 0; idx < periods.size(); ++idx)
    if (periods.Partial(idx))
      partial += fmt::format("{}{} ({} of {} days)", partial.empty() ? "" : ", ",
                             CohortBucketLabel(periods.bucket[idx], period),
                             periods.days_in_data[idx], periods.days[idx]);
  return partial;
}

std::string DataSpan(const Lifecycle& lifecycle) {
  return fmt::format("data from {} to {}", FormatDate(lifecycle.data_first_day),
                     FormatDate(lifecycle.data_last_day));
}

/// " overlapping 2011-03-15 to 2011-08-20" when --from or --to narrowed the periods shown.
std::string RangeAsked(const LifecycleOptions& options) {
  if (!options.from && !options.to) return "";
  return fmt::format(" overlapping {} to {}",
                     options.from ? FormatDate(*options.from) : "the first day",
                     options.to ? FormatDate(*options.to) : "the last day");
}

std::string PeriodsHeading(const Lifecycle& lifecycle, const LifecycleOptions& options,
                           bool usage) {
  const LifecyclePeriods& periods = lifecycle.periods;
  const char* period = CohortPeriodName(lifecycle.period);
  std::string out =
      fmt::format("Lifecycle of {} by {}: {} {}{} shown{}, {}\n", usage ? "users" : "customers",
                  period, periods.size(), period, periods.size() == 1 ? "" : "s",
                  RangeAsked(options), DataSpan(lifecycle));
  out += fmt::format(
      "  new           first active {0} is this one\n"
      "  returning     active this {0} and the previous one\n"
      "  resurrecting  active this {0}, not the previous one, but some time before\n"
      "  dormant       active the previous {0}, not this one (a positive count)\n"
      "  active = new + returning + resurrecting; quick ratio = (new + resurrecting) / dormant\n",
      period);
  if (periods.size() == 0)
    out += fmt::format("Note: no {} of the data overlaps the days asked for.\n", period);
  if (periods.size() > 0 &&
      periods.bucket.front() == CohortBucketOf(lifecycle.data_first_day, lifecycle.period))
    out += fmt::format("Note: the data starts in {} {}, so everyone active then counts as new.\n",
                       period, CohortBucketLabel(periods.bucket.front(), lifecycle.period));
  const std::string partial = PartialPeriods(periods, lifecycle.period);
  if (!partial.empty())
    out += fmt::format(
        "Note: partial, counted as they are (a cut {} has fewer active users than a whole one): "
        "{}\n",
        period, partial);
  return out + '\n';
}

/// The edge weeks of the histogram that the data cuts, as "2010-11-29 (5 of 7 days)".
std::string PartialWeeks(const Lifecycle& lifecycle) {
  const StickinessHistogram& histogram = lifecycle.stickiness;
  std::string partial;
  std::vector<int32_t> edge_weeks = {histogram.first_week};
  if (histogram.last_week != histogram.first_week) edge_weeks.push_back(histogram.last_week);
  for (const int32_t week : edge_weeks) {
    const Day monday = FirstDayOfBucket(week, CohortPeriod::kWeek);
    const Day days_in_data = std::min(monday + kDaysPerWeek - 1, lifecycle.data_last_day) -
                             std::max(monday, lifecycle.data_first_day) + 1;
    if (days_in_data < kDaysPerWeek)
      partial +=
          fmt::format("{}{} ({} of {} days)", partial.empty() ? "" : ", ",
                      CohortBucketLabel(week, CohortPeriod::kWeek), days_in_data, kDaysPerWeek);
  }
  return partial;
}

std::string StickinessHeading(const Lifecycle& lifecycle, bool usage) {
  const StickinessHistogram& histogram = lifecycle.stickiness;
  const int32_t weeks = histogram.last_week - histogram.first_week + 1;
  if (weeks <= 0)
    return fmt::format("Weekly stickiness: no week to show, {}\n\n", DataSpan(lifecycle));
  std::string out = fmt::format(
      "Weekly stickiness: {} user-weeks ({} and ISO week with activity) over {} week{}, {} to "
      "{}\n"
      "Mean {:.{}f} active days per user-week; {}\n",
      WithThousands(histogram.Total()), usage ? "user" : "customer", weeks, weeks == 1 ? "" : "s",
      CohortBucketLabel(histogram.first_week, CohortPeriod::kWeek),
      CohortBucketLabel(histogram.last_week, CohortPeriod::kWeek), histogram.MeanActiveDays(),
      kMeanDecimals, DataSpan(lifecycle));
  const std::string partial = PartialWeeks(lifecycle);
  if (!partial.empty())
    out += fmt::format("Note: partial weeks, fewer days to be active on: {}\n", partial);
  return out + '\n';
}

nlohmann::ordered_json DayOrNull(const std::optional<Day>& day) {
  return day ? nlohmann::ordered_json(FormatDate(*day)) : nlohmann::ordered_json(nullptr);
}

Result<LifecycleResult> RunLifecycle(const CleanedData& data, const LifecycleParams& params,
                                     RunContext& context) {
  Result<DateWindow> window = CheckedWindow(params.from, params.to, context.naming);
  if (!window.ok()) return window.status();
  LifecycleResult result;
  result.view = params.view;
  result.options.period = params.period == "week" ? CohortPeriod::kWeek : CohortPeriod::kMonth;
  result.options.from = window->from;
  result.options.to = window->to;
  result.kind = data.dataset.kind();
  // Monthly of all time: the load's (analyze's lifecycle is monthly with its default cohorts).
  // (A ClickHouse workspace's, of the window it computed it over.)
  const bool held = HeldAnalysisCovers(context.analysis.get(), context.analysis_window, *window) &&
                    result.options.period == context.analysis->lifecycle.period;
  result.lifecycle =
      held ? std::shared_ptr<const Lifecycle>(context.analysis, &context.analysis->lifecycle)
           : std::make_shared<const Lifecycle>(ComputeLifecycle(data.dataset, result.options));
  if (result.lifecycle->data_first_day == kNoDay)
    return Status(ErrorCode::kDataError,
                  fmt::format("{} has no rows with a user left after cleaning", context.source));
  return result;
}

View LifecycleResultView(const LifecycleResult& result) {
  return result.periods() ? LifecyclePeriodsView(*result.lifecycle)
                          : StickinessHistogramView(result.lifecycle->stickiness);
}

std::string LifecycleJson(const LifecycleResult& result) {
  const Lifecycle& lifecycle = *result.lifecycle;
  JsonDocument json;
  json.Set("view", result.view);
  json.Set("kind", DataKindName(result.kind));
  json.Set("data_first_day", FormatDate(lifecycle.data_first_day));
  json.Set("data_last_day", FormatDate(lifecycle.data_last_day));
  json.Set("from", DayOrNull(result.options.from));
  json.Set("to", DayOrNull(result.options.to));
  json.Set("window", lifecycle.data_first_day == kNoDay
                         ? WindowJson(std::nullopt, DateWindow{})
                         : WindowJson(DayRange{lifecycle.data_first_day, lifecycle.data_last_day},
                                      DateWindow{result.options.from, result.options.to}));
  if (result.periods()) {
    json.Set("period", CohortPeriodName(lifecycle.period));
    json.SetRows("periods", LifecycleResultView(result));
  } else {
    const StickinessHistogram& histogram = lifecycle.stickiness;
    const bool any_week = histogram.last_week >= histogram.first_week;
    json.Set("first_week", any_week ? nlohmann::ordered_json(CohortBucketLabel(histogram.first_week,
                                                                               CohortPeriod::kWeek))
                                    : nlohmann::ordered_json(nullptr));
    json.Set("last_week", any_week ? nlohmann::ordered_json(CohortBucketLabel(histogram.last_week,
                                                                              CohortPeriod::kWeek))
                                   : nlohmann::ordered_json(nullptr));
    json.Set("user_weeks", histogram.Total());
    json.Set("mean_active_days", histogram.MeanActiveDays());
    json.SetRows("histogram", LifecycleResultView(result));
  }
  return json.Render();
}

std::string LifecycleCsv(const LifecycleResult& result) {
  return RenderCsv(LifecycleResultView(result));
}

std::string LifecycleTableText(const LifecycleResult& result) {
  return (result.periods() ? PeriodsHeading(*result.lifecycle, result.options, result.usage())
                           : StickinessHeading(*result.lifecycle, result.usage())) +
         RenderTable(LifecycleResultView(result));
}

}  // namespace

AnalysisEntry LifecycleAnalysis() {
  ParamSpec period =
      EnumParam("period", "month", {"month", "week"},
                "month (default) or week (ISO, labelled by its Monday): the periods counted");
  period.value_text = "month|week";
  ParamSpec view = EnumParam("view", "periods", {"periods", "stickiness"},
                             "periods (default): one row per period; stickiness: user-weeks by "
                             "number of distinct active days in the ISO week (always weekly, "
                             "whatever the period)");
  view.value_text = "periods|stickiness";
  return MakeEntry(
      AnalysisInfo(
          "lifecycle", DataNeed::kAny,
          "Growth accounting per month or week (new, returning, resurrecting, dormant, quick "
          "ratio), or the weekly stickiness histogram",
          "Lifecycle and stickiness: load a CSV as ingest does (nothing is written) and count "
          "per month or week the users (customers for transactions) who are new (first active "
          "period), returning (active in the previous period too), resurrecting (back after one "
          "or more quiet periods) or dormant (active in the previous period, not in this one; a "
          "positive count), with active users and the quick ratio (new + resurrecting) / "
          "dormant. --view stickiness shows instead how many user-weeks had 1..7 active days. "
          "Partial first and last periods are shown as they are and flagged (days in data < "
          "days). Definitions in docs/ANALYTICS.md.\n"
          "  growthlens lifecycle online_retail.csv --period week --from 2011-03-01 --to "
          "2011-06-30"),
      TypedAnalysis<LifecycleParams, LifecycleResult>{{
                                                          {period, &LifecycleParams::period},
                                                          {FromParamSpec(), &LifecycleParams::from},
                                                          {ToParamSpec(), &LifecycleParams::to},
                                                          {view, &LifecycleParams::view},
                                                      },
                                                      CheckWindowParams<LifecycleParams>,
                                                      RunLifecycle,
                                                      LifecycleJson,
                                                      LifecycleCsv,
                                                      LifecycleTableText});
}

}  // namespace growthlens::app
