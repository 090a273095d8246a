#pragma once
// Funnels with the semantics of ClickHouse's windowFunnel (issue 20): per user, the longest
// chain of the listed steps in order, each at or after the previous one, all within `window_ms`
// of the chain's first step; the users reaching each step; and the times between the steps of
// one chain per user. Definitions (modes, exclusions, which chain's times) in docs/ANALYTICS.md
// ("Funnels"); tests/golden/make_funnel_golden.py computes the same independently with pandas.
//
//   FunnelSpec spec{.steps = {{signup}, {activate}, {pay}}, .window_ms = 14 * kMsPerDay};
//   const FunnelUsers users = ComputeFunnel(log, spec);
//   const FunnelSummary summary = SummarizeFunnel(users);

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/usage_log.h"
#include "metrics/user_event_order.h"

namespace growthlens {

inline constexpr size_t kMaxFunnelSteps = 16;
inline constexpr size_t kMaxFunnelExclusions = 16;

/// An event, optionally with one property holding one value ("purchase" where plan = "pro").
struct FunnelCondition {
  uint16_t event = 0;     // code into UsageLog::features
  int32_t property = -1;  // index into UsageLog::properties.columns; -1: any row of the event
  uint32_t value = 0;     // code into that property's values
};

enum class FunnelMode : uint8_t {
  kDefault,         // windowFunnel(w): each step at or after the previous one
  kStrictOrder,     // windowFunnel(w, 'strict_order'): any other event after the first step
                    // ends the search (a listed step out of order, or an event not listed)
  kStrictIncrease,  // windowFunnel(w, 'strict_increase'): each step strictly after the previous
  kAnyOrder,        // not in ClickHouse: the first k steps all within one window, in any order
};

struct FunnelSpec {
  std::vector<FunnelCondition> steps;       // 1..kMaxFunnelSteps
  std::vector<FunnelCondition> exclusions;  // an excluded event after a step breaks the chain
  int64_t window_ms = 14 * kMsPerDay;
  FunnelMode mode = FunnelMode::kDefault;
};

/// Per user code: the level reached (0: never did the first step) and the times (ms since 1970,
/// UTC) of the reported chain's steps 0..level-1.
struct FunnelUsers {
  size_t steps = 0;
  std::vector<uint8_t> level;       // per user code
  std::vector<int64_t> times;       // per user code, `steps` entries
  std::vector<uint32_t> entry_row;  // per user code: the row of the chain's first step
  size_t users() const { return level.size(); }
  int64_t Time(uint32_t user, size_t step) const { return times[user * steps + step]; }
};

/// The per-user funnel of `log` (any grain: a day-level log's rows sit at midnight), on
/// `threads` threads (0 = all cores); the result does not depend on the thread count.
FunnelUsers ComputeFunnel(const UsageLog& log, const FunnelSpec& spec, unsigned threads = 0);
/// The same with the log's rows already grouped by user (UserEventOrder::by_user(), or a
/// UserRows kept by a caller that runs several analyses on one log).
FunnelUsers ComputeFunnel(const UsageLog& log, const UserRows& by_user, const FunnelSpec& spec,
                          unsigned threads = 0);

/// Time-to-convert histogram bins (upper bounds, ms); the last bin is open.
inline constexpr std::array<int64_t, 9> kFunnelHistogramBounds = {
    60'000,        3'600'000,      6 * 3'600'000,  kMsPerDay,     3 * kMsPerDay,
    7 * kMsPerDay, 14 * kMsPerDay, 30 * kMsPerDay, 90 * kMsPerDay};
inline constexpr size_t kFunnelHistogramBins = kFunnelHistogramBounds.size() + 1;

/// Times to convert in ms: quantiles by linear interpolation (pandas' default), a histogram.
struct ConversionTimes {
  uint64_t count = 0;
  double median = 0, p25 = 0, p75 = 0, p90 = 0, mean = 0;
  std::array<uint64_t, kFunnelHistogramBins> histogram{};
};
ConversionTimes SummarizeTimes(std::vector<int64_t> times_ms);

struct FunnelStepStats {
  uint64_t users = 0;                  // reached this step
  double from_previous = 0;            // users / users of the previous step (1 for the first)
  double from_first = 0;               // users / users of the first step
  uint64_t dropped = 0;                // reached the previous step, not this one (0 for the first)
  ConversionTimes time_from_previous;  // step k-1 to step k of the reported chain
};

struct FunnelSummary {
  std::vector<FunnelStepStats> steps;
  ConversionTimes time_overall;  // first to last step, users who completed the funnel
};

/// The funnel of the users whose `include` is set (empty: all).
FunnelSummary SummarizeFunnel(const FunnelUsers& users, std::span<const uint8_t> include = {});

/// The funnel per group: `group_of` gives each user code's group (< groups) or a value >=
/// groups to leave the user out.
std::vector<FunnelSummary> SummarizeFunnelByGroup(const FunnelUsers& users,
                                                  std::span<const uint32_t> group_of,
                                                  size_t groups);

}  // namespace growthlens
