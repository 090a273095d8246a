// growthlens usage FILE: feature usage of a usage log (totals and adoption, a time series per
// period, engagement, the correlation matrix), optionally narrowed to a date window, a set of
// features and a set of users (a segment). The views are in usage_views.cc; this file turns the
// options into a UsageFilter. Definitions in docs/ANALYTICS.md.

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/date_window.h"
#include "cli/usage_views.h"
#include "metrics/rfm.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kUsageCommand = "usage";

enum class UsageView { kFeatures, kSeries, kEngagement, kCorrelation };

struct UsageArgs {
  AnalysisInput input;
  DateWindowArgs window;
  std::string view = "features";
  std::string period = "month";
  std::string max_periods;            // "" = the format's default
  std::vector<std::string> features;  // names
  std::vector<std::string> users;     // ids
  std::string users_file;             // one id per line
  std::vector<std::string> segments;  // RFM segment names
};

struct UsageRequest {
  UsageView view = UsageView::kFeatures;
  CohortPeriod period = CohortPeriod::kMonth;
  std::optional<size_t> max_periods;
  DateWindow window;
};

/// The rows to keep, and the storage the filter points into (hence not copyable).
struct ResolvedFilter {
  ResolvedFilter() = default;
  ResolvedFilter(const ResolvedFilter&) = delete;
  ResolvedFilter& operator=(const ResolvedFilter&) = delete;

  UsageFilter filter;
  std::vector<uint8_t> users;  // per user code, 1 = selected; empty = all users
  size_t selected_users = 0;
};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

Result<std::optional<size_t>> ParseMaxPeriods(const std::string& text) {
  if (text.empty()) return std::optional<size_t>();
  const bool digits = text.size() <= std::numeric_limits<size_t>::digits10 &&
                      std::all_of(text.begin(), text.end(), [](char c) {
                        return std::isdigit(static_cast<unsigned char>(c));
                      });
  if (!digits)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--max-periods '{}': expected a whole number (0 = all)", text));
  return std::optional<size_t>(std::stoull(text));
}

Result<UsageRequest> ParseUsageArgs(const UsageArgs& args) {
  UsageRequest request;
  Result<UsageView> view = ParseChoice<UsageView>("--view", args.view,
                                                  {{"features", UsageView::kFeatures},
                                                   {"series", UsageView::kSeries},
                                                   {"engagement", UsageView::kEngagement},
                                                   {"correlation", UsageView::kCorrelation}});
  if (!view.ok()) return view.status();
  request.view = *view;
  Result<CohortPeriod> period = ParseChoice<CohortPeriod>("--period", args.period,
                                                          {{"day", CohortPeriod::kDay},
                                                           {"week", CohortPeriod::kWeek},
                                                           {"month", CohortPeriod::kMonth}});
  if (!period.ok()) return period.status();
  request.period = *period;
  Result<std::optional<size_t>> max_periods = ParseMaxPeriods(args.max_periods);
  if (!max_periods.ok()) return max_periods.status();
  request.max_periods = *max_periods;
  Result<DateWindow> window = ParseDateWindow(args.window);
  if (!window.ok()) return window.status();
  request.window = *window;
  return request;
}

std::string SortedFeatureNames(const Dataset& dataset) {
  std::vector<std::string_view> names;
  for (uint32_t feature = 0; feature < dataset.features.size(); ++feature)
    names.push_back(dataset.features[feature]);
  std::sort(names.begin(), names.end());
  return fmt::format("{}", fmt::join(names, ", "));
}

Status ResolveFeatures(const UsageArgs& args, const Dataset& dataset, UsageFilter& filter) {
  for (const std::string& given : args.features) {
    const std::string_view name = Trim(given);
    if (name.empty()) continue;
    const std::optional<uint32_t> code = dataset.features.Find(name);
    if (!code)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--features '{}': no such feature in {} (its features: {})", name,
                                args.input.input, SortedFeatureNames(dataset)));
    if (std::find(filter.features.begin(), filter.features.end(), *code) == filter.features.end())
      filter.features.push_back(static_cast<uint16_t>(*code));
  }
  return Status::Ok();
}

