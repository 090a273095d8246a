#pragma once
// CentreTable: k centres laid out for the nearest-centre scan of KMeans. For a row x the scan
// needs only score_j = ||c_j||^2 - 2 x.c_j (the squared distance minus ||x||^2, which does not
// change the argmin), as scikit-learn's Lloyd kernel computes it. The table stores -2 c
// transposed and padded to whole SIMD packs, so one row's k scores are d fused multiply-adds on
// packs of centres. Lloyd's lane kernel (lloyd_step) scores exactly as this one, term for term,
// so prediction labels rows as the fit did.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ml/feature_matrix.h"

namespace growthlens::ml {

/// Four doubles handled as one value (GCC vector extension): one AVX register, or two SSE2
/// registers on CPUs without AVX2. may_alias (as __m256d) so packs can be read as doubles.
using Double4 = double __attribute__((vector_size(32), __may_alias__));
inline constexpr size_t kCentresPerPack = 4;

/// Wrapper so packs can live in std::vector (attributes on template arguments are dropped).
/// alignas: without AVX enabled GCC aligns a 32-byte vector to 16 only, while the AVX2 clone
/// of the kernel loads packs with aligned 32-byte moves.
struct alignas(32) CentrePack {
  Double4 lanes;
};

class CentreTable {
 public:
  explicit CentreTable(const FeatureMatrix& centres);

  size_t k() const { return k_; }
  size_t dims() const { return dims_; }
  size_t packs() const { return packs_; }

  /// The values every score is computed from: -2 c_j[dim] and ||c_j||^2 (for kernels that
  /// hold rows in SIMD lanes and must score exactly as these kernels do).
  double MinusTwoCentre(size_t centre, size_t dim) const {
    return minus_two_transposed_[dim * packs_ + centre / kCentresPerPack]
        .lanes[centre % kCentresPerPack];
  }
  double SquaredNorm(size_t centre) const {
    return squared_norms_[centre / kCentresPerPack].lanes[centre % kCentresPerPack];
  }

  /// labels[r] = argmin_j score_j of row r of `rows` (count rows of dims() values, contiguous),
  /// first index on ties (numpy's argmin, as scikit-learn).
  void NearestRows(const double* rows, size_t count, int32_t* labels) const;

  /// scores[r * k() + j] = score_j of row r: the squared distance is max(0, ||x||^2 + score),
  /// scikit-learn's _euclidean_distances (k-means++ samples by it).
  void Scores(const double* rows, size_t count, double* scores) const;

 private:
  size_t k_;
  size_t dims_;
  size_t packs_;
  std::vector<CentrePack> minus_two_transposed_;  // [dim][pack]
  std::vector<CentrePack> squared_norms_;         // [pack]
};

}  // namespace growthlens::ml
