#include "ml/hamerly_step.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ml/centred_rows.h"

namespace growthlens::ml {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr size_t kDoublesPerCacheLine = 8;

}  // namespace

HamerlyStep::HamerlyStep(const FeatureMatrix& x, std::span<const double> row_norms2)
    : x_(&x),
      row_norms2_(row_norms2),
      row_norms_(x.rows()),
      upper_(x.rows(), kInfinity),
      lower_(x.rows(), 0.0) {
  const double dims = static_cast<double>(x.cols());
  widen_ = 4.0 * (dims + 4.0) * kEps;
  score_error_factor_ = 4.0 * (dims + 2.0) * kEps;
  for (size_t row_idx = 0; row_idx < x.rows(); ++row_idx)
    row_norms_[row_idx] = std::sqrt(row_norms2_[row_idx]);
}

void HamerlyStep::BeginIteration(const FeatureMatrix& centres, const CentreTable& table,
                                 std::span<const double> shifts) {
  centres_ = &centres;
  table_ = &table;
  first_iteration_ = shifts.empty();
  max_centre_norm_ = table.max_norm();
  const size_t k = centres.rows();
  const size_t dims = centres.cols();
  half_gap_.assign(k, kInfinity);
  for (size_t first = 0; first < k; ++first) {
    for (size_t second = first + 1; second < k; ++second) {
      const double gap =
          std::sqrt(SquaredDistance(centres.row(first).data(), centres.row(second).data(), dims));
      half_gap_[first] = std::min(half_gap_[first], gap);
      half_gap_[second] = std::min(half_gap_[second], gap);
    }
  }
  for (double& gap : half_gap_) gap = 0.5 * gap * (1.0 - widen_);

  shift_.assign(k, 0.0);
  largest_shift_ = second_largest_shift_ = 0;
  largest_shift_centre_ = 0;
  for (size_t centre = 0; centre < shifts.size(); ++centre) {
    shift_[centre] = shifts[centre] * (1.0 + widen_);
    if (shift_[centre] > largest_shift_) {
      second_largest_shift_ = largest_shift_;
      largest_shift_ = shift_[centre];
      largest_shift_centre_ = centre;
    } else if (shift_[centre] > second_largest_shift_) {
      second_largest_shift_ = shift_[centre];
    }
  }
}

size_t HamerlyStep::AssignRows(RowRange rows, std::span<int32_t> labels) {
  // Three passes over the chunk, each without data-dependent branches (whether a bound holds
  // is unpredictable, and a mispredicted branch per row would cost more than the test):
  //   1. move the bounds by the centre shifts; rows they cannot settle go to `unsettled`;
  //   2. tighten those rows' upper bound to the exact distance; rows still unsettled go to
  //      `rescore`;
  //   3. rescore those rows against every centre, in blocks, exactly as Lloyd scores rows.
  // Members are copied to locals: stores to the bound arrays would otherwise force reloads.
  const size_t dims = x_->cols();
  const double* values = x_->values().data();
  const double* centres = centres_->values().data();
  const double* norms = row_norms_.data();
  const double* norms2 = row_norms2_.data();
  const double* half_gap = half_gap_.data();
  const double* shift = shift_.data();
  double* upper_bounds = upper_.data();
  double* lower_bounds = lower_.data();
  const double grow = 1.0 + widen_;
  const double shrink = 1.0 - widen_;
  const double max_norm = max_centre_norm_;
  const double error_factor = score_error_factor_;
  // Every other centre is farther than `upper` by more than twice a score's worst rounding
  // error: Lloyd's computed argmin is `label`.
  const auto proves_label = [=](size_t row_idx, size_t label, double upper, double lower) {
    const double others = std::max(lower, 2.0 * half_gap[label] - upper);
    const double norm_sum = norms[row_idx] + max_norm;
    const double margin = 2.0 * error_factor * norm_sum * norm_sum;
    return (others > upper) & ((others - upper) * (others + upper) > margin);
  };

  std::vector<uint32_t> unsettled(rows.size());
  size_t unsettled_count = 0;
  if (first_iteration_) {
    for (size_t row_idx = rows.begin; row_idx < rows.end; ++row_idx)
      unsettled[unsettled_count++] = static_cast<uint32_t>(row_idx);
  } else {
    const size_t largest_centre = largest_shift_centre_;
    const double largest = largest_shift_;
    const double second_largest = second_largest_shift_;
    for (size_t row_idx = rows.begin; row_idx < rows.end; ++row_idx) {
      const size_t label = static_cast<size_t>(labels[row_idx]);
      const double other_shift = label == largest_centre ? second_largest : largest;
      const double upper = (upper_bounds[row_idx] + shift[label]) * grow;
      const double lower = std::max(0.0, (lower_bounds[row_idx] - other_shift) * shrink);
      upper_bounds[row_idx] = upper;
      lower_bounds[row_idx] = lower;
      unsettled[unsettled_count] = static_cast<uint32_t>(row_idx);
      unsettled_count += !proves_label(row_idx, label, upper, lower);
      // Passes 2 and 3 and the accumulation read rows of this chunk: start loading them now,
      // in order, rather than miss on them one by one later.
      for (size_t offset = 0; offset < dims; offset += kDoublesPerCacheLine)
        __builtin_prefetch(values + row_idx * dims + offset);
    }
  }

  std::vector<uint32_t> rescore(unsettled_count);
  size_t rescore_count = 0;
  if (first_iteration_) {
    rescore.swap(unsettled);
    rescore_count = unsettled_count;
  } else {
    for (size_t idx = 0; idx < unsettled_count; ++idx) {
      const size_t row_idx = unsettled[idx];
      const size_t label = static_cast<size_t>(labels[row_idx]);
      const double upper =
          std::sqrt(SquaredDistance(values + row_idx * dims, centres + label * dims, dims)) * grow;
      upper_bounds[row_idx] = upper;
      rescore[rescore_count] = static_cast<uint32_t>(row_idx);
      rescore_count += !proves_label(row_idx, label, upper, lower_bounds[row_idx]);
    }
  }
  rescore.resize(rescore_count);

  std::vector<NearestTwo> nearest(rescore_count);
  table_->NearestTwoRows(*x_, rescore, nearest.data());
  size_t changed = 0;
  for (size_t idx = 0; idx < rescore_count; ++idx) {
    const size_t row_idx = rescore[idx];
    changed += nearest[idx].label != labels[row_idx];
    labels[row_idx] = nearest[idx].label;
    // Both bounds from the scores, widened by a score's error bound: u over the best
    // (true d^2 <= computed + error), l under the second best.
    const double norm_sum = norms[row_idx] + max_norm;
    const double error = error_factor * norm_sum * norm_sum;
    upper_bounds[row_idx] =
        std::sqrt(std::max(0.0, norms2[row_idx] + nearest[idx].best_score) + error) * grow;
    lower_bounds[row_idx] =
        std::sqrt(std::max(0.0, norms2[row_idx] + nearest[idx].second_score - error)) * shrink;
  }
  return changed;
}

}  // namespace growthlens::ml
