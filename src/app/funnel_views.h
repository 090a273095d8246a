#pragma once
// The funnel's typed result and its renderers: JSON (the API and --format json), CSV (one row
// per group and step, or the drop-off users) and the terminal table.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data_kind.h"
#include "core/usage_log.h"
#include "metrics/funnel.h"
#include "metrics/periods.h"

namespace growthlens::app {

struct FunnelResult {
  FunnelSpec spec;
  std::vector<std::string> step_names;  // as given
  std::string mode, window, by;
  DataKind kind = DataKind::kEvents;
  std::shared_ptr<const FunnelUsers> users;
  FunnelSummary summary;
  std::vector<std::string> group_labels;  // per breakdown group
  std::vector<FunnelSummary> groups;
  CohortPeriod trend_period = CohortPeriod::kMonth;
  std::vector<int32_t> trend_buckets;  // per trend row: the period of entry
  std::vector<FunnelSummary> trend;
  size_t dropoff_step = 0;        // 1-based; 0: the funnel, not a list of users
  const UsageLog* log = nullptr;  // the data the run read (drop-off users' ids)
};

/// Milliseconds since 1970 divided into days, rounding down for times before 1970.
inline int64_t FloorDiv(int64_t value, int64_t divisor) {
  const int64_t quotient = value / divisor;
  return quotient * divisor > value ? quotient - 1 : quotient;
}

std::string FunnelJson(const FunnelResult& result);
std::string FunnelCsv(const FunnelResult& result);
std::string FunnelTableText(const FunnelResult& result);

}  // namespace growthlens::app
