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

}  // namespace growthlens::stats
