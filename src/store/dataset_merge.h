#pragma once
// Appending a load to what a workspace holds: the load's codes are mapped onto the workspace's
// dictionaries and side tables (extending them), and its rows are kept unless a stored row has
// the same identity, so an overlapping export adds only what is new.
//
// Identity of a row:
//   usage:        (user, day, feature)
//   events:       (user, day, millisecond of the day, event name)
//   transactions: (invoice, customer, timestamp, country, stock code, description, quantity,
//                 unit price), that is the same order, item, quantity and price
// Only stored rows count as duplicates: repeats inside one load are the cleaner's business
// (its duplicate rule), so a load with that rule turned off keeps its own repeats.

#include <cstdint>

#include "core/status.h"
#include "core/transaction_log.h"
#include "core/usage_log.h"
#include "store/row_keys.h"
#include "store/table_layout.h"

namespace growthlens::store {

struct UsageMerge {
  UsageLog log;  // the workspace's dictionaries, extended; rows: the load's new rows only
  uint32_t stored_users = 0;
  uint32_t stored_features = 0;
  SignupEntries signup;  // entries to append
  uint64_t duplicates = 0;
  /// Event properties: log.properties holds every property (the stored ones first, then the
  /// load's new ones) with its dictionary extended and a code per new row.
  size_t stored_properties = 0;
  std::vector<uint32_t> stored_property_values;  // per stored property: its values stored
};

/// `stored` holds the workspace's dictionaries and signup days, and its rows over the load's
/// days (to find duplicates), or `stored_keys` holds those rows' identities (store/row_keys.h)
/// and `stored` no rows. Properties do not take part in a row's identity.
Result<UsageMerge> MergeUsage(UsageLog stored, const UsageLog& load,
                              const RowKeyLookup* stored_keys = nullptr);

struct TransactionMerge {
  TransactionLog log;  // the workspace's dictionaries and side tables, extended; rows: new only
  uint32_t stored_users = 0, stored_invoices = 0, stored_stock_codes = 0, stored_descriptions = 0,
           stored_countries = 0;
  uint32_t stored_prices = 0, stored_orders = 0, stored_items = 0;
  uint64_t duplicates = 0;
};

Result<TransactionMerge> MergeTransactions(TransactionLog stored, const TransactionLog& load);

}  // namespace growthlens::store
