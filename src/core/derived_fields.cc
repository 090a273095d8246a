#include "core/derived_fields.h"

#include <algorithm>

namespace growthlens {

std::vector<int32_t> UserCohortMonths(const Dataset& dataset) {
  std::vector<Day> first_day(dataset.users.size(), INT32_MAX);
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t user = dataset.UserOfRow(row);
    if (user != kNullCode) first_day[user] = std::min(first_day[user], dataset.DayOfRow(row));
  }
  std::vector<int32_t> cohort(first_day.size(), kNoMonth);
  for (size_t user = 0; user < first_day.size(); ++user) {
    const Day signup = user < dataset.user_signup.size() ? dataset.user_signup[user] : kNoDay;
    if (signup != kNoDay)
      cohort[user] = MonthIndexOf(signup);
    else if (first_day[user] != INT32_MAX)
      cohort[user] = MonthIndexOf(first_day[user]);
  }
  return cohort;
}

std::vector<int32_t> RowMonths(const Dataset& dataset) {
  std::vector<int32_t> months(dataset.rows());
  for (size_t row = 0; row < dataset.rows(); ++row)
    months[row] = MonthIndexOf(dataset.DayOfRow(row));
  return months;
}

}  // namespace growthlens
