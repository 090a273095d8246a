#include "app/users_analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cohort_views.h"
#include "app/date_params.h"
#include "app/persona_cache.h"
#include "app/table_view.h"
#include "app/user_facts.h"
#include "metrics/analysis.h"
#include "metrics/periods.h"
#include "metrics/rfm.h"
#include "ml/segmentation.h"

namespace growthlens::app {

namespace {

/// Longest id, name or list a filter takes.
constexpr size_t kMaxUserFilterText = 200;
constexpr int64_t kMaxUsersPage = 1'000'000'000;
constexpr int64_t kMaxUsersPageSize = 1'000;
constexpr int64_t kMaxCohortAge = 10'000;

struct UsersParams {
  std::optional<Day> from;
  std::optional<Day> to;
  std::string segment;
  std::string persona;
  std::string cohort;
  std::string cohort_period;
  int64_t age = -1;  // -1: any, every user of the cohort
  std::string search;
  std::string feature;
  std::string country;
  std::string id;
  int64_t page = 1;
  int64_t page_size = 50;
};

/// `segment`'s names, one or several comma-separated.
std::vector<std::string_view> SegmentNames(std::string_view text) {
  std::vector<std::string_view> names;
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = std::min(text.find(',', begin), text.size());
    names.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return names;
}

Status CheckUsersParams(const UsersParams& params, Naming naming) {
  GROWTHLENS_RETURN_IF_ERROR(CheckWindowParams(params, naming));
  if (params.age >= 0 && params.cohort.empty())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} needs {}: the cohort whose period it counts from",
                              ShownName("age", naming), ShownName("cohort", naming)));
  for (std::string_view name : SegmentNames(params.segment)) {
    bool known = false;
    for (size_t segment = 0; segment < kRfmSegmentCount; ++segment)
      known = known || RfmSegmentName(static_cast<RfmSegment>(segment)) == name;
    if (!known) {
      std::string names;
      for (size_t segment = 0; segment < kRfmSegmentCount; ++segment)
        names += fmt::format("{}{}", segment == 0 ? "" : ", ",
                             RfmSegmentName(static_cast<RfmSegment>(segment)));
      return BadValue("segment", naming, name,
                      fmt::format("expected RFM segments, comma-separated: {}", names));
    }
  }
  return Status::Ok();
}

/// One user's detail, or a page of the list; CSV gets every user of the list.
struct UsersResult {
  nlohmann::ordered_json head;  // kind, window
  std::optional<nlohmann::ordered_json> detail;
  // The list:
  std::shared_ptr<const Dataset> windowed;  // null: the whole data
  const Dataset* whole = nullptr;
  std::shared_ptr<const RfmTable> rfm;
  std::shared_ptr<const UserPersonas> personas;
  std::shared_ptr<const std::vector<UserFacts>> facts;
  std::shared_ptr<const std::vector<uint32_t>> listed;
  CohortPeriod period = CohortPeriod::kMonth;
  size_t total = 0;  // users with activity
  size_t page = 1, pages = 1, page_size = 50;
  nlohmann::ordered_json filters;

  const Dataset& dataset() const { return windowed ? *windowed : *whole; }
  bool usage() const { return ByKind(dataset().kind(), true, false); }
  View ListOf(std::shared_ptr<const std::vector<uint32_t>> users) const {
    return UserListView(std::move(users), facts, dataset(), *rfm, personas, period);
  }
  View PageView() const {
    const size_t begin = std::min((page - 1) * page_size, listed->size());
    const size_t end = std::min(begin + page_size, listed->size());
    return ListOf(std::make_shared<const std::vector<uint32_t>>(
        listed->begin() + static_cast<std::ptrdiff_t>(begin),
        listed->begin() + static_cast<std::ptrdiff_t>(end)));
  }
};

/// One user's days: the events and features of each day.
nlohmann::ordered_json UserTimeline(const UsageLog& log, uint32_t user) {
  struct DayFacts {
    int64_t events = 0;
    std::vector<std::string> features;
  };
  std::map<Day, DayFacts> days;
  const RowCounts counts(log.usage);
  for (size_t row = 0; row < log.rows(); ++row) {
    if (log.usage.user[row] != user) continue;
    DayFacts& day = days[log.usage.day[row]];
    day.events += counts[row];
    std::string feature(log.features[log.usage.feature[row]]);
    if (std::find(day.features.begin(), day.features.end(), feature) == day.features.end())
      day.features.push_back(std::move(feature));
  }
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [day, facts] : days)
    out.push_back(
        {{"day", FormatDate(day)}, {"events", facts.events}, {"features", facts.features}});
  return out;
}

