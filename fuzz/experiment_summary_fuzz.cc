// `experiment analyze` on a per-arm summary file (variant, metric, n, sum, sum_squares or
// successes): the preview, the summary reader, then the statistics and the report on whatever
// it accepted, so that every number a file can hold reaches Boost.Math and the formatting.

#include <cstddef>
#include <cstdint>
#include <string>

#include "app/experiment_data.h"
#include "app/experiment_report.h"
#include "fuzz_input.h"
#include "io/input_buffer.h"
#include "stats/experiment_analysis.h"

namespace growthlens::fuzz {

void AnalyzeAndReport(const app::ExperimentData& data) {
  if (data.arms.size() < 2) return;
  Result<size_t> control = stats::FindControl(data.arms, "");
  if (!control.ok()) return;
  stats::ExperimentOptions options;
  options.control = *control;
  options.weights.assign(data.arms.size(), 1.0 / static_cast<double>(data.arms.size()));
  Result<stats::ExperimentAnalysis> analysis =
      stats::AnalyzeExperiment(data.arms, data.users, data.metrics, options);
  if (!analysis.ok()) return;
  app::ExperimentReportSettings settings;
  settings.input = "fuzz.csv";
  settings.control = data.arms[*control];
  settings.correction = "holm";
  settings.weights = options.weights;
  (void)app::RenderExperimentReport(*analysis, data, settings, app::OutputFormat::kTable);
  (void)app::RenderExperimentReport(*analysis, data, settings, app::OutputFormat::kJson);
}

}  // namespace growthlens::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace growthlens;
  // As the command reads a file: UTF-8 when valid, else Windows-1252 made UTF-8 (the readers
  // take UTF-8 text; raw bytes made the JSON report throw on names that are not UTF-8).
  Result<InputBuffer> buffer =
      InputBuffer::FromText(std::string(fuzz::AsText(data, size)), Encoding::kAuto);
  if (!buffer.ok()) return 0;
  const std::string_view text = buffer->text();
  Result<CsvPreview> preview = PreviewCsv(text, "fuzz.csv");
  if (!preview.ok() || !app::LooksLikeSummary(*preview)) return 0;
  // The entry the CLI and POST /api/v1/experiment/analyze both call, on the text in memory.
  Result<app::ExperimentData> experiment = app::ReadExperiment(text, "fuzz.csv", {});
  if (experiment.ok()) fuzz::AnalyzeAndReport(*experiment);
  return 0;
}
