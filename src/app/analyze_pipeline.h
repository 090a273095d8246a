#pragma once
// The analyze step as a function over loaded data: every analysis of RunAnalysis, the personas,
// the processed tables and the JSON report written as one set. `growthlens analyze` and `demo`
// run it, and `growthlens serve` at load, keeping the typed results to answer its default views.
//
//   AnalyzeRequest request{.input = "usage_log.csv", .output_dir = "data/processed"};
//   Result<AnalyzeOutcome> outcome = AnalyzeData(cleaned, request);

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/analysis_registry.h"
#include "app/data_source.h"
#include "core/status.h"
#include "metrics/analysis.h"
#include "ml/segmentation.h"
#include "prep/ingest.h"

namespace growthlens::app {

struct AnalyzeRequest {
  std::string input;       // the file the data came from (names the outputs)
  std::string output_dir;  // "" = write nothing
  ProgressFn progress;     // notes of the run's steps; null = none
  OutputFormat format = OutputFormat::kTable;
  AnalysisOptions options;
  bool segment = true;                   // KMeans personas after the analyses
  ml::SegmentationOptions segmentation;  // k by silhouette unless segmentation.k is set
  /// Computed elsewhere (a ClickHouse workspace's, pushed down): used instead of RunAnalysis.
  std::shared_ptr<const Analysis> analysis;
  /// The caller's own work on the analyses (the server's usage index): run beside the tables
  /// and the persona model once the analyses are computed, done before AnalyzeData returns.
  std::function<void(const Analysis&)> alongside;
};

/// What one analyze run computed: the typed results (held by `growthlens serve`, whose default
/// views are answered from them), the report and the files written.
struct AnalyzeOutcome {
  std::shared_ptr<const Analysis> analysis;
  std::shared_ptr<const ml::Segmentation> segmentation;  // null when it did not run
  std::string report;                                    // AnalysisReportJson, when rendered
  std::vector<std::string> written;                      // the files, in order
};

/// Runs every analysis and writes the tables and the report (unless request.output_dir is
/// empty). The report is rendered when files are written or request.format is JSON.
Result<AnalyzeOutcome> AnalyzeData(const CleanedData& cleaned, const AnalyzeRequest& request);

/// KPI headline, insights and the segment summary, for the terminal.
std::string AnalysisSummaryText(const Dataset& dataset, const Analysis& analysis,
                                const ml::Segmentation* segmentation = nullptr);

}  // namespace growthlens::app