/// One customer's days: orders (their invoices), units and revenue of each day.
nlohmann::ordered_json UserTimeline(const TransactionLog& log, uint32_t user) {
  struct DayFacts {
    std::vector<uint32_t> orders;
    int64_t units = 0;
    double revenue = 0;
  };
  std::map<Day, DayFacts> days;
  for (size_t row = 0; row < log.rows(); ++row) {
    if (UserOfRow(log, row) != user) continue;
    DayFacts& day = days[DayOfRow(log, row)];
    const uint32_t order = log.transactions.order[row];
    if (std::find(day.orders.begin(), day.orders.end(), order) == day.orders.end())
      day.orders.push_back(order);
    day.units += log.transactions.quantity[row];
    day.revenue += log.AmountOfRow(row);
  }
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [day, facts] : days) {
    std::vector<std::string> invoices;
    for (uint32_t order : facts.orders)
      invoices.emplace_back(log.invoices[log.orders.invoice[order]]);
    out.push_back({{"day", FormatDate(day)},
                   {"orders", facts.orders.size()},
                   {"invoices", invoices},
                   {"units", facts.units},
                   {"revenue", std::round(facts.revenue * 100.0) / 100.0}});
  }
  return out;
}

/// One user's RFM, persona, cohort and timeline, or an error when the id has no activity.
Result<nlohmann::ordered_json> UserDetail(const UsersParams& params, const UsersResult& result,
                                          const RunContext& context) {
  const Dataset& whole = *result.whole;
  const std::optional<uint32_t> user = whole.users().Find(params.id);
  if (!user || !(*result.facts)[*user].active)
    return BadValue(
        "id", context.naming, params.id,
        fmt::format("no {} of that id has activity in {}{}", result.usage() ? "user" : "customer",
                    context.source, result.windowed ? " in the dates asked" : ""));
  const UserFacts& fact = (*result.facts)[*user];
  nlohmann::ordered_json json = result.head;
  json["view"] = "user";
  json["id"] = params.id;
  json["first_day"] = FormatDate(fact.first_day);
  json["last_day"] = FormatDate(fact.last_day);
  const Day signup = *user < whole.user_signup().size() ? whole.user_signup()[*user] : kNoDay;
  json["signup"] =
      signup == kNoDay ? nlohmann::ordered_json() : nlohmann::ordered_json(FormatDate(signup));
  json["cohort"] = CohortBucketLabel(fact.cohort, result.period);
  const RfmTable& rfm = *result.rfm;
  if (fact.rfm_row >= 0) {
    const auto row = static_cast<size_t>(fact.rfm_row);
    json["rfm"] = {{"reference_day", FormatDate(rfm.reference_day)},
                   {"recency", rfm.recency[row]},
                   {"frequency", rfm.frequency[row]},
                   {"monetary", rfm.monetary[row]},
                   {"r", rfm.r[row]},
                   {"f", rfm.f[row]},
                   {"m", rfm.m[row]},
                   {"segment", RfmSegmentName(rfm.segment[row])}};
  }
  if (fact.persona >= 0 && result.personas->model) {
    const ml::Persona& persona =
        result.personas->model->personas[static_cast<size_t>(fact.persona)];
    json["persona"] = {{"id", persona.id},
                       {"name", persona.name},
                       {"description", persona.description},
                       {"action", persona.action}};
  }
  json["timeline"] =
      result.dataset().Visit([&user](const auto& log) { return UserTimeline(log, *user); });
  if (context.format != OutputFormat::kJson)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} shows one user as json{}; list users without it",
                              ShownName("id", context.naming),
                              context.naming == Naming::kCli ? " (--format json)" : ""));
  return json;
}

