#include "app/metric_estimate.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "app/experiment_data.h"
#include "io/column_mapping.h"
#include "io/unit_table_reader.h"
#include "metrics/per_user_metric.h"
#include "stats/arm_stats.h"

namespace growthlens::app {

namespace {

Result<MetricEstimate> EstimateOfValues(std::span<const double> values, MetricEstimate estimate) {
  Result<stats::ArmMoments> moments = stats::MomentsFromValues(values);
  if (!moments.ok())
    return Status(ErrorCode::kDataError,
                  fmt::format("metric '{}': {}", estimate.metric, moments.status().message()));
  estimate.users = static_cast<std::int64_t>(values.size());
  estimate.mean = moments->mean;
  estimate.std_dev = std::sqrt(moments->variance);
  estimate.proportion = std::all_of(values.begin(), values.end(),
                                    [](double value) { return value == 0.0 || value == 1.0; });
  return estimate;
}

}  // namespace

Result<bool> IsPerUserCsv(std::string_view text, const std::string& name) {
  Result<CsvPreview> preview = PreviewCsv(text, name, /*sample_rows=*/0);
  if (!preview.ok()) return preview.status();
  return !MapColumns(preview->header, ColumnOverrides{}).ok();
}

Result<MetricEstimate> EstimateFromData(const CleanedData& data, const std::string& metric,
                                        Naming naming) {
  Result<PerUserValues> values = PerUserMetric(data.dataset, metric);
  if (!values.ok())
    return values.status().WithContext(fmt::format("{} '{}'", ShownName("metric", naming), metric));
  MetricEstimate estimate;
  estimate.source = ByKind(data.dataset.kind(), "usage log", "transactions");
  estimate.metric = metric;
  estimate.definition = values->definition;
  return EstimateOfValues(values->value, std::move(estimate));
}

Result<MetricEstimate> EstimateFromPerUserCsv(std::string_view text, const std::string& name,
                                              const std::string& metric, unsigned threads,
                                              Naming naming) {
  Result<CsvPreview> preview = PreviewCsv(text, name, /*sample_rows=*/0);
  if (!preview.ok()) return preview.status();
  const std::optional<size_t> column = FindColumn(*preview, metric);
  if (!column)
    return Status(
        ErrorCode::kSchemaError,
        fmt::format("{}: not a usage log or transactions file, and no column "
                    "'{}' for {} (columns: {})",
                    name, metric, ShownName("metric", naming), fmt::join(preview->header, ", ")));
  UnitTableRequest request;
  request.columns = {{*column, false}};
  request.threads = threads;
  Result<UnitTable> table = ReadUnitTable(text, name, *preview, request);
  if (!table.ok()) return table.status();
  MetricEstimate estimate;
  estimate.source = "per-user CSV";
  estimate.metric = metric;
  estimate.definition = fmt::format("column '{}', one row per user", preview->header[*column]);
  return EstimateOfValues(table->values[0], std::move(estimate));
}

}  // namespace growthlens::app
