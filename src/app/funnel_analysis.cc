#include "app/funnel_analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/funnel_views.h"
#include "app/persona_cache.h"
#include "app/table_view.h"
#include "metrics/periods.h"
#include "metrics/rfm.h"
#include "ml/segmentation.h"

namespace growthlens::app {

namespace {

constexpr int64_t kMaxWindowDays = 366;
constexpr size_t kMaxStepsText = 4000;

struct FunnelParams {
  std::string steps;
  std::string window;
  std::string mode;
  std::string exclude;
  std::string by;
  std::string property;
  int64_t top = 10;
  std::string trend;
  int64_t dropoff_users = 0;
};

FunnelMode ModeOf(std::string_view name) {
  if (name == "strict_order") return FunnelMode::kStrictOrder;
  if (name == "strict_increase") return FunnelMode::kStrictIncrease;
  if (name == "any_order") return FunnelMode::kAnyOrder;
  return FunnelMode::kDefault;
}

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

std::vector<std::string> SplitFunnelConditions(std::string_view text) {
  std::vector<std::string> items;
  std::string current;
  int depth = 0;
  for (const char ch : text) {
    if (ch == '[') ++depth;
    if (ch == ']') depth = std::max(0, depth - 1);
    if (ch == ',' && depth == 0) {
      items.emplace_back(Trimmed(current));
      current.clear();
    } else {
      current += ch;
    }
  }
  if (!Trimmed(current).empty() || !items.empty()) items.emplace_back(Trimmed(current));
  return items;
}

namespace {

Result<std::vector<FunnelCondition>> ParseConditions(std::string_view text, const UsageLog& log,
                                                     std::string_view param, size_t max_items,
                                                     Naming naming) {
  std::vector<FunnelCondition> conditions;
  const std::vector<std::string> items = SplitFunnelConditions(text);
  if (items.size() > max_items)
    return BadValue(param, naming, text,
                    fmt::format("{} items given, at most {} allowed", items.size(), max_items));
  conditions.reserve(items.size());
  for (const std::string& item : items) {
    Result<FunnelCondition> condition = ParseFunnelCondition(item, log, param, naming);
    if (!condition.ok()) return condition.status();
    conditions.push_back(*condition);
  }
  return conditions;
}

/// Each user's cohort month: the signup where the log gives one, else the first active day.
std::vector<int32_t> CohortMonths(const UsageLog& log) {
  std::vector<Day> first(log.users.size(), kNoDay);
  for (size_t row = 0; row < log.rows(); ++row) {
    Day& day = first[log.usage.user[row]];
    if (day == kNoDay || log.usage.day[row] < day) day = log.usage.day[row];
  }
  std::vector<int32_t> months(first.size(), 0);
  for (size_t user = 0; user < first.size(); ++user) {
    const Day signup = user < log.user_signup.size() ? log.user_signup[user] : kNoDay;
    const Day day = signup != kNoDay ? signup : first[user];
    months[user] = day == kNoDay ? 0 : MonthIndexOf(day);
  }
  return months;
}

/// Groups from a per-user key: one group per distinct key of the users who entered, ordered
/// by `order` (the key itself for periods; most users first for values), the ones past `top`
/// merged into "other".
template <typename Key, typename Label>
void GroupUsers(FunnelResult& result, const std::vector<Key>& key_of, bool by_size, size_t top,
                Label&& label) {
  const FunnelUsers& users = *result.users;
  std::map<Key, uint64_t> entered;
  for (uint32_t user = 0; user < users.users(); ++user)
    if (users.level[user] > 0) ++entered[key_of[user]];
  std::vector<std::pair<Key, uint64_t>> keys(entered.begin(), entered.end());
  if (by_size)
    std::stable_sort(keys.begin(), keys.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
  const size_t kept = std::min(keys.size(), top);
  std::map<Key, uint32_t> group_of_key;
  for (size_t idx = 0; idx < keys.size(); ++idx)
    group_of_key[keys[idx].first] = static_cast<uint32_t>(std::min(idx, kept));
  for (size_t idx = 0; idx < kept; ++idx) result.group_labels.push_back(label(keys[idx].first));
  const size_t groups = kept + (keys.size() > kept ? 1 : 0);
  if (keys.size() > kept) result.group_labels.emplace_back("other");
  std::vector<uint32_t> group_of(users.users(), static_cast<uint32_t>(groups));
  for (uint32_t user = 0; user < users.users(); ++user)
    if (users.level[user] > 0) group_of[user] = group_of_key[key_of[user]];
  result.groups = SummarizeFunnelByGroup(users, group_of, groups);
}

Status AddBreakdown(const FunnelParams& params, const CleanedData& data, const UsageLog& log,
                    RunContext& context, FunnelResult& result) {
  const auto top = static_cast<size_t>(params.top);
  const FunnelUsers& users = *result.users;
  if (params.by == "cohort_month") {
    GroupUsers(result, CohortMonths(log), false, std::numeric_limits<size_t>::max(),
               [](int32_t month) { return FormatMonth(month); });
  } else if (params.by == "rfm_segment") {
    const RfmTable rfm = ComputeRfm(data.dataset, RfmOptions{});
    std::vector<uint8_t> segment(users.users(), static_cast<uint8_t>(kRfmSegmentCount));
    for (size_t row = 0; row < rfm.size(); ++row)
      segment[rfm.user[row]] = static_cast<uint8_t>(rfm.segment[row]);
    GroupUsers(result, segment, true, kRfmSegmentCount + 1, [](uint8_t code) {
      return code >= kRfmSegmentCount ? std::string("(not scored)")
                                      : std::string(RfmSegmentName(static_cast<RfmSegment>(code)));
    });
  } else if (params.by == "persona") {
    // The default persona model of all the data, as `users` labels them (the server keeps it
    // per held file); users the model leaves out form "(no persona)".
    const std::shared_ptr<PersonaCache> cache =
        context.personas ? context.personas : std::make_shared<PersonaCache>();
    Result<std::shared_ptr<const UserPersonas>> personas = cache->Get(data.dataset, context.stop);
    if (!personas.ok()) return personas.status();
    const UserPersonas& labels = **personas;
    std::vector<int32_t> persona(users.users(), -1);
    std::copy_n(labels.of_user.begin(), std::min(labels.of_user.size(), persona.size()),
                persona.begin());
    GroupUsers(result, persona, true, std::numeric_limits<size_t>::max(), [&labels](int32_t id) {
      return id < 0 || !labels.model ? std::string("(no persona)")
                                     : labels.model->personas[static_cast<size_t>(id)].name;
    });
  } else if (params.by == "property") {
    const PropertyColumn* column = log.properties.Find(params.property);
    if (column == nullptr)
      return BadValue("by-property", context.naming, params.property,
                      log.properties.empty()
                          ? fmt::format("{} has no event properties", context.source)
                          : fmt::format("no such property in {} (its properties: {})",
                                        context.source, log.properties.Names()));
    std::vector<uint32_t> value(users.users(), 0);
    for (uint32_t user = 0; user < users.users(); ++user)
      if (users.level[user] > 0) value[user] = (*column)[users.entry_row[user]];
    GroupUsers(result, value, true, top, [column](uint32_t code) {
      const std::string_view text = column->values[code];
      return fmt::format("{}={}", column->name(), text.empty() ? "(not set)" : text);
    });
  }
  return Status();
}

void AddTrend(const FunnelParams& params, FunnelResult& result) {
  const CohortPeriod period = params.trend == "week" ? CohortPeriod::kWeek : CohortPeriod::kMonth;
  result.trend_period = period;
  const FunnelUsers& users = *result.users;
  std::map<int32_t, uint32_t> index;
  std::vector<int32_t> bucket_of(users.users(), 0);
  for (uint32_t user = 0; user < users.users(); ++user) {
    if (users.level[user] == 0) continue;
    const auto day = static_cast<Day>(FloorDiv(users.Time(user, 0), kMsPerDay));
    bucket_of[user] = CohortBucketOf(day, period);
    index.emplace(bucket_of[user], 0);
  }
  uint32_t next = 0;
  for (auto& [bucket, group] : index) {
    group = next++;
    result.trend_buckets.push_back(bucket);
  }
  std::vector<uint32_t> group_of(users.users(), next);
  for (uint32_t user = 0; user < users.users(); ++user)
    if (users.level[user] > 0) group_of[user] = index[bucket_of[user]];
  result.trend = SummarizeFunnelByGroup(users, group_of, next);
}

Result<FunnelResult> RunFunnel(const CleanedData& data, const FunnelParams& params,
                               RunContext& context) {
  const UsageLog* log = data.dataset.As<UsageLog>();
  if (log == nullptr)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is a {} file, and a funnel needs events (user, time, event); "
                              "map an event export with --kind events and the column flags",
                              context.source, DataKindName(data.dataset.kind())));
  FunnelResult result;
  Result<int64_t> window = ParseFunnelWindow(params.window, context.naming);
  if (!window.ok()) return window.status();
  result.spec.window_ms = *window;
  result.spec.mode = ModeOf(params.mode);
  result.mode = params.mode;
  result.window = params.window;
  if (Trimmed(params.steps).empty())
    return BadValue(
        "steps", context.naming, params.steps,
        fmt::format("give 1 to {} events, comma-separated, in funnel order", kMaxFunnelSteps));
  Result<std::vector<FunnelCondition>> steps =
      ParseConditions(params.steps, *log, "steps", kMaxFunnelSteps, context.naming);
  if (!steps.ok()) return steps.status();
  result.spec.steps = std::move(*steps);
  for (const std::string& step : SplitFunnelConditions(params.steps))
    result.step_names.push_back(step);
  if (!Trimmed(params.exclude).empty()) {
    Result<std::vector<FunnelCondition>> exclusions =
        ParseConditions(params.exclude, *log, "exclude", kMaxFunnelExclusions, context.naming);
    if (!exclusions.ok()) return exclusions.status();
    result.spec.exclusions = std::move(*exclusions);
    if (result.spec.mode == FunnelMode::kAnyOrder)
      return BadValue("exclude", context.naming, params.exclude,
                      "exclusions need an ordered mode (steps in any order have no 'between')");
  }
  if (params.by == "property" && params.property.empty())
    return BadValue("by-property", context.naming, params.property,
                    fmt::format("{} property needs the property's name",
                                GivenText("by", context.naming, params.by)));
  if (params.dropoff_users > static_cast<int64_t>(result.spec.steps.size()))
    return BadValue("dropoff-users", context.naming, std::to_string(params.dropoff_users),
                    fmt::format("the funnel has {} steps", result.spec.steps.size()));
  result.kind = log->kind();
  result.users =
      std::make_shared<const FunnelUsers>(ComputeFunnel(*log, result.spec, context.threads));
  result.summary = SummarizeFunnel(*result.users);
  result.by = params.by;
  GROWTHLENS_RETURN_IF_ERROR(AddBreakdown(params, data, *log, context, result));
  if (params.trend != "none") AddTrend(params, result);
  result.dropoff_step = static_cast<size_t>(params.dropoff_users);
  result.log = log;
  return result;
}

}  // namespace

Result<int64_t> ParseFunnelWindow(std::string_view text, Naming naming) {
  const std::string_view trimmed = Trimmed(text);
  int64_t amount = 0;
  const char* end = trimmed.data() + trimmed.size();
  const auto [unit, error] = std::from_chars(trimmed.data(), end, amount);
  const std::string_view suffix(unit, static_cast<size_t>(end - unit));
  int64_t unit_ms = 0;
  if (suffix == "s") unit_ms = 1000;
  if (suffix == "m") unit_ms = 60'000;
  if (suffix == "h") unit_ms = 3'600'000;
  if (suffix == "d") unit_ms = kMsPerDay;
  if (suffix == "w") unit_ms = 7 * kMsPerDay;
  const std::string expected =
      fmt::format("expected a whole number and a unit s, m, h, d or w (14d, 12h), from 1s to {}d",
                  kMaxWindowDays);
  if (error != std::errc() || unit_ms == 0 || amount < 1 ||
      amount > kMaxWindowDays * kMsPerDay / unit_ms)
    return BadValue("window", naming, text, expected);
  return amount * unit_ms;
}

Result<FunnelCondition> ParseFunnelCondition(std::string_view text, const UsageLog& log,
                                             std::string_view param, Naming naming) {
  FunnelCondition condition;
  std::string_view event = Trimmed(text);
  std::string_view filter;
  if (const size_t open = event.find('['); open != std::string_view::npos) {
    if (event.back() != ']')
      return BadValue(param, naming, text, "expected EVENT or EVENT[PROPERTY=VALUE]");
    filter = event.substr(open + 1, event.size() - open - 2);
    event = Trimmed(event.substr(0, open));
  }
  if (event.empty()) return BadValue(param, naming, text, "an empty step: expected an event name");
  const std::optional<uint32_t> code = log.features.Find(event);
  if (!code)
    return BadValue(
        param, naming, text,
        fmt::format("no event '{}' in the data ({} event names)", event, log.features.size()));
  condition.event = static_cast<uint16_t>(*code);
  if (filter.empty()) return condition;
  const size_t equals = filter.find('=');
  if (equals == std::string_view::npos)
    return BadValue(param, naming, text, "expected EVENT[PROPERTY=VALUE]");
  const std::string_view name = Trimmed(filter.substr(0, equals));
  const std::string_view value = Trimmed(filter.substr(equals + 1));
  for (size_t column = 0; column < log.properties.columns.size(); ++column) {
    if (log.properties.columns[column].name() != name) continue;
    condition.property = static_cast<int32_t>(column);
    const std::optional<uint32_t> value_code = log.properties.columns[column].values.Find(value);
    // A value the data never holds matches no row: a valid, empty step.
    condition.value = value_code.value_or(std::numeric_limits<uint32_t>::max());
    return condition;
  }
  return BadValue(param, naming, text,
                  log.properties.empty() ? std::string("the data has no event properties")
                                         : fmt::format("no property '{}' (the data's: {})", name,
                                                       log.properties.Names()));
}

AnalysisEntry FunnelAnalysis() {
  ParamSpec steps =
      StringParam("steps",
                  "the funnel's steps in order, comma-separated (1 to 16): an event name, or "
                  "EVENT[PROPERTY=VALUE] for the event with that property value");
  steps.max_length = kMaxStepsText;
  steps.value_text = "'A,B,C'";
  ParamSpec window =
      StringParam("window",
                  "how long after the first step every later step must happen: 14d, 12h, 90m, "
                  "3600s or 2w (at most 366 days)");
  window.default_value = "14d";
  window.max_length = 16;
  ParamSpec mode = EnumParam(
      "mode", "default", {"default", "strict_order", "strict_increase", "any_order"},
      "default: each step at or after the previous one (ClickHouse's windowFunnel); strict_order: "
      "the search ends at any other event after the first step; strict_increase: each step "
      "strictly later than the previous one; any_order: the steps in any order within the "
      "window");
  mode.value_text = "default|strict_order|strict_increase|any_order";
  ParamSpec exclude =
      StringParam("exclude",
                  "events that break a chain when done after one step and before the next "
                  "(comma-separated, EVENT or EVENT[PROPERTY=VALUE])");
  exclude.max_length = kMaxStepsText;
  ParamSpec by =
      EnumParam("by", "none", {"none", "cohort_month", "rfm_segment", "persona", "property"},
                "split the funnel by the users' cohort month, RFM segment, persona (the default "
                "persona model, as the users list shows it), or the value of an event property "
                "at their first step");
  by.value_text = "none|cohort_month|rfm_segment|persona|property";
  ParamSpec property =
      StringParam("by-property", "with by=property: the event property to split by");
  ParamSpec top = IntParam("top", 10, 1, 100,
                           "with by=property: the values with most users shown, the rest "
                           "grouped as 'other'");
  ParamSpec trend = EnumParam("trend", "none", {"none", "week", "month"},
                              "conversion by week or month in which users did the first step");
  trend.value_text = "none|week|month";
  ParamSpec dropoff =
      IntParam("dropoff-users", 0, 0, static_cast<int64_t>(kMaxFunnelSteps),
               "list instead the users who reached step N (1 = the first) but not the next "
               "one: a CSV of who to reach out to; 0: the funnel");
  return MakeEntry(
      AnalysisInfo(
          "funnel", DataNeed::kUsage,
          "Conversion through ordered steps within a window (ClickHouse windowFunnel "
          "semantics): users, conversion, drop-off and time to convert per step",
          "Funnel: load events (a CSV as ingest reads it, or a workspace) and follow each user "
          "through the steps in order, all within --window of the first step, as ClickHouse's "
          "windowFunnel does (the best chain per user). Per step: users who reached it, "
          "conversion from the previous and the first step, drop-off, and the time to convert "
          "(median, quartiles, p90, histogram) of each user's first chain to reach their last "
          "step. --mode strict_order, strict_increase or any_order change the rules; --exclude "
          "breaks a chain at an event between steps; --by and --trend split it; "
          "--dropoff-users N lists who stopped after step N. Definitions in "
          "docs/ANALYTICS.md.\n"
          "  growthlens funnel events.csv --steps 'signup,onboarding_complete,first_purchase' "
          "--window 14d"),
      TypedAnalysis<FunnelParams, FunnelResult>{{
                                                    {steps, &FunnelParams::steps},
                                                    {window, &FunnelParams::window},
                                                    {mode, &FunnelParams::mode},
                                                    {exclude, &FunnelParams::exclude},
                                                    {by, &FunnelParams::by},
                                                    {property, &FunnelParams::property},
                                                    {top, &FunnelParams::top},
                                                    {trend, &FunnelParams::trend},
                                                    {dropoff, &FunnelParams::dropoff_users},
                                                },
                                                nullptr,
                                                RunFunnel,
                                                FunnelJson,
                                                FunnelCsv,
                                                FunnelTableText});
}

RouteVariant FunnelExportRoute() {
  RouteVariant route;
  route.path = "funnel/export";
  route.summary =
      "The users who reached a step of the funnel and went no further (dropoff-users, default "
      "1) as a CSV file to save; dropoff-users=0: the funnel's table";
  route.defaults = {{"dropoff-users", "1"}};
  route.format = OutputFormat::kCsv;
  route.download_name = "funnel_users.csv";
  return route;
}

}  // namespace growthlens::app
