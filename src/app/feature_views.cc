#include "app/feature_views.h"

#include <string>

namespace growthlens::app {

View FeatureTotalsView(const FeatureReport& report, const UsageLog& dataset) {
  int64_t total = 0;
  for (const FeatureStats& stats : report.features) total += stats.events;
  View view;
  view.columns = {{"feature", "Feature", Align::kLeft},
                  {"events", "Events"},
                  {"event_share", "Share"},
                  {"users", "Users"},
                  {"adoption", "Adoption"},
                  {"frequency", "Days per user"}};
  view.rows = report.features.size();
  view.row = [&report, &dataset, total](size_t row, std::vector<Cell>& cells) {
    const FeatureStats& stats = report.features[row];
    cells = {Cell::Text(std::string(dataset.features[stats.feature])),
             Cell::Integer(stats.events),
             Cell::Percent(
                 total == 0 ? 0.0 : static_cast<double>(stats.events) / static_cast<double>(total)),
             Cell::Integer(static_cast<int64_t>(stats.users)),
             Cell::Percent(stats.adoption),
             Cell::Number(stats.frequency, 2)};
  };
  return view;
}

View FeatureSeriesView(const FeatureSeries& series, const UsageLog& dataset) {
  View view;
  view.columns = {{"period", "Period", Align::kLeft},
                  {"feature", "Feature", Align::kLeft},
                  {"events", "Events"},
                  {"users", "Users"}};
  const size_t features = series.features.size();
  view.rows = series.buckets.size() * features;
  view.row = [&series, &dataset, features](size_t row, std::vector<Cell>& cells) {
    const size_t bucket = row / features, feature_idx = row % features;
    cells = {Cell::Text(CohortBucketLabel(series.buckets[bucket], series.granularity)),
             Cell::Text(std::string(dataset.features[series.features[feature_idx]])),
             Cell::Integer(series.events[feature_idx][bucket]),
             Cell::Integer(static_cast<int64_t>(series.users[feature_idx][bucket]))};
  };
  return view;
}

View FeatureCorrelationView(const std::vector<std::vector<double>>& correlation,
                            const UsageLog& dataset) {
  View view;
  view.columns = {{"feature", "Feature", Align::kLeft}};
  for (size_t feature = 0; feature < correlation.size(); ++feature) {
    const std::string name(dataset.features[static_cast<uint32_t>(feature)]);
    view.columns.push_back({name, name});
  }
  view.rows = correlation.size();
  view.row = [&correlation, &dataset](size_t row, std::vector<Cell>& cells) {
    cells = {Cell::Text(std::string(dataset.features[static_cast<uint32_t>(row)]))};
    for (double value : correlation[row]) cells.push_back(Cell::Number(value, 3));
  };
  return view;
}

}  // namespace growthlens::app
