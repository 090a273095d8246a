#pragma once
// What `growthlens analyze` (and `demo`) leave behind: the processed tables as CSV files and one
// JSON report of the whole analysis, all written atomically under one directory and named after
// the input's stem ("usage_log_users.csv", "usage_log_analysis.json"). The report's shape is the
// one the dashboard reads.

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "app/insights_analysis.h"
#include "app/table_view.h"
#include "core/dataset.h"
#include "core/status.h"
#include "metrics/analysis.h"
#include "ml/segmentation.h"
#include "prep/cleaning_report.h"

namespace growthlens::app {

struct AnalysisSource {
  std::string path;  // the input file
  const CleaningReport* cleaning = nullptr;
  const ml::Segmentation* segmentation = nullptr;  // personas, when segmentation ran
};

/// The report: source, data summary, cleaning, KPIs, insights, segments, cohorts and the
/// kind's own tables (features, or revenue), plus the time each analysis took.
nlohmann::ordered_json AnalysisReportJson(const Dataset& dataset, const Analysis& analysis,
                                          const AnalysisSource& source);

/// Writes the tables that do not depend on the segmentation (users, segments, RFM grid, cohorts,
/// insights, lifecycle, and the kind's own) into `dir`, file names prefixed by `stem` and "_";
/// returns the paths written. They can be written while the segmentation runs.
/// `threads`: 0 = one thread per file (their fsyncs overlap) and large tables rendered on every
/// core; N = at most N files at a time, each rendered on at most N threads.
Result<std::vector<std::string>> WriteAnalysisTables(const Dataset& dataset,
                                                     const Analysis& analysis,
                                                     const std::string& dir,
                                                     const std::string& stem, unsigned threads = 0);

/// Writes the rest: the segmentation's tables and model (when it ran) and `report`
/// (AnalysisReportJson, rendered once by the caller); returns the paths written, the report
/// then the model last. `threads` as for WriteAnalysisTables.
Result<std::vector<std::string>> WriteSegmentationAndReport(
    const Dataset& dataset, const Analysis& analysis, const AnalysisSource& source,
    const std::string& report, const std::string& dir, const std::string& stem,
    unsigned threads = 0);

}  // namespace growthlens::app
