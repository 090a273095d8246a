#pragma once
// Retention by behaviour: cohorts of the users who did a start event, by the period of their
// first start event in the data, and per later period n whether they did the return event in
// period cohort + n ("on") or in it or any later one ("on or after"). The matrix is a
// CohortMatrix laid out by the cohort page's rules (cohort_layout.h), so cohorts that began
// before the data are left-censored and partial periods are flagged exactly as there. A return
// event in period 0 counts whether it came before or after the start event in that period (as
// the cohort page counts period 0); return events in periods before the cohort are ignored.
// Definitions in docs/ANALYTICS.md ("Retention by behaviour").

#include <cstdint>
#include <optional>

#include "core/usage_log.h"
#include "metrics/cohorts.h"
#include "metrics/periods.h"

namespace growthlens {

struct BehaviourRetentionOptions {
  CohortPeriod period = CohortPeriod::kMonth;
  /// Feature (event) codes; none: any event (the cohort of first activity, or any return).
  std::optional<uint16_t> start_event;
  std::optional<uint16_t> return_event;
  unsigned threads = 0;  // 0: all cores
};

/// The data's span is its rows' first and last day, whatever the events.
CohortMatrix ComputeBehaviourRetention(const UsageLog& log,
                                       const BehaviourRetentionOptions& options);

}  // namespace growthlens
