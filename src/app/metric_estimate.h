#pragma once
// `experiment plan` from data: the mean and standard deviation of a per-user metric estimated
// from data, to plan a test on means (or on a rate, for a 0/1 column). The data is a usage log
// or transactions file, loaded and cleaned as `growthlens ingest` does, with the metric one of
// metrics/per_user_metric.h (events, active_days; revenue, orders, aov; monetary, frequency,
// recency); or a CSV with one row per user and a numeric column of that name (every row counts,
// whatever its variant).
//
//   if (*IsPerUserCsv(text, name)) estimate = EstimateFromPerUserCsv(text, name, "revenue", ...);
//   else estimate = EstimateFromData(cleaned, "revenue", Naming::kCli);

#include <cstdint>
#include <string>
#include <string_view>

#include "app/param_spec.h"
#include "core/status.h"
#include "prep/ingest.h"

namespace growthlens::app {

struct MetricEstimate {
  std::string source;      ///< "usage log", "transactions" or "per-user CSV"
  std::string metric;      ///< as asked
  std::string definition;  ///< what one value is
  std::int64_t users = 0;
  double mean = 0.0;
  double std_dev = 0.0;     ///< sample standard deviation (n - 1)
  bool proportion = false;  ///< every value is 0 or 1
};

/// True when the CSV `text` has a header that is neither a usage log's nor a transactions
/// file's: a table with one row per user.
Result<bool> IsPerUserCsv(std::string_view text, const std::string& name);

/// The per-user metric `metric` of the loaded data; errors name the `metric` parameter.
Result<MetricEstimate> EstimateFromData(const CleanedData& data, const std::string& metric,
                                        Naming naming);

/// The column `metric` of a CSV with one row per user, read on `threads` threads.
Result<MetricEstimate> EstimateFromPerUserCsv(std::string_view text, const std::string& name,
                                              const std::string& metric, unsigned threads,
                                              Naming naming);

}  // namespace growthlens::app
