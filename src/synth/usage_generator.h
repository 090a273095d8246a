#pragma once
// The synthetic feature-usage log: one row per (user, active day, feature used that day),
//   user_id,signup_date,event_date,feature_name,events_count
// with behaviour drawn from the personas and feature profiles of usage_model.h.
//
//   UsageGeneratorOptions options;
//   options.users = 200'000;
//   StringSink sink;  // or OpenOutputSink("data/raw/usage_log.csv")
//   Result<GenerationSummary> summary = GenerateUsageLog(options, sink);

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "synth/generation.h"
#include "synth/output_sink.h"
#include "synth/row_order.h"
#include "synth/usage_model.h"

namespace growthlens::synth {

inline constexpr std::string_view kUsageLogHeader =
    "user_id,signup_date,event_date,feature_name,events_count\n";

struct UsageGeneratorOptions {
  int64_t users = 5000;
  Day start = DaysFromCivil(2025, 1, 1);  // first day of events, inclusive
  Day end = DaysFromCivil(2025, 12, 31);  // last day of events, inclusive
  /// Feature names; the first is the core feature. Known names keep their tuned profiles.
  std::vector<std::string> features = DefaultFeatureNames();
  uint64_t seed = 42;
  int threads = 0;  // 0 = the hardware's concurrency; the output is the same for any count
  /// Grouped by user streams in fixed memory; time and shuffled orders hold every row (16
  /// bytes each, twice at the peak) before writing. `growthlens generate` defaults to time.
  RowOrder order = RowOrder::kUser;
};

/// Checks options before a run: user count, period, feature names (non-empty, distinct,
/// free of control characters).
Status ValidateUsageOptions(const UsageGeneratorOptions& options);

/// Writes the usage log (header first) to `sink` and closes it. The bytes depend only on the
/// options other than `threads`. With RowOrder::kUser rows come grouped by user (ids 1..users,
/// ascending) and by date within a user; kTime and kShuffled hold the same rows in the order
/// row_order.h describes; users who churned before the period leave no rows. Event dates lie
/// in [start, end] and never before the user's signup.
Result<GenerationSummary> GenerateUsageLog(const UsageGeneratorOptions& options, OutputSink& sink,
                                           const ProgressCallback& progress = {});

}  // namespace growthlens::synth
