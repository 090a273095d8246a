#include "stats/corrections.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace growthlens::stats {

Result<std::vector<double>> AdjustPValues(std::span<const double> p_values, Correction method) {
  for (std::size_t p_idx = 0; p_idx < p_values.size(); ++p_idx) {
    if (!(p_values[p_idx] >= 0.0 && p_values[p_idx] <= 1.0)) {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("p_values[{}]: must be in [0, 1], got {}", p_idx, p_values[p_idx]));
    }
  }
  std::vector<double> adjusted(p_values.begin(), p_values.end());
  const std::size_t count = p_values.size();
  if (method == Correction::kNone || count == 0) return adjusted;
  // Stable order by p-value, ties by position, as numpy's argsort in multipletests.
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  const double m = static_cast<double>(count);
  if (method == Correction::kHolm) {
    double running_max = 0.0;
    for (std::size_t rank = 0; rank < count; ++rank) {
      const double scaled = (m - static_cast<double>(rank)) * p_values[order[rank]];
      running_max = std::max(running_max, std::min(1.0, scaled));
      adjusted[order[rank]] = running_max;
    }
  } else {
    double running_min = 1.0;
    for (std::size_t rank = count; rank-- > 0;) {
      const double scaled = m / static_cast<double>(rank + 1) * p_values[order[rank]];
      running_min = std::min(running_min, scaled);
      adjusted[order[rank]] = running_min;
    }
  }
  return adjusted;
}

Result<std::vector<double>> AdjustedLevels(std::span<const double> p_values, Correction method,
                                           double alpha) {
  Result<std::vector<double>> adjusted = AdjustPValues(p_values, method);
  if (!adjusted.ok()) return adjusted.status();
  const std::size_t count = p_values.size();
  std::vector<double> levels(count, alpha);
  if (method == Correction::kNone || count == 0) return levels;
  const double m = static_cast<double>(count);
  if (method == Correction::kBenjaminiHochberg) {
    const auto rejected = static_cast<double>(
        std::count_if(adjusted->begin(), adjusted->end(), [alpha](double p) { return p < alpha; }));
    std::fill(levels.begin(), levels.end(), alpha * std::max(rejected, 1.0) / m);
    return levels;
  }
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  // Holm's adjusted p-values rise with the rank: the first one kept ends the rejections.
  std::size_t stop = count;  // 0-based rank of the first hypothesis kept
  for (std::size_t rank = 0; rank < count; ++rank)
    if (!((*adjusted)[order[rank]] < alpha)) {
      stop = rank;
      break;
    }
  for (std::size_t rank = 0; rank < count; ++rank)
    levels[order[rank]] = alpha / (m - static_cast<double>(std::min(rank, stop)));
  return levels;
}

}  // namespace growthlens::stats
