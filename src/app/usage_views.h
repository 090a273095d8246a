#pragma once
// The four views of `growthlens usage` over a filtered usage log, each rendered whole in the
// requested format: per-feature totals and adoption, the time series per period and feature,
// engagement (breadth and frequency) and the Pearson correlation matrix of per-user totals.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/analysis_registry.h"
#include "app/date_window.h"
#include "core/dataset.h"
#include "metrics/cohorts.h"
#include "metrics/feature_usage.h"
#include "metrics/usage_index.h"

namespace growthlens::app {

/// What every view shares: the data, the rows kept and how to say what was kept.
struct UsageContext {
  const UsageLog& dataset;
  const UsageFilter& filter;
  OutputFormat format = OutputFormat::kTable;
  std::string_view view;     // the --view name, first field of the JSON
  std::string period;        // "2025-01-01 .. 2025-12-31": the window with rows, for tables
  std::string filters;       // "all features, all users" or what was selected, for tables
  std::string filters_json;  // JSON object: from, to, features, users as given
  /// The days the numbers cover (the window clamped to the data; null for no rows), for the
  /// JSON `window` and the series' partial periods.
  std::optional<DayRange> covered;
  bool all_time = true;  // no date filter narrows the data
  /// The load's analysis of the whole data (RunContext::analysis) when the filter keeps every
  /// row: its feature report and correlation are the views' numbers. Null: computed.
  std::shared_ptr<const Analysis> whole;
  /// The load's indexes of the data (RunContext::usage_index); null: the views scan the rows.
  std::shared_ptr<const UsageIndex> index;
  /// With an index: the RFM segments kept (per segment code, 1 = kept, the index's groups);
  /// null = every user the filter keeps.
  const std::vector<uint8_t>* segments = nullptr;
};

std::string RenderFeatures(const UsageContext& context);
std::string RenderEngagement(const UsageContext& context);
/// `max_periods`: the last N periods only (0 = all); default 12 in a table, all in csv and json.
std::string RenderSeries(const UsageContext& context, CohortPeriod granularity,
                         std::optional<size_t> max_periods);
std::string RenderCorrelation(const UsageContext& context);
/// Events, users and adoption per value of an event property (--by NAME).
std::string RenderByProperty(const UsageContext& context, const PropertyColumn& property);

}  // namespace growthlens::app
