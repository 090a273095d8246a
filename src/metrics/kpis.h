#pragma once
// Headline KPIs over a period (definitions in docs/ANALYTICS.md). Usage logs: users, active
// users, events per user, active days per user, average DAU/WAU/MAU and stickiness.
// Transactions: revenue, orders, customers, average order value, repeat-purchase rate.

#include <cstdint>
#include <optional>

#include "core/dataset.h"

namespace growthlens {

struct KpiOptions {
  std::optional<Day> from;  // inclusive; default: the first day in the data
  std::optional<Day> to;    // inclusive; default: the last day in the data
};

struct Kpis {
  DataKind kind = DataKind::kUsage;
  Day from = 0;
  Day to = 0;
  uint64_t rows = 0;          // rows in the period
  uint64_t users = 0;         // users (customers) with any row in the whole data
  uint64_t active_users = 0;  // users with a row in the period

  // Usage logs (per active user in the period).
  int64_t events = 0;
  double events_per_user = 0;
  double active_days_per_user = 0;
  double average_dau = 0;  // over every day of the period, quiet days included
  double average_wau = 0;  // over every Monday-week overlapping the period
  double average_mau = 0;  // over every month overlapping the period
  double stickiness = 0;   // average DAU / average MAU

  // Transactions.
  double revenue = 0;
  uint64_t orders = 0;  // distinct invoices
  double average_order_value = 0;
  double repeat_purchase_rate = 0;  // share of active customers with 2+ invoices
};

Kpis ComputeKpis(const Dataset& dataset, const KpiOptions& options);
class UsageRollup;
/// A usage log's KPIs over all its days, from its rollup (no pass over the rows).
Kpis ComputeKpis(const UsageLog& dataset, const UsageRollup& rollup);

}  // namespace growthlens
