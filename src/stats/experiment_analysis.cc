#include "stats/experiment_analysis.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "stats/sequential.h"

namespace growthlens::stats {
namespace {

Status Invalid(std::string message) {
  return {ErrorCode::kInvalidArgument, std::move(message)};
}

bool Contains(std::span<const std::string> list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Result<Comparison> CompareUnadjusted(const MetricArms& metric, std::size_t control,
                                     std::size_t treatment, double alpha) {
  if (metric.type == MetricType::kProportion) {
    return CompareProportions(
        static_cast<std::int64_t>(metric.arms[control].n), metric.successes[control],
        static_cast<std::int64_t>(metric.arms[treatment].n), metric.successes[treatment], alpha);
  }
  return CompareMeans(metric.arms[control], metric.arms[treatment], alpha);
}

Result<Comparison> Sequential(const Comparison& fixed, double n_total, double alpha,
                              double tuning) {
  Comparison out = fixed;
  Result<LiftEstimate> absolute = SequentialLift(fixed.absolute, n_total, alpha, tuning);
  if (!absolute.ok()) return absolute.status();
  Result<LiftEstimate> relative = SequentialLift(fixed.relative, n_total, alpha, tuning);
  if (!relative.ok()) return relative.status();
  out.absolute = *absolute;
  out.relative = *relative;
  return out;
}

Result<ComparisonResult> CompareArms(const MetricArms& metric, std::span<const std::string> arms,
                                     std::size_t control, std::size_t treatment,
                                     const ExperimentOptions& options) {
  ComparisonResult out;
  out.metric = metric.name;
  out.variant = arms[treatment];
  out.type = metric.type;
  out.guardrail = Contains(options.guardrails, metric.name);
  out.control = metric.arms[control];
  out.treatment = metric.arms[treatment];
  Result<Comparison> unadjusted = CompareUnadjusted(metric, control, treatment, options.alpha);
  if (!unadjusted.ok()) return unadjusted.status();
  out.unadjusted = *unadjusted;
  out.reported = *unadjusted;
  if (metric.cuped) {
    out.cuped_control = metric.cuped->arms[control];
    out.cuped_treatment = metric.cuped->arms[treatment];
    Result<Comparison> cuped = CompareMeans(out.cuped_control, out.cuped_treatment, options.alpha);
    if (!cuped.ok()) return cuped.status().WithContext("CUPED");
    out.cuped = *cuped;
    out.reported = *cuped;
    const double raw_se = unadjusted->absolute.std_error;
    out.variance_reduction =
        raw_se > 0.0
            ? 1.0 - (cuped->absolute.std_error * cuped->absolute.std_error) / (raw_se * raw_se)
            : 0.0;
  }
  if (options.sequential_tuning) {
    Result<Comparison> sequential = Sequential(out.reported, out.control.n + out.treatment.n,
                                               options.alpha, *options.sequential_tuning);
    if (!sequential.ok()) return sequential.status().WithContext("sequential");
    out.reported = *sequential;
  }
  Result<BayesianResult> bayes = BayesianLift(out.reported.relative, options.prior, options.alpha);
  if (bayes.ok()) out.bayes = *bayes;
  return out;
}

}  // namespace

Result<ExperimentAnalysis> AnalyzeExperiment(std::span<const std::string> arms,
                                             std::span<const std::int64_t> users,
                                             std::span<const MetricArms> metrics,
                                             const ExperimentOptions& options) {
  if (arms.size() < 2) {
    return Invalid(
        fmt::format("{} arm(s): an experiment needs a control and a treatment", arms.size()));
  }
  if (users.size() != arms.size() || options.control >= arms.size()) {
    return Invalid("users per arm and the control must match the arms");
  }
  ExperimentAnalysis out;
  std::vector<double> weights = options.weights;
  if (weights.empty()) weights.assign(arms.size(), 1.0 / static_cast<double>(arms.size()));
  if (weights.size() != arms.size()) {
    return Invalid(fmt::format("weights: {} given for {} arms ({})", weights.size(), arms.size(),
                               fmt::join(arms, ", ")));
  }
  Result<SrmResult> srm = CheckSampleRatio(users, weights, options.srm_threshold);
  if (!srm.ok()) return srm.status();
  out.srm = *srm;

  // Where each result comes from, to recompute its intervals at the corrected level.
  std::vector<std::pair<const MetricArms*, std::size_t>> sources;
  for (const MetricArms& metric : metrics) {
    const bool consistent =
        metric.arms.size() == arms.size() &&
        (metric.type != MetricType::kProportion || metric.successes.size() == arms.size()) &&
        (!metric.cuped || metric.cuped->arms.size() == arms.size());
    if (!consistent) {
      return Invalid(fmt::format("metric '{}': statistics for {} arms, the experiment has {}",
                                 metric.name, metric.arms.size(), arms.size()));
    }
    if (metric.arms[options.control].n <= 0) {
      return Status(ErrorCode::kDataError,
                    fmt::format("metric '{}' has no data for the control '{}'", metric.name,
                                arms[options.control]));
    }
    for (std::size_t treatment = 0; treatment < arms.size(); ++treatment) {
      if (treatment == options.control || metric.arms[treatment].n <= 0) continue;
      Result<ComparisonResult> result =
          CompareArms(metric, arms, options.control, treatment, options);
      if (!result.ok()) {
        return result.status().WithContext(
            fmt::format("metric '{}', variant '{}'", metric.name, arms[treatment]));
      }
      out.results.push_back(std::move(*result));
      sources.emplace_back(&metric, treatment);
    }
  }

  // Corrections over the goal comparisons only; guardrails are judged on their own.
  std::vector<double> goal_p;
  for (const ComparisonResult& result : out.results)
    if (!result.guardrail) goal_p.push_back(result.reported.relative.p_value);
  Result<std::vector<double>> adjusted = AdjustPValues(goal_p, options.correction);
  if (!adjusted.ok()) return adjusted.status();
  Result<std::vector<double>> levels = AdjustedLevels(goal_p, options.correction, options.alpha);
  if (!levels.ok()) return levels.status();
  std::vector<MetricVerdict> goals, guardrails;
  std::size_t goal_idx = 0;
  for (std::size_t result_idx = 0; result_idx < out.results.size(); ++result_idx) {
    ComparisonResult& result = out.results[result_idx];
    result.interval_alpha = options.alpha;
    result.adjusted_interval = result.reported;
    if (!result.guardrail && (*levels)[goal_idx] != options.alpha) {
      ExperimentOptions at_level = options;
      at_level.alpha = (*levels)[goal_idx];
      const auto& [metric, treatment] = sources[result_idx];
      Result<ComparisonResult> recomputed =
          CompareArms(*metric, arms, options.control, treatment, at_level);
      if (!recomputed.ok()) return recomputed.status().WithContext("adjusted interval");
      result.interval_alpha = at_level.alpha;
      result.adjusted_interval = recomputed->reported;
    }
    const MetricSpec spec{result.metric, !Contains(options.lower_is_better, result.metric),
                          options.alpha, options.margin};
    if (result.guardrail) {
      result.adjusted_p = result.reported.relative.p_value;
      result.verdict = JudgeGuardrail(spec, result.reported.relative);
      guardrails.push_back(result.verdict);
    } else {
      result.adjusted_p = (*adjusted)[goal_idx++];
      result.verdict = JudgeGoal(spec, result.adjusted_interval.relative, result.adjusted_p,
                                 result.interval_alpha);
      goals.push_back(result.verdict);
    }
  }
  out.verdict = JudgeExperiment(out.srm, goals, guardrails);
  return out;
}

Result<std::size_t> FindControl(std::span<const std::string> arms, std::string_view name) {
  if (arms.empty()) return Invalid("no variants");
  if (!name.empty()) {
    for (std::size_t idx = 0; idx < arms.size(); ++idx)
      if (arms[idx] == name) return idx;
    return Invalid(
        fmt::format("no variant named '{}' (variants: {})", name, fmt::join(arms, ", ")));
  }
  for (std::size_t idx = 0; idx < arms.size(); ++idx) {
    const std::string& arm = arms[idx];
    const bool is_control = std::equal(arm.begin(), arm.end(), std::string_view("control").begin(),
                                       std::string_view("control").end(), [](char a, char b) {
                                         return std::tolower(static_cast<unsigned char>(a)) == b;
                                       });
    if (is_control) return idx;
  }
  return std::size_t{0};
}

}  // namespace growthlens::stats