/// The id of a line of a users file: its first CSV field, unquoted, so that the id column of
/// `growthlens rfm --view users --format csv` (or any export led by the id) works as is.
std::string_view IdOfLine(std::string_view line) {
  std::string_view id = Trim(line.substr(0, line.find(',')));
  if (id.size() >= 2 && id.front() == '"' && id.back() == '"') id = id.substr(1, id.size() - 2);
  return id;
}

Status ResolveUsers(const UsageArgs& args, const Dataset& dataset, ResolvedFilter& resolved) {
  if (args.users.empty() && args.users_file.empty()) return Status::Ok();
  resolved.users.assign(dataset.users.size(), 0);
  auto select = [&resolved](uint32_t user) {
    resolved.selected_users += resolved.users[user] == 0 ? 1 : 0;
    resolved.users[user] = 1;
  };
  for (const std::string& given : args.users) {
    const std::string_view id = Trim(given);
    if (id.empty()) continue;
    const std::optional<uint32_t> user = dataset.users.Find(id);
    if (!user)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--users '{}': no such user in {}", id, args.input.input));
    select(*user);
  }
  if (!args.users_file.empty()) {
    std::ifstream in(args.users_file);
    if (!in)
      return Status(ErrorCode::kIoError,
                    fmt::format("--users-file '{}': cannot be read", args.users_file));
    std::string line, first_unknown;
    size_t ids = 0, unknown = 0;
    for (bool first_line = true; std::getline(in, line); first_line = false) {
      const std::string_view id = IdOfLine(line);
      if (id.empty()) continue;
      const std::optional<uint32_t> user = dataset.users.Find(id);
      if (!user && first_line) continue;  // a header such as "id" or "user_id"
      ++ids;
      if (user) {
        select(*user);
      } else if (unknown++ == 0) {
        first_unknown = std::string(id);
      }
    }
    if (ids == unknown)
      return Status(ErrorCode::kInvalidArgument,
                    ids == 0 ? fmt::format("--users-file '{}': no ids in it", args.users_file)
                             : fmt::format("--users-file '{}': none of its {} ids is a user of {}",
                                           args.users_file, ids, args.input.input));
    if (unknown > 0 && !args.input.quiet)
      fmt::print(stderr,
                 "growthlens usage: warning: {} of the {} ids in {} are not users of {} (first: "
                 "'{}'); they are left out\n",
                 unknown, ids, args.users_file, args.input.input, first_unknown);
  }
  resolved.filter.users = &resolved.users;
  return Status::Ok();
}

/// "cantlosethem" for "Can't Lose Them" or "cant-lose-them": segment names as people type them.
std::string SegmentKey(std::string_view name) {
  std::string key;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)))
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

/// --segment: the users of the named RFM segments (default RFM options, docs/ANALYTICS.md),
/// intersected with --users / --users-file when both are given.
Status ResolveSegments(const UsageArgs& args, const Dataset& dataset, ResolvedFilter& resolved) {
  if (args.segments.empty()) return Status::Ok();
  std::vector<uint8_t> wanted(kRfmSegmentCount, 0);
  for (const std::string& given : args.segments) {
    bool found = false;
    for (size_t segment = 0; segment < kRfmSegmentCount; ++segment)
      if (SegmentKey(RfmSegmentName(static_cast<RfmSegment>(segment))) == SegmentKey(given)) {
        wanted[segment] = 1;
        found = true;
      }
    if (!found) {
      std::string names;
      for (size_t segment = 0; segment < kRfmSegmentCount; ++segment)
        names += fmt::format("{}{}", segment == 0 ? "" : ", ",
                             RfmSegmentName(static_cast<RfmSegment>(segment)));
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--segment '{}': expected one of {}", given, names));
    }
  }
  const RfmTable rfm = ComputeRfm(dataset, RfmOptions());
  std::vector<uint8_t> members(dataset.users.size(), 0);
  for (size_t idx = 0; idx < rfm.size(); ++idx)
    members[rfm.user[idx]] = wanted[static_cast<size_t>(rfm.segment[idx])];
  if (!resolved.users.empty())
    for (size_t user = 0; user < members.size(); ++user) members[user] &= resolved.users[user];
  resolved.users = std::move(members);
  resolved.selected_users =
      static_cast<size_t>(std::count(resolved.users.begin(), resolved.users.end(), 1));
  if (resolved.selected_users == 0)
    return Status(ErrorCode::kInvalidArgument,
                  "--segment: no user of the data is in the segments asked for");
  resolved.filter.users = &resolved.users;
  return Status::Ok();
}

