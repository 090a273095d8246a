#include "app/clickhouse_aggregates.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <utility>

#include "app/clickhouse_connection.h"
#include "app/clickhouse_funnel_input.h"
#include "app/clickhouse_stand_in.h"
#include "app/clickhouse_users.h"
#include "app/param_spec.h"
#include "metrics/activity_grid.h"
#include "metrics/analysis.h"
#include "warehouse/clickhouse_filters.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::app {

namespace {

double Ratio(double part, double whole) {
  return whole == 0 ? 0 : part / whole;
}

/// Each user's first day of all time as their start (the stand-in rows' signup), as RowsInWindow
/// keeps it: cohorts of a window put users who started before it in their true, earlier cohort.
Status SetStartsOfAllTime(warehouse::ClickHouseClient& client, DataKind kind,
                          const warehouse::DayWindow& window, Dataset& user_rows) {
  return user_rows.Visit([&](auto& log) {
    log.user_signup.assign(log.users.size(), kNoDay);
    return warehouse::QueryUserStarts(
        client, kind, window, [&](std::string_view user, Day first) -> Status {
          const std::optional<uint32_t> code = log.users.Find(user);
          if (!code)
            return Status(ErrorCode::kDataError,
                          fmt::format("ClickHouse answered the first day of the user '{}', whom "
                                      "the per-user totals did not name (was the table written "
                                      "to while it was read?)",
                                      user));
          log.user_signup[*code] = first;
          return Status::Ok();
        });
  });
}

/// The RFM of the per-user totals of `rows` as RunRfm scores the rows: recency to the day after
/// the window (else after the data) or to the plan's reference day, equal values by its ties.
RfmTable RfmOf(const warehouse::UserTotals& users, const warehouse::KindTotals& rows,
               const PushDownPlan& plan) {
  RfmOptions rfm;
  rfm.ties = plan.rfm_ties;
  if (plan.window.to) rfm.reference_day = *plan.window.to + 1;
  if (plan.rfm_reference_day) rfm.reference_day = plan.rfm_reference_day;
  if (rows.rows == 0 && !rfm.reference_day) rfm.reference_day = 0;  // as ComputeRfm of no rows
  return ComputeRfm(users.users, UserRfmTotals{users.last_day, users.frequency, users.monetary},
                    rows.last_day, rfm);
}

/// Per user, rows at the user's last active day: what names the users in the views.
Dataset UserRowsOf(DataKind kind, const warehouse::UserTotals& totals) {
  const auto users = static_cast<uint32_t>(totals.users.size());
  if (kind == DataKind::kTransactions) {
    TransactionLog log = StandInTransactions(totals.users);
    for (uint32_t user = 0; user < users; ++user) AddDayOrder(log, user, totals.last_day[user]);
    return log;
  }
  UsageLog log = StandInUsage(kind, totals.users, totals.features);
  for (uint32_t user = 0; user < users; ++user) AddLastDayFeatureRows(log, totals, user);
  return log;
}

/// The KPIs of the rows inside `window` (all time when open), as ComputeKpis gives them from the
/// rows: `whole` are the whole data's totals, `rows` and `users` those of the window's rows.
Kpis KpisOf(DataKind kind, const warehouse::KindTotals& whole, const warehouse::KindTotals& rows,
            const warehouse::UserTotals& users, const warehouse::DayWindow& window) {
  Kpis kpis;
  kpis.kind = kind;
  kpis.from = window.from.value_or(whole.first_day);
  kpis.to = window.to.value_or(whole.last_day);
  kpis.users = window.open() ? users.users.size() : whole.users;
  if (kpis.to < kpis.from) return kpis;
  kpis.rows = rows.rows;
  kpis.active_users = users.users.size();
  const auto active = static_cast<double>(kpis.active_users);
  if (kind == DataKind::kTransactions) {
    kpis.revenue = rows.revenue;
    kpis.orders = rows.orders;
    kpis.average_order_value = Ratio(kpis.revenue, static_cast<double>(kpis.orders));
    const auto repeaters = std::count_if(users.frequency.begin(), users.frequency.end(),
                                         [](int64_t invoices) { return invoices >= 2; });
    kpis.repeat_purchase_rate = Ratio(static_cast<double>(repeaters), active);
    return kpis;
  }
  // The averages count every day of the window, those without rows as quiet.
  const PeriodCounts period = CountPeriods(kpis.from, kpis.to);
  kpis.events = rows.events;
  kpis.events_per_user = Ratio(static_cast<double>(kpis.events), active);
  kpis.active_days_per_user = Ratio(static_cast<double>(rows.user_days), active);
  kpis.average_dau = Ratio(static_cast<double>(rows.user_days), static_cast<double>(period.days));
  kpis.average_wau = Ratio(static_cast<double>(rows.user_weeks), static_cast<double>(period.weeks));
  kpis.average_mau =
      Ratio(static_cast<double>(rows.user_months), static_cast<double>(period.months));
  kpis.stickiness = Ratio(kpis.average_dau, kpis.average_mau);
  return kpis;
}

/// Parameters that need the rows (usage's users and shares, a users list's period and
/// countries): not pushed down yet.
struct RowParam {
  std::string_view analysis;
  std::string_view name;
  std::string_view allowed;  // the one value that runs on the aggregates ("" = none given)
};
constexpr std::array kRowParams = {
    RowParam{"segment", "features", "rfm"},
    RowParam{"segment", "model", ""},
    // usage and cohorts: every user, no event properties.
    RowParam{"usage", "users", ""},
    RowParam{"usage", "users-file", ""},
    RowParam{"usage", "segment", ""},
    RowParam{"usage", "by", ""},
    // users: all time (personas and RFM of the whole data); no per-customer countries.
    RowParam{"users", "from", ""},
    RowParam{"users", "to", ""},
    RowParam{"users", "country", ""},
};

/// The analyses a ClickHouse workspace answers (with the parameters kRowParams allows).
constexpr std::array<std::string_view, 10> kPushedDownAnalyses = {
    "kpis",      "rfm",     "segment",  "usage", "cohorts",
    "lifecycle", "revenue", "insights", "users", "paths"};

}  // namespace

