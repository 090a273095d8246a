// growthlens lifecycle FILE: growth accounting per week or month (new, returning, resurrecting
// and dormant users, active users and the quick ratio) and the weekly stickiness histogram
// (user-weeks by their number of active days). Definitions in docs/ANALYTICS.md ("Lifecycle").

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/date_window.h"
#include "cli/lifecycle_views.h"
#include "metrics/lifecycle.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kLifecycleCommand = "lifecycle";
constexpr int kMeanDecimals = 2;

enum class LifecycleView { kPeriods, kStickiness };

struct LifecycleArgs {
  AnalysisInput input;
  std::string period = "month";
  DateWindowArgs window;
  std::string view = "periods";
};

struct LifecycleRequest {
  LifecycleOptions options;
  LifecycleView view = LifecycleView::kPeriods;
};

Result<LifecycleRequest> ParseLifecycleArgs(const LifecycleArgs& args) {
  LifecycleRequest request;
  Result<CohortPeriod> period = ParseChoice<CohortPeriod>(
      "--period", args.period, {{"month", CohortPeriod::kMonth}, {"week", CohortPeriod::kWeek}});
  if (!period.ok()) return period.status();
  request.options.period = *period;
  Result<LifecycleView> view = ParseChoice<LifecycleView>(
      "--view", args.view,
      {{"periods", LifecycleView::kPeriods}, {"stickiness", LifecycleView::kStickiness}});
  if (!view.ok()) return view.status();
  request.view = *view;
  Result<DateWindow> window = ParseDateWindow(args.window);
  if (!window.ok()) return window.status();
  request.options.from = window->from;
  request.options.to = window->to;
  return request;
}

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

Status RunLifecycle(LifecycleArgs& args, CommandOutcome& outcome) {
  Result<LifecycleRequest> request = ParseLifecycleArgs(args);
  if (!request.ok()) return request.status();
  Result<LoadedData> cleaned = LoadForAnalysis(kLifecycleCommand, args.input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& dataset = (*cleaned)->dataset;
  const bool usage = dataset.kind() == DataKind::kUsage;
  const Lifecycle lifecycle = ComputeLifecycle(dataset, request->options);
  if (lifecycle.data_first_day == kNoDay)
    return Status(ErrorCode::kDataError,
                  fmt::format("{} has no rows with a user left after cleaning", args.input.input));

  const bool periods = request->view == LifecycleView::kPeriods;
  const View view =
      periods ? LifecyclePeriodsView(lifecycle) : StickinessHistogramView(lifecycle.stickiness);
  switch (args.input.format) {
    case OutputFormat::kTable:
      PrintOut(outcome, (periods ? PeriodsHeading(lifecycle, request->options, usage)
                                 : StickinessHeading(lifecycle, usage)) +
                            RenderTable(view));
      break;
    case OutputFormat::kCsv:
      PrintOut(outcome, RenderCsv(view));
      break;
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("view", args.view);
      json.Set("kind", DataKindName(dataset.kind()));
      json.Set("data_first_day", FormatDate(lifecycle.data_first_day));
      json.Set("data_last_day", FormatDate(lifecycle.data_last_day));
      json.Set("from", DayOrNull(request->options.from));
      json.Set("to", DayOrNull(request->options.to));
      json.Set("window",
               lifecycle.data_first_day == kNoDay
                   ? WindowJson(std::nullopt, DateWindow{})
                   : WindowJson(DayRange{lifecycle.data_first_day, lifecycle.data_last_day},
                                DateWindow{request->options.from, request->options.to}));
      if (periods) {
        json.Set("period", CohortPeriodName(lifecycle.period));
        json.SetRows("periods", view);
      } else {
        const StickinessHistogram& histogram = lifecycle.stickiness;
        const bool any_week = histogram.last_week >= histogram.first_week;
        json.Set("first_week", any_week ? nlohmann::ordered_json(CohortBucketLabel(
                                              histogram.first_week, CohortPeriod::kWeek))
                                        : nlohmann::ordered_json(nullptr));
        json.Set("last_week", any_week ? nlohmann::ordered_json(CohortBucketLabel(
                                             histogram.last_week, CohortPeriod::kWeek))
                                       : nlohmann::ordered_json(nullptr));
        json.Set("user_weeks", histogram.Total());
        json.Set("mean_active_days", histogram.MeanActiveDays());
        json.SetRows("histogram", view);
      }
      PrintOut(outcome, json.Render());
      break;
    }
  }
  return Status::Ok();
}

}  // namespace

void RegisterLifecycleCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<LifecycleArgs>();
  CLI::App* command = app.add_subcommand(
      "lifecycle",
      "Lifecycle and stickiness: load a CSV as ingest does (nothing is written) and count per "
      "month or week the users (customers for transactions) who are new (first active period), "
      "returning (active in the previous period too), resurrecting (back after one or more quiet "
      "periods) or dormant (active in the previous period, not in this one; a positive count), "
      "with active users and the quick ratio (new + resurrecting) / dormant. --view stickiness "
      "shows instead how many user-weeks had 1..7 active days. Partial first and last periods "
      "are shown as they are and flagged (days in data < days). Definitions in "
      "docs/ANALYTICS.md.\n"
      "  growthlens lifecycle online_retail.csv --period week --from 2011-03-01 --to 2011-06-30");
  AddAnalysisInput(*command, args->input, outcome);
  command
      ->add_option("--period", args->period,
                   "month (default) or week (ISO, labelled by its Monday): the periods counted")
      ->option_text("month|week");
  AddDateWindowOptions(*command, args->window);
  command
      ->add_option("--view", args->view,
                   "periods (default): one row per period; stickiness: user-weeks by number of "
                   "distinct active days in the ISO week (always weekly, whatever --period)")
      ->option_text("periods|stickiness");
  command->callback([args, &outcome] {
    const Status status = RunLifecycle(*args, outcome);
    if (!status.ok()) ReportFailure(std::string(kLifecycleCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
