#include "app/clickhouse_clv_input.h"

#include <fmt/format.h>

#include <memory>
#include <utility>

#include "warehouse/clickhouse_churn_features.h"
#include "warehouse/clickhouse_client.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::app {

Result<LoadedData> LoadClickHouseClvData(const warehouse::ClickHouseEndpoint& endpoint,
                                         const StoredKindChoice& choice, ProgressFn progress) {
  Result<warehouse::ClickHouseClient> client = warehouse::ClickHouseClient::Connect(endpoint);
  if (!client.ok()) return client.status();
  Result<std::vector<DataKind>> stored = warehouse::StoredKinds(*client);
  if (!stored.ok()) return stored.status();
  StoredKindChoice transactions = choice;
  transactions.family = KindFamily::kTransactions;
  std::string note;
  Result<DataKind> kind = ChooseStoredKind(*stored, transactions, endpoint.Display(), &note);
  if (!kind.ok()) return kind.status();
  if (progress && !note.empty()) progress(note);
  if (progress)
    progress(fmt::format("each customer's purchase days of {} from ClickHouse {}",
                         endpoint.Display(), client->version()));
  Result<warehouse::CustomerDays> days = warehouse::QueryCustomerDays(*client);
  if (!days.ok()) return days.status();
  Result<warehouse::KindTotals> totals = warehouse::QueryKindTotals(*client, *kind);
  if (!totals.ok()) return totals.status();

  TransactionLog log;
  log.users = std::move(days->customers);
  log.user_signup.assign(log.users.size(), kNoDay);
  const uint32_t none = log.invoices.Intern("");
  log.stock_codes.Intern("");
  log.descriptions.Intern("");
  log.countries.Intern("");
  log.items.stock_code.push_back(0);
  log.items.description.push_back(0);
  log.items.non_product.push_back(0);
  for (uint32_t customer = 0; customer < log.users.size(); ++customer)
    for (size_t entry = days->offsets[customer]; entry < days->offsets[customer + 1]; ++entry) {
      const auto line = static_cast<uint32_t>(log.orders.invoice.size());
      log.orders.invoice.push_back(none);
      log.orders.customer.push_back(customer);
      log.orders.time.push_back(Timestamp{days->days[entry]} * 86400);
      log.orders.country.push_back(0);
      log.transactions.order.push_back(line);
      log.transactions.item.push_back(0);
      log.transactions.quantity.push_back(1);
      log.transactions.price.push_back(static_cast<uint32_t>(log.prices.size()));
      log.prices.push_back(days->totals[entry]);
    }
  auto data = std::make_shared<CleanedData>();
  data->dataset = std::move(log);
  data->report.records = totals->rows;  // the rows the totals were made of
  data->report.rows_kept = totals->rows;
  return LoadedData(std::move(data));
}

}  // namespace growthlens::app
