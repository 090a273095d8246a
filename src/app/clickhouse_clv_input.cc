#include "app/clickhouse_clv_input.h"

#include <fmt/format.h>

#include <memory>
#include <utility>

#include "app/clickhouse_connection.h"
#include "app/clickhouse_stand_in.h"
#include "warehouse/clickhouse_churn_features.h"
#include "warehouse/clickhouse_client.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::app {

Result<LoadedData> LoadClickHouseClvData(const warehouse::ClickHouseEndpoint& endpoint,
                                         const StoredKindChoice& choice, ProgressFn progress) {
  Result<StoredKindConnection> connection =
      ConnectToStoredKind(endpoint, choice, KindFamily::kTransactions, progress);
  if (!connection.ok()) return connection.status();
  warehouse::ClickHouseClient& client = connection->client;
  const DataKind kind = connection->kind;
  if (progress)
    progress(fmt::format("each customer's purchase days of {} from ClickHouse {}",
                         endpoint.Display(), client.version()));
  Result<warehouse::CustomerDays> days = warehouse::QueryCustomerDays(client);
  if (!days.ok()) return days.status();
  Result<warehouse::KindTotals> totals = warehouse::QueryKindTotals(client, kind);
  if (!totals.ok()) return totals.status();

  // One order of one unit per purchase day, priced at the day's total.
  TransactionLog log = StandInTransactions(std::move(days->customers));
  for (uint32_t customer = 0; customer < log.users.size(); ++customer)
    for (size_t entry = days->offsets[customer]; entry < days->offsets[customer + 1]; ++entry) {
      AddDayOrder(log, customer, days->days[entry]);
      log.transactions.quantity.back() = 1;
      log.transactions.price.back() = static_cast<uint32_t>(log.prices.size());
      log.prices.push_back(days->totals[entry]);
    }
  auto data = std::make_shared<CleanedData>();
  data->dataset = std::move(log);
  data->report.records = totals->rows;  // the rows the totals were made of
  data->report.rows_kept = totals->rows;
  return LoadedData(std::move(data));
}

}  // namespace growthlens::app
