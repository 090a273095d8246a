#pragma once
// The stand-in rows of a ClickHouse workspace: what an analysis reads of rows (who the users
// are, the days they were active, their features) made from what ClickHouse answers per user,
// in place of the rows ClickHouse keeps (app/clickhouse_aggregates.h, clickhouse_users.h,
// clickhouse_clv_input.h, clickhouse_row_inputs.h). Orders stand for days, not purchases.
//
//   TransactionLog log = StandInTransactions(totals.users);
//   AddDayOrder(log, user, totals.last_day[user]);

#include <cstdint>

#include "core/data_kind.h"
#include "core/date.h"
#include "core/dictionary.h"
#include "core/transaction_log.h"
#include "core/usage_log.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::app {

/// The code of the empty invoice, stock code, description, country, price and item of
/// StandInTransactions.
inline constexpr uint32_t kStandInCode = 0;

/// A transaction log of `users` without signup days or orders, holding code kStandInCode of
/// each dictionary, a price 0 and the item made of them.
TransactionLog StandInTransactions(StringDictionary users);

/// Adds an order without units by `user` on `day` (one line, all codes kStandInCode).
void AddDayOrder(TransactionLog& log, uint32_t user, Day day);

/// A usage log of `kind`'s grain (kUsage: days, kEvents: events) of `users` and `features`,
/// without signup days or rows.
UsageLog StandInUsage(DataKind kind, StringDictionary users, StringDictionary features);

/// Adds a row; `ms_of_day` is kept on an event log only.
void AddUsageRow(UsageLog& log, uint32_t user, Day day, uint32_t feature, int32_t events,
                 int32_t ms_of_day = 0);

/// Adds, per feature `user` used, a row on the user's last day with their events of it (of all
/// their days; at most INT32_MAX): what the personas' top features sum.
void AddLastDayFeatureRows(UsageLog& log, const warehouse::UserTotals& totals, uint32_t user);

}  // namespace growthlens::app
