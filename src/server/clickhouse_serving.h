#pragma once
// `growthlens serve --workspace clickhouse://HOST:PORT/DATABASE` (issue 22): the server holds,
// per kind stored, only the per-user aggregates (one row per user, app/clickhouse_aggregates.h),
// never the events; each analysis route pushed down is answered by the loaders the CLI uses
// (LoadClickHouseAggregates with the route's PushDownPlanOf, LoadClickHouseFunnelData for a
// funnel; over all time from the per-user and whole-data totals held since the load, so a route
// reads only its own aggregates), run per request and kept in the response cache of the data's
// generation. Which analyses and parameters run there is app::CheckPushedDown's table: a route it
// refuses is answered 501 with a plain sentence (RefuseOnClickHouse), so routes switch on as
// analyses get pushed down, with no change here.
//
//   Result<std::vector<HeldPtr>> held = LoadClickHouseHoldings(url, quiet);
//   if (held_dataset.clickhouse) reply = RefuseOnClickHouse(entry, params);

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "app/analysis_registry.h"
#include "app/clickhouse_aggregates.h"
#include "core/status.h"
#include "server/api_error.h"
#include "server/held_data.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::server {

/// What a dataset held from a ClickHouse workspace is: where it lives and what it holds there
/// (the held rows are one per user).
struct ClickHouseData {
  warehouse::ClickHouseEndpoint endpoint;
  uint64_t rows = 0;  // rows of the kind's table
  Day first_day = 0, last_day = 0;
  /// The load's all-time aggregates: routes over all time add only their own to them.
  std::shared_ptr<const app::HeldAggregates> aggregates;
};

/// Every kind the ClickHouse workspace at `url` holds, as per-user aggregates; an error naming
/// the URL when it cannot be reached or holds no data.
Result<std::vector<HeldPtr>> LoadClickHouseHoldings(const std::string& url, bool quiet);

/// Notices new loads in a served ClickHouse workspace: every `every`, the row count of each
/// kind's table (one cheap query); when one moved from what is held (an ingest ran), every kind is
/// read again and handed to `hold`, which publishes it as a new data generation (the cached
/// answers of the old data go). Stops when destroyed.
class ClickHouseRefresher {
 public:
  ClickHouseRefresher(std::string url, std::chrono::seconds every, const std::vector<HeldPtr>& held,
                      std::function<void(HeldPtr)> hold);

 private:
  void Watch(std::stop_token stop);

  std::string url_;
  std::chrono::seconds every_;
  std::vector<std::pair<DataKind, uint64_t>> rows_;  // the rows held, per kind
  std::function<void(HeldPtr)> hold_;
  std::jthread thread_;  // last: it starts once the members are set
};

/// The 501 answer of `entry` with `params` (canonical) when it is not pushed down to ClickHouse
/// yet, in words the dashboard shows as they are; nothing when it runs there.
std::optional<ApiError> RefuseOnClickHouse(const app::AnalysisEntry& entry,
                                           const app::ParamText& params);

/// 501 for what a ClickHouse server does not do yet: "upload" and "demo" (data reaches ClickHouse
/// through `growthlens ingest`), "analysis" (the whole analyze report).
ApiError ClickHouseRefusesData(std::string_view what);

/// The URL without credentials, for /api/v1/status.
std::string ClickHouseDisplay(const std::string& url);

/// Runs `entry` on `held` (a ClickHouse dataset): its aggregates or funnel rows read from
/// ClickHouse for these parameters, then the analysis as the CLI runs it.
Result<std::string> RunOnClickHouse(const app::AnalysisEntry& entry, const app::ParamText& params,
                                    const HeldDataset& held, app::RunContext& context);

/// The answer to a failed run on ClickHouse: 501 in words when a loader refused what is not
/// pushed down (churn of transactions), else as any failure (ErrorFromStatus).
ApiError ClickHouseErrorOf(const app::AnalysisEntry& entry, DataKind kind, const Status& status);

}  // namespace growthlens::server
