#pragma once
// The synthetic event log: one row per event,
//   user_id,timestamp,event,platform
// e.g. 17,2025-03-05T14:03:22.417Z,create_project,web. New users go through the onboarding
// funnel of event_model.h (sign_up, create_project, invite_teammate, first_report), then use
// the features as the usage model has them (the same users, active days and features as the
// usage log of the same options and seed), in sessions at realistic times of day.
//
//   UsageGeneratorOptions options;  // the same options as the usage log
//   options.users = 200'000;
//   StringSink sink;  // or OpenOutputSink("data/raw/events.csv")
//   Result<GenerationSummary> summary = GenerateEventLog(options, sink);

#include <string>
#include <string_view>

#include "core/status.h"
#include "synth/generation.h"
#include "synth/output_sink.h"
#include "synth/usage_generator.h"

namespace growthlens::synth {

inline constexpr std::string_view kEventLogHeader = "user_id,timestamp,event,platform\n";

/// A feature's event name: snake_case ("Dashboard" -> "dashboard", "ReportBuilder" ->
/// "report_builder", "Data export" -> "data_export"); empty when the name has no letter or
/// digit.
std::string EventNameOf(std::string_view feature);

/// Checks options for an event log: those of the usage log, plus feature names whose event
/// names are non-empty, distinct and not an onboarding step's.
Status ValidateEventOptions(const UsageGeneratorOptions& options);

/// Writes the event log (header first) to `sink` and closes it. The bytes depend only on the
/// options other than `threads`. Rows come grouped by user (ids 1..users, ascending; users
/// who churned before the period leave no rows) and in time order within a user; the file as
/// a whole is not sorted by time. Timestamps are UTC with milliseconds and lie within
/// [start, end]. Users who signed up before the period show no onboarding.
Result<GenerationSummary> GenerateEventLog(const UsageGeneratorOptions& options, OutputSink& sink,
                                           const ProgressCallback& progress = {});

}  // namespace growthlens::synth
