#pragma once
// How every loader of a ClickHouse workspace starts (app/clickhouse_aggregates.h,
// clickhouse_funnel_input.h, clickhouse_churn.h, ...): connect, list the kinds stored and choose
// the one the analysis reads (ChooseStoredKind), its note said through the progress.
//
//   Result<StoredKindConnection> connection =
//       ConnectToStoredKind(endpoint, choice, KindFamily::kUsage, progress);
//   if (!connection.ok()) return connection.status();
//   warehouse::QueryEventNames(connection->client, connection->kind);

#include <optional>

#include "app/data_source.h"
#include "core/data_kind.h"
#include "core/status.h"
#include "warehouse/clickhouse_client.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::app {

struct StoredKindConnection {
  warehouse::ClickHouseClient client;
  DataKind kind = DataKind::kUsage;
};

/// Connects to `endpoint` and chooses the kind `choice` picks among those stored. With `family`,
/// the choice reads that family; KindFamily::kUsage reads a usage or event log only (the
/// transactions stored are not offered, not even to --kind).
Result<StoredKindConnection> ConnectToStoredKind(const warehouse::ClickHouseEndpoint& endpoint,
                                                 StoredKindChoice choice,
                                                 std::optional<KindFamily> family = std::nullopt,
                                                 const ProgressFn& progress = nullptr);

}  // namespace growthlens::app
