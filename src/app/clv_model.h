#pragma once
// The CLV of every customer of a transaction log: the purchase history (metrics), the BG/NBD and
// Gamma-Gamma fits (stats), and per customer the predictions `growthlens clv` shows.
//
//   Result<ClvResult> clv = ComputeClv(log, ClvOptions{}, Naming::kCli);

#include <optional>
#include <string>
#include <vector>

#include "app/param_spec.h"
#include "core/status.h"
#include "core/transaction_log.h"
#include "metrics/purchase_history.h"
#include "stats/bg_nbd.h"
#include "stats/gamma_gamma.h"

namespace growthlens::app {

struct ClvOptions {
  std::optional<Day> calibration_end;
  double days_per_unit = 1.0;   // 1: days, 7: weeks
  double period_days = 90;      // expected purchases this many days ahead
  int horizon_months = 12;      // CLV: months of 30 days
  double discount_rate = 0.01;  // per month
};

/// One row per calibration frequency 0..6 and 7+: customers, actual and predicted holdout
/// repeat purchases.
struct HoldoutRow {
  int frequency = 0;  // 7 means 7 or more
  size_t customers = 0;
  double actual = 0.0;
  double predicted = 0.0;
};

struct ClvResult {
  ClvOptions options;
  PurchaseHistory history;
  stats::BgNbdFit purchases;
  stats::GammaGammaFit spend;
  size_t spend_customers = 0;  // customers the Gamma-Gamma model was fitted on
  // Per customer, row for row with history.
  std::vector<double> expected_purchases;  // in the next options.period_days
  std::vector<double> p_alive;
  std::vector<double> expected_spend;
  std::vector<double> clv;
  std::vector<double> holdout_predicted;  // expected purchases over the holdout
  std::vector<HoldoutRow> holdout;        // empty without a holdout
  std::vector<uint32_t> by_clv;           // customer rows by CLV, highest first
  double total_clv = 0.0;
  std::vector<std::string> warnings;
  /// The customer ids, for the views.
  const StringDictionary* users = nullptr;
};

/// An error names the parameter (--calibration-end outside the data) or what the data lacks.
Result<ClvResult> ComputeClv(const TransactionLog& log, const ClvOptions& options, Naming naming);

/// CLV of one customer: month i's expected purchases times the expected spend, discounted by
/// (1 + rate)^i, over `months` months of 30 days (lifetimes' customer_lifetime_value).
double CustomerLifetimeValue(const stats::BgNbdParams& params, double x, double t_x, double age,
                             double spend, int months, double discount_rate, double days_per_unit);

}  // namespace growthlens::app
