#include "app/experiment_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "app/table_view.h"

namespace growthlens::app {

namespace {

constexpr const char* kSequentialMethod =
    "normal-mixture confidence sequence of Howard, Ramdas, McAuliffe and Sekhon (2021), as "
    "GrowthBook's sequential testing";

bool AnyCupedMetric(const stats::ExperimentAnalysis& analysis) {
  return std::any_of(analysis.results.begin(), analysis.results.end(),
                     [](const stats::ComparisonResult& r) { return r.cuped.has_value(); });
}

const stats::MetricArms* FindMetricArms(const ExperimentData& data, const std::string& name) {
  for (const stats::MetricArms& metric : data.metrics)
    if (metric.name == name) return &metric;
  return nullptr;
}

View ExperimentComparisonView(const stats::ExperimentAnalysis& analysis,
                              const ExperimentData& data) {
  View view;
  view.columns = {{"metric", "Metric", Align::kLeft},
                  {"variant", "Variant", Align::kLeft},
                  {"role", "Role", Align::kLeft},
                  {"type", "Type", Align::kLeft},
                  {"n_control", "n control"},
                  {"n_treatment", "n treatment"},
                  {"mean_control", "Mean control"},
                  {"mean_treatment", "Mean treatment"},
                  {"variance_control", "Var. control"},
                  {"variance_treatment", "Var. treatment"},
                  {"absolute_lift", "Abs. lift"},
                  {"absolute_ci_low", "Abs. CI low"},
                  {"absolute_ci_high", "Abs. CI high"},
                  {"absolute_p", "Abs. p"},
                  {"relative_lift", "Rel. lift"},
                  {"relative_ci_low", "Rel. CI low"},
                  {"relative_ci_high", "Rel. CI high"},
                  {"relative_p", "Rel. p"},
                  {"adjusted_p", "Adjusted p"},
                  {"adjusted_confidence", "Adj. level"},
                  {"adjusted_absolute_ci_low", "Adj. abs. CI low"},
                  {"adjusted_absolute_ci_high", "Adj. abs. CI high"},
                  {"adjusted_relative_ci_low", "Adj. rel. CI low"},
                  {"adjusted_relative_ci_high", "Adj. rel. CI high"},
                  {"covariate", "Covariate", Align::kLeft},
                  {"theta", "Theta"},
                  {"variance_reduction", "Var. red."},
                  {"cuped_mean_control", "CUPED mean control"},
                  {"cuped_mean_treatment", "CUPED mean treatment"},
                  {"raw_absolute_lift", "Raw abs. lift"},
                  {"raw_absolute_ci_low", "Raw abs. CI low"},
                  {"raw_absolute_ci_high", "Raw abs. CI high"},
                  {"raw_absolute_p", "Raw abs. p"},
                  {"raw_relative_lift", "Raw rel. lift"},
                  {"raw_relative_ci_low", "Raw rel. CI low"},
                  {"raw_relative_ci_high", "Raw rel. CI high"},
                  {"raw_relative_p", "Raw rel. p"},
                  {"chance_to_beat_control", "P(beat ctrl)"},
                  {"expected_loss", "Exp. loss"},
                  {"decision", "Decision", Align::kLeft},
                  {"reason", "Reason", Align::kLeft}};
  view.rows = analysis.results.size();
  view.row = [&analysis, &data](size_t row, std::vector<Cell>& cells) {
    const stats::ComparisonResult& r = analysis.results[row];
    const stats::MetricArms* metric = FindMetricArms(data, r.metric);
    const stats::CupedAdjustment* adjustment =
        r.cuped && metric != nullptr && metric->cuped ? &*metric->cuped : nullptr;
    const stats::LiftEstimate& a = r.reported.absolute;
    const stats::LiftEstimate& rel = r.reported.relative;
    const stats::LiftEstimate& raw_a = r.unadjusted.absolute;
    const stats::LiftEstimate& raw_rel = r.unadjusted.relative;
    const bool cuped = r.cuped.has_value();
    const auto if_cuped = [cuped](Cell cell) { return cuped ? std::move(cell) : Cell::Empty(); };
    cells = {Cell::Text(r.metric),
             Cell::Text(r.variant),
             Cell::Text(r.guardrail ? "guardrail" : "goal"),
             Cell::Text(stats::MetricTypeName(r.type)),
             Cell::Number(r.control.n, 0),
             Cell::Number(r.treatment.n, 0),
             Cell::Number(r.control.mean, 5),
             Cell::Number(r.treatment.mean, 5),
             Cell::Number(r.control.variance, 5),
             Cell::Number(r.treatment.variance, 5),
             Cell::Number(a.estimate, 5),
             Cell::Number(a.ci_low, 5),
             Cell::Number(a.ci_high, 5),
             Cell::Number(a.p_value, 5),
             Cell::Percent(rel.estimate),
             Cell::Percent(rel.ci_low),
             Cell::Percent(rel.ci_high),
             Cell::Number(rel.p_value, 5),
             Cell::Number(r.adjusted_p, 5),
             Cell::Percent(1.0 - r.interval_alpha),
             Cell::Number(r.adjusted_interval.absolute.ci_low, 5),
             Cell::Number(r.adjusted_interval.absolute.ci_high, 5),
             Cell::Percent(r.adjusted_interval.relative.ci_low),
             Cell::Percent(r.adjusted_interval.relative.ci_high),
             adjustment ? Cell::Text(adjustment->covariate) : Cell::Empty(),
             adjustment ? Cell::Number(adjustment->theta, 5) : Cell::Empty(),
             if_cuped(Cell::Percent(r.variance_reduction)),
             if_cuped(Cell::Number(r.cuped_control.mean, 5)),
             if_cuped(Cell::Number(r.cuped_treatment.mean, 5)),
             Cell::Number(raw_a.estimate, 5),
             Cell::Number(raw_a.ci_low, 5),
             Cell::Number(raw_a.ci_high, 5),
             Cell::Number(raw_a.p_value, 5),
             Cell::Percent(raw_rel.estimate),
             Cell::Percent(raw_rel.ci_low),
             Cell::Percent(raw_rel.ci_high),
             Cell::Number(raw_rel.p_value, 5),
             Cell::Percent(r.bayes.chance_to_beat_control),
             Cell::Percent(r.bayes.expected_loss_ship),
             Cell::Text(stats::DecisionName(r.verdict.decision)),
             Cell::Text(r.verdict.reason)};
  };
  return view;
}

std::string PercentileText(double percentile) {
  return fmt::format("{:g}th percentile", percentile * 100.0);
}

std::string ExperimentHeadline(const stats::ExperimentAnalysis& analysis,
                               const ExperimentData& data,
                               const ExperimentReportSettings& settings) {
  std::string out = fmt::format(
      "Experiment {} ({}, {} rows): control '{}', {} treatment arm(s), {} metric(s), alpha {}, "
      "{} correction\n",
      settings.input, data.per_user ? "one row per user" : "per-arm summary",
      WithThousands(data.rows), settings.control, data.arms.size() - 1, data.metrics.size(),
      settings.alpha, settings.correction);
  out += "Arms (file order, as --weights):";
  for (size_t arm = 0; arm < data.arms.size(); ++arm)
    out += fmt::format("{} {} {} users", arm == 0 ? "" : ",", data.arms[arm],
                       WithThousands(static_cast<uint64_t>(data.users[arm])));
  out += fmt::format("\nSample ratio: {}\n", analysis.srm.message);
  if (data.winsorize) {
    out += fmt::format(
        "Winsorized at the {} of all arms pooled (linear interpolation, numpy's default):",
        PercentileText(*data.winsorize));
    if (data.caps.empty()) out += " no column to cap (0/1 columns and covariates are not capped)";
    for (size_t idx = 0; idx < data.caps.size(); ++idx)
      out +=
          fmt::format("{} {} capped at {} ({} of {} values)", idx == 0 ? "" : ";",
                      data.caps[idx].column, fmt::format("{:.6g}", data.caps[idx].cap),
                      WithThousands(data.caps[idx].capped), WithThousands(data.caps[idx].values));
    out += "\n";
  }
  for (const stats::MetricArms& metric : data.metrics) {
    if (!metric.cuped) continue;
    out += fmt::format("CUPED: {} adjusted by pre-period {} (theta {:.6g}, pooled over arms)",
                       metric.name, metric.cuped->covariate, metric.cuped->theta);
    for (const stats::ComparisonResult& r : analysis.results)
      if (r.metric == metric.name && r.cuped)
        out += fmt::format("; {}: variance of the lift {:.1f}% lower", r.variant,
                           100.0 * r.variance_reduction);
    out += "\n";
  }
  if (settings.sequential_tuning)
    out += fmt::format(
        "Sequential testing: always-valid intervals and p-values from the {}; tuning parameter "
        "N* = {} (the total users at which the interval is tightest); safe to look at after "
        "every batch\n",
        kSequentialMethod, WithThousands(static_cast<uint64_t>(*settings.sequential_tuning)));
  return out;
}

nlohmann::ordered_json JsonNumberOrNull(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nullptr;
}

}  // namespace

std::string RenderExperimentReport(const stats::ExperimentAnalysis& analysis,
                                   const ExperimentData& data,
                                   const ExperimentReportSettings& settings, OutputFormat format) {
  const View view = ExperimentComparisonView(analysis, data);
  const bool cuped = AnyCupedMetric(analysis);
  switch (format) {
    case OutputFormat::kTable: {
      std::string out = ExperimentHeadline(analysis, data, settings) + "\n";
      // Comparison columns, then absolute lifts (without CUPED) or the covariate's effect (with).
      std::vector<std::string_view> columns = {"metric",       "variant",       "role",
                                               "type",         "n_control",     "n_treatment",
                                               "mean_control", "mean_treatment"};
      if (!cuped)
        columns.insert(columns.end(),
                       {"absolute_lift", "absolute_ci_low", "absolute_ci_high", "absolute_p"});
      columns.insert(columns.end(), {"relative_lift", "relative_ci_low", "relative_ci_high",
                                     "relative_p", "adjusted_p", "adjusted_confidence",
                                     "adjusted_relative_ci_low", "adjusted_relative_ci_high"});
      if (cuped)
        columns.insert(columns.end(), {"covariate", "variance_reduction", "raw_relative_lift",
                                       "raw_relative_ci_low", "raw_relative_ci_high"});
      out += RenderTable(SelectColumns(view, columns));
      out += fmt::format(
          "\nCI: {:g}% intervals per comparison; Adj.: the interval at the level the {} "
          "correction tests each goal at, which excludes 0 exactly when the adjusted p is below "
          "{} (guardrails are not corrected)\n",
          100.0 * (1.0 - settings.alpha), settings.correction, settings.alpha);
      for (const stats::ComparisonResult& r : analysis.results)
        out += fmt::format("{} / {} ({}): {}: {}\n", r.metric, r.variant,
                           r.guardrail ? "guardrail" : "goal",
                           stats::DecisionName(r.verdict.decision), r.verdict.reason);
      out += fmt::format("\nVerdict: {}: {}\n", stats::DecisionName(analysis.verdict.decision),
                         analysis.verdict.reason);
      return out;
    }
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("input", settings.input);
      json.Set("format", data.per_user ? "per-user" : "summary");
      json.Set("rows", data.rows);
      json.Set("control", settings.control);
      json.Set("correction", settings.correction);
      json.Set("alpha", settings.alpha);
      std::vector<nlohmann::ordered_json> arms;
      for (size_t arm = 0; arm < data.arms.size(); ++arm)
        arms.push_back({{"variant", data.arms[arm]},
                        {"users", data.users[arm]},
                        {"expected_share", settings.weights[arm]}});
      json.SetList("arms", arms);
      json.Set("srm", {{"chi_square", analysis.srm.chi_square},
                       {"dof", analysis.srm.dof},
                       {"p_value", analysis.srm.p_value},
                       {"mismatch", analysis.srm.mismatch},
                       {"message", analysis.srm.message}});
      if (settings.sequential_tuning)
        json.Set("sequential", {{"method", kSequentialMethod},
                                {"tuning_parameter", *settings.sequential_tuning},
                                {"alpha", settings.alpha}});
      if (data.winsorize) {
        std::vector<nlohmann::ordered_json> caps;
        for (const CapReport& cap : data.caps)
          caps.push_back({{"column", cap.column},
                          {"cap", JsonNumberOrNull(cap.cap)},
                          {"capped", cap.capped},
                          {"values", cap.values}});
        json.Set("winsorize", {{"percentile", *data.winsorize},
                               {"quantile", "linear interpolation (numpy.percentile default)"},
                               {"pooled", "all arms"},
                               {"columns", caps}});
      }
      if (cuped) {
        std::vector<nlohmann::ordered_json> items;
        for (const stats::MetricArms& metric : data.metrics) {
          if (!metric.cuped) continue;
          nlohmann::ordered_json reduction = nlohmann::ordered_json::object();
          for (size_t arm = 0; arm < data.arms.size(); ++arm)
            reduction[data.arms[arm]] = JsonNumberOrNull(metric.cuped->variance_reduction[arm]);
          items.push_back({{"metric", metric.name},
                           {"covariate", metric.cuped->covariate},
                           {"theta", JsonNumberOrNull(metric.cuped->theta)},
                           {"arm_variance_reduction", reduction}});
        }
        json.SetList("cuped", items);
      }
      json.SetRows("results", view);
      json.Set("verdict", {{"decision", stats::DecisionName(analysis.verdict.decision)},
                           {"reason", analysis.verdict.reason}});
      return json.Render();
    }
    case OutputFormat::kCsv:
      return RenderCsv(view);
  }
  return "";
}

}  // namespace growthlens::app
