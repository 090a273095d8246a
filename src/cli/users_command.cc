// growthlens users FILE: who is behind a number. Lists the users (or customers) of an RFM
// segment, a persona or a cohort cell, a page at a time (csv: all of them, for export), or with
// --id one user's detail: their RFM scores and segment, persona, cohort and day-by-day timeline.
// RFM segments and cohorts follow --from / --to as the rfm and cohorts commands do; personas are
// the dataset's persona model (the four tiers, as `segment` computes them, of all the data).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/date_window.h"
#include "cli/option_bounds.h"
#include "metrics/periods.h"
#include "metrics/rfm.h"
#include "ml/segmentation.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kCommand = "users";

struct UsersArgs {
  AnalysisInput input;
  DateWindowArgs window;
  std::string segment;
  std::string persona;
  std::string cohort;
  std::string cohort_period = "month";
  std::string age;  // "" = any: every user of the cohort
  std::string search;
  std::string feature;
  std::string country;
  std::string id;
  size_t page = 1;
  size_t page_size = 50;
};

/// Per user (by code): what the list shows and filters on.
struct UserFacts {
  bool active = false;  // a row in the (windowed) data
  Day first_day = kNoDay, last_day = kNoDay;
  int32_t cohort = 0;
  int64_t rfm_row = -1;  // row of the RfmTable, -1 when not scored
  int32_t persona = -1;  // persona id (whole data), -1 when none
};

Status CheckText(std::string_view option, const std::string& text) {
  if (text.size() > kMaxFilterText)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{}: at most {} characters", option, kMaxFilterText));
  return Status::Ok();
}

/// Whether `user` was active in cohort period `bucket`.
std::vector<uint8_t> ActiveInBucket(const Dataset& dataset, CohortPeriod period, int32_t bucket) {
  std::vector<uint8_t> active(dataset.users().size(), 0);
  dataset.Visit([&](const auto& log) {
    for (size_t row = 0; row < log.rows(); ++row) {
      const uint32_t user = UserOfRow(log, row);
      if (user != kNullCode && CohortBucketOf(DayOfRow(log, row), period) == bucket)
        active[user] = 1;
    }
  });
  return active;
}

/// The users with a row of feature `name` (usage logs, --feature) or an order from country
/// `name` (transactions, --country): who is behind a bar of the feature or country charts.
Result<std::vector<uint8_t>> UsersWith(const Dataset& dataset, std::string_view option,
                                       const std::string& name) {
  const bool feature = option == "--feature";
  // The code of `name` and the code of each row to compare it with, per kind.
  const auto with_code = [&](const StringDictionary& names, const auto& log,
                             auto code_of_row) -> Result<std::vector<uint8_t>> {
    const std::optional<uint32_t> code = names.Find(name);
    if (!code)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("{} '{}': no {} of that name", option, name,
                                feature ? "feature" : "country"));
    std::vector<uint8_t> with(log.users.size(), 0);
    for (size_t row = 0; row < log.rows(); ++row) {
      const uint32_t user = UserOfRow(log, row);
      if (user != kNullCode && code_of_row(row) == *code) with[user] = 1;
    }
    return with;
  };
  const auto refuse = [&]() -> Result<std::vector<uint8_t>> {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} applies to {}", option, feature ? "usage logs" : "transactions"));
  };
  return dataset.Visit(Overloaded{
      [&](const UsageLog& log) {
        if (!feature) return refuse();
        return with_code(log.features, log,
                         [&log](size_t row) -> uint32_t { return log.usage.feature[row]; });
      },
      [&](const TransactionLog& log) {
        if (feature) return refuse();
        return with_code(log.countries, log, [&log](size_t row) -> uint32_t {
          return log.orders.country[log.transactions.order[row]];
        });
      }});
}