/// "2025-01-01 .. 2025-12-31": the part of the window that holds rows.
std::string PeriodText(const Dataset& dataset, const DateWindow& window) {
  const std::optional<DayRange> data = DaysWithRows(dataset);
  if (!data) return "no rows";
  const Day from = std::max(window.from.value_or(data->first), data->first);
  const Day to = std::min(window.to.value_or(data->last), data->last);
  if (from > to)
    return fmt::format("{} .. {} (outside the data, {} .. {})",
                       window.from ? FormatDate(*window.from) : "start",
                       window.to ? FormatDate(*window.to) : "end", FormatDate(data->first),
                       FormatDate(data->last));
  return fmt::format("{} .. {}", FormatDate(from), FormatDate(to));
}

std::string FiltersText(const Dataset& dataset, const ResolvedFilter& resolved) {
  std::vector<std::string_view> names;
  for (uint16_t feature : resolved.filter.features) names.push_back(dataset.features[feature]);
  const std::string features =
      names.empty() ? "all features" : fmt::format("features {}", fmt::join(names, ", "));
  const std::string users = resolved.filter.users == nullptr
                                ? "all users"
                                : fmt::format("{} selected users", resolved.selected_users);
  return features + ", " + users;
}

nlohmann::ordered_json FiltersJson(const Dataset& dataset, const ResolvedFilter& resolved) {
  const UsageFilter& filter = resolved.filter;
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  json["from"] = filter.from ? nlohmann::ordered_json(FormatDate(*filter.from)) : nullptr;
  json["to"] = filter.to ? nlohmann::ordered_json(FormatDate(*filter.to)) : nullptr;
  if (filter.features.empty()) {
    json["features"] = nullptr;
  } else {
    json["features"] = nlohmann::ordered_json::array();
    for (uint16_t feature : filter.features)
      json["features"].push_back(std::string(dataset.features[feature]));
  }
  json["users"] = filter.users == nullptr ? nlohmann::ordered_json(nullptr)
                                          : nlohmann::ordered_json(resolved.selected_users);
  return json;
}

