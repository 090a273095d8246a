#pragma once
// What a Dataset holds at a glance: size, users, period, and per kind the headline totals
// (events per feature and adoption for usage logs; revenue, orders, products for
// transactions). Shown after ingest and on the dashboard's home page.

#include <cstdint>
#include <string>
#include <vector>

#include "core/dataset.h"

namespace growthlens {

/// One feature in the summary. (Not FeatureTotals: feature_usage.h has that name, and two
/// classes of one name in one program break the one-definition rule.)
struct FeatureSummary {
  std::string name;
  int64_t events = 0;   // sum of events_count
  uint64_t users = 0;   // distinct users who used it
  double adoption = 0;  // users / all users with a row
};

struct DatasetSummary {
  DataKind kind = DataKind::kUsage;
  uint64_t rows = 0;
  uint64_t users = 0;  // distinct users (customers) with at least one row
  Day first_day = kNoDay;
  Day last_day = kNoDay;
  DatasetMemory memory;

  // Usage logs.
  int64_t total_events = 0;
  std::vector<FeatureSummary> features;  // most events first

  // Transactions.
  double revenue = 0;              // sum of quantity x unit price
  uint64_t orders = 0;             // distinct invoices
  uint64_t products = 0;           // distinct stock codes of product lines
  uint64_t non_product_codes = 0;  // distinct stock codes of postage, fees, adjustments
  uint64_t countries = 0;
};

DatasetSummary Summarize(const Dataset& dataset);

}  // namespace growthlens
