#include "stats/simulation_kernel.h"

#include <cmath>

#include "stats/simulation_draws.h"

namespace growthlens::stats {

namespace {

constexpr size_t kLanes = 4;  // independent sums: the additions do not wait for each other

/// Per-lane partial sums, combined in lane order at the end.
struct Lanes {
  double sum[kLanes] = {};
  double squares[kLanes] = {};
  double numerator[kLanes] = {};
  double numerator_squares[kLanes] = {};
  double denominator[kLanes] = {};
  double denominator_squares[kLanes] = {};
  double products[kLanes] = {};
};

double Combine(const double (&lanes)[kLanes]) {
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

ArmSums Minus(const ArmSums& total, const ArmSums& part) {
  return {total.n - part.n, total.sum - part.sum, total.sum_squares - part.sum_squares};
}

RatioSums Minus(const RatioSums& total, const RatioSums& part) {
  return {total.n - part.n,
          total.sum_numerator - part.sum_numerator,
          total.sum_numerator_squares - part.sum_numerator_squares,
          total.sum_denominator - part.sum_denominator,
          total.sum_denominator_squares - part.sum_denominator_squares,
          total.sum_products - part.sum_products};
}

}  // namespace

RunKernel::RunKernel(const KernelInputs& inputs)
    : inputs_(inputs), arm_threshold_(ChanceThreshold(inputs.treatment_share)), flip_threshold_(0) {
  if (inputs.rate) {
    rates_.resize(inputs.outcomes.size());
    for (size_t user = 0; user < rates_.size(); ++user)
      rates_[user] = inputs.outcomes[user] != 0.0 ? 1 : 0;
    // Below the arm threshold the draw is uniform: the treated users whose draw lies below
    // threshold x p flip, each with probability p.
    const double scaled = std::floor(static_cast<double>(arm_threshold_) * inputs.flip_probability);
    flip_threshold_ = inputs.flip_probability >= 1.0 ? arm_threshold_
                      : scaled >= static_cast<double>(arm_threshold_)
                          ? arm_threshold_
                          : static_cast<uint64_t>(scaled);
  }
  const bool guardrail = !inputs.numerator.empty();
  totals_ = inputs.rate ? (guardrail ? Sum<true, true, true>(0) : Sum<true, false, true>(0))
                        : (guardrail ? Sum<false, true, true>(0) : Sum<false, false, true>(0));
}

template <bool kRate, bool kGuardrail, bool kEveryone>
RunSums RunKernel::Sum(uint64_t run) const {
  DrawStream stream(inputs_.seed, run);
  const size_t users = inputs_.outcomes.size();
  const uint64_t flip_from = inputs_.flip_up ? 0 : 1;
  uint64_t treated_users = 0, successes = 0, flipped = 0;
  Lanes lanes;
  // Branch-free: a user is treated at random, so a branch on it would be mispredicted half
  // the time; the arm is a 0/1 weight instead.
  const auto step = [&](size_t lane, size_t user) {
    uint64_t treated = 1;
    if constexpr (!kEveryone) {
      const uint64_t draw = stream.Next();
      treated = static_cast<uint64_t>(draw < arm_threshold_);
      if constexpr (kRate) {
        const uint64_t y = rates_[user];
        flipped +=
            static_cast<uint64_t>(draw < flip_threshold_) & static_cast<uint64_t>(y == flip_from);
      }
    }
    treated_users += treated;
    const auto weight = static_cast<double>(treated);
    if constexpr (kRate) {
      successes += treated & rates_[user];
    } else {
      const double y = inputs_.outcomes[user];
      const double shifted = y - inputs_.centre;
      lanes.sum[lane] += weight * y;
      lanes.squares[lane] += weight * (shifted * shifted);
    }
    if constexpr (kGuardrail) {
      const double m = weight * inputs_.numerator[user];
      const double d = weight * inputs_.denominator[user];
      lanes.numerator[lane] += m;
      lanes.numerator_squares[lane] += m * m;
      lanes.denominator[lane] += d;
      lanes.denominator_squares[lane] += d * d;
      lanes.products[lane] += m * d;
    }
  };
  size_t user = 0;
  for (; user + kLanes <= users; user += kLanes)
    for (size_t lane = 0; lane < kLanes; ++lane) step(lane, user + lane);
  // The last users with constant lane numbers, so the lanes stay in registers.
  if (user < users) step(0, user++);
  if (user < users) step(1, user++);
  if (user < users) step(2, user++);

  RunSums out;
  ArmSums& treatment = out.goal[1];
  treatment.n = static_cast<double>(treated_users);
  if constexpr (kRate) {
    treatment.sum = static_cast<double>(successes);
  } else {
    treatment.sum = Combine(lanes.sum);
    treatment.sum_squares = Combine(lanes.squares);
  }
  if constexpr (kGuardrail) {
    out.guardrail[1] = {treatment.n,
                        Combine(lanes.numerator),
                        Combine(lanes.numerator_squares),
                        Combine(lanes.denominator),
                        Combine(lanes.denominator_squares),
                        Combine(lanes.products)};
  }
  if constexpr (!kEveryone) {
    out.goal[0] = Minus(totals_.goal[1], treatment);
    if constexpr (kGuardrail) out.guardrail[0] = Minus(totals_.guardrail[1], out.guardrail[1]);
    if constexpr (kRate) {
      // The flipped users are all treated (their draw is below the arm threshold).
      const auto delta = static_cast<double>(flipped);
      treatment.sum += inputs_.flip_up ? delta : -delta;
    }
  }
  return out;
}

RunSums RunKernel::Run(uint64_t run) const {
  const bool guardrail = !inputs_.numerator.empty();
  if (inputs_.rate) return guardrail ? Sum<true, true, false>(run) : Sum<true, false, false>(run);
  return guardrail ? Sum<false, true, false>(run) : Sum<false, false, false>(run);
}

}  // namespace growthlens::stats
