#include "app/usage_analysis.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/date_params.h"
#include "app/json_text.h"
#include "app/table_view.h"
#include "app/usage_views.h"
#include "metrics/analysis.h"
#include "metrics/rfm.h"
#include "metrics/usage_index.h"

namespace growthlens::app {

namespace {

/// Periods a series may show at most (max-periods).
constexpr int64_t kMaxUsagePeriods = 10'000;
/// Longest list of features or user ids: a filter pasted from a spreadsheet, not a megabyte.
constexpr size_t kMaxUsageListText = size_t{1} << 20;

struct UsageParams {
  std::string view;
  std::string period;
  int64_t max_periods = -1;  // none: the format's default
  std::optional<Day> from;
  std::optional<Day> to;
  std::vector<std::string> features;  // names
  std::vector<std::string> users;     // ids
  std::string users_file;             // one id per line (the CLI only)
  std::vector<std::string> segments;  // RFM segment names
  std::string by;                     // an event property: usage per value of it
};

/// The rows to keep, and the storage the filter points into (hence not copyable).
struct ResolvedFilter {
  ResolvedFilter() = default;
  ResolvedFilter(const ResolvedFilter&) = delete;
  ResolvedFilter& operator=(const ResolvedFilter&) = delete;

  UsageFilter filter;
  std::vector<uint8_t> users;  // per user code, 1 = selected; empty = all users
  /// With the load's index, segments alone are kept as the index's groups (per RFM segment code,
  /// 1 = kept) rather than as `users`; empty = no segment filter.
  std::vector<uint8_t> segments;
  size_t selected_users = 0;

