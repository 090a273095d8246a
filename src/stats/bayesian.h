#pragma once
// A Bayesian view of one comparison, as GrowthBook's Bayesian engine documents it: a Gaussian
// approximation on the relative lift. The data give a likelihood N(lift_hat, se^2) (lift and
// delta-method se from frequentist.h); the prior on the relative lift is N(prior.mean,
// prior.std_dev^2) when prior.proper, else flat (GrowthBook's default: flat; its proper default
// is mean 0, std_dev 0.3). The posterior is the precision-weighted Gaussian
//   1/v = 1/se^2 + 1/s0^2,   m = v (lift_hat/se^2 + mu0/s0^2).
// Then
//   chance to beat control = P(lift > 0) = Phi(m / sqrt(v)),
//   expected loss of shipping = E[max(0, -lift)] = s phi(m/s) - m Phi(-m/s),
//   expected loss of keeping control = E[max(0, lift)] = s phi(m/s) + m Phi(m/s),   s = sqrt(v),
// both in relative-lift units (0.01 = one per cent of the control mean).
//
//   auto view = BayesianLift(comparison.relative, BayesianPrior{});

#include "core/status.h"
#include "stats/frequentist.h"

namespace growthlens::stats {

struct BayesianPrior {
  bool proper = false;   ///< false: flat prior, posterior = likelihood
  double mean = 0.0;     ///< prior mean of the relative lift
  double std_dev = 0.3;  ///< prior standard deviation of the relative lift
};

struct BayesianResult {
  double posterior_mean = 0.0;
  double posterior_std_dev = 0.0;
  double chance_to_beat_control = 0.5;
  double expected_loss_ship = 0.0;     ///< risk of choosing treatment
  double expected_loss_control = 0.0;  ///< risk of keeping control
  double credible_low = 0.0;           ///< equal-tailed interval at 1 - alpha
  double credible_high = 0.0;
};

Result<BayesianResult> BayesianLift(const LiftEstimate& relative_lift,
                                    const BayesianPrior& prior = {}, double alpha = 0.05);

}  // namespace growthlens::stats
