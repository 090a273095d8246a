#pragma once
// The analyze step as a function over loaded data, so that `demo` runs exactly what
// `growthlens analyze` runs.

#include <string>

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

/// Runs every analysis, writes the tables and the report, prints the summary or the report.
Status AnalyzeLoaded(const CleanedData& cleaned, const AnalyzeRequest& request,
                     CommandOutcome& outcome);

/// KPI headline, insights and the segment summary, for the terminal.
std::string AnalysisSummaryText(const Dataset& dataset, const Analysis& analysis,
                                const ml::Segmentation* segmentation = nullptr);

}  // namespace growthlens::cli
