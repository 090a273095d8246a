#pragma once
// Hamerly's assignment (Hamerly 2010, "Making k-means even faster"): per row an upper bound u
// on the distance to its centre and a lower bound l on the distance to every other centre,
// moved by the centre shifts each iteration. A row whose bounds prove its label cannot change
// is skipped; the others are tightened or fully rescored.
//
// Same result as Lloyd, bit for bit: rows that are rescored go through the same CentreTable
// argmin, and a row is skipped only when the bounds show the true squared distances differ by
// more than twice the worst rounding error of a Lloyd score, E = 4 (d + 2) eps (||x|| + R)^2
// (R = largest centre norm; the data are centred, so this is tiny). Bounds are widened by a
// relative 4 (d + 4) eps wherever they are computed or moved, so rounding never makes them
// claim more than is true.

#include <cstdint>
#include <span>
#include <vector>

#include "ml/assignment_step.h"

namespace growthlens::ml {

class HamerlyStep {
 public:
  /// `row_norms2` = ||x_i||^2 of every row of `x`.
  HamerlyStep(const FeatureMatrix& x, std::span<const double> row_norms2);

  void BeginIteration(const FeatureMatrix& centres, const CentreTable& table,
                      std::span<const double> shifts);
  size_t AssignRows(RowRange rows, std::span<int32_t> labels);

 private:
  const FeatureMatrix* x_;
  std::span<const double> row_norms2_;
  std::vector<double> row_norms_;
  std::vector<double> upper_;
  std::vector<double> lower_;
  double widen_ = 0;  // relative widening of bounds for rounding
  double score_error_factor_ = 0;

  // Per iteration.
  const FeatureMatrix* centres_ = nullptr;
  const CentreTable* table_ = nullptr;
  bool first_iteration_ = true;
  std::vector<double> half_gap_;  // half the distance from each centre to its nearest other
  std::vector<double> shift_;     // widened shifts
  double largest_shift_ = 0;
  double second_largest_shift_ = 0;
  size_t largest_shift_centre_ = 0;
  double max_centre_norm_ = 0;
};

static_assert(AssignmentStep<HamerlyStep>);

}  // namespace growthlens::ml
