#pragma once
// What users did in an outcome window at the end of the data: the campaign simulation
// (`growthlens experiment simulate`) segments users on the days before the window and takes
// their outcome from the window, so the outcome is their own later behaviour. Definitions in
// docs/ANALYTICS.md ("Campaign simulation").
//
//   Result<OutcomeWindow> window = LastDaysWindow(dataset, 30);
//   const WindowOutcomes outcomes = ComputeWindowOutcomes(dataset, *window);
//   std::vector<double> y = OutcomeValues(outcomes, OutcomeMetric::kRepeatPurchase, users);

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/dataset.h"
#include "core/status.h"

namespace growthlens {

/// The last `days` days of the data, [first, last]; the pre-period is [data_first, first).
struct OutcomeWindow {
  Day data_first = 0;  ///< first day with a row
  Day first = 0;       ///< first day of the window: the reference day of the pre-period
  Day last = 0;        ///< last day with a row
  int days = 0;
};

/// Fails when `days` < 1, the data are empty, or the window would leave no pre-period (it
/// must start after the first day with a row).
Result<OutcomeWindow> LastDaysWindow(const Dataset& dataset, int days);

/// Per user code (Dataset::users), over the rows of the window.
struct WindowOutcomes {
  std::vector<int32_t> active_days;  ///< distinct days with a row
  std::vector<int64_t> events;       ///< usage logs: sum of events_count
  std::vector<int32_t> orders;       ///< transactions: distinct invoices
  std::vector<double> revenue;       ///< transactions: sum of quantity x unit price
};

WindowOutcomes ComputeWindowOutcomes(const Dataset& dataset, const OutcomeWindow& window);

/// A per-user outcome a campaign can move.
enum class OutcomeMetric : uint8_t {
  kActive,          ///< usage: 1 when active at all in the window (a rate)
  kActiveDays,      ///< usage: active days in the window
  kEvents,          ///< usage: events in the window
  kRepeatPurchase,  ///< transactions: 1 when any order in the window (a rate)
  kOrders,          ///< transactions: orders in the window
  kRevenue,         ///< transactions: revenue in the window
};

struct OutcomeMetricInfo {
  OutcomeMetric metric;
  std::string_view name;  ///< "repeat_purchase"; matched with NameKey
  DataKind kind;          ///< the data it needs
  bool rate;              ///< 0/1 per user, analysed as a conversion rate
  std::string_view description;
};

/// Every metric, usage logs first.
std::span<const OutcomeMetricInfo> OutcomeMetrics();
const OutcomeMetricInfo& InfoOf(OutcomeMetric metric);
/// The metric of `kind` whose name has the NameKey of `name`.
std::optional<OutcomeMetric> FindOutcomeMetric(std::string_view name, DataKind kind);

/// The metric's value for each of `users` (codes), in that order.
std::vector<double> OutcomeValues(const WindowOutcomes& outcomes, OutcomeMetric metric,
                                  std::span<const uint32_t> users);

}  // namespace growthlens
