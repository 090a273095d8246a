#include "metrics/behaviour_retention.h"

#include <algorithm>

#include "metrics/cohort_layout.h"
#include "metrics/user_event_order.h"

namespace growthlens {

CohortMatrix ComputeBehaviourRetention(const UsageLog& log,
                                       const BehaviourRetentionOptions& options) {
  CohortMatrix empty;
  empty.period = options.period;
  if (log.rows() == 0) return empty;
  const auto [first_day, last_day] =
      std::minmax_element(log.usage.day.begin(), log.usage.day.end());
  const BucketTable bucket_of(*first_day, *last_day, options.period);
  const size_t users = log.users.size();
  const auto is_start = [&](size_t row) {
    return !options.start_event || log.usage.feature[row] == *options.start_event;
  };
  const auto is_return = [&](size_t row) {
    return !options.return_event || log.usage.feature[row] == *options.return_event;
  };
  // Each user's cohort: the bucket of their first start event (the first in time order), found
  // per user over the cores.
  const UserEventOrder order(log, options.threads);
  std::vector<Day> first_start(users, INT32_MAX);
  ForEachUserChunk(order.by_user(), options.threads, 0, [&](int&, size_t first, size_t end) {
    for (size_t group = first; group < end; ++group)
      for (const uint32_t row : order.Rows(group))
        if (is_start(row)) {
          first_start[order.user(group)] = log.usage.day[row];
          break;
        }
  });
  std::vector<int32_t> cohort_of(users, INT32_MAX);
  bool any = false;
  for (size_t user = 0; user < users; ++user)
    if (first_start[user] != INT32_MAX) {
      cohort_of[user] = bucket_of(first_start[user]);
      any = true;
    }
  if (!any) return empty;
  CohortLayout layout =
      LayOutCohorts(options.period, std::move(cohort_of), false, bucket_of, *first_day, *last_day);
  // Return periods per user in time order: each (user, period) counted once by comparing with
  // the previous one. Per chunk its own counts, added up after (integers: any order).
  std::vector<int32_t> last_period(users, -1);
  using Counts = std::vector<std::vector<uint64_t>>;
  const Counts zero = layout.matrix.active;
  const std::vector<Counts> partials = ForEachUserChunk(
      order.by_user(), options.threads, zero, [&](Counts& active, size_t first, size_t end) {
        for (size_t group = first; group < end; ++group) {
          const uint32_t user = order.user(group);
          const int32_t cohort = layout.cohort_of[user];
          if (cohort == INT32_MAX) continue;
          std::vector<uint64_t>& row_counts = active[layout.cohort_slot[user]];
          int32_t previous = -1;
          for (const uint32_t row : order.Rows(group)) {
            if (!is_return(row)) continue;
            const int32_t period_idx = bucket_of(log.usage.day[row]) - cohort;
            if (period_idx < 0 || period_idx == previous) continue;
            ++row_counts[static_cast<size_t>(period_idx)];
            previous = period_idx;
          }
          last_period[user] = previous;
        }
      });
  for (const Counts& partial : partials)
    for (size_t cohort_idx = 0; cohort_idx < partial.size(); ++cohort_idx)
      for (size_t period_idx = 0; period_idx < partial[cohort_idx].size(); ++period_idx)
        layout.matrix.active[cohort_idx][period_idx] += partial[cohort_idx][period_idx];
  return FinishCohorts(std::move(layout), last_period);
}

}  // namespace growthlens