/// The users of the list, most valuable first: monetary, then frequency, then the most recent.
Result<std::vector<uint32_t>> ListedUsers(const UsersParams& params, UsersResult& result,
                                          const RunContext& context) {
  const Dataset& dataset = result.dataset();
  const std::vector<UserFacts>& facts = *result.facts;
  const RfmTable& rfm = *result.rfm;
  std::vector<uint8_t> in_cell;
  int32_t cohort_bucket = 0;
  if (!params.cohort.empty()) {
    bool found = false;
    for (const UserFacts& fact : facts)
      if (fact.active && CohortBucketLabel(fact.cohort, result.period) == params.cohort) {
        cohort_bucket = fact.cohort;
        found = true;
        break;
      }
    if (!found)
      return BadValue("cohort", context.naming, params.cohort,
                      fmt::format("no {} cohort of that label", CohortPeriodName(result.period)));
    if (params.age >= 0)
      in_cell =
          ActiveInBucket(dataset, result.period, cohort_bucket + static_cast<int32_t>(params.age));
  }
  std::vector<uint8_t> with;
  for (const auto& [param, name] :
       {std::pair{"feature", &params.feature}, std::pair{"country", &params.country}}) {
    if (name->empty()) continue;
    Result<std::vector<uint8_t>> users = UsersWith(dataset, param, *name, context.naming);
    if (!users.ok()) return users.status();
    with = std::move(users).value();
  }
  const std::vector<std::string_view> segments = SegmentNames(params.segment);
  const ml::Segmentation* model = result.personas->model.get();
  std::vector<uint32_t> listed;
  for (uint32_t user = 0; user < facts.size(); ++user) {
    const UserFacts& fact = facts[user];
    if (!fact.active) continue;
    ++result.total;
    if (!segments.empty() &&
        (fact.rfm_row < 0 ||
         std::find(segments.begin(), segments.end(),
                   RfmSegmentName(rfm.segment[static_cast<size_t>(fact.rfm_row)])) ==
             segments.end()))
      continue;
    if (!params.persona.empty() &&
        (fact.persona < 0 || model == nullptr ||
         model->personas[static_cast<size_t>(fact.persona)].name != params.persona))
      continue;
    if (!params.cohort.empty() && fact.cohort != cohort_bucket) continue;
    if (!in_cell.empty() && !in_cell[user]) continue;
    if (!with.empty() && !with[user]) continue;
    if (!params.search.empty() &&
        result.whole->users()[user].find(std::string_view(params.search)) == std::string_view::npos)
      continue;
    listed.push_back(user);
  }
  std::stable_sort(listed.begin(), listed.end(), [&facts, &rfm](uint32_t a, uint32_t b) {
    const int64_t ra = facts[a].rfm_row, rb = facts[b].rfm_row;
    if (ra < 0 || rb < 0) return ra > rb;
    const auto ia = static_cast<size_t>(ra), ib = static_cast<size_t>(rb);
    if (rfm.monetary[ia] != rfm.monetary[ib]) return rfm.monetary[ia] > rfm.monetary[ib];
    if (rfm.frequency[ia] != rfm.frequency[ib]) return rfm.frequency[ia] > rfm.frequency[ib];
    return rfm.recency[ia] < rfm.recency[ib];
  });
  return listed;
}

Result<UsersResult> RunUsers(const CleanedData& data, const UsersParams& params,
                             RunContext& context) {
  Result<DateWindow> window = CheckedWindow(params.from, params.to, context.naming);
  if (!window.ok()) return window.status();
  UsersResult result;
  result.period = CohortPeriodOf(params.cohort_period);
  result.whole = &data.dataset;
  result.windowed = RowsOfWindow(data.dataset, *window);
  const Dataset& dataset = result.dataset();
  // The held analysis's RFM table when it covers the dates asked (a ClickHouse workspace's
  // pushed-down one: its rows stand in for the users and would not give it).
  const bool held_rfm =
      HeldAnalysisCovers(context.analysis.get(), context.analysis_window, *window);
  if (held_rfm) {
    result.rfm = std::shared_ptr<const RfmTable>(context.analysis, &context.analysis->rfm);
  } else {
    RfmOptions rfm_options;
    if (window->to) rfm_options.reference_day = *window->to + 1;
    result.rfm = std::make_shared<const RfmTable>(ComputeRfm(dataset, rfm_options));
  }
  // The server keeps the persona model of each held file; the CLI computes it for this run.
  if (context.personas || !held_rfm || result.windowed) {
    const std::shared_ptr<PersonaCache> cache =
        context.personas ? context.personas : std::make_shared<PersonaCache>();
    Result<std::shared_ptr<const UserPersonas>> personas = cache->Get(data.dataset, context.stop);
    if (!personas.ok()) return personas.status();
    result.personas = *personas;
  } else {
    Result<UserPersonas> personas = ComputeUserPersonas(data.dataset, *result.rfm, context.stop);
    if (!personas.ok()) return personas.status();
    result.personas = std::make_shared<const UserPersonas>(std::move(personas).value());
  }
  result.facts = std::make_shared<const std::vector<UserFacts>>(
      CollectUserFacts(dataset, *result.rfm, result.period, *result.personas));
  result.head["kind"] = DataKindName(dataset.kind());
  result.head["window"] =
      WindowJson(DaysWithRows(data.dataset, held_rfm ? context.analysis.get() : nullptr), *window);
  if (!params.id.empty()) {
    Result<nlohmann::ordered_json> detail = UserDetail(params, result, context);
    if (!detail.ok()) return detail.status();
    result.detail = std::move(detail).value();
    return result;
  }
  Result<std::vector<uint32_t>> listed = ListedUsers(params, result, context);
  if (!listed.ok()) return listed.status();
  result.listed = std::make_shared<const std::vector<uint32_t>>(std::move(listed).value());
  result.page_size = static_cast<size_t>(params.page_size);
  result.pages =
      std::max<size_t>(1, (result.listed->size() + result.page_size - 1) / result.page_size);
  result.page = std::min(static_cast<size_t>(params.page), result.pages);
  result.filters = {
      {"segment", params.segment},
      {"persona", params.persona},
      {"cohort", params.cohort},
      {"cohort_period", CohortPeriodName(result.period)},
      {"age", params.age >= 0 ? nlohmann::ordered_json(params.age) : nlohmann::ordered_json()},
      {"search", params.search},
      {"feature", params.feature},
      {"country", params.country}};
  return result;
}