std::string PushedDownAnalysesText() {
  return fmt::format("{} and funnel", fmt::join(kPushedDownAnalyses, ", "));
}

Status CheckPushedDown(std::string_view analysis, const ParamText& params) {
  if (analysis == "funnel") return CheckFunnelPushedDown(params);
  if (analysis == "clv") return Status::Ok();          // its own rows (app/clickhouse_clv_input.h)
  if (analysis == "predictions") return Status::Ok();  // app/clickhouse_predictions.h
  if (std::find(kPushedDownAnalyses.begin(), kPushedDownAnalyses.end(), analysis) ==
      kPushedDownAnalyses.end())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} does not run on a ClickHouse workspace yet: {} do "
                              "(docs/CLICKHOUSE.md); export the data with a query and "
                              "analyse the CSV meanwhile",
                              analysis, PushedDownAnalysesText()));
  if (analysis == "cohorts" &&
      !(ParamValue(params, "start-event").empty() && ParamValue(params, "return-event").empty()))
    for (const std::string_view bound : {"from", "to"})
      if (const std::string_view value = ParamValue(params, bound); !value.empty())
        // The window's parameter first: the server's 501 names the first --NAME of the message.
        return Status(ErrorCode::kInvalidArgument,
                      fmt::format("cohorts --{} {} with --start-event/--return-event does not "
                                  "run on a ClickHouse workspace yet (cohorts by behaviour are "
                                  "pushed down over all time so far); leave --from and --to unset",
                                  bound, value));
  for (const auto& [name, value] : params)
    for (const RowParam& row_param : kRowParams)
      if (row_param.analysis == analysis && row_param.name == name && !value.empty() &&
          value != row_param.allowed)
        return Status(
            ErrorCode::kInvalidArgument,
            fmt::format(
                "{} --{} {} does not run on a ClickHouse workspace yet ({} is pushed down "
                "without that setting so far); leave --{} {}",
                analysis, name, value, analysis, name,
                row_param.allowed.empty() ? "unset" : fmt::format("at {}", row_param.allowed)));
  return Status::Ok();
}

