#pragma once
// Multiple-testing corrections of goal-metric p-values, as statsmodels multipletests returns
// them (pvals_corrected): Holm's step-down (family-wise error) and Benjamini-Hochberg's step-up
// (false discovery rate). Guardrail metrics are not part of the family (see verdict.h).
//
//   std::vector<double> adjusted = *AdjustPValues(p_values, Correction::kHolm);

#include <span>
#include <vector>

#include "core/status.h"

namespace growthlens::stats {

enum class Correction { kNone, kHolm, kBenjaminiHochberg };

/// Adjusted p-values in the input order, capped at 1. Fails on a p-value outside [0, 1].
Result<std::vector<double>> AdjustPValues(std::span<const double> p_values, Correction method);

/// The significance level at which the correction tests each hypothesis, in the input order:
/// a confidence interval at 1 - level excludes 0 exactly when its adjusted p-value is below
/// alpha, so the interval shown never contradicts the verdict.
///   none: alpha.
///   Holm: alpha / (m - min(rank, s) + 1), rank = the hypothesis' 1-based rank by p (ties in
///     input order) and s = the rank of the first hypothesis Holm keeps (m + 1 when it rejects
///     all): the step-down level for the ones it rejects, the level it stopped at for the rest.
///   BH: alpha * max(R, 1) / m, R = the hypotheses it rejects (the false-coverage-rate adjusted
///     intervals of Benjamini and Yekutieli, 2005).
/// A hypothesis is rejected when its adjusted p-value is below alpha.
Result<std::vector<double>> AdjustedLevels(std::span<const double> p_values, Correction method,
                                           double alpha);

}  // namespace growthlens::stats
