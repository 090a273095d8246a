#include "metrics/cohorts.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <map>

#include "core/compensated_sum.h"
#include "metrics/activity_grid.h"
#include "metrics/cohort_layout.h"

namespace growthlens {

namespace {

/// Per period: active (on, and on or after) over the sizes of the cohorts that count at that age
/// (CohortMatrix::InAverage): cohorts that started before the data are left out (only their
/// survivors are seen), and so are periods the data covers in part (fewer days to be seen in).
void ComputeAverages(CohortMatrix& matrix, size_t periods) {
  for (size_t period_idx = 0; period_idx < periods; ++period_idx) {
    uint64_t active = 0, on_or_after = 0, size = 0;
    for (size_t cohort_idx = 0; cohort_idx < matrix.cohorts.size(); ++cohort_idx) {
      if (!matrix.InAverage(cohort_idx, period_idx)) continue;
      active += matrix.active[cohort_idx][period_idx];
      on_or_after += matrix.active_on_or_after[cohort_idx][period_idx];
      size += matrix.cohort_size[cohort_idx];
    }
    const double share_of = static_cast<double>(size);
    constexpr double kUnobserved = std::numeric_limits<double>::quiet_NaN();
    matrix.average.push_back(size == 0 ? kUnobserved : static_cast<double>(active) / share_of);
    matrix.average_on_or_after.push_back(size == 0 ? kUnobserved
                                                   : static_cast<double>(on_or_after) / share_of);
  }
}

/// The bucket of each user's cohort: their signup's where the log gives one, else their first
/// active day's (first_day: INT32_MAX without activity).
std::vector<int32_t> FirstActivityCohorts(const Dataset& dataset, CohortPeriod period,
                                          const std::vector<Day>& first_day,
                                          const BucketTable& bucket_of) {
  const std::vector<Day>& user_signup = dataset.user_signup();
  std::vector<int32_t> cohort_of(first_day.size(), INT32_MAX);
  for (uint32_t user = 0; user < first_day.size(); ++user) {
    if (first_day[user] == INT32_MAX) continue;
    const Day signup = user < user_signup.size() ? user_signup[user] : kNoDay;
    cohort_of[user] =
        signup != kNoDay ? CohortBucketOf(signup, period) : bucket_of(first_day[user]);
  }
  return cohort_of;
}

}  // namespace

CohortLayout LayOutCohorts(CohortPeriod period, std::vector<int32_t> cohort_of, bool transactions,
                           const BucketTable& bucket_of, Day first_any_day, Day last_any_day) {
  CohortLayout layout;
  CohortMatrix& matrix = layout.matrix;
  matrix.period = period;
  const size_t users = cohort_of.size();
  layout.first_any = bucket_of(first_any_day);
  layout.last_bucket = bucket_of(last_any_day);
  matrix.data_first_day = first_any_day;
  matrix.data_last_day = last_any_day;
  matrix.first_bucket = layout.first_any;
  matrix.last_bucket = layout.last_bucket;
  matrix.first_bucket_partial =
      CoverageOf(layout.first_any, period, first_any_day, last_any_day).Partial();
  matrix.last_bucket_partial =
      CoverageOf(layout.last_bucket, period, first_any_day, last_any_day).Partial();

  layout.cohort_of = std::move(cohort_of);
  int32_t lowest = INT32_MAX, highest = INT32_MIN;
  for (uint32_t user = 0; user < users; ++user) {
    if (layout.cohort_of[user] == INT32_MAX) continue;
    lowest = std::min(lowest, layout.cohort_of[user]);
    highest = std::max(highest, layout.cohort_of[user]);
  }
  // Index of each cohort bucket in ascending order: a table over the buckets' range (a map
  // lookup per user cost more than the rest), or a map when the range is huge.
  constexpr int64_t kMaxTableBuckets = int64_t{1} << 22;
  const bool table = lowest <= highest && int64_t{highest} - lowest < kMaxTableBuckets;
  std::vector<uint32_t> index_of_bucket(table ? static_cast<size_t>(highest - lowest + 1) : 0, 0);
  std::map<int32_t, size_t> cohort_index;
  for (uint32_t user = 0; user < users; ++user) {
    if (layout.cohort_of[user] == INT32_MAX) continue;
    if (table)
      index_of_bucket[static_cast<size_t>(layout.cohort_of[user] - lowest)] = 1;
    else
      cohort_index.emplace(layout.cohort_of[user], 0);
  }
  if (table) {
    for (size_t offset = 0; offset < index_of_bucket.size(); ++offset) {
      if (index_of_bucket[offset] == 0) continue;
      index_of_bucket[offset] = static_cast<uint32_t>(matrix.cohorts.size());
      matrix.cohorts.push_back(lowest + static_cast<int32_t>(offset));
    }
  } else {
    for (auto& [bucket, index] : cohort_index) {
      index = matrix.cohorts.size();
      matrix.cohorts.push_back(bucket);
    }
  }
  const size_t cohort_count = matrix.cohorts.size();
  matrix.cohort_size.assign(cohort_count, 0);
  matrix.active.resize(cohort_count);
  matrix.active_on_or_after.resize(cohort_count);
  matrix.revenue.resize(cohort_count);
  matrix.first_observed_period.resize(cohort_count);
  matrix.left_censored.resize(cohort_count);
  for (size_t cohort_idx = 0; cohort_idx < cohort_count; ++cohort_idx) {
    const int32_t cohort = matrix.cohorts[cohort_idx];
    const int32_t length = std::max(0, layout.last_bucket - cohort + 1);
    matrix.active[cohort_idx].assign(static_cast<size_t>(length), 0);
    matrix.active_on_or_after[cohort_idx].assign(static_cast<size_t>(length), 0);
    matrix.revenue[cohort_idx].assign(transactions ? static_cast<size_t>(length) : 0, 0.0);
    // A signup month before the first day of data: periods up to the data's start are unseen.
    matrix.first_observed_period[cohort_idx] =
        static_cast<uint32_t>(std::clamp(layout.first_any - cohort, 0, length));
    // Started before the first day of data: an earlier period, or the first one cut short.
    matrix.left_censored[cohort_idx] = FirstDayOfBucket(cohort, period) < first_any_day;
  }
  layout.cohort_slot.assign(users, 0);
  for (uint32_t user = 0; user < users; ++user) {
    if (layout.cohort_of[user] == INT32_MAX) continue;
    layout.cohort_slot[user] =
        table ? index_of_bucket[static_cast<size_t>(layout.cohort_of[user] - lowest)]
              : static_cast<uint32_t>(cohort_index[layout.cohort_of[user]]);
    ++matrix.cohort_size[layout.cohort_slot[user]];
  }
  return layout;
}

CohortMatrix FinishCohorts(CohortLayout&& layout, const std::vector<int32_t>& last_period) {
  CohortMatrix& matrix = layout.matrix;
  // "On or after" an unobserved period is unobserved too: counted from the first observed one.
  for (uint32_t user = 0; user < last_period.size(); ++user) {
    if (last_period[user] < 0) continue;
    auto& on_or_after = matrix.active_on_or_after[layout.cohort_slot[user]];
    const auto first = static_cast<int32_t>(matrix.first_observed_period[layout.cohort_slot[user]]);
    for (int32_t period_idx = first; period_idx <= last_period[user]; ++period_idx)
      ++on_or_after[static_cast<size_t>(period_idx)];
  }
  ComputeAverages(
      matrix, static_cast<size_t>(std::max(0, layout.last_bucket - matrix.cohorts.front() + 1)));
  return std::move(matrix);
}

namespace {

/// Each cohort's revenue per period, from the rows (amounts are not in the activity grid).
void AddCohortRevenue(const TransactionLog& log, const BucketTable& bucket_of,
                      CohortLayout& layout) {
  std::vector<std::vector<CompensatedSum>> revenue(layout.matrix.cohorts.size());
  for (size_t cohort_idx = 0; cohort_idx < revenue.size(); ++cohort_idx)
    revenue[cohort_idx].resize(layout.matrix.revenue[cohort_idx].size());
  for (size_t row = 0; row < log.rows(); ++row) {
    const uint32_t user = UserOfRow(log, row);
    if (user == kNullCode || layout.cohort_of[user] == INT32_MAX) continue;
    const int32_t period_idx = bucket_of(DayOfRow(log, row)) - layout.cohort_of[user];
    if (period_idx < 0) continue;  // activity before signup (only with that rule switched off)
    revenue[layout.cohort_slot[user]][static_cast<size_t>(period_idx)].Add(log.AmountOfRow(row));
  }
  for (size_t cohort_idx = 0; cohort_idx < revenue.size(); ++cohort_idx)
    for (size_t period_idx = 0; period_idx < revenue[cohort_idx].size(); ++period_idx)
      layout.matrix.revenue[cohort_idx][period_idx] = revenue[cohort_idx][period_idx].Value();
}

}  // namespace

CohortMatrix ComputeCohorts(const Dataset& dataset, CohortPeriod period) {
  // The grid over every row's day (rows without a user included, as the data's span).
  Day first = INT32_MAX, last = INT32_MIN;
  dataset.Visit([&](const auto& log) {
    for (size_t row = 0; row < log.rows(); ++row) {
      first = std::min(first, DayOfRow(log, row));
      last = std::max(last, DayOfRow(log, row));
    }
  });
  if (last < first) {
    CohortMatrix matrix;
    matrix.period = period;
    return matrix;
  }
  return ComputeCohorts(dataset, ActivityGrid(dataset, first, last), period);
}

CohortMatrix ComputeCohorts(const Dataset& dataset, const ActivityGrid& days, CohortPeriod period) {
  CohortMatrix matrix;
  matrix.period = period;
  const size_t users = dataset.users().size();
  if (days.last_day() < days.first_day() || users == 0) return matrix;
  std::vector<Day> first_day(users, INT32_MAX);
  for (uint32_t user = 0; user < users; ++user)
    first_day[user] = days.FirstActiveDay(user).value_or(INT32_MAX);
  const BucketTable bucket_of(days.first_day(), days.last_day(), period);
  CohortLayout layout =
      LayOutCohorts(period, FirstActivityCohorts(dataset, period, first_day, bucket_of),
                    dataset.HasRevenue(), bucket_of, days.first_day(), days.last_day());
  // A user's days come in order, so do their buckets: each (user, bucket) is counted once by
  // comparing with the previous one.
  std::vector<int32_t> last_period(users, -1);
  for (uint32_t user = 0; user < users; ++user) {
    const std::span<const uint64_t> words = days.UserWords(user);
    const int32_t cohort = layout.cohort_of[user];
    if (cohort == INT32_MAX) continue;
    std::vector<uint64_t>& active = layout.matrix.active[layout.cohort_slot[user]];
    int32_t previous = INT32_MIN;
    for (size_t word = 0; word < words.size(); ++word)
      for (uint64_t bits = words[word]; bits != 0; bits &= bits - 1) {
        const int32_t bucket =
            bucket_of(days.first_day() +
                      static_cast<Day>(word * 64 + static_cast<size_t>(std::countr_zero(bits))));
        const int32_t period_idx = bucket - cohort;
        if (period_idx < 0) continue;  // activity before signup (only with that rule off)
        // Branch-free: a new period every few active days is a mispredicted branch each time.
        active[static_cast<size_t>(period_idx)] += bucket != previous ? 1 : 0;
        previous = bucket;
        last_period[user] = period_idx;
      }
  }
  if (const TransactionLog* transactions = dataset.As<TransactionLog>())
    AddCohortRevenue(*transactions, bucket_of, layout);
  return FinishCohorts(std::move(layout), last_period);
}
}  // namespace growthlens
