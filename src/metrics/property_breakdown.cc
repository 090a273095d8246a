#include "metrics/property_breakdown.h"

#include <algorithm>

namespace growthlens {

namespace {

struct ValueTotals {
  std::vector<int64_t> events;  // per value
  std::vector<uint64_t> users;  // per value
  uint64_t active_users = 0;
};

}  // namespace

PropertyBreakdown ComputePropertyBreakdown(const UsageLog& dataset, const UserRows& by_user,
                                           const PropertyColumn& property,
                                           const UsageFilter& filter, unsigned threads) {
  const size_t values = property.values.size();
  const std::vector<uint8_t> feature_kept = KeptFeatures(dataset, filter);
  const RowCounts row_counts(dataset.usage);
  const ValueTotals initial{std::vector<int64_t>(values, 0), std::vector<uint64_t>(values, 0), 0};
  const std::vector<ValueTotals> partials = ForEachUserChunk(
      by_user, threads, initial, [&](ValueTotals& counts, size_t first, size_t end) {
        std::vector<uint32_t> seen_in(values, UINT32_MAX);  // last group with a value
        for (size_t group = first; group < end; ++group) {
          bool any = false;
          by_user.ForEachRow(group, [&](uint32_t row) {
            if (!filter.Keeps(dataset, row, feature_kept)) return;
            any = true;
            const uint32_t value = property[row];
            counts.events[value] += row_counts[row];
            if (seen_in[value] != group) {
              seen_in[value] = static_cast<uint32_t>(group);
              ++counts.users[value];
            }
          });
          counts.active_users += any ? 1 : 0;
        }
      });
  ValueTotals total = initial;
  for (const ValueTotals& part : partials) {
    total.active_users += part.active_users;
    for (size_t value = 0; value < values; ++value) {
      total.events[value] += part.events[value];
      total.users[value] += part.users[value];
    }
  }
  PropertyBreakdown breakdown;
  breakdown.active_users = total.active_users;
  for (size_t value = 0; value < values; ++value) breakdown.events += total.events[value];
  for (size_t value = 0; value < values; ++value) {
    if (total.users[value] == 0) continue;
    PropertyValueStats stats;
    stats.value = static_cast<uint32_t>(value);
    stats.events = total.events[value];
    stats.users = total.users[value];
    stats.adoption = static_cast<double>(stats.users) / static_cast<double>(breakdown.active_users);
    stats.events_share = breakdown.events == 0 ? 0
                                               : static_cast<double>(stats.events) /
                                                     static_cast<double>(breakdown.events);
    breakdown.values.push_back(stats);
  }
  // Most events first; ties by value text, so the order never depends on codes.
  std::sort(breakdown.values.begin(), breakdown.values.end(),
            [&](const PropertyValueStats& a, const PropertyValueStats& b) {
              if (a.events != b.events) return a.events > b.events;
              return property.values[a.value] < property.values[b.value];
            });
  return breakdown;
}

PropertyBreakdown ComputePropertyBreakdown(const UsageLog& dataset, const PropertyColumn& property,
                                           const UsageFilter& filter) {
  return ComputePropertyBreakdown(dataset, UserRows(dataset), property, filter);
}

}  // namespace growthlens
