#include "cli/plan_data.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "cli/experiment_inputs.h"
#include "io/column_mapping.h"
#include "io/input_buffer.h"
#include "io/unit_table_reader.h"
#include "metrics/per_user_metric.h"
#include "stats/arm_stats.h"

namespace growthlens::cli {

namespace {

Result<MetricEstimate> Estimate(std::span<const double> values, MetricEstimate estimate) {
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

Result<MetricEstimate> FromPerUserCsv(std::string_view text, const std::string& name,
                                      const CsvPreview& preview, size_t column,
                                      const std::string& metric, unsigned threads) {
  UnitTableRequest request;
  request.columns = {{column, false}};
  request.threads = threads;
  Result<UnitTable> table = ReadUnitTable(text, name, preview, request);
  if (!table.ok()) return table.status();
  MetricEstimate estimate;
  estimate.source = "per-user CSV";
  estimate.metric = metric;
  estimate.definition = fmt::format("column '{}', one row per user", preview.header[column]);
  return Estimate(table->values[0], std::move(estimate));
}

}  // namespace

Result<MetricEstimate> EstimateMetric(std::string_view command, AnalysisInput& input,
                                      const std::string& metric, const CommandOutcome& outcome) {
  const IngestFlags& flags = input.flags;
  const bool mapped_by_flags =
      !flags.kind.empty() || std::any_of(flags.columns.begin(), flags.columns.end(),
                                         [](const std::string& column) { return !column.empty(); });
  // A readable file whose header is not a usage log or transactions file is a per-user CSV.
  // (When the file cannot be read here, LoadForAnalysis reports it, or supplies held data.)
  if (!mapped_by_flags && !outcome.preloaded) {
    Result<InputBuffer> buffer = InputBuffer::Load(input.input, Encoding::kAuto);
    if (buffer.ok()) {
      Result<CsvPreview> preview = PreviewCsv(buffer->text(), input.input, /*sample_rows=*/0);
      if (!preview.ok()) return preview.status();
      if (!MapColumns(preview->header, ColumnOverrides{}).ok()) {
        const std::optional<size_t> column = FindColumn(*preview, metric);
        if (!column)
          return Status(ErrorCode::kSchemaError,
                        fmt::format("{}: not a usage log or transactions file, and no column "
                                    "'{}' for --metric (columns: {})",
                                    input.input, metric, fmt::join(preview->header, ", ")));
        return FromPerUserCsv(buffer->text(), input.input, *preview, *column, metric,
                              flags.options.read.threads);
      }
    }
  }
  Result<LoadedData> loaded = LoadForAnalysis(command, input, outcome);
  if (!loaded.ok()) return loaded.status();
  const CleanedData* cleaned = loaded->get();
  Result<PerUserValues> values = PerUserMetric(cleaned->dataset, metric);
  if (!values.ok()) return values.status().WithContext(fmt::format("--metric '{}'", metric));
  MetricEstimate estimate;
  estimate.source = cleaned->dataset.kind() == DataKind::kUsage ? "usage log" : "transactions";
  estimate.metric = metric;
  estimate.definition = values->definition;
  return Estimate(values->value, std::move(estimate));
}

}  // namespace growthlens::cli
