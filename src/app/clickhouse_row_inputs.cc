#include "app/clickhouse_row_inputs.h"

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/clickhouse_connection.h"
#include "app/clickhouse_paths_input.h"
#include "app/clickhouse_stand_in.h"
#include "warehouse/clickhouse_behaviour.h"
#include "warehouse/clickhouse_funnels.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::app {

namespace {

bool ByBehaviour(const ParamText& params) {
  return !ParamValue(params, "start-event").empty() || !ParamValue(params, "return-event").empty();
}

/// Cohorts by behaviour: per user with a start event, a row on the first start day and one on
/// each return day, coded as those events, so that ComputeBehaviourRetention finds the same
/// first start and return periods as in the whole log.
Result<PushedDownData> LoadBehaviourRows(const warehouse::ClickHouseEndpoint& endpoint,
                                         const StoredKindChoice& choice, const ParamText& params,
                                         ProgressFn progress) {
  GROWTHLENS_RETURN_IF_ERROR(CheckPushedDown("cohorts", params));  // no window yet
  Result<StoredKindConnection> connection =
      ConnectToStoredKind(endpoint, choice, KindFamily::kUsage, progress);
  if (!connection.ok()) return connection.status();
  warehouse::ClickHouseClient& client = connection->client;
  const DataKind kind = connection->kind;
  Result<StringDictionary> names = warehouse::QueryEventNames(client, kind);
  if (!names.ok()) return names.status();
  warehouse::BehaviourDaysRequest request;
  request.kind = kind;
  request.start_event = ParamValue(params, "start-event");
  request.return_event = ParamValue(params, "return-event");
  UsageLog log = StandInUsage(kind, {}, *std::move(names));
  // Names not stored: no rows, and the analysis names the data's events in its error.
  const auto code_of = [&log](const std::string& name) -> std::optional<uint32_t> {
    return name.empty() ? std::nullopt : log.features.Find(name);
  };
  const std::optional<uint32_t> start = code_of(request.start_event);
  const std::optional<uint32_t> back = code_of(request.return_event);
  if ((!request.start_event.empty() && !start) || (!request.return_event.empty() && !back) ||
      log.features.size() == 0) {
    auto data = std::make_shared<CleanedData>();
    data->dataset = std::move(log);
    return PushedDownData{LoadedData(std::move(data)), nullptr, std::nullopt};
  }
  // An unnamed event is coded as one the other side does not name, so that a start row is no
  // return and a return row no start (a log of one event name: that event, which is then both).
  const auto other_than = [&log](std::optional<uint32_t> code) -> uint32_t {
    return code && *code == 0 && log.features.size() > 1 ? 1 : 0;
  };
  const uint32_t start_code = start ? *start : other_than(back);
  const uint32_t return_code = back ? *back : other_than(start);
  if (progress)
    progress(fmt::format("reading each user's start and return days in ClickHouse {} at {}",
                         client.version(), endpoint.Display()));
  Result<warehouse::DaySpan> span = warehouse::QueryDaySpan(client, kind);
  if (!span.ok()) return span.status();
  const auto add = [&log](uint32_t user, Day day, uint32_t code) {
    AddUsageRow(log, user, day, code, 1);
  };
  uint64_t rows = 0;
  GROWTHLENS_RETURN_IF_ERROR(warehouse::QueryBehaviourDays(
      client, request,
      [&](std::string_view user, Day first_start, std::span<const Day> return_days) -> Status {
        const uint32_t code = log.users.Intern(user);
        // Return rows on the start day first: one period, counted once whatever the order.
        add(code, first_start, start_code);
        for (const Day day : return_days) add(code, day, return_code);
        rows += 1 + return_days.size();
        return Status::Ok();
      }));
  // The data's first and last day, on rows without a user (in no user's group), last: rows
  // without a user before the first user's would be taken for grouped ones (metrics/user_rows.h
  // FindRuns skips them) and shift every group's rows.
  add(kNullCode, span->first, start_code);
  add(kNullCode, span->last, start_code);
  log.user_signup.assign(log.users.size(), kNoDay);
  auto data = std::make_shared<CleanedData>();
  data->report.records = rows;
  data->report.rows_kept = rows;
  data->dataset = std::move(log);
  return PushedDownData{LoadedData(std::move(data)), nullptr, std::nullopt};
}

}  // namespace

bool ReadsOwnRows(std::string_view analysis, const ParamText& params) {
  return analysis == "paths" || (analysis == "cohorts" && ByBehaviour(params));
}

Result<PushedDownData> LoadClickHouseOwnRows(const warehouse::ClickHouseEndpoint& endpoint,
                                             const StoredKindChoice& choice,
                                             std::string_view analysis, const ParamText& params,
                                             ProgressFn progress) {
  if (analysis == "paths") return LoadClickHousePathsData(endpoint, choice, params, progress);
  return LoadBehaviourRows(endpoint, choice, params, progress);
}

}  // namespace growthlens::app
