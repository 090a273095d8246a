#pragma once
// Sample-ratio mismatch: Pearson's chi-square goodness of fit of the observed users per arm
// against the configured weights (scipy.stats.chisquare(observed, total * weights)), df = arms
// - 1. Arms with zero users count (an arm that received nobody is the loudest mismatch).
// A p-value below the threshold (0.001 by default, the usual industry convention) warns that
// assignment is broken and the comparisons cannot be trusted.
//
//   auto srm = CheckSampleRatio({5012, 4830}, {0.5, 0.5});
//   if (srm->mismatch) ...

#include <cstdint>
#include <span>
#include <string>

#include "core/status.h"

namespace growthlens::stats {

inline constexpr double kSrmThreshold = 0.001;

struct SrmResult {
  double chi_square = 0.0;
  double dof = 0.0;
  double p_value = 1.0;
  bool mismatch = false;  ///< p_value < threshold
  std::string message;    ///< a sentence for the report
};

/// weights need not sum to 1 (they are normalised) but must be positive, one per arm.
Result<SrmResult> CheckSampleRatio(std::span<const std::int64_t> observed,
                                   std::span<const double> weights,
                                   double threshold = kSrmThreshold);

}  // namespace growthlens::stats
