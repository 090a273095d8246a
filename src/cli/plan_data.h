#pragma once
// `experiment plan --data FILE --metric NAME`: the mean and standard deviation of a per-user
// metric estimated from data, to plan a test on means (or on a rate, for a 0/1 column).
// FILE is a usage log or transactions file, loaded and cleaned as `growthlens ingest` does
// (LoadForAnalysis), with NAME one of metrics/per_user_metric.h (events, active_days; revenue,
// orders, aov; monetary, frequency, recency); or a CSV with one row per user and a numeric
// column NAME (every row counts, whatever its variant).

#include <cstdint>
#include <string>
#include <string_view>

#include "cli/analysis_view.h"
#include "core/status.h"

namespace growthlens::cli {

struct MetricEstimate {
  std::string source;      ///< "usage log", "transactions" or "per-user CSV"
  std::string metric;      ///< as asked
  std::string definition;  ///< what one value is
  std::int64_t users = 0;
  double mean = 0.0;
  double std_dev = 0.0;     ///< sample standard deviation (n - 1)
  bool proportion = false;  ///< every value is 0 or 1
};

/// `input.input` names the file; its loading flags apply to usage logs and transactions.
Result<MetricEstimate> EstimateMetric(std::string_view command, AnalysisInput& input,
                                      const std::string& metric, const CommandOutcome& outcome);

}  // namespace growthlens::cli