Status RunUsage(UsageArgs& args, CommandOutcome& outcome) {
  Result<UsageRequest> request = ParseUsageArgs(args);
  if (!request.ok()) return request.status();
  Result<LoadedData> cleaned = LoadForAnalysis(kUsageCommand, args.input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& dataset = (*cleaned)->dataset;
  if (dataset.kind() != DataKind::kUsage)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is a {} file, and usage needs a usage log (user_id, event_date, "
                              "feature_name, events_count); map another export with --kind usage "
                              "and the column flags",
                              args.input.input, DataKindName(dataset.kind())));
  ResolvedFilter resolved;
  resolved.filter.from = request->window.from;
  resolved.filter.to = request->window.to;
  GROWTHLENS_RETURN_IF_ERROR(ResolveFeatures(args, dataset, resolved.filter));
  GROWTHLENS_RETURN_IF_ERROR(ResolveUsers(args, dataset, resolved));
  GROWTHLENS_RETURN_IF_ERROR(ResolveSegments(args, dataset, resolved));

  UsageContext context{dataset,
                       resolved.filter,
                       args.input.format,
                       args.view,
                       PeriodText(dataset, request->window),
                       FiltersText(dataset, resolved),
                       FiltersJson(dataset, resolved),
                       std::nullopt,
                       true};
  if (const std::optional<DayRange> data = DaysWithRows(dataset)) {
    const Day from = std::max(request->window.from.value_or(data->first), data->first);
    const Day to = std::min(request->window.to.value_or(data->last), data->last);
    if (from <= to) context.covered = DayRange{from, to};
    context.all_time = from <= data->first && to >= data->last;
  }
  switch (request->view) {
    case UsageView::kFeatures:
      PrintOut(outcome, RenderFeatures(context));
      break;
    case UsageView::kSeries:
      PrintOut(outcome, RenderSeries(context, request->period, request->max_periods));
      break;
    case UsageView::kEngagement:
      PrintOut(outcome, RenderEngagement(context));
      break;
    case UsageView::kCorrelation:
      PrintOut(outcome, RenderCorrelation(context));
      break;
  }
  return Status::Ok();
}

}  // namespace

void RegisterUsageCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<UsageArgs>();
  CLI::App* command = app.add_subcommand(
      "usage",
      "Feature usage of a usage log, loaded as ingest does (nothing is written); a transactions "
      "file is refused (exit 2). Every view can be narrowed to a date window, some features and "
      "some users (a segment). Adoption = users of a feature / active users (in the filter); "
      "definitions in docs/ANALYTICS.md.");
  AddAnalysisInput(*command, args->input, outcome);
  command
      ->add_option(
          "--view", args->view,
          "features (default): events, share, users and adoption per feature, most events first; "
          "series: events and distinct users per period and feature (csv and json: long rows "
          "period,feature,events,users; tables: a feature x period grid of events); engagement: "
          "breadth (share of active users who used the feature) and frequency (mean distinct days "
          "of use per user of it); correlation: Pearson matrix of per-user event totals (pandas "
          "DataFrame.corr of the user x feature pivot, 0-filled), features by name")
      ->option_text("features|series|engagement|correlation");
  command
      ->add_option("--period", args->period,
                   "series: day, week (ISO, labelled by its Monday) or month (default)")
      ->option_text("day|week|month");
  command
      ->add_option("--max-periods", args->max_periods,
                   "series: show the last N periods only, 0 = all (default: 12 in a table, "
                   "all in csv and json)")
      ->option_text("N");
  AddDateWindowOptions(*command, args->window);
  command
      ->add_option("--features", args->features,
                   "Only these features, comma-separated names (repeatable); default: all")
      ->delimiter(',')
      ->option_text("NAME,...");
  command
      ->add_option("--users", args->users,
                   "Only these users, comma-separated ids (repeatable); an unknown id is an "
                   "error")
      ->delimiter(',')
      ->option_text("ID,...");
  command
      ->add_option("--users-file", args->users_file,
                   "Only the users listed in this file, one id per line (the first CSV field; "
                   "a header line is skipped), e.g. a segment cut from 'growthlens rfm --view "
                   "users --format csv'; ids not in the data are left out with a warning. "
                   "Combined with --users: either list")
      ->option_text("FILE");
  command
      ->add_option("--segment", args->segments,
                   "Only the users of these RFM segments, comma-separated (repeatable; case and "
                   "punctuation ignored): Champions, Loyal, New, Promising, Potential Loyalist, "
                   "Can't Lose Them, At Risk, Need Attention, About to Sleep, Hibernating, Lost")
      ->delimiter(',')
      ->option_text("NAME,...");
  command->callback([args, &outcome] {
    const Status status = RunUsage(*args, outcome);
    if (!status.ok()) ReportFailure(std::string(kUsageCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
