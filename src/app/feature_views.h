#pragma once
// Views of the feature-usage results as tables for files and the report: per-feature totals,
// the long-format time series and the correlation matrix. They refer to the results and the
// Dataset, which must outlive them.

#include "app/table_view.h"
#include "core/dataset.h"
#include "metrics/feature_usage.h"

namespace growthlens::app {

/// feature, events, event_share, users, adoption, frequency: most events first.
View FeatureTotalsView(const FeatureReport& report, const UsageLog& dataset);
/// period, feature, events, users: one row per period and feature.
View FeatureSeriesView(const FeatureSeries& series, const UsageLog& dataset);
/// feature, then one column per feature (in code order).
View FeatureCorrelationView(const std::vector<std::vector<double>>& correlation,
                            const UsageLog& dataset);

}  // namespace growthlens::app