std::string UsersJson(const UsersResult& result) {
  JsonDocument json;
  const nlohmann::ordered_json& fields = result.detail ? *result.detail : result.head;
  for (const auto& [key, value] : fields.items()) json.Set(key, value);
  if (result.detail) return json.Render();
  json.Set("view", "list");
  json.Set("filters", result.filters);
  json.Set("total_users", result.total);
  json.Set("matched", result.listed->size());
  json.Set("page", result.page);
  json.Set("page_size", result.page_size);
  json.Set("pages", result.pages);
  json.SetRows("users", result.PageView());
  return json.Render();
}

std::string UsersCsv(const UsersResult& result) {
  return RenderCsv(result.ListOf(result.listed));
}

std::string UsersTableText(const UsersResult& result) {
  return fmt::format("{} of {} {}, page {} of {}\n\n", WithThousands(result.listed->size()),
                     WithThousands(result.total), result.usage() ? "users" : "customers",
                     result.page, result.pages) +
         RenderTable(result.PageView());
}

ParamSpec FilterText(std::string name, std::string help) {
  ParamSpec spec = StringParam(std::move(name), std::move(help));
  spec.max_length = kMaxUserFilterText;
  return spec;
}

}  // namespace

AnalysisEntry UsersAnalysis() {
  ParamSpec age = IntParam("age", 0, 0, kMaxCohortAge,
                           "With a cohort: only its users active in period N after its start "
                           "(the heatmap cell)");
  age.default_value = "";  // any: every user of the cohort
  return MakeEntry(
      AnalysisInfo(
          "users", DataNeed::kAny,
          "The users of an RFM segment, persona, cohort cell, feature or country, most valuable "
          "first, a page at a time; or with id one user's RFM, persona, cohort and timeline",
          "Who is behind a number: the users (customers) of an RFM segment, a persona or a "
          "cohort cell with their segment, persona, recency, frequency, monetary value and first "
          "and last day, most valuable first, a page at a time (csv: every one, for export); or "
          "with --id one user's RFM, persona, cohort and day-by-day timeline (json). Loaded as "
          "ingest does (nothing is written)."),
      TypedAnalysis<UsersParams, UsersResult>{
          {
              {FromParamSpec(), &UsersParams::from},
              {ToParamSpec(), &UsersParams::to},
              {FilterText("segment",
                          "Only this RFM segment, e.g. Champions (or several, comma-separated)"),
               &UsersParams::segment},
              {FilterText("persona", "Only this persona of the four tiers, e.g. 'Power Users'"),
               &UsersParams::persona},
              {FilterText("cohort",
                          "Only this cohort, as the cohorts command labels it (2025-03, a "
                          "week's Monday, a day)"),
               &UsersParams::cohort},
              {EnumParam("cohort-period", "month", {"month", "week", "day"},
                         "month (default), week or day: what cohort and age count in"),
               &UsersParams::cohort_period},
              {age, &UsersParams::age},
              {FilterText("search", "Only ids that contain this text"), &UsersParams::search},
              {FilterText("feature", "Usage logs: only the users of this feature"),
               &UsersParams::feature},
              {FilterText("country",
                          "Transactions: only the customers with an order from this country"),
               &UsersParams::country},
              {FilterText("id", "One user's detail instead of a list (json)"), &UsersParams::id},
              {IntParam("page", 1, 1, kMaxUsersPage, "Page of the list, from 1 (default 1)"),
               &UsersParams::page},
              {IntParam("page-size", 50, 1, kMaxUsersPageSize, "Users per page (default 50)"),
               &UsersParams::page_size},
          },
          CheckUsersParams,
          RunUsers,
          UsersJson,
          UsersCsv,
          UsersTableText});
}

RouteVariant UsersExportRoute() {
  RouteVariant route;
  route.path = "users/export";
  route.summary =
      "Every user of the users list (its filters, without paging) as a CSV file to save";
  route.unset = {"page", "page-size", "id"};
  route.format = OutputFormat::kCsv;
  route.download_name = "users.csv";
  return route;
}

}  // namespace growthlens::app
