#pragma once
// A metric per arm from one row per unit (user): a mean, a conversion rate (0/1 values), or a
// ratio of two columns (delta method, as arm_stats.h MomentsOfRatio), optionally with CUPED on
// a pre-period covariate (cuped.h; theta from all arms pooled). Sums run on every core
// (unit_sums.h).
//
//   UnitMetricColumns revenue;
//   revenue.name = "revenue";
//   revenue.values = revenue_per_user;
//   revenue.covariate_name = "pre_revenue";  // CUPED
//   revenue.covariate = pre_revenue_per_user;
//   MetricArms m = *SummarizeUnitMetric(arm_codes, {"control", "treatment"}, revenue);

#include <cstdint>
#include <span>
#include <string>

#include "core/status.h"
#include "stats/metric_arms.h"

namespace growthlens::stats {

struct UnitMetricColumns {
  std::string name;
  MetricType type = MetricType::kMean;
  std::span<const double> values;       ///< the metric per unit (a ratio's numerator)
  std::span<const double> denominator;  ///< ratios only
  std::string covariate_name;           ///< CUPED when not empty (means and proportions)
  std::span<const double> covariate;
};

/// arm[i] indexes arm_names. Proportion values must be 0 or 1 (successes are their sum).
Result<MetricArms> SummarizeUnitMetric(std::span<const std::uint32_t> arm,
                                       std::span<const std::string> arm_names,
                                       const UnitMetricColumns& metric, unsigned threads = 0);

}  // namespace growthlens::stats
