#include "stats/simulation.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/parallel.h"
#include "stats/simulation_kernel.h"

namespace growthlens::stats {

namespace {

constexpr size_t kMinUsers = 4;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Status Invalid(std::string message) {
  return {ErrorCode::kInvalidArgument, std::move(message)};
}

/// Mean and sample variance of an arm from its sums.
ArmMoments MomentsOf(const ArmSums& arm, double centre) {
  if (arm.n < 1.0) return {arm.n, kNaN, kNaN};
  const double mean = arm.sum / arm.n;
  const double offset = mean - centre;
  const double variance =
      arm.n < 2.0 ? 0.0
                  : std::max(0.0, (arm.sum_squares - arm.n * offset * offset) / (arm.n - 1.0));
  return {arm.n, mean, variance};
}

/// The treatment arm of a mean metric with the effect applied to every outcome.
ArmMoments WithEffect(ArmMoments arm, const AssumedEffect& effect) {
  if (effect.relative) {
    const double factor = 1.0 + effect.value;
    arm.mean *= factor;
    arm.variance *= factor * factor;
  } else {
    arm.mean += effect.value;
  }
  return arm;
}

/// The treatment arm's ratio sums with every numerator scaled by (1 + effect).
RatioSums WithEffect(RatioSums sums, double effect) {
  const double factor = 1.0 + effect;
  sums.sum_numerator *= factor;
  sums.sum_numerator_squares *= factor * factor;
  sums.sum_products *= factor;
  return sums;
}

/// The arms of a run's goal metric, effect applied.
std::pair<ArmMoments, ArmMoments> GoalArms(const RunSums& sums, bool rate, double centre,
                                           const AssumedEffect& effect) {
  if (rate) {
    const auto rate_of = [](const ArmSums& arm) {
      const double p = arm.n > 0.0 ? arm.sum / arm.n : kNaN;
      return ArmMoments{arm.n, p, p * (1.0 - p)};
    };
    return {rate_of(sums.goal[0]), rate_of(sums.goal[1])};
  }
  return {MomentsOf(sums.goal[0], centre), WithEffect(MomentsOf(sums.goal[1], centre), effect)};
}

/// Two-sided p-value of the run's goal test, or nothing when no test is possible.
std::optional<double> GoalPValue(const RunSums& sums, bool rate,
                                 const std::pair<ArmMoments, ArmMoments>& arms) {
  if (rate) {
    const auto n_c = static_cast<int64_t>(sums.goal[0].n);
    const auto n_t = static_cast<int64_t>(sums.goal[1].n);
    if (n_c < 1 || n_t < 1) return std::nullopt;
    Result<TestResult> test = ProportionsZTest(n_c, static_cast<int64_t>(sums.goal[0].sum), n_t,
                                               static_cast<int64_t>(sums.goal[1].sum));
    if (!test.ok()) return std::nullopt;
    return test->p_value;
  }
  Result<TestResult> test = WelchTTest(arms.first, arms.second);
  if (!test.ok()) return std::nullopt;
  return test->p_value;
}

SimulatedDraw FullGoalDraw(const RunSums& sums, bool rate,
                           const std::pair<ArmMoments, ArmMoments>& arms, double alpha) {
  SimulatedDraw draw{arms.first, arms.second, std::nullopt};
  Result<Comparison> comparison =
      rate
          ? CompareProportions(
                static_cast<int64_t>(sums.goal[0].n), static_cast<int64_t>(sums.goal[0].sum),
                static_cast<int64_t>(sums.goal[1].n), static_cast<int64_t>(sums.goal[1].sum), alpha)
          : CompareMeans(arms.first, arms.second, alpha);
  if (comparison.ok()) draw.comparison = *comparison;
  return draw;
}

/// The guardrail of one run: its arms, comparison and verdict, when computable.
struct GuardrailRun {
  SimulatedDraw draw;
  std::optional<MetricVerdict> verdict;
};

GuardrailRun JudgeGuardrailRun(const RunSums& sums, const RatioGuardrail& guardrail, double alpha) {
  GuardrailRun out;
  Result<ArmMoments> control = MomentsOfRatio(sums.guardrail[0]);
  Result<ArmMoments> treatment = MomentsOfRatio(WithEffect(sums.guardrail[1], guardrail.effect));
  if (!control.ok() || !treatment.ok()) return out;
  out.draw.control = *control;
  out.draw.treatment = *treatment;
  Result<Comparison> comparison = CompareMeans(*control, *treatment, alpha);
  if (!comparison.ok()) return out;
  out.draw.comparison = *comparison;
  out.verdict = JudgeGuardrail(
      MetricSpec{std::string(guardrail.name), /*higher_is_better=*/true, alpha, guardrail.margin},
      comparison->relative);
  return out;
}

Status CheckOptions(const SimulationOptions& options) {
  if (!(options.treatment_share > 0.0 && options.treatment_share < 1.0))
    return Invalid(fmt::format("treatment share {}: expected between 0 and 1 (exclusive)",
                               options.treatment_share));
  if (options.runs < 1) return Invalid("runs: expected at least 1");
  if (!(options.alpha > 0.0 && options.alpha < 1.0))
    return Invalid(fmt::format("alpha {}: expected between 0 and 1", options.alpha));
  if (!(options.target_power > 0.0 && options.target_power < 1.0))
    return Invalid(fmt::format("power {}: expected between 0 and 1", options.target_power));
  return Status::Ok();
}

Status CheckGuardrail(const RatioGuardrail& guardrail, size_t users) {
  if (guardrail.numerator.size() != users || guardrail.denominator.size() != users)
    return Invalid(fmt::format("guardrail: {} numerators and {} denominators for {} users",
                               guardrail.numerator.size(), guardrail.denominator.size(), users));
  for (size_t user = 0; user < users; ++user)
    if (!std::isfinite(guardrail.numerator[user]) || !(guardrail.denominator[user] >= 0.0) ||
        !std::isfinite(guardrail.denominator[user]))
      return Invalid(
          fmt::format("guardrail: user {} has numerator {} and denominator {}; "
                      "expected finite values and a denominator >= 0",
                      user, guardrail.numerator[user], guardrail.denominator[user]));
  if (!(guardrail.effect > -1.0) || !std::isfinite(guardrail.effect))
    return Invalid(fmt::format("guardrail effect {}: expected a relative change above -100%",
                               guardrail.effect));
  if (!(guardrail.margin >= 0.0) || !std::isfinite(guardrail.margin))
    return Invalid(fmt::format("guardrail margin {}: expected >= 0", guardrail.margin));
  return Status::Ok();
}

/// Baseline, spread and the effect in both units; the flip chance for rates.
Status DescribeGoal(const GoalOutcomes& goal, GoalSimulation& out, KernelInputs& plan) {
  MeanAccumulator moments;
  for (size_t user = 0; user < goal.outcomes.size(); ++user) {
    const double y = goal.outcomes[user];
    if (!std::isfinite(y))
      return Invalid(fmt::format("outcome of user {}: {} is not a finite number", user, y));
    if (goal.kind == MetricKind::kProportion && y != 0.0 && y != 1.0)
      return Invalid(fmt::format("outcome of user {}: {}; a rate needs 0 or 1", user, y));
    moments.Add(y);
  }
  const ArmMoments segment = moments.Finalize();
  const AssumedEffect& effect = goal.effect;
  if (!std::isfinite(effect.value))
    return Invalid(fmt::format("effect {}: expected a finite number", effect.value));
  out.kind = goal.kind;
  out.effect = effect;
  out.baseline = segment.mean;
  out.std_dev = std::sqrt(segment.variance);
  out.effect_absolute = effect.relative ? effect.value * segment.mean : effect.value;
  out.effect_relative = effect.relative       ? effect.value
                        : segment.mean != 0.0 ? out.effect_absolute / segment.mean
                                              : kNaN;
  if (goal.kind == MetricKind::kProportion) {
    const double p = segment.mean;
    const double target = p + out.effect_absolute;
    if (target > 1.0 || target < 0.0)
      return Status(
          ErrorCode::kDataError,
          fmt::format("effect {}{}: takes the segment's rate of {:.2f}% to {:.2f}%, outside 0-100%",
                      effect.value, effect.relative ? " (relative)" : "", 100.0 * p,
                      100.0 * target));
    plan.flip_up = target >= p;
    if (target > p) plan.flip_probability = (target - p) / (1.0 - p);
    if (target < p) plan.flip_probability = (p - target) / p;
    out.conversion_probability = plan.flip_probability;
  } else {
    if (effect.relative && !(effect.value > -1.0))
      return Invalid(fmt::format(
          "effect {} (relative): expected above -1; scaling outcomes by {} makes no sense",
          effect.value, 1.0 + effect.value));
    plan.centre = segment.mean;
  }
  return Status::Ok();
}

/// The planner's view at the expected arm sizes (power.h, statsmodels conventions: Cohen's h
/// for rates, Cohen's d with the segment's standard deviation for means); each part absent
/// when undefined (no spread, no effect; the smallest detectable effect needs a baseline
/// strictly between 0 and 1 for rates).
void PlanAnalytically(const GoalOutcomes& goal, const SimulationOptions& options, size_t users,
                      GoalSimulation& out) {
  const bool rate = goal.kind == MetricKind::kProportion;
  if (!rate && !(out.std_dev > 0.0)) return;
  const double ratio = options.treatment_share / (1.0 - options.treatment_share);
  const double n_control = static_cast<double>(users) * (1.0 - options.treatment_share);
  const Alternative two_sided = Alternative::kTwoSided;
  if (!rate || (out.baseline > 0.0 && out.baseline < 1.0)) {
    PowerPlan plan;
    plan.metric = goal.kind;
    plan.baseline = out.baseline;
    plan.std_dev = out.std_dev;
    plan.alpha = options.alpha;
    plan.power = options.target_power;
    plan.ratio = ratio;
    plan.n_control = n_control;
    if (Result<MdePlan> mde = SolveMde(plan); mde.ok()) out.detectable = *mde;
  }
  if (out.effect_absolute == 0.0) return;
  const double effect_size = rate ? CohensH(out.baseline + out.effect_absolute, out.baseline)
                                  : out.effect_absolute / out.std_dev;
  if (Result<double> power =
          PowerForEffectSize(goal.kind, effect_size, n_control, ratio, options.alpha, two_sided);
      power.ok())
    out.analytic_power = *power;
  Result<double> exact = NControlForEffectSize(goal.kind, effect_size, ratio, options.alpha,
                                               options.target_power, two_sided);
  if (!exact.ok()) return;
  SampleSizePlan& needed = out.needed.emplace();
  needed.effect_size = effect_size;
  needed.n_control_exact = *exact;
  needed.n_control = static_cast<int64_t>(std::ceil(*exact));
  needed.n_per_treatment = static_cast<int64_t>(std::ceil(ratio * *exact));
  needed.n_total = needed.n_control + needed.n_per_treatment;
}

/// Per run: the goal's p-value (NaN when untested), its relative lift, the guardrail verdict.
struct RunOutcome {
  double p_value = kNaN;
  double relative_lift = kNaN;
  int guardrail = -1;  // -1 untested, else a Decision
};

}  // namespace

Result<CampaignSimulation> SimulateCampaign(const GoalOutcomes& goal,
                                            const RatioGuardrail* guardrail,
                                            const SimulationOptions& options) {
  GROWTHLENS_RETURN_IF_ERROR(CheckOptions(options));
  const size_t users = goal.outcomes.size();
  if (users < kMinUsers)
    return Invalid(fmt::format("{} users: a simulation needs at least {}", users, kMinUsers));
  if (guardrail != nullptr) GROWTHLENS_RETURN_IF_ERROR(CheckGuardrail(*guardrail, users));

  CampaignSimulation out;
  out.users = users;
  GoalSimulation& result = out.goal;
  const bool rate = goal.kind == MetricKind::kProportion;
  const bool with_guardrail = guardrail != nullptr;
  KernelInputs plan;
  plan.rate = rate;
  plan.outcomes = goal.outcomes;
  plan.treatment_share = options.treatment_share;
  plan.seed = options.seed;
  GROWTHLENS_RETURN_IF_ERROR(DescribeGoal(goal, result, plan));
  if (with_guardrail) {
    plan.numerator = guardrail->numerator;
    plan.denominator = guardrail->denominator;
  }
  PlanAnalytically(goal, options, users, result);

  const RunKernel kernel(plan);
  std::vector<RunOutcome> runs(options.runs);
  ParallelFor(options.runs, options.threads, [&](size_t run) {
    if (options.stop.stop_requested()) return;
    const RunSums sums = kernel.Run(run);
    const auto arms = GoalArms(sums, rate, plan.centre, goal.effect);
    RunOutcome& outcome = runs[run];
    if (const std::optional<double> p = GoalPValue(sums, rate, arms)) outcome.p_value = *p;
    if (arms.first.mean != 0.0 && std::isfinite(arms.first.mean))
      outcome.relative_lift = (arms.second.mean - arms.first.mean) / arms.first.mean;
    if (with_guardrail) {
      const GuardrailRun judged = JudgeGuardrailRun(sums, *guardrail, options.alpha);
      if (judged.verdict) outcome.guardrail = static_cast<int>(judged.verdict->decision);
    }
  });

  if (options.stop.stop_requested())
    return Status(ErrorCode::kInternal, "simulation stopped before its runs ended");
  double lift_sum = 0.0;
  size_t lifts = 0;
  for (const RunOutcome& run : runs) {
    if (std::isnan(run.p_value)) {
      ++result.untested_runs;
    } else if (run.p_value < options.alpha) {
      ++result.rejections;
    }
    if (!std::isnan(run.relative_lift)) {
      lift_sum += run.relative_lift;
      ++lifts;
    }
  }
  result.runs = options.runs;
  const double runs_count = static_cast<double>(options.runs);
  result.power_achieved = static_cast<double>(result.rejections) / runs_count;
  result.power_standard_error =
      std::sqrt(result.power_achieved * (1.0 - result.power_achieved) / runs_count);
  result.mean_relative_lift = lifts > 0 ? lift_sum / static_cast<double>(lifts) : kNaN;

  // Run 0 in full.
  const RunSums first = kernel.Run(0);
  result.draw =
      FullGoalDraw(first, rate, GoalArms(first, rate, plan.centre, goal.effect), options.alpha);

  if (with_guardrail) {
    GuardrailSimulation& guard = out.guardrail.emplace();
    double numerator = 0.0, denominator = 0.0;
    for (size_t user = 0; user < users; ++user) {
      numerator += guardrail->numerator[user];
      denominator += guardrail->denominator[user];
      guard.contributing_users += guardrail->denominator[user] > 0.0 ? 1 : 0;
    }
    guard.baseline = denominator > 0.0 ? numerator / denominator : kNaN;
    guard.effect = guardrail->effect;
    guard.margin = guardrail->margin;
    GuardrailRun judged = JudgeGuardrailRun(first, *guardrail, options.alpha);
    guard.draw = judged.draw;
    guard.verdict = judged.verdict;
    for (const RunOutcome& run : runs) {
      switch (run.guardrail) {
        case static_cast<int>(Decision::kShip):
          ++guard.holds;
          break;
        case static_cast<int>(Decision::kDontShip):
          ++guard.fails;
          break;
        case static_cast<int>(Decision::kInconclusive):
          ++guard.unclear;
          break;
        default:
          ++guard.untested;
          break;
      }
    }
  }
  return out;
}

}  // namespace growthlens::stats
