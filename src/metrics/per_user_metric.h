#pragma once
// One value per user of a usage log or transactions file, for planning an experiment on a
// per-user metric (its mean and standard deviation). Every user with a row counts once; the
// values are the RFM table's (docs/ANALYTICS.md):
//   usage logs    events      = total events_count (RFM monetary)
//                 active_days = distinct active days (RFM frequency)
//   transactions  revenue     = total amount (RFM monetary)
//                 orders      = distinct invoices (RFM frequency)
//                 aov         = revenue / orders
//   both          monetary, frequency (the RFM names), recency (days to the reference day)
//
//   Result<PerUserValues> events = PerUserMetric(dataset, "events");

#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"
#include "core/status.h"

namespace growthlens {

struct PerUserValues {
  std::string definition;     ///< e.g. "total events per user (RFM monetary)"
  std::vector<double> value;  ///< one per user with activity
};

/// The names PerUserMetric accepts for `kind`, in documentation order.
std::vector<std::string_view> PerUserMetricNames(DataKind kind);

/// Fails (kInvalidArgument) on a name not listed for the dataset's kind, naming the valid ones.
Result<PerUserValues> PerUserMetric(const Dataset& dataset, std::string_view name);

}  // namespace growthlens
