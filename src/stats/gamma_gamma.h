#pragma once
// The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV"): each
// purchase of a customer is worth z ~ Gamma(p, nu) and nu ~ Gamma(q, gamma) across customers;
// a customer is summarised by x purchases and their mean value m. Fitted on customers with at
// least one repeat purchase and m > 0 (the usual convention: first purchases left out).
//
//   Result<GammaGammaFit> fit = FitGammaGamma({frequency, monetary});
//   double spend = GammaGammaExpectedSpend(fit->params, x, m);

#include <span>

#include "core/status.h"
#include "stats/max_likelihood.h"

namespace growthlens::stats {

struct SpendData {
  std::span<const double> frequency;  // x > 0
  std::span<const double> monetary;   // m > 0: mean value of the x purchases
  size_t size() const { return frequency.size(); }
};

struct GammaGammaParams {
  double p = 0.0, q = 0.0, gamma = 0.0;
};

/// The log-likelihood over theta = (p, q, gamma) with its analytic gradient (the constant terms
/// of the density of the x values kept, as lifetimes does, so values compare).
double GammaGammaLogLikelihood(const SpendData& data, std::span<const double> theta,
                               std::span<double> gradient);

struct GammaGammaFit {
  GammaGammaParams params;
  GammaGammaParams std_errors;
  ModelFit fit;
};

/// Maximum likelihood from p = q = 1, gamma = mean spend. An error without customers.
Result<GammaGammaFit> FitGammaGamma(const SpendData& data, const OptimizerOptions& options = {});

/// E[M | x, m]: the customer's expected value per purchase (the population mean p gamma/(q-1)
/// when x = 0). Infinite when q <= 1 (the population mean does not exist).
double GammaGammaExpectedSpend(const GammaGammaParams& params, double x, double m);

}  // namespace growthlens::stats
