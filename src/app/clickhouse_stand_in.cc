#include "app/clickhouse_stand_in.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace growthlens::app {

TransactionLog StandInTransactions(StringDictionary users) {
  TransactionLog log;
  log.users = std::move(users);
  log.user_signup.assign(log.users.size(), kNoDay);
  log.invoices.Intern("");
  log.stock_codes.Intern("");
  log.descriptions.Intern("");
  log.countries.Intern("");
  log.prices.push_back(0);
  log.items.stock_code.push_back(kStandInCode);
  log.items.description.push_back(kStandInCode);
  log.items.non_product.push_back(0);
  return log;
}

void AddDayOrder(TransactionLog& log, uint32_t user, Day day) {
  log.orders.invoice.push_back(kStandInCode);
  log.orders.customer.push_back(user);
  log.orders.time.push_back(Timestamp{day} * 86400);
  log.orders.country.push_back(kStandInCode);
  log.transactions.order.push_back(log.orders.size() - 1);
  log.transactions.item.push_back(kStandInCode);
  log.transactions.quantity.push_back(0);
  log.transactions.price.push_back(kStandInCode);
}

UsageLog StandInUsage(DataKind kind, StringDictionary users, StringDictionary features) {
  UsageLog log;
  log.grain = kind == DataKind::kEvents ? UsageGrain::kEvent : UsageGrain::kDay;
  log.users = std::move(users);
  log.user_signup.assign(log.users.size(), kNoDay);
  log.features = std::move(features);
  return log;
}

void AddUsageRow(UsageLog& log, uint32_t user, Day day, uint32_t feature, int32_t events,
                 int32_t ms_of_day) {
  log.usage.user.push_back(user);
  log.usage.day.push_back(day);
  log.usage.feature.push_back(static_cast<uint16_t>(feature));
  log.usage.events.push_back(events);
  if (log.grain == UsageGrain::kEvent) log.usage.ms_of_day.push_back(ms_of_day);
}

void AddLastDayFeatureRows(UsageLog& log, const warehouse::UserTotals& totals, uint32_t user) {
  for (size_t entry = totals.feature_offsets[user]; entry < totals.feature_offsets[user + 1];
       ++entry)
    AddUsageRow(log, user, totals.last_day[user], totals.feature_code[entry],
                static_cast<int32_t>(std::min<int64_t>(totals.feature_events[entry],
                                                       std::numeric_limits<int32_t>::max())));
}

}  // namespace growthlens::app
