#pragma once
// The steps of a cohort matrix that do not depend on what defines a cohort or a return: the
// layout of cohorts from each user's cohort bucket (sizes, left-censoring, observed periods,
// partial periods), and the "on or after" counts and average curves from each user's last
// return period. Cohorts of first activity (cohorts.h) and of a start event
// (behaviour_retention.h) both fill `active` between the two, so both keep the cohort page's
// censoring rules.

#include <cstdint>
#include <vector>

#include "metrics/cohorts.h"
#include "metrics/periods.h"

namespace growthlens {

/// A matrix with its cohorts and sizes set and its cells zero, and where each user belongs.
struct CohortLayout {
  CohortMatrix matrix;
  std::vector<int32_t> cohort_of;     // per user: cohort bucket, INT32_MAX: in no cohort
  std::vector<uint32_t> cohort_slot;  // per user: index into matrix.cohorts
  int32_t first_any = 0;              // bucket of the data's first day
  int32_t last_bucket = 0;            // bucket of the data's last day
};

/// cohort_of: per user, the bucket of their cohort (INT32_MAX: none); the data spans
/// [first_any_day, last_any_day]; `transactions` sizes the revenue rows.
CohortLayout LayOutCohorts(CohortPeriod period, std::vector<int32_t> cohort_of, bool transactions,
                           const BucketTable& bucket_of, Day first_any_day, Day last_any_day);

/// "On or after" from each user's last active (returning) period, as an index from the user's
/// cohort (-1: none), then the average curves.
CohortMatrix FinishCohorts(CohortLayout&& layout, const std::vector<int32_t>& last_period);

}  // namespace growthlens