std::vector<UserFacts> CollectFacts(const Dataset& dataset, const RfmTable& rfm,
                                    CohortPeriod period) {
  std::vector<UserFacts> facts(dataset.users().size());
  dataset.Visit([&facts](const auto& log) {
    for (size_t row = 0; row < log.rows(); ++row) {
      const uint32_t user = UserOfRow(log, row);
      if (user == kNullCode) continue;
      const Day day = DayOfRow(log, row);
      UserFacts& fact = facts[user];
      fact.first_day = fact.active ? std::min(fact.first_day, day) : day;
      fact.last_day = fact.active ? std::max(fact.last_day, day) : day;
      fact.active = true;
    }
  });
  const std::vector<Day>& user_signup = dataset.user_signup();
  for (uint32_t user = 0; user < facts.size(); ++user) {
    // The cohort as `cohorts` makes it: the signup where known, else the first activity.
    const Day signup = user < user_signup.size() ? user_signup[user] : kNoDay;
    const Day start = signup != kNoDay ? signup : facts[user].first_day;
    if (start != kNoDay) facts[user].cohort = CohortBucketOf(start, period);
  }
  for (size_t row = 0; row < rfm.size(); ++row)
    facts[rfm.user[row]].rfm_row = static_cast<int64_t>(row);
  return facts;
}

/// The persona of every user of the whole data (the dataset's persona model).
Result<ml::Segmentation> Personas(const Dataset& whole, const RfmTable& whole_rfm,
                                  const CommandOutcome& outcome) {
  ml::SegmentationOptions options;  // the default model: the four tiers
  options.advise = false;           // the labels only; the sweep is advice
  options.stop = outcome.stop;
  return ml::SegmentUsers(whole, whole_rfm, options);
}

View ListView(std::shared_ptr<const std::vector<uint32_t>> users,
              std::shared_ptr<const std::vector<UserFacts>> facts, const Dataset& dataset,
              const RfmTable& rfm, std::shared_ptr<const ml::Segmentation> personas,
              CohortPeriod period) {
  const bool usage = dataset.kind() == DataKind::kUsage;
  View view;
  view.columns = {{"id", usage ? "User" : "Customer", Align::kLeft},
                  {"segment", "Segment", Align::kLeft},
                  {"persona", "Persona", Align::kLeft},
                  {"recency", "Recency (days)"},
                  {"frequency", usage ? "Active days" : "Orders"},
                  {"monetary", usage ? "Events" : "Revenue"},
                  {"first_day", "First day", Align::kLeft},
                  {"last_day", "Last day", Align::kLeft},
                  {"cohort", "Cohort", Align::kLeft}};
  view.rows = users->size();
  view.row = [=, &dataset, &rfm](size_t idx, std::vector<Cell>& cells) {
    const uint32_t user = (*users)[idx];
    const UserFacts& fact = (*facts)[user];
    const auto row = static_cast<size_t>(fact.rfm_row);
    cells = {Cell::Text(std::string(dataset.users()[user])),
             fact.rfm_row < 0 ? Cell::Empty()
                              : Cell::Text(std::string(RfmSegmentName(rfm.segment[row]))),
             fact.persona < 0
                 ? Cell::Empty()
                 : Cell::Text(personas->personas[static_cast<size_t>(fact.persona)].name),
             fact.rfm_row < 0 ? Cell::Empty() : Cell::Integer(rfm.recency[row]),
             fact.rfm_row < 0 ? Cell::Empty() : Cell::Integer(rfm.frequency[row]),
             // Rounded to the cent before printing: a sum of prices is not 1234.5600000000002
             // in an export.
             fact.rfm_row < 0
                 ? Cell::Empty()
                 : Cell::Number(std::round(rfm.monetary[row] * 100.0) / 100.0, usage ? 0 : 2),
             Cell::Text(fact.active ? FormatDate(fact.first_day) : ""),
             Cell::Text(fact.active ? FormatDate(fact.last_day) : ""),
             Cell::Text(fact.active ? CohortBucketLabel(fact.cohort, period) : "")};
  };
  return view;
}

