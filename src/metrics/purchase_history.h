#pragma once
// Each customer's purchase history as the BG/NBD and Gamma-Gamma models read it (the
// "frequency, recency, T, monetary" summary of Fader, Hardie & Lee): purchases on one day are
// one purchase worth the day's total; a calibration period ends at a given day and the days
// after it, to the end of the data, are the holdout.
//
//   PurchaseHistory history = SummarizePurchases(log, {.calibration_end = day, .days_per_unit =
//   7});

#include <cstdint>
#include <optional>
#include <vector>

#include "core/date.h"
#include "core/transaction_log.h"

namespace growthlens {

struct PurchaseHistoryOptions {
  /// The last day of the calibration period; default: the last day with rows (no holdout).
  std::optional<Day> calibration_end;
  /// Days per time unit: 1 (days) or 7 (weeks). Times are (fractional) units.
  double days_per_unit = 1.0;
};

/// One row per customer whose first purchase is in the calibration period, in id order.
struct PurchaseHistory {
  Day first_day = 0;                       // the first day with a purchase
  Day calibration_end = 0;                 // last day of the calibration period
  Day last_day = 0;                        // last day of the data: the end of the holdout
  double holdout_length = 0.0;             // units from calibration_end to last_day
  size_t customers_after_calibration = 0;  // first purchase in the holdout: left out

  std::vector<uint32_t> user;     // code into TransactionLog::users
  std::vector<double> frequency;  // repeat purchase days in the calibration period
  std::vector<double> recency;    // units from the first to the last calibration purchase day
  std::vector<double> age;        // T: units from the first purchase to calibration_end
  /// Mean total of the repeat purchase days (0 without one): the first purchase is left out.
  std::vector<double> monetary;
  std::vector<double> first_value;        // total of the first purchase day
  std::vector<double> holdout_purchases;  // purchase days in the holdout
  std::vector<double> holdout_value;      // their total
  size_t size() const { return user.size(); }
};

/// The summary of the rows with a customer; an empty history when there are none.
PurchaseHistory SummarizePurchases(const TransactionLog& log,
                                   const PurchaseHistoryOptions& options);

}  // namespace growthlens
