#include "app/clickhouse_paths_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "app/analysis_params.h"
#include "app/clickhouse_connection.h"
#include "metrics/analysis.h"
#include "warehouse/clickhouse_paths.h"

namespace growthlens::app {

Result<PushedDownData> LoadClickHousePathsData(const warehouse::ClickHouseEndpoint& endpoint,
                                               const StoredKindChoice& choice,
                                               const ParamText& params, ProgressFn progress) {
  StoredKindChoice events_choice = choice;
  events_choice.preferred = DataKind::kEvents;
  Result<StoredKindConnection> connection =
      ConnectToStoredKind(endpoint, events_choice, KindFamily::kUsage, progress);
  if (!connection.ok()) return connection.status();
  warehouse::ClickHouseClient& client = connection->client;
  const DataKind kind = connection->kind;

  auto analysis = std::make_shared<Analysis>();
  analysis->kind = kind;
  auto data = std::make_shared<CleanedData>();
  if (kind != DataKind::kEvents) {
    data->dataset = UsageLog();  // a usage log: paths refuse it, naming what they need
    return PushedDownData{LoadedData(std::move(data)), nullptr, std::nullopt};
  }
  warehouse::PathRowsRequest request;
  request.window.from = ParseIsoDate(ParamValue(params, "from", ""));
  request.window.to = ParseIsoDate(ParamValue(params, "to", ""));
  request.anchor_event = ParamValue(params, "start", "");
  request.anchor = request.anchor_event.empty() ? warehouse::PathRowsAnchor::kFirstEvent
                                                : warehouse::PathRowsAnchor::kStart;
  if (request.anchor_event.empty() && !ParamValue(params, "end", "").empty()) {
    request.anchor = warehouse::PathRowsAnchor::kEnd;
    request.anchor_event = ParamValue(params, "end", "");
  }
  AssignChecked(ParamValue(params, "exclude", ""), request.excluded);
  std::erase(request.excluded, std::string());
  int64_t steps = 4;
  AssignChecked(ParamValue(params, "steps", "4"), steps);
  request.steps = static_cast<size_t>(std::max<int64_t>(1, steps));
  request.whole_tail = ParamValue(params, "collapse-repeats", "false") == "true";
  if (progress)
    progress(fmt::format("cutting each user's path events in ClickHouse {} at {}", client.version(),
                         endpoint.Display()));
  Result<warehouse::PathRows> rows = warehouse::QueryPathRows(client, request);
  if (!rows.ok()) return rows.status();
  analysis->kpis.kind = kind;
  analysis->kpis.from = rows->first_day;
  analysis->kpis.to = rows->last_day;
  data->report.records = rows->events_read;
  data->report.rows_kept = rows->events_read;
  data->dataset = std::move(rows->log);
  return PushedDownData{LoadedData(std::move(data)), std::move(analysis), std::nullopt};
}

}  // namespace growthlens::app
