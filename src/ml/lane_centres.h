#pragma once
// Centres as the ChunkLanes kernels read them, and the score of one centre for the eight rows
// of a lane pack. The score is CentreTable's, term for term: ||c||^2 + x_0 (-2 c_0) +
// x_1 (-2 c_1) + ..., each term a multiply-add in the same order, so a row gets the same bits
// in a lane as in CentreTable's kernels (k-means++, prediction).

#include <cstddef>
#include <vector>

#include "ml/centre_table.h"
#include "ml/chunk_lanes.h"

namespace growthlens::ml {

struct LaneCentres {
  size_t k = 0;
  size_t dims = 0;
  std::vector<double> norms;      // [centre]: ||c||^2
  std::vector<double> minus_two;  // [centre][dim]: -2 c

  LaneCentres() = default;
  explicit LaneCentres(const CentreTable& table)
      : k(table.k()), dims(table.dims()), norms(table.k()), minus_two(table.k() * table.dims()) {
    for (size_t centre = 0; centre < k; ++centre) {
      norms[centre] = table.SquaredNorm(centre);
      for (size_t dim = 0; dim < dims; ++dim)
        minus_two[centre * dims + dim] = table.MinusTwoCentre(centre, dim);
    }
  }
};

/// score = ||c||^2 - 2 x.c of centre `centre` for each lane of `at` (ChunkLanes::At), `dims`
/// = centres.dims (a constant where the caller knows it). Inlined into each caller's target
/// clone, which rounds the multiply-adds as CentreTable's clone of the same target does.
[[gnu::always_inline]] inline void LaneScore(const LanePack* at, const LaneCentres& centres,
                                             size_t centre, size_t dims, Lanes& score) {
  const double norm = centres.norms[centre];
  const double* minus_two = centres.minus_two.data() + centre * dims;
  score = Lanes{norm, norm, norm, norm, norm, norm, norm, norm};
  for (size_t dim = 0; dim < dims; ++dim) score += at[dim].lanes * minus_two[dim];
}

}  // namespace growthlens::ml
