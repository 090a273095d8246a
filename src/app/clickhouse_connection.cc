#include "app/clickhouse_connection.h"

#include <string>
#include <utility>
#include <vector>

#include "warehouse/clickhouse_rollups.h"

namespace growthlens::app {

Result<StoredKindConnection> ConnectToStoredKind(const warehouse::ClickHouseEndpoint& endpoint,
                                                 StoredKindChoice choice,
                                                 std::optional<KindFamily> family,
                                                 const ProgressFn& progress) {
  Result<warehouse::ClickHouseClient> client = warehouse::ClickHouseClient::Connect(endpoint);
  if (!client.ok()) return client.status();
  Result<std::vector<DataKind>> stored = warehouse::StoredKinds(*client);
  if (!stored.ok()) return stored.status();
  if (family) {
    choice.family = *family;
    if (*family == KindFamily::kUsage) std::erase(*stored, DataKind::kTransactions);
  }
  std::string note;
  Result<DataKind> kind = ChooseStoredKind(*stored, choice, endpoint.Display(), &note);
  if (!kind.ok()) return kind.status();
  if (progress && !note.empty()) progress(note);
  return StoredKindConnection{std::move(client).value(), *kind};
}

}  // namespace growthlens::app
