#pragma once
// An experiment analysed from its metrics per arm (metric_arms.h): each treatment arm against
// control on each metric, with
//   - the fixed-horizon comparison of frequentist.h on the metric as given (Welch t for means
//     and ratios, z for conversion rates);
//   - with CUPED, the same comparison on the adjusted moments (Welch t, also for rates) and the
//     variance reduction of the absolute lift, 1 - se_cuped^2 / se_unadjusted^2;
//   - the reported comparison: CUPED's when there is one, else the unadjusted one; with
//     sequential testing its intervals and p-values are replaced by the always-valid ones of
//     sequential.h (N = the two arms' units, tuning N*);
//   - goal metrics' relative-lift p-values corrected together (Holm or BH) across metrics and
//     arms, and their intervals recomputed at the level the correction tests each at
//     (corrections.h, AdjustedLevels), so that no interval contradicts its verdict;
//     guardrails judged on their own against the non-inferiority margin (verdict.h);
//   - the Bayesian view of the reported relative lift (bayesian.h, flat prior unless given);
//   - the sample-ratio check (srm.h) on the users per arm, and the verdict.
//
//   ExperimentAnalysis a = *AnalyzeExperiment(arms, users, metrics, ExperimentOptions{});

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "stats/bayesian.h"
#include "stats/corrections.h"
#include "stats/frequentist.h"
#include "stats/metric_arms.h"
#include "stats/srm.h"
#include "stats/verdict.h"

namespace growthlens::stats {

struct ExperimentOptions {
  std::size_t control = 0;  ///< index into the arms
  double alpha = 0.05;
  Correction correction = Correction::kHolm;
  std::vector<std::string> guardrails;       ///< metric names
  std::vector<std::string> lower_is_better;  ///< metric names
  double margin = 0.02;                      ///< guardrail non-inferiority margin, relative
  std::vector<double> weights;               ///< expected traffic share per arm; empty = equal
  double srm_threshold = kSrmThreshold;
  std::optional<double> sequential_tuning;  ///< set: always-valid intervals with this N*
  BayesianPrior prior;
};

/// One treatment arm against control on one metric.
struct ComparisonResult {
  std::string metric;
  std::string variant;
  MetricType type = MetricType::kMean;
  bool guardrail = false;
  ArmMoments control, treatment;  ///< unadjusted
  Comparison unadjusted;          ///< fixed horizon, unadjusted
  std::optional<Comparison> cuped;
  ArmMoments cuped_control, cuped_treatment;  ///< adjusted moments when cuped
  double variance_reduction = 0.0;            ///< of the absolute lift, when cuped
  Comparison reported;                        ///< what the verdict and the correction use
  BayesianResult bayes;
  double adjusted_p = 1.0;
  /// The level the correction tests this comparison at (AdjustedLevels; alpha for guardrails
  /// and without a correction), and `reported` recomputed at it: its intervals exclude 0
  /// exactly when adjusted_p < alpha, so they agree with the verdict. `reported`'s intervals
  /// are per comparison, at 1 - alpha.
  double interval_alpha = 0.05;
  Comparison adjusted_interval;
  MetricVerdict verdict;
};

struct ExperimentAnalysis {
  SrmResult srm;
  std::vector<ComparisonResult> results;  ///< per metric, then per treatment arm
  ExperimentVerdict verdict;
};

/// `users` per arm feed the sample-ratio check. Every metric must have the control arm (n > 0);
/// treatment arms with n = 0 for a metric are left out of that metric.
Result<ExperimentAnalysis> AnalyzeExperiment(std::span<const std::string> arms,
                                             std::span<const std::int64_t> users,
                                             std::span<const MetricArms> metrics,
                                             const ExperimentOptions& options);

/// The control arm: `name` when given (an error listing the arms when there is none such),
/// else an arm named "control" in any case, else the first.
Result<std::size_t> FindControl(std::span<const std::string> arms, std::string_view name);

}  // namespace growthlens::stats
