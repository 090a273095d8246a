#include "app/clickhouse_funnel_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "app/clickhouse_connection.h"
#include "app/clickhouse_stand_in.h"
#include "app/funnel_analysis.h"
#include "io/column_mapping.h"
#include "warehouse/clickhouse_funnels.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::app {

namespace {

/// The event names of --steps and --exclude (a condition's EVENT before its [filter]).
std::vector<std::string> ListedEvents(const ParamText& params) {
  std::vector<std::string> names;
  for (const std::string_view param : {"steps", "exclude"})
    for (const std::string& item : SplitFunnelConditions(ParamValue(params, param))) {
      std::string name = item.substr(0, item.find('['));
      while (!name.empty() && name.back() == ' ') name.pop_back();
      if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end())
        names.push_back(std::move(name));
    }
  return names;
}

}  // namespace

Status CheckFunnelPushedDown(const ParamText& params) {
  const std::string_view by = ParamValue(params, "by");
  if (by == "rfm_segment" || by == "persona" || by == "property")
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("funnel --by {} does not run on a ClickHouse workspace yet (it "
                              "needs {}); --by none or cohort_month, --trend and "
                              "--dropoff-users do",
                              by,
                              by == "property" ? "event properties, which the ClickHouse schema "
                                                 "does not store"
                                               : "each user's RFM scores or persona next to the "
                                                 "funnel's events"));
  for (const std::string_view param : {"steps", "exclude"})
    for (const std::string& item : SplitFunnelConditions(ParamValue(params, param)))
      if (item.find('[') != std::string::npos)
        return Status(ErrorCode::kInvalidArgument,
                      fmt::format("funnel --{} {} does not run on a ClickHouse workspace yet (a "
                                  "condition on an event property: the ClickHouse schema does "
                                  "not store event properties); steps named by event do",
                                  param, item));
  return Status::Ok();
}

Result<LoadedData> LoadClickHouseFunnelData(const warehouse::ClickHouseEndpoint& endpoint,
                                            const StoredKindChoice& choice, const ParamText& params,
                                            ProgressFn progress) {
  Result<StoredKindConnection> connection =
      ConnectToStoredKind(endpoint, choice, KindFamily::kUsage, progress);
  if (!connection.ok()) return connection.status();
  warehouse::ClickHouseClient& client = connection->client;
  const DataKind kind = connection->kind;

  Result<StringDictionary> names = warehouse::QueryEventNames(client, kind);
  if (!names.ok()) return names.status();
  warehouse::FunnelRowsRequest request;
  request.kind = kind;
  request.every_event = ParamValue(params, "mode") == "strict_order";
  // Only names the data holds: an unknown step is reported by the funnel itself, with the
  // data's names, as on the embedded workspace.
  for (std::string& name : ListedEvents(params))
    if (names->Find(name)) request.listed.push_back(std::move(name));
  // An event log's signup day, as its ingest reads it (prep/dataset_builder.cc): the first event
  // whose name normalises to "signup", or the --signup-event named.
  for (uint32_t code = 0; code < names->size() && kind == DataKind::kEvents; ++code) {
    const std::string_view name = (*names)[code];
    if (choice.signup_event.empty() ? NormalizeColumnName(name) == "signup"
                                    : name == choice.signup_event)
      request.signup_events.emplace_back(name);
  }
  auto data = std::make_shared<CleanedData>();
  if (!request.listed.empty()) {
    if (progress)
      progress(fmt::format("selecting each user's {} of {} in ClickHouse {}",
                           request.every_event ? "events" : "funnel events", endpoint.Display(),
                           client.version()));
    Result<warehouse::FunnelRows> rows = warehouse::QueryFunnelRows(client, request, *names);
    if (!rows.ok()) return rows.status();
    data->report.records = rows->events_read;
    data->report.rows_kept = rows->events_read;
    data->dataset = std::move(rows->log);
  } else {
    data->dataset = StandInUsage(kind, {}, *std::move(names));
  }
  return LoadedData(std::move(data));
}

}  // namespace growthlens::app
