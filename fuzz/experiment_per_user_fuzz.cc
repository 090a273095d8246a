// `experiment analyze` on one row per user: the preview, the column plan from the header, the
// unit table reader (chunked on two threads), then the statistics and the report. The first
// line holds options (a covariate, a ratio, winsorising) so the fuzzer reaches those paths.

#include <cstddef>
#include <cstdint>
#include <string>

#include "app/experiment_data.h"
#include "app/experiment_report.h"
#include "fuzz_input.h"
#include "io/input_buffer.h"
#include "stats/experiment_analysis.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace growthlens;
  std::string_view bytes;
  const std::string_view options_line = fuzz::FirstLine(fuzz::AsText(data, size), bytes);
  // As the command reads a file: UTF-8 when valid, else Windows-1252 made UTF-8 (the readers
  // take UTF-8 text; raw bytes made the JSON report throw on names that are not UTF-8).
  Result<InputBuffer> buffer = InputBuffer::FromText(std::string(bytes), Encoding::kAuto);
  if (!buffer.ok()) return 0;
  const std::string_view text = buffer->text();
  Result<CsvPreview> preview = PreviewCsv(text, "fuzz.csv");
  if (!preview.ok() || app::LooksLikeSummary(*preview)) return 0;
  app::PerUserOptions options;
  options.threads = 2;
  // "c=COL": a covariate, "r=NAME=NUM/DEN": a ratio, "w": winsorise at 0.99.
  if (options_line.starts_with("c=")) options.covariates.emplace_back(options_line.substr(2));
  if (options_line.starts_with("r=")) options.ratios.emplace_back(options_line.substr(2));
  if (options_line.starts_with("w")) options.winsorize = 0.99;
  // The entry the CLI and POST /api/v1/experiment/analyze both call, on the text in memory.
  Result<app::ExperimentData> experiment = app::ReadExperiment(text, "fuzz.csv", options);
  if (!experiment.ok() || experiment->arms.size() < 2) return 0;
  Result<size_t> control = stats::FindControl(experiment->arms, "");
  if (!control.ok()) return 0;
  stats::ExperimentOptions analysis_options;
  analysis_options.control = *control;
  analysis_options.weights.assign(experiment->arms.size(),
                                  1.0 / static_cast<double>(experiment->arms.size()));
  Result<stats::ExperimentAnalysis> analysis = stats::AnalyzeExperiment(
      experiment->arms, experiment->users, experiment->metrics, analysis_options);
  if (!analysis.ok()) return 0;
  app::ExperimentReportSettings settings;
  settings.input = "fuzz.csv";
  settings.control = experiment->arms[*control];
  settings.correction = "holm";
  settings.weights = analysis_options.weights;
  (void)app::RenderExperimentReport(*analysis, *experiment, settings, app::OutputFormat::kJson);
  return 0;
}
