#pragma once
// Fields derived from a clean Dataset, as the origin analyses define them: TotalAmount
// (TransactionLog::AmountOfRow), InvoiceYearMonth (MonthIndexOf the row's day) and the cohort
// month.

#include <cstdint>
#include <vector>

#include "core/dataset.h"

namespace growthlens {

inline constexpr int32_t kNoMonth = INT32_MIN;

/// Per user code: the month index of the user's cohort. Usage logs with signup dates use the
/// signup month; otherwise (and for transactions, CohortMonth) the month of first activity.
/// kNoMonth for a user without activity.
std::vector<int32_t> UserCohortMonths(const Dataset& dataset);
std::vector<int32_t> UserCohortMonths(const UsageLog& log);
std::vector<int32_t> UserCohortMonths(const TransactionLog& log);

/// Per row: the month index of the row's day (InvoiceYearMonth).
std::vector<int32_t> RowMonths(const Dataset& dataset);

}  // namespace growthlens
