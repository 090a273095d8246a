#pragma once
// Frequentist comparison of a treatment arm with control, as GrowthBook's frequentist engine
// (gbstats TwoSidedTTest) so its published unit cases reproduce:
//   absolute lift  = mean_t - mean_c,             se^2 = var_t / n_t + var_c / n_c
//   relative lift  = (mean_t - mean_c) / mean_c,   se^2 by the delta method (VarianceOfRatio of
//                    the two means, independent arms)
//   dof            = Welch-Satterthwaite on the per-unit variances (used for both lifts)
//   CI             = estimate -/+ t_{1 - alpha/2, dof} se,  p = 2 P(T_dof > |estimate / se|)
// For conversion rates (CompareProportions) the same formulas run on p (1 - p) with the normal
// distribution in place of t (a z interval, as the issue asks), and the absolute p-value is the
// pooled two-proportion z-test (statsmodels proportions_ztest), so it matches scipy/statsmodels.
//
//   auto cmp = CompareMeans(*MomentsFromSums(3407, 1396.87, 52377.9767),
//                           *MomentsFromSums(3461, 2422.7, 134698.29), /*alpha=*/0.05);

#include <cstdint>

#include "core/status.h"
#include "stats/arm_stats.h"

namespace growthlens::stats {

struct TestResult {
  double statistic = 0.0;  ///< t or z
  double dof = 0.0;        ///< Welch degrees of freedom; infinity for a z-test
  double p_value = 1.0;    ///< two-sided
};

struct LiftEstimate {
  double estimate = 0.0;
  double std_error = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
  double p_value = 1.0;  ///< two-sided, null of no difference
};

struct Comparison {
  LiftEstimate absolute;
  LiftEstimate relative;
  double dof = 0.0;  ///< infinity when the normal distribution is used
};

/// Welch's unequal-variance t-test of treatment - control (scipy ttest_ind(equal_var=False)).
Result<TestResult> WelchTTest(const ArmMoments& control, const ArmMoments& treatment);

/// Pooled two-proportion z-test of treatment - control (statsmodels proportions_ztest).
Result<TestResult> ProportionsZTest(std::int64_t n_control, std::int64_t successes_control,
                                    std::int64_t n_treatment, std::int64_t successes_treatment);

/// Means (and ratio metrics via MomentsOfRatio): Welch t intervals as GrowthBook.
Result<Comparison> CompareMeans(const ArmMoments& control, const ArmMoments& treatment,
                                double alpha = 0.05);

/// Conversion rates: z intervals on unpooled variances; absolute p-value from the pooled z-test.
Result<Comparison> CompareProportions(std::int64_t n_control, std::int64_t successes_control,
                                      std::int64_t n_treatment, std::int64_t successes_treatment,
                                      double alpha = 0.05);

}  // namespace growthlens::stats
