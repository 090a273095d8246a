#pragma once
// The inner loop of the campaign simulation (simulation.h): one pass over a segment's users
// per run, giving each user one draw (simulation_draws.h) that decides its arm and, for rates,
// whether the assumed effect flips its outcome. It sums only the treatment arm; the control
// arm is the segment's totals minus the treatment, and the totals are summed in the same order
// (four interleaved lanes) so that an arm left with only zeros sums to exactly 0.
//
//   RunKernel kernel(inputs);
//   RunSums sums = kernel.Run(run);  // sums.goal[0] control, sums.goal[1] treatment

#include <cstdint>
#include <span>
#include <vector>

#include "stats/arm_stats.h"

namespace growthlens::stats {

/// Sums of one arm: n, the sum of the outcomes (for rates the successes, exact in a double up
/// to 2^53) and the sum of squares of (outcome - centre), which keeps the variance's digits when
/// the values are large.
struct ArmSums {
  double n = 0.0;
  double sum = 0.0;
  double sum_squares = 0.0;
};

/// One run: index 0 = control, 1 = treatment. Rates carry their effect; means and the
/// guardrail do not (it scales or shifts every treated value, applied to the sums).
struct RunSums {
  ArmSums goal[2];
  RatioSums guardrail[2];
};

struct KernelInputs {
  bool rate = true;                     ///< outcomes are 0 or 1
  std::span<const double> outcomes;     ///< per user
  std::span<const double> numerator;    ///< guardrail per user; empty without one
  std::span<const double> denominator;  ///< guardrail per user; empty without one
  double treatment_share = 0.5;
  double centre = 0.0;            ///< means: subtracted before squaring
  double flip_probability = 0.0;  ///< rates: chance that a treated user's outcome flips
  bool flip_up = true;            ///< rates: 0 becomes 1 (else 1 becomes 0)
  uint64_t seed = 0;
};

class RunKernel {
 public:
  explicit RunKernel(const KernelInputs& inputs);
  RunSums Run(uint64_t run) const;

 private:
  template <bool kRate, bool kGuardrail, bool kEveryone>
  RunSums Sum(uint64_t run) const;

  KernelInputs inputs_;
  std::vector<uint8_t> rates_;  ///< outcomes as bytes, for rates
  uint64_t arm_threshold_ = 0;
  uint64_t flip_threshold_ = 0;
  RunSums totals_;  ///< everyone in index 1
};

}  // namespace growthlens::stats
