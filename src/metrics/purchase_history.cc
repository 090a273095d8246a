#include "metrics/purchase_history.h"

#include <algorithm>
#include <limits>

#include "metrics/rfm.h"

namespace growthlens {

namespace {

struct DayAmount {
  Day day;
  double amount;
};

}  // namespace

PurchaseHistory SummarizePurchases(const TransactionLog& log,
                                   const PurchaseHistoryOptions& options) {
  PurchaseHistory history;
  // Rows grouped by customer with a counting sort: the offsets of each customer's slice.
  const size_t customers = log.users.size();
  std::vector<uint32_t> start(customers + 1, 0);
  Day first = std::numeric_limits<Day>::max(), last = std::numeric_limits<Day>::min();
  for (size_t row = 0; row < log.rows(); ++row) {
    const uint32_t customer = UserOfRow(log, row);
    if (customer == kNullCode) continue;
    ++start[customer + 1];
    const Day day = DayOfRow(log, row);
    first = std::min(first, day);
    last = std::max(last, day);
  }
  if (first > last) return history;
  for (size_t customer = 0; customer < customers; ++customer)
    start[customer + 1] += start[customer];
  std::vector<DayAmount> rows(start[customers]);
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for (size_t row = 0; row < log.rows(); ++row) {
    const uint32_t customer = UserOfRow(log, row);
    if (customer == kNullCode) continue;
    rows[fill[customer]++] = {DayOfRow(log, row), log.AmountOfRow(row)};
  }

  history.first_day = first;
  history.last_day = last;
  history.calibration_end = options.calibration_end.value_or(last);
  const Day end = history.calibration_end;
  const double unit = options.days_per_unit;
  history.holdout_length = std::max(0, last - end) / unit;

  std::vector<uint8_t> active(customers, 0);
  for (size_t customer = 0; customer < customers; ++customer) {
    const auto begin = rows.begin() + start[customer], stop = rows.begin() + start[customer + 1];
    if (begin == stop) continue;
    // Stable: a day's amounts add up in file order.
    std::stable_sort(begin, stop,
                     [](const DayAmount& a, const DayAmount& b) { return a.day < b.day; });
    if (begin->day > end)
      ++history.customers_after_calibration;
    else
      active[customer] = 1;
  }
  history.user = UsersInIdOrder(log.users, active);
  const size_t n = history.user.size();
  for (auto* column : {&history.frequency, &history.recency, &history.age, &history.monetary,
                       &history.first_value, &history.holdout_purchases, &history.holdout_value})
    column->assign(n, 0.0);

  for (size_t i = 0; i < n; ++i) {
    const uint32_t customer = history.user[i];
    const DayAmount* row = rows.data() + start[customer];
    const DayAmount* const stop = rows.data() + start[customer + 1];
    const Day first_purchase = row->day;
    Day last_purchase = first_purchase;
    double repeat_total = 0.0;
    int64_t index = 0;  // purchase days seen
    while (row != stop) {
      const Day day = row->day;
      double total = 0.0;
      for (; row != stop && row->day == day; ++row) total += row->amount;
      if (day > end) {
        history.holdout_purchases[i] += 1;
        history.holdout_value[i] += total;
      } else if (index++ == 0) {
        history.first_value[i] = total;
      } else {
        history.frequency[i] += 1;
        repeat_total += total;
        last_purchase = day;
      }
    }
    history.recency[i] = (last_purchase - first_purchase) / unit;
    history.age[i] = (end - first_purchase) / unit;
    if (history.frequency[i] > 0) history.monetary[i] = repeat_total / history.frequency[i];
  }
  return history;
}

}  // namespace growthlens
