#include "core/derived_fields.h"

#include <algorithm>

namespace growthlens {

namespace {

template <typename Log>
std::vector<int32_t> CohortMonthsOf(const Log& log) {
  std::vector<Day> first_day(log.users.size(), INT32_MAX);
  for (size_t row = 0; row < log.rows(); ++row) {
    const uint32_t user = UserOfRow(log, row);
    if (user != kNullCode) first_day[user] = std::min(first_day[user], DayOfRow(log, row));
  }
  std::vector<int32_t> cohort(first_day.size(), kNoMonth);
  for (size_t user = 0; user < first_day.size(); ++user) {
    const Day signup = user < log.user_signup.size() ? log.user_signup[user] : kNoDay;
    if (signup != kNoDay)
      cohort[user] = MonthIndexOf(signup);
    else if (first_day[user] != INT32_MAX)
      cohort[user] = MonthIndexOf(first_day[user]);
  }
  return cohort;
}

}  // namespace

std::vector<int32_t> UserCohortMonths(const UsageLog& log) {
  return CohortMonthsOf(log);
}

std::vector<int32_t> UserCohortMonths(const TransactionLog& log) {
  return CohortMonthsOf(log);
}

std::vector<int32_t> UserCohortMonths(const Dataset& dataset) {
  return dataset.Visit([](const auto& log) { return CohortMonthsOf(log); });
}

std::vector<int32_t> RowMonths(const Dataset& dataset) {
  return dataset.Visit([](const auto& log) {
    std::vector<int32_t> months(log.rows());
    for (size_t row = 0; row < log.rows(); ++row) months[row] = MonthIndexOf(DayOfRow(log, row));
    return months;
  });
}

}  // namespace growthlens
