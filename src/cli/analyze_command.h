#pragma once
// The analyze step as a function over loaded data, so that `demo` runs exactly what
// `growthlens analyze` runs.

#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/output_format.h"
#include "metrics/analysis.h"
#include "ml/segmentation.h"
#include "prep/ingest.h"

namespace growthlens::cli {

struct AnalyzeRequest {
  std::string input;       // the file the data came from (names the outputs)
  std::string output_dir;  // "" = write nothing
  bool quiet = false;
  OutputFormat format = OutputFormat::kTable;
  AnalysisOptions options;
  bool segment = true;                   // KMeans personas after the analyses
  ml::SegmentationOptions segmentation;  // k by silhouette unless segmentation.k is set
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
/// empty); progress on stderr unless request.quiet. The report is rendered when files are
/// written or request.format is JSON.
Result<AnalyzeOutcome> AnalyzeData(const CleanedData& cleaned, const AnalyzeRequest& request);

/// AnalyzeData, then the summary or the report printed as request.format asks.
Status AnalyzeLoaded(const CleanedData& cleaned, const AnalyzeRequest& request,
                     CommandOutcome& outcome);

/// KPI headline, insights and the segment summary, for the terminal.
std::string AnalysisSummaryText(const Dataset& dataset, const Analysis& analysis,
                                const ml::Segmentation* segmentation = nullptr);

}  // namespace growthlens::cli
