#pragma once
// The report of `growthlens experiment analyze`: a terminal table with the verdicts in words,
// JSON with every number (per metric and arm: n, mean, variance, lifts, intervals, p-values,
// CUPED, Bayesian view, verdict; the arms, sample-ratio check, capping and sequential method),
// or CSV of the comparisons.

#include <optional>
#include <string>

#include "app/analysis_registry.h"
#include "app/experiment_data.h"
#include "stats/experiment_analysis.h"

namespace growthlens::app {

struct ExperimentReportSettings {
  std::string input;
  std::string control;
  double alpha = 0.05;
  std::string correction;                   ///< as given: holm, bh or none
  std::optional<double> sequential_tuning;  ///< set when --sequential
  std::vector<double> weights;              ///< as used by the sample-ratio check
};

std::string RenderExperimentReport(const stats::ExperimentAnalysis& analysis,
                                   const ExperimentData& data,
                                   const ExperimentReportSettings& settings, OutputFormat format);

}  // namespace growthlens::app
