#pragma once
// Sequential testing: always-valid confidence intervals that may be looked at after every
// batch of data without inflating the error rate, as GrowthBook's "sequential testing". The
// method is the asymptotic normal-mixture confidence sequence of Howard, Ramdas, McAuliffe and
// Sekhon (2021, "Time-uniform, nonparametric, nonasymptotic confidence sequences", eq. 14 with
// a Gaussian mixing distribution of precision rho^2). With N = n_control + n_treatment units
// so far, s^2 = N se^2 (se = the fixed-horizon standard error of the lift), the half-width is
//   s sqrt( 2 (N rho^2 + 1) / (N^2 rho^2) * ln( sqrt(N rho^2 + 1) / alpha ) ),
//   rho^2 = ( -2 ln alpha + ln(-2 ln alpha + 1) ) / N*,
// where the tuning parameter N* (default 5000, GrowthBook's default) is the total sample size
// at which the interval is tightest; choose it near the planned total. The interval is wider
// than the fixed-horizon one at every N, and the result is significant when it excludes 0.
// The matching always-valid p-value is the reciprocal of the same mixture martingale at N,
//   p = min(1, sqrt(N rho^2 + 1) exp(-z^2 N rho^2 / (2 (N rho^2 + 1)))),   z = estimate / se,
// with rho^2 tuned for the same alpha, so that p < alpha exactly when the interval excludes 0;
// by Ville's inequality P(p ever falls below alpha under the null) <= alpha, so it may be
// looked at after every batch and corrected across metrics (Holm, BH) like a fixed one.
//
//   auto ci = SequentialInterval(cmp.absolute, n_control + n_treatment);

#include "core/status.h"
#include "stats/frequentist.h"

namespace growthlens::stats {

inline constexpr double kDefaultSequentialTuning = 5000.0;

struct SequentialResult {
  double half_width = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
  bool significant = false;  ///< the always-valid interval excludes 0
};

/// Always-valid interval around lift.estimate (absolute or relative) with lift.std_error.
Result<SequentialResult> SequentialInterval(const LiftEstimate& lift, double n_total,
                                            double alpha = 0.05,
                                            double tuning = kDefaultSequentialTuning);

/// Always-valid p-value of lift (null: no difference), rho^2 tuned for `alpha` and `tuning`.
Result<double> SequentialPValue(const LiftEstimate& lift, double n_total, double alpha = 0.05,
                                double tuning = kDefaultSequentialTuning);

/// `lift` with its interval and p-value replaced by the always-valid ones.
Result<LiftEstimate> SequentialLift(const LiftEstimate& lift, double n_total, double alpha = 0.05,
                                    double tuning = kDefaultSequentialTuning);

}  // namespace growthlens::stats