  bool AllUsers() const { return filter.users == nullptr && segments.empty(); }
};

struct UsageResult {
  std::shared_ptr<const ResolvedFilter> resolved;
  std::shared_ptr<const UsageContext> context;  // format set per renderer
  std::string view;
  CohortPeriod period = CohortPeriod::kMonth;
  std::optional<size_t> max_periods;
  const PropertyColumn* by = nullptr;  // --by: the property, in the data the context holds
};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::string SortedFeatureNames(const UsageLog& dataset) {
  std::vector<std::string_view> names;
  for (uint32_t feature = 0; feature < dataset.features.size(); ++feature)
    names.push_back(dataset.features[feature]);
  std::sort(names.begin(), names.end());
  return fmt::format("{}", fmt::join(names, ", "));
}

Status ResolveFeatures(const UsageParams& params, const UsageLog& dataset,
                       const RunContext& context, UsageFilter& filter) {
  for (const std::string& given : params.features) {
    const std::string_view name = Trim(given);
    if (name.empty()) continue;
    const std::optional<uint32_t> code = dataset.features.Find(name);
    if (!code)
      return BadValue("features", context.naming, name,
                      fmt::format("no such feature in {} (its features: {})", context.source,
                                  SortedFeatureNames(dataset)));
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

Status ResolveUsers(const UsageParams& params, const UsageLog& dataset, RunContext& context,
                    ResolvedFilter& resolved) {
  if (params.users.empty() && params.users_file.empty()) return Status::Ok();
  resolved.users.assign(dataset.users.size(), 0);
  auto select = [&resolved](uint32_t user) {
    resolved.selected_users += resolved.users[user] == 0 ? 1 : 0;
    resolved.users[user] = 1;
  };
  for (const std::string& given : params.users) {
    const std::string_view id = Trim(given);
    if (id.empty()) continue;
    const std::optional<uint32_t> user = dataset.users.Find(id);
    if (!user)
      return BadValue("users", context.naming, id,
                      fmt::format("no such user in {}", context.source));
    select(*user);
  }
  if (!params.users_file.empty()) {
    std::ifstream in(params.users_file);
    if (!in)
      return Status(ErrorCode::kIoError,
                    fmt::format("--users-file '{}': cannot be read", params.users_file));
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
                    ids == 0 ? fmt::format("--users-file '{}': no ids in it", params.users_file)
                             : fmt::format("--users-file '{}': none of its {} ids is a user of {}",
                                           params.users_file, ids, context.source));
    if (unknown > 0)
      context.warnings.push_back(
          fmt::format("{} of the {} ids in {} are not users of {} (first: '{}'); they are left out",
                      unknown, ids, params.users_file, context.source, first_unknown));
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

/// segment: the users of the named RFM segments (default RFM options, docs/ANALYTICS.md),
/// intersected with users / users-file when both are given.
Status ResolveSegments(const UsageParams& params, const UsageLog& dataset,
                       const RunContext& context, ResolvedFilter& resolved) {
  const UsageIndex* index = context.usage_index.get();
  if (params.segments.empty()) return Status::Ok();
  std::vector<uint8_t> wanted(kRfmSegmentCount, 0);
  for (const std::string& given : params.segments) {
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
      return BadValue("segment", context.naming, given, fmt::format("expected one of {}", names));
    }
  }
  const auto none_selected = [&context] {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{}: no user of the data is in the segments asked for",
                              ShownName("segment", context.naming)));
  };
  // The index knows each user's segment: segments alone stay groups of it, which its aggregates
  // and bitmaps are split by; listed users or a property split need the users one by one.
  if (index != nullptr && resolved.users.empty() && params.by.empty()) {
    resolved.segments.assign(index->groups(), 0);
    std::copy(wanted.begin(), wanted.end(), resolved.segments.begin());
    resolved.selected_users = index->UsersInGroups(resolved.segments);
    if (resolved.selected_users == 0) return none_selected();
    return Status::Ok();
  }
  std::vector<uint8_t> members(dataset.users.size(), 0);
  if (index != nullptr) {
    for (uint32_t user = 0; user < members.size(); ++user) {
      const size_t group = index->GroupOf(user);
      members[user] = group < wanted.size() ? wanted[group] : 0;
    }
  } else {
    const RfmTable rfm = ComputeRfm(dataset, RfmOptions());
    for (size_t idx = 0; idx < rfm.size(); ++idx)
      members[rfm.user[idx]] = wanted[static_cast<size_t>(rfm.segment[idx])];
  }
  if (!resolved.users.empty())
    for (size_t user = 0; user < members.size(); ++user) members[user] &= resolved.users[user];
  resolved.users = std::move(members);
  resolved.selected_users =
      static_cast<size_t>(std::count(resolved.users.begin(), resolved.users.end(), 1));
  if (resolved.selected_users == 0) return none_selected();
  resolved.filter.users = &resolved.users;
  return Status::Ok();
}

/// "2025-01-01 .. 2025-12-31": the part of the window that holds rows.
std::string PeriodText(const std::optional<DayRange>& data, const DateWindow& window) {
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

std::string FiltersText(const UsageLog& dataset, const ResolvedFilter& resolved) {
  std::vector<std::string_view> names;
  for (uint16_t feature : resolved.filter.features) names.push_back(dataset.features[feature]);
  const std::string features =
      names.empty() ? "all features" : fmt::format("features {}", fmt::join(names, ", "));
  const std::string users =
      resolved.AllUsers() ? "all users" : fmt::format("{} selected users", resolved.selected_users);
  return features + ", " + users;
}

nlohmann::ordered_json FiltersJson(const UsageLog& dataset, const ResolvedFilter& resolved) {
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
  json["users"] = resolved.AllUsers() ? nlohmann::ordered_json(nullptr)
                                      : nlohmann::ordered_json(resolved.selected_users);
  return json;
}

/// Whether the held results keep the features `filter` keeps: every one when they were computed
/// without a feature filter, else the same names.
bool HeldFeaturesMatch(const UsageLog& dataset, const UsageFilter& filter,
                       const std::optional<HeldWindow>& held_window) {
  std::vector<std::string> kept;
  for (const uint16_t feature : filter.features) kept.emplace_back(dataset.features[feature]);
  std::sort(kept.begin(), kept.end());
  return held_window ? kept == held_window->features : kept.empty();
}

CohortPeriod PeriodOf(std::string_view name) {
  if (name == "day") return CohortPeriod::kDay;
  if (name == "week") return CohortPeriod::kWeek;
  return CohortPeriod::kMonth;
}

Result<UsageResult> RunUsage(const CleanedData& data, const UsageParams& params,
                             RunContext& context) {
  Result<DateWindow> window = CheckedWindow(params.from, params.to, context.naming);
  if (!window.ok()) return window.status();
  const UsageLog* log = data.dataset.As<UsageLog>();
  if (log == nullptr)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is a {} file, and usage needs a usage log (user_id, event_date, "
                              "feature_name, events_count); map another export with --kind usage "
                              "and the column flags",
                              context.source, DataKindName(data.dataset.kind())));
  const UsageLog& dataset = *log;
  auto resolved = std::make_shared<ResolvedFilter>();
  resolved->filter.from = window->from;
  resolved->filter.to = window->to;
  GROWTHLENS_RETURN_IF_ERROR(ResolveFeatures(params, dataset, context, resolved->filter));
  GROWTHLENS_RETURN_IF_ERROR(ResolveUsers(params, dataset, context, *resolved));
  GROWTHLENS_RETURN_IF_ERROR(ResolveSegments(params, dataset, context, *resolved));

  UsageResult result;
  if (!params.by.empty()) {
    result.by = dataset.properties.Find(params.by);
    if (result.by == nullptr)
      return BadValue("by", context.naming, params.by,
                      dataset.properties.empty()
                          ? fmt::format("{} has no event properties (they come from the columns "
                                        "of an events file beyond user, time, event and count)",
                                        context.source)
                          : fmt::format("no such property in {} (its properties: {})",
                                        context.source, dataset.properties.Names()));
    if (params.view != "features")
      return BadValue(
          "view", context.naming, params.view,
          fmt::format("{} splits the features view only", ShownName("by", context.naming)));
  }
  result.view = params.view;
  result.period = PeriodOf(params.period);
  if (params.max_periods >= 0) result.max_periods = static_cast<size_t>(params.max_periods);
  // The span of the rows (of a ClickHouse workspace's, its pushed-down KPIs' or window's).
  const std::optional<DayRange> data_days =
      DaysWithRows(data.dataset, context.analysis.get(), context.analysis_window);
  auto usage = std::make_shared<UsageContext>(UsageContext{
      dataset, resolved->filter, OutputFormat::kTable, "", PeriodText(data_days, *window),
      FiltersText(dataset, *resolved), JsonText(FiltersJson(dataset, *resolved)), std::nullopt,
      true, nullptr, context.usage_index, nullptr});
  if (!resolved->segments.empty()) usage->segments = &resolved->segments;
  if (const std::optional<DayRange>& days = data_days) {
    const Day from = std::max(window->from.value_or(days->first), days->first);
    const Day to = std::min(window->to.value_or(days->last), days->last);
    if (from <= to) usage->covered = DayRange{from, to};
    usage->all_time = from <= days->first && to >= days->last;
  }
  // The load's results when they cover the filter: all time and every feature, or the window
  // and features a ClickHouse workspace computed them over.
  if (resolved->AllUsers() &&
      HeldAnalysisCovers(context.analysis.get(), context.analysis_window, *window) &&
      HeldFeaturesMatch(dataset, resolved->filter, context.analysis_window))
    usage->whole = context.analysis;
  result.resolved = std::move(resolved);
  result.context = std::move(usage);
  return result;
}

std::string RenderUsage(const UsageResult& result, OutputFormat format) {
  UsageContext context = *result.context;
  context.format = format;
  context.view = result.view;
  if (result.by != nullptr) return RenderByProperty(context, *result.by);
  if (result.view == "series") return RenderSeries(context, result.period, result.max_periods);
  if (result.view == "engagement") return RenderEngagement(context);
  if (result.view == "correlation") return RenderCorrelation(context);
  return RenderFeatures(context);
}

std::string UsageJson(const UsageResult& result) {
  return RenderUsage(result, OutputFormat::kJson);
}
std::string UsageCsv(const UsageResult& result) {
  return RenderUsage(result, OutputFormat::kCsv);
}
std::string UsageTable(const UsageResult& result) {
  return RenderUsage(result, OutputFormat::kTable);
}

ParamSpec UsageList(std::string name, std::string help, std::string value_text) {
  ParamSpec spec = ListParam(std::move(name), {}, std::move(help));
  spec.value_text = std::move(value_text);
  spec.max_length = kMaxUsageListText;
  return spec;
}

}  // namespace

std::shared_ptr<const UsageIndex> BuildUsageIndex(const CleanedData& data, const Analysis* whole) {
  const UsageLog* log = data.dataset.As<UsageLog>();
  if (log == nullptr) return nullptr;
  RfmTable computed;
  if (whole == nullptr) computed = ComputeRfm(data.dataset, RfmOptions());
  const RfmTable& rfm = whole != nullptr ? whole->rfm : computed;
  // The last group: users without a segment, whom no segment filter keeps.
  std::vector<uint8_t> group_of_user(log->users.size(), static_cast<uint8_t>(kRfmSegmentCount));
  for (size_t idx = 0; idx < rfm.size(); ++idx)
    group_of_user[rfm.user[idx]] = static_cast<uint8_t>(rfm.segment[idx]);
  return UsageIndex::Build(*log, std::move(group_of_user), kRfmSegmentCount + 1);
}

AnalysisEntry UsageAnalysis() {
  ParamSpec max_periods =
      IntParam("max-periods", 0, 0, kMaxUsagePeriods,
               "series: show the last N periods only, 0 = all (default: 12 in a table, all in csv "
               "and json)");
  max_periods.default_value.clear();  // the format's default
  max_periods.value_text = "N";
  ParamSpec users_file = StringParam(
      "users-file",
      "Only the users listed in this file, one id per line (the first CSV field; a header line is "
      "skipped), e.g. a segment cut from 'growthlens rfm --view users --format csv'; ids not "
      "in the data are left out with a warning. Combined with --users: either list");
  users_file.http = false;  // the server reads no files named in a request
  users_file.value_text = "FILE";
  users_file.max_length = 4096;
  return MakeEntry(
      AnalysisInfo(
          "usage", DataNeed::kUsage,
          "Feature usage of a usage log: per feature, per period, engagement or correlation, "
          "narrowed to dates, features and users",
          "Feature usage of a usage log, loaded as ingest does (nothing is written); a "
          "transactions file is refused (exit 2). Every view can be narrowed to a date window, "
          "some features and some users (a segment). Adoption = users of a feature / active "
          "users (in the filter); definitions in docs/ANALYTICS.md."),
      TypedAnalysis<UsageParams, UsageResult>{
          {
              {WithValueText(
                   EnumParam(
                       "view", "features", {"features", "series", "engagement", "correlation"},
                       "features (default): events, share, users and adoption per feature, most "
                       "events first; series: events and distinct users per period and feature "
                       "(csv and json: long rows period,feature,events,users; tables: a feature "
                       "x period grid of events); engagement: breadth (share of active users who "
                       "used the feature) and frequency (mean distinct days of use per user of "
                       "it); correlation: Pearson matrix of per-user event totals (pandas "
                       "DataFrame.corr of the user x feature pivot, 0-filled), features by name"),
                   "features|series|engagement|correlation"),
               &UsageParams::view},
              {WithValueText(EnumParam("period", "month", {"day", "week", "month"},
                                       "series: day, week (ISO, labelled by its Monday) or month "
                                       "(default)"),
                             "day|week|month"),
               &UsageParams::period},
              {max_periods, &UsageParams::max_periods},
              {FromParamSpec(), &UsageParams::from},
              {ToParamSpec(), &UsageParams::to},
              {UsageList("features",
                         "Only these features, comma-separated names (repeatable); default: all",
                         "NAME,..."),
               &UsageParams::features},
              {UsageList(
                   "users",
                   "Only these users, comma-separated ids (repeatable); an unknown id is an error",
                   "ID,..."),
               &UsageParams::users},
              {users_file, &UsageParams::users_file},
              {UsageList(
                   "segment",
                   "Only the users of these RFM segments, comma-separated (repeatable; case and "
                   "punctuation ignored): Champions, Loyal, New, Promising, Potential Loyalist, "
                   "Can't Lose Them, At Risk, Need Attention, About to Sleep, Hibernating, Lost",
                   "NAME,..."),
               &UsageParams::segments},
              {WithValueText(StringParam("by",
                                         "Events: feature usage per value of this event "
                                         "property (e.g. platform): events, share, users and "
                                         "adoption per value, most events first; rows without "
                                         "it count as (not set). With the features view"),
                             "PROPERTY"),
               &UsageParams::by},
          },
          CheckWindowParams<UsageParams>,
          RunUsage,
          UsageJson,
          UsageCsv,
          UsageTable});
}

}  // namespace growthlens::app
