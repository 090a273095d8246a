#include "app/clv_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace growthlens::app {

namespace {

constexpr double kDaysPerMonth = 30.0;
constexpr int kHoldoutBuckets = 8;  // calibration frequency 0..6 and 7+

std::vector<HoldoutRow> HoldoutTable(const PurchaseHistory& history,
                                     const std::vector<double>& predicted) {
  std::vector<HoldoutRow> rows(kHoldoutBuckets);
  for (int k = 0; k < kHoldoutBuckets; ++k) rows[static_cast<size_t>(k)].frequency = k;
  for (size_t i = 0; i < history.size(); ++i) {
    HoldoutRow& row =
        rows[static_cast<size_t>(std::min<double>(history.frequency[i], kHoldoutBuckets - 1))];
    ++row.customers;
    row.actual += history.holdout_purchases[i];
    row.predicted += predicted[i];
  }
  return rows;
}

}  // namespace

double CustomerLifetimeValue(const stats::BgNbdParams& params, double x, double t_x, double age,
                             double spend, int months, double discount_rate, double days_per_unit) {
  const double month = kDaysPerMonth / days_per_unit;
  double value = 0.0, before = 0.0;
  for (int i = 1; i <= months; ++i) {
    const double upto = stats::BgNbdExpectedPurchases(params, i * month, x, t_x, age);
    value += spend * (upto - before) / std::pow(1.0 + discount_rate, i);
    before = upto;
  }
  return value;
}

Result<ClvResult> ComputeClv(const TransactionLog& log, const ClvOptions& options, Naming naming) {
  ClvResult result;
  result.options = options;
  result.users = &log.users;
  result.history = SummarizePurchases(log, {options.calibration_end, options.days_per_unit});
  PurchaseHistory& history = result.history;
  if (history.size() == 0 && history.customers_after_calibration == 0)
    return Status(ErrorCode::kDataError, "clv: no purchase has a customer");
  if (options.calibration_end &&
      (*options.calibration_end < history.first_day || *options.calibration_end > history.last_day))
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("{} {} is outside the data's days {} to {}",
                    ShownName("calibration-end", naming), FormatDate(*options.calibration_end),
                    FormatDate(history.first_day), FormatDate(history.last_day)));

  Result<stats::BgNbdFit> purchases =
      stats::FitBgNbd({history.frequency, history.recency, history.age});
  if (!purchases.ok()) return purchases.status();
  result.purchases = std::move(*purchases);
  if (!result.purchases.fit.converged)
    result.warnings.push_back(
        fmt::format("the BG/NBD fit stopped before converging (largest gradient {:.3g}): treat its "
                    "parameters with care",
                    result.purchases.fit.gradient_norm));

  const stats::BgNbdParams& se = result.purchases.std_errors;
  if (!std::isfinite(se.r + se.alpha + se.a + se.b))
    result.warnings.push_back(
        "some BG/NBD standard errors are missing: the likelihood is flat at the optimum, "
        "typically a parameter at the edge of its range (a near 0: almost no customer is seen "
        "to drop out in the calibration period), where a and b are not identified");

  // Gamma-Gamma: customers with a repeat purchase of positive value.
  std::vector<double> spend_frequency, spend_monetary;
  for (size_t i = 0; i < history.size(); ++i)
    if (history.frequency[i] > 0 && history.monetary[i] > 0) {
      spend_frequency.push_back(history.frequency[i]);
      spend_monetary.push_back(history.monetary[i]);
    }
  result.spend_customers = spend_frequency.size();
  Result<stats::GammaGammaFit> spend = stats::FitGammaGamma({spend_frequency, spend_monetary});
  if (!spend.ok()) return spend.status();
  result.spend = std::move(*spend);
  if (result.spend.params.q <= 1)
    result.warnings.push_back(
        "the Gamma-Gamma fit has q <= 1, so mean spend is unbounded: expected spend and CLV "
        "are not finite");

  const stats::BgNbdParams& bg = result.purchases.params;
  const size_t n = history.size();
  const double period = options.period_days / options.days_per_unit;
  result.expected_purchases.resize(n);
  result.p_alive.resize(n);
  result.expected_spend.resize(n);
  result.clv.resize(n);
  result.holdout_predicted.assign(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    const double x = history.frequency[i], t_x = history.recency[i], age = history.age[i];
    result.expected_purchases[i] = stats::BgNbdExpectedPurchases(bg, period, x, t_x, age);
    result.p_alive[i] = stats::BgNbdProbabilityAlive(bg, x, t_x, age);
    result.expected_spend[i] =
        stats::GammaGammaExpectedSpend(result.spend.params, x, history.monetary[i]);
    result.clv[i] =
        CustomerLifetimeValue(bg, x, t_x, age, result.expected_spend[i], options.horizon_months,
                              options.discount_rate, options.days_per_unit);
    if (history.holdout_length > 0)
      result.holdout_predicted[i] =
          stats::BgNbdExpectedPurchases(bg, history.holdout_length, x, t_x, age);
  }
  if (history.holdout_length > 0) result.holdout = HoldoutTable(history, result.holdout_predicted);
  result.total_clv = std::accumulate(result.clv.begin(), result.clv.end(), 0.0);
  result.by_clv.resize(n);
  std::iota(result.by_clv.begin(), result.by_clv.end(), 0u);
  std::stable_sort(result.by_clv.begin(), result.by_clv.end(),
                   [&](uint32_t a, uint32_t b) { return result.clv[a] > result.clv[b]; });
  return result;
}

}  // namespace growthlens::app
