#pragma once
// One metric of an experiment summarised per arm: what AnalyzeExperiment compares. Built from
// per-arm summary statistics (a summary CSV) or from one row per unit (unit_metrics.h).
//
//   MetricArms revenue;
//   revenue.name = "revenue";
//   revenue.arms = {*MomentsFromSums(3407, 1396.87, 52377.9767),
//                   *MomentsFromSums(3461, 2422.7, 134698.29)};

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stats/arm_stats.h"

namespace growthlens::stats {

enum class MetricType {
  kMean,        ///< Welch t
  kProportion,  ///< conversion rate: z, pooled z-test p-value
  kRatio,       ///< sum of numerators over sum of denominators per unit: delta method, Welch t
};

const char* MetricTypeName(MetricType type);  ///< "mean", "proportion", "ratio"

/// CUPED (cuped.h) applied to a metric with a pre-period covariate.
struct CupedAdjustment {
  std::string covariate;
  double theta = 0.0;
  std::vector<ArmMoments> arms;            ///< adjusted moments, per arm
  std::vector<double> variance_reduction;  ///< 1 - adjusted / unadjusted variance, per arm
};

struct MetricArms {
  std::string name;
  MetricType type = MetricType::kMean;
  /// Per arm, in the experiment's arm order; n = 0 marks an arm without this metric.
  std::vector<ArmMoments> arms;
  std::vector<std::int64_t> successes;  ///< proportions: converted units per arm
  std::optional<CupedAdjustment> cuped;
};

}  // namespace growthlens::stats