/// One user's days: events and features (usage) or orders, units and revenue (transactions).
/// One user's days: the events and features of each day.
nlohmann::ordered_json Timeline(const UsageLog& log, uint32_t user) {
  struct DayFacts {
    int64_t events = 0;
    std::vector<std::string> features;
  };
  std::map<Day, DayFacts> days;
  for (size_t row = 0; row < log.rows(); ++row) {
    if (log.usage.user[row] != user) continue;
    DayFacts& day = days[log.usage.day[row]];
    day.events += log.usage.events[row];
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
nlohmann::ordered_json Timeline(const TransactionLog& log, uint32_t user) {
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

Status RunUsers(UsersArgs& args, CommandOutcome& outcome) {
  for (const auto& [option, text] :
       {std::pair{"--segment", &args.segment}, std::pair{"--persona", &args.persona},
        std::pair{"--cohort", &args.cohort}, std::pair{"--search", &args.search},
        std::pair{"--feature", &args.feature}, std::pair{"--country", &args.country},
        std::pair{"--id", &args.id}})
    GROWTHLENS_RETURN_IF_ERROR(CheckText(option, *text));
  Result<DateWindow> window = ParseDateWindow(args.window);
  if (!window.ok()) return window.status();
  Result<CohortPeriod> period = ParseChoice<CohortPeriod>("--cohort-period", args.cohort_period,
                                                          {{"month", CohortPeriod::kMonth},
                                                           {"week", CohortPeriod::kWeek},
                                                           {"day", CohortPeriod::kDay}});
  if (!period.ok()) return period.status();
  std::optional<int32_t> age;
  if (!args.age.empty()) {
    int64_t value = -1;
    const auto [end, error] =
        std::from_chars(args.age.data(), args.age.data() + args.age.size(), value);
    if (error != std::errc() || end != args.age.data() + args.age.size() || value < 0 ||
        value > static_cast<int64_t>(kMaxPeriods))
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--age '{}': expected a whole number of periods in 0..{}", args.age,
                                kMaxPeriods));
    age = static_cast<int32_t>(value);
  }
  if (age && args.cohort.empty())
    return Status(ErrorCode::kInvalidArgument,
                  "--age needs --cohort: the cohort whose period it counts from");

  Result<LoadedData> cleaned = LoadForAnalysis(kCommand, args.input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& whole = (*cleaned)->dataset;
  const std::shared_ptr<const Dataset> windowed = RowsOfWindow(whole, *window);
  const Dataset& dataset = windowed ? *windowed : whole;
  const bool usage = dataset.kind() == DataKind::kUsage;

  RfmOptions rfm_options;
  if (window->to) rfm_options.reference_day = *window->to + 1;
  const RfmTable rfm = ComputeRfm(dataset, rfm_options);
  const RfmTable whole_rfm = windowed ? ComputeRfm(whole, RfmOptions()) : RfmTable();
  const RfmTable& persona_rfm = windowed ? whole_rfm : rfm;
  Result<ml::Segmentation> segmentation = Personas(whole, persona_rfm, outcome);
  // Data too small for the persona model: the users are listed without personas.
  if (!segmentation.ok() && outcome.stop.stop_requested()) return segmentation.status();
  std::shared_ptr<const ml::Segmentation> personas;
  if (segmentation.ok())
    personas = std::make_shared<const ml::Segmentation>(std::move(segmentation).value());
  auto facts = std::make_shared<std::vector<UserFacts>>(CollectFacts(dataset, rfm, *period));
  if (personas)
    for (size_t row = 0; row < persona_rfm.size(); ++row)
      (*facts)[persona_rfm.user[row]].persona = personas->labels[row];

  JsonDocument json;
  json.Set("kind", DataKindName(dataset.kind()));
  json.Set("window", WindowJson(DaysWithRows(whole), *window));

  if (!args.id.empty()) {
    const std::optional<uint32_t> user = whole.users().Find(args.id);
    if (!user || !(*facts)[*user].active)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--id '{}': no {} of that id has activity in {}{}", args.id,
                                usage ? "user" : "customer", args.input.input,
                                windowed ? " in the dates asked" : ""));
    const UserFacts& fact = (*facts)[*user];
    json.Set("view", "user");
    json.Set("id", args.id);
    json.Set("first_day", FormatDate(fact.first_day));
    json.Set("last_day", FormatDate(fact.last_day));
    const Day signup = *user < whole.user_signup().size() ? whole.user_signup()[*user] : kNoDay;
    json.Set("signup", signup == kNoDay ? nlohmann::ordered_json()
                                        : nlohmann::ordered_json(FormatDate(signup)));
    json.Set("cohort", CohortBucketLabel(fact.cohort, *period));
    if (fact.rfm_row >= 0) {
      const auto row = static_cast<size_t>(fact.rfm_row);
      json.Set("rfm", {{"reference_day", FormatDate(rfm.reference_day)},
                       {"recency", rfm.recency[row]},
                       {"frequency", rfm.frequency[row]},
                       {"monetary", rfm.monetary[row]},
                       {"r", rfm.r[row]},
                       {"f", rfm.f[row]},
                       {"m", rfm.m[row]},
                       {"segment", RfmSegmentName(rfm.segment[row])}});
    }
    if (fact.persona >= 0) {
      const ml::Persona& persona = personas->personas[static_cast<size_t>(fact.persona)];
      json.Set("persona", {{"id", persona.id},
                           {"name", persona.name},
                           {"description", persona.description},
                           {"action", persona.action}});
    }
    json.Set("timeline", dataset.Visit([&user](const auto& log) { return Timeline(log, *user); }));
    if (args.input.format != OutputFormat::kJson)
      return Status(ErrorCode::kInvalidArgument,
                    "--id shows one user as json (--format json); list users without it");
    PrintOut(outcome, json.Render());
    return Status::Ok();
  }

  // The list: every user with activity, narrowed by the filters, most valuable first.
  std::vector<uint8_t> in_cell;
  int32_t cohort_bucket = 0;
  if (!args.cohort.empty()) {
    bool found = false;
    for (const UserFacts& fact : *facts)
      if (fact.active && CohortBucketLabel(fact.cohort, *period) == args.cohort) {
        cohort_bucket = fact.cohort;
        found = true;
        break;
      }
    if (!found)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--cohort '{}': no {} cohort of that label", args.cohort,
                                CohortPeriodName(*period)));
    if (age) in_cell = ActiveInBucket(dataset, *period, cohort_bucket + *age);
  }
  std::vector<uint8_t> with;
  for (const auto& [option, name] :
       {std::pair{"--feature", &args.feature}, std::pair{"--country", &args.country}}) {
    if (name->empty()) continue;
    Result<std::vector<uint8_t>> users = UsersWith(dataset, option, *name);
    if (!users.ok()) return users.status();
    with = std::move(users).value();
  }
  // --segment takes one segment or several, comma-separated (the Usage page's filter).
  std::vector<std::string_view> segments;
  for (size_t begin = 0; begin < args.segment.size();) {
    const size_t end = std::min(args.segment.find(',', begin), args.segment.size());
    segments.push_back(std::string_view(args.segment).substr(begin, end - begin));
    begin = end + 1;
  }
  auto listed = std::make_shared<std::vector<uint32_t>>();
  size_t total = 0;
  for (uint32_t user = 0; user < facts->size(); ++user) {
    const UserFacts& fact = (*facts)[user];
    if (!fact.active) continue;
    ++total;
    if (!segments.empty() &&
        (fact.rfm_row < 0 ||
         std::find(segments.begin(), segments.end(),
                   RfmSegmentName(rfm.segment[static_cast<size_t>(fact.rfm_row)])) ==
             segments.end()))
      continue;
    if (!args.persona.empty() &&
        (fact.persona < 0 ||
         personas->personas[static_cast<size_t>(fact.persona)].name != args.persona))
      continue;
    if (!args.cohort.empty() && fact.cohort != cohort_bucket) continue;
    if (!in_cell.empty() && !in_cell[user]) continue;
    if (!with.empty() && !with[user]) continue;
    if (!args.search.empty() &&
        whole.users()[user].find(std::string_view(args.search)) == std::string_view::npos)
      continue;
    listed->push_back(user);
  }
  // Most valuable first: monetary, then frequency, then the most recent.
  std::stable_sort(listed->begin(), listed->end(), [&](uint32_t a, uint32_t b) {
    const int64_t ra = (*facts)[a].rfm_row, rb = (*facts)[b].rfm_row;
    if (ra < 0 || rb < 0) return ra > rb;
    const auto ia = static_cast<size_t>(ra), ib = static_cast<size_t>(rb);
    if (rfm.monetary[ia] != rfm.monetary[ib]) return rfm.monetary[ia] > rfm.monetary[ib];
    if (rfm.frequency[ia] != rfm.frequency[ib]) return rfm.frequency[ia] > rfm.frequency[ib];
    return rfm.recency[ia] < rfm.recency[ib];
  });
  const View all = ListView(listed, facts, dataset, rfm, personas, *period);
  if (args.input.format == OutputFormat::kCsv) {
    PrintOut(outcome, RenderCsv(all));
    return Status::Ok();
  }
  const size_t pages = std::max<size_t>(1, (listed->size() + args.page_size - 1) / args.page_size);
  const size_t page = std::min(args.page, pages);
  const size_t begin = (page - 1) * args.page_size;
  auto shown = std::make_shared<std::vector<uint32_t>>(
      listed->begin() + static_cast<std::ptrdiff_t>(std::min(begin, listed->size())),
      listed->begin() +
          static_cast<std::ptrdiff_t>(std::min(begin + args.page_size, listed->size())));
  const View view = ListView(shown, facts, dataset, rfm, personas, *period);
  if (args.input.format == OutputFormat::kTable) {
    PrintOut(outcome,
             fmt::format("{} of {} {}, page {} of {}\n\n", WithThousands(listed->size()),
                         WithThousands(total), usage ? "users" : "customers", page, pages) +
                 RenderTable(view));
    return Status::Ok();
  }
  json.Set("view", "list");
  json.Set("filters", {{"segment", args.segment},
                       {"persona", args.persona},
                       {"cohort", args.cohort},
                       {"cohort_period", CohortPeriodName(*period)},
                       {"age", age ? nlohmann::ordered_json(*age) : nlohmann::ordered_json()},
                       {"search", args.search},
                       {"feature", args.feature},
                       {"country", args.country}});
  json.Set("total_users", total);
  json.Set("matched", listed->size());
  json.Set("page", page);
  json.Set("page_size", args.page_size);
  json.Set("pages", pages);
  json.SetRows("users", view);
  PrintOut(outcome, json.Render());
  return Status::Ok();
}

}  // namespace

void RegisterUsersCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<UsersArgs>();
  CLI::App* command = app.add_subcommand(
      "users",
      "Who is behind a number: the users (customers) of an RFM segment, a persona or a cohort "
      "cell with their segment, persona, recency, frequency, monetary value and first and last "
      "day, most valuable first, a page at a time (csv: every one, for export); or with --id "
      "one user's RFM, persona, cohort and day-by-day timeline (json). Loaded as ingest does "
      "(nothing is written).");
  AddAnalysisInput(*command, args->input, outcome);
  AddDateWindowOptions(*command, args->window);
  command->add_option("--segment", args->segment,
                      "Only this RFM segment, e.g. Champions (or several, comma-separated)");
  command->add_option("--persona", args->persona,
                      "Only this persona of the four tiers, e.g. 'Power Users'");
  command->add_option("--cohort", args->cohort,
                      "Only this cohort, as the cohorts command labels it (2025-03, a week's "
                      "Monday, a day)");
  command->add_option("--cohort-period", args->cohort_period,
                      "month (default), week or day: what --cohort and --age count in");
  command->add_option("--age", args->age,
                      "With --cohort: only its users active in period N after its start (the "
                      "heatmap cell)");
  command->add_option("--search", args->search, "Only ids that contain this text");
  command->add_option("--feature", args->feature, "Usage logs: only the users of this feature");
  command->add_option("--country", args->country,
                      "Transactions: only the customers with an order from this country");
  command->add_option("--id", args->id, "One user's detail instead of a list (json)");
  command->add_option("--page", args->page, "Page of the list, from 1 (default 1)")
      ->check(WholeNumberIn(1, kMaxPage));
  command->add_option("--page-size", args->page_size, "Users per page (default 50)")
      ->check(WholeNumberIn(1, kMaxPageSize));
  command->callback([args, &outcome] {
    const Status status = RunUsers(*args, outcome);
    if (!status.ok()) ReportFailure(std::string(kCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
