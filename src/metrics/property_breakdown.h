#pragma once
// Feature usage split by an event property ("platform", "plan"): per value, the events and the
// distinct users with a kept row holding it, as pandas'
//   df.groupby(prop).agg(events=("count", "sum"), users=("user_id", "nunique"))
// over the rows a UsageFilter keeps. Rows without the property ("" = not set) form a value of
// their own. A user with rows of several values counts once in each.

#include <cstdint>
#include <vector>

#include "core/dataset.h"
#include "metrics/feature_usage.h"
#include "metrics/user_rows.h"

namespace growthlens {

struct PropertyValueStats {
  uint32_t value = 0;  // code into the property's values
  int64_t events = 0;
  uint64_t users = 0;       // distinct users
  double adoption = 0;      // users / active users
  double events_share = 0;  // events / all kept events
};

struct PropertyBreakdown {
  uint64_t active_users = 0;               // users with any kept row
  int64_t events = 0;                      // kept events
  std::vector<PropertyValueStats> values;  // values with kept rows, most events first
};

PropertyBreakdown ComputePropertyBreakdown(const UsageLog& dataset, const UserRows& by_user,
                                           const PropertyColumn& property,
                                           const UsageFilter& filter, unsigned threads = 0);
PropertyBreakdown ComputePropertyBreakdown(const UsageLog& dataset, const PropertyColumn& property,
                                           const UsageFilter& filter);

}  // namespace growthlens