Result<PushedDownData> LoadClickHouseAggregates(const warehouse::ClickHouseEndpoint& endpoint,
                                                const StoredKindChoice& choice, ProgressFn progress,
                                                const PushDownPlan& plan, HeldAggregates* keep) {
  Result<StoredKindConnection> connection =
      ConnectToStoredKind(endpoint, choice, std::nullopt, progress);
  if (!connection.ok()) return connection.status();
  warehouse::ClickHouseClient& client = connection->client;
  const DataKind kind = connection->kind;
  if (progress)
    progress(fmt::format("aggregating the {} of {} in ClickHouse {}", DataKindName(kind),
                         endpoint.Display(), client.version()));
  // The whole data's totals, and with a window those of its rows (kpis, rfm).
  Result<warehouse::KindTotals> whole = warehouse::QueryKindTotals(client, kind);
  if (!whole.ok()) return whole.status();
  Result<warehouse::KindTotals> all =
      plan.window.open() ? whole : warehouse::QueryKindTotals(client, kind, plan.window);
  if (!all.ok()) return all.status();
  Result<warehouse::UserTotals> read = warehouse::QueryUserTotals(client, kind, plan.window);
  if (!read.ok()) return read.status();
  if (!plan.feature_names.empty()) {
    // A feature filter names features of the whole data, as on the embedded workspace.
    Result<std::vector<std::string>> names = warehouse::QueryFeatureNames(client, kind);
    if (!names.ok()) return names.status();
    for (const std::string& name : *names) read->features.Intern(name);
  }
  const auto users = std::make_shared<const warehouse::UserTotals>(std::move(read).value());

  auto analysis = std::make_shared<Analysis>();
  analysis->kind = kind;
  analysis->kpis = KpisOf(kind, *whole, *all, *users, plan.window);
  analysis->rfm = RfmOf(*users, *all, plan);
  auto data = std::make_shared<CleanedData>();
  data->dataset = UserRowsOf(kind, *users);
  if (plan.activity && !plan.window.open())
    GROWTHLENS_RETURN_IF_ERROR(SetStartsOfAllTime(client, kind, plan.window, data->dataset));
  GROWTHLENS_RETURN_IF_ERROR(AddPushedDownAnalyses(
      client, PushedDownInputs{kind, &*whole, &*all, &*users, &data->dataset}, plan, *analysis));
  if (plan.users_rows)
    GROWTHLENS_RETURN_IF_ERROR(ReplaceWithUsersRows(client, kind, *users, plan.user_id,
                                                    choice.signup_event, data->dataset));
  data->report.records = whole->rows;  // the data read, whichever window the analyses cover
  data->report.rows_kept = whole->rows;
  PushedDownData pushed{std::move(data), std::move(analysis), std::nullopt};
  const warehouse::DayWindow& window =
      plan.lifecycle_window.open() ? plan.window : plan.lifecycle_window;
  if (!window.open() || !plan.feature_names.empty()) {
    pushed.window = HeldWindow{DateWindow{window.from, window.to},
                               {whole->first_day, whole->last_day},
                               std::nullopt,
                               plan.feature_names};
    if (all->rows > 0) pushed.window->rows = DayRange{all->first_day, all->last_day};
  } else if (keep != nullptr) {
    *keep = HeldAggregates{kind, *whole, users, pushed};
  }
  return pushed;
}

Result<PushedDownData> LoadClickHouseAggregates(const warehouse::ClickHouseEndpoint& endpoint,
                                                const HeldAggregates& held,
                                                const PushDownPlan& plan) {
  Result<warehouse::ClickHouseClient> client = warehouse::ClickHouseClient::Connect(endpoint);
  if (!client.ok()) return client.status();
  // The held kpis and rfm, and what the plan adds to them.
  auto analysis = std::make_shared<Analysis>(*held.all_time.analysis);
  if (plan.rfm_ties != RfmTies::kFirstOccurrence || plan.rfm_reference_day)
    analysis->rfm = RfmOf(*held.users, held.whole, plan);
  GROWTHLENS_RETURN_IF_ERROR(
      AddPushedDownAnalyses(*client,
                            PushedDownInputs{held.kind, &held.whole, &held.whole, held.users.get(),
                                             &held.all_time.data->dataset},
                            plan, *analysis));
  return PushedDownData{held.all_time.data, std::move(analysis), std::nullopt};
}

}  // namespace growthlens::app
