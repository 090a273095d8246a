#include "app/clickhouse_users.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/clickhouse_stand_in.h"
#include "io/column_mapping.h"
#include "warehouse/clickhouse_series.h"
#include "warehouse/clickhouse_user_rows.h"

namespace growthlens::app {

namespace {

/// Each user's distinct active days, by user code of `totals`.
Result<std::vector<std::vector<Day>>> ActiveDaysOf(warehouse::ClickHouseClient& client,
                                                   DataKind kind,
                                                   const warehouse::UserTotals& totals) {
  std::vector<std::vector<Day>> of_user(totals.users.size());
  GROWTHLENS_RETURN_IF_ERROR(warehouse::QueryUserActiveDays(
      client, kind, [&](std::string_view user, std::span<const Day> days) -> Status {
        const std::optional<uint32_t> code = totals.users.Find(user);
        if (!code)
          return Status(ErrorCode::kDataError,
                        fmt::format("ClickHouse answered active days of the user '{}', whom the "
                                    "per-user totals did not name (was the table written to "
                                    "while it was read?)",
                                    user));
        of_user[*code].assign(days.begin(), days.end());
        return Status::Ok();
      }));
  return of_user;
}

UsageLog UsageRows(DataKind kind, const warehouse::UserTotals& totals,
                   const std::vector<std::vector<Day>>& days, uint32_t id,
                   const std::vector<warehouse::UserRow>& id_rows) {
  UsageLog log = StandInUsage(kind, totals.users, totals.features);
  for (uint32_t user = 0; user < totals.users.size(); ++user) {
    if (user == id) {
      for (const warehouse::UserRow& row : id_rows)
        AddUsageRow(log, user, row.day, log.features.Intern(row.feature), row.events,
                    row.ms_of_day);
      continue;
    }
    const size_t begin = totals.feature_offsets[user], end = totals.feature_offsets[user + 1];
    if (begin == end) continue;
    // A row without events on every active day but the last: the days, not the counts.
    for (const Day day : days[user])
      if (day != totals.last_day[user]) AddUsageRow(log, user, day, totals.feature_code[begin], 0);
    AddLastDayFeatureRows(log, totals, user);
  }
  return log;
}

TransactionLog TransactionRows(const warehouse::UserTotals& totals,
                               const std::vector<std::vector<Day>>& days, uint32_t id,
                               const std::vector<warehouse::UserRow>& id_rows) {
  TransactionLog log = StandInTransactions(totals.users);
  for (uint32_t user = 0; user < totals.users.size(); ++user) {
    if (user == id) {
      // One order per invoice, as the ingest makes them.
      std::vector<std::pair<uint32_t, uint32_t>> orders;  // invoice code, order
      for (const warehouse::UserRow& row : id_rows) {
        const uint32_t invoice = log.invoices.Intern(row.invoice);
        auto found = std::find_if(orders.begin(), orders.end(),
                                  [invoice](const auto& entry) { return entry.first == invoice; });
        if (found == orders.end()) {
          log.orders.invoice.push_back(invoice);
          log.orders.customer.push_back(user);
          log.orders.time.push_back(row.time);
          log.orders.country.push_back(static_cast<uint16_t>(log.countries.Intern(row.country)));
          orders.emplace_back(invoice, log.orders.size() - 1);
          found = orders.end() - 1;
        }
        const uint32_t item = log.items.size();
        log.items.stock_code.push_back(log.stock_codes.Intern(row.stock_code));
        log.items.description.push_back(log.descriptions.Intern(row.description));
        log.items.non_product.push_back(0);
        log.prices.push_back(row.price);
        log.transactions.order.push_back(found->second);
        log.transactions.item.push_back(item);
        log.transactions.quantity.push_back(row.quantity);
        log.transactions.price.push_back(static_cast<uint32_t>(log.prices.size() - 1));
      }
      continue;
    }
    // An order without units on every active day: the days, not the revenue.
    for (const Day day : days[user]) AddDayOrder(log, user, day);
  }
  return log;
}

}  // namespace

Status ReplaceWithUsersRows(warehouse::ClickHouseClient& client, DataKind kind,
                            const warehouse::UserTotals& totals, std::string_view id,
                            std::string_view signup_event, Dataset& dataset) {
  Result<std::vector<std::vector<Day>>> days = ActiveDaysOf(client, kind, totals);
  if (!days.ok()) return days.status();
  // kNullCode: no user's detail asked (or none of that id).
  const uint32_t id_code = id.empty() ? kNullCode : totals.users.Find(id).value_or(kNullCode);
  std::vector<warehouse::UserRow> id_rows;
  if (id_code != kNullCode) {
    Result<std::vector<warehouse::UserRow>> rows = warehouse::QueryOneUserRows(client, kind, id);
    if (!rows.ok()) return rows.status();
    id_rows = std::move(rows).value();
  }
  if (kind == DataKind::kTransactions) {
    dataset = TransactionRows(totals, *days, id_code, id_rows);
    return Status::Ok();
  }
  UsageLog log = UsageRows(kind, totals, *days, id_code, id_rows);
  if (kind == DataKind::kEvents) {
    // An event log's signup days, as its ingest reads them (prep/dataset_builder.h
    // SignupsFromEvents): the first event whose name normalises to "signup", or the one named.
    std::vector<std::string> signup_events;
    for (uint32_t code = 0; code < totals.features.size(); ++code)
      if (signup_event.empty() ? NormalizeColumnName(totals.features[code]) == "signup"
                               : totals.features[code] == signup_event)
        signup_events.emplace_back(totals.features[code]);
    GROWTHLENS_RETURN_IF_ERROR(warehouse::QueryFirstDaysOf(
        client, signup_events, [&log](std::string_view user, Day day) -> Status {
          if (const std::optional<uint32_t> code = log.users.Find(user))
            log.user_signup[*code] = day;
          return Status::Ok();
        }));
  }
  dataset = std::move(log);
  return Status::Ok();
}

}  // namespace growthlens::app
