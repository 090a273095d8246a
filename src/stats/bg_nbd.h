#pragma once
// The BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005, "Counting Your Customers the
// Easy Way"): while alive a customer buys at rate lambda ~ Gamma(r, alpha); after each purchase
// they drop out with probability p ~ Beta(a, b). A customer is summarised by x repeat purchases,
// the time t_x of the last one and their age T (both since the first purchase, in one time unit).
//
//   BgNbdLikelihood likelihood(customers);
//   Result<BgNbdFit> fit = FitBgNbd(customers);
//   double alive = BgNbdProbabilityAlive(fit->params, x, t_x, T);

#include <cstddef>
#include <span>
#include <vector>

#include "core/status.h"
#include "stats/max_likelihood.h"

namespace growthlens::stats {

/// One row per customer; frequency holds whole numbers.
struct RepeatPurchaseData {
  std::span<const double> frequency;  // x: repeat purchases
  std::span<const double> recency;    // t_x: time of the last purchase since the first
  std::span<const double> age;        // T: time from the first purchase to the end
  size_t size() const { return frequency.size(); }
};

struct BgNbdParams {
  double r = 0.0, alpha = 0.0, a = 0.0, b = 0.0;
};

/// The BG/NBD log-likelihood of a set of customers over theta = (r, alpha, a, b), with its
/// analytic gradient. Terms that depend on x alone are computed once per distinct x.
class BgNbdLikelihood {
 public:
  explicit BgNbdLikelihood(const RepeatPurchaseData& data);
  double operator()(std::span<const double> theta, std::span<double> gradient) const;

 private:
  RepeatPurchaseData data_;
  std::vector<double> distinct_x_;
  std::vector<uint32_t> x_index_;  // per customer, into distinct_x_
};

struct BgNbdFit {
  BgNbdParams params;
  BgNbdParams std_errors;
  ModelFit fit;
};

/// Maximum likelihood from r = alpha = a = b = 1 (alpha at the mean age when that is larger).
/// An error when the data is empty or has no repeat purchase.
Result<BgNbdFit> FitBgNbd(const RepeatPurchaseData& data, const OptimizerOptions& options = {});

/// E[X(t) | x, t_x, T]: expected purchases in the next t time units.
double BgNbdExpectedPurchases(const BgNbdParams& params, double t, double x, double t_x,
                              double age);
/// P(alive | x, t_x, T).
double BgNbdProbabilityAlive(const BgNbdParams& params, double x, double t_x, double age);

}  // namespace growthlens::stats
