#include "ml/centre_table.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/target_clones.h"

namespace growthlens::ml {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Lane indices and masks beside a Double4 (comparisons of Double4 give this type).
using Index4 = int64_t __attribute__((vector_size(32)));

// Rows scored together: eight independent multiply-add chains per pack hide the latency of
// each chain (one chain per row would wait on every FMA).
constexpr size_t kBlockRows = 8;
// Score buffers up to this many packs live on the stack (k <= 64 with a full block).
constexpr size_t kStackPacks = 128;

struct KernelTable {
  size_t k;
  size_t dims;
  size_t packs;
  const CentrePack* minus_two_transposed;
  const CentrePack* squared_norms;
};

// scores[r * packs + p] = pack p of row r's scores, for r < kRows. Every lane is
// norm + x_0 m_0 + x_1 m_1 + ... in that order, whatever kRows: the same bits for a row scored
// alone or in a block.
template <size_t kRows>
[[gnu::always_inline]] inline void ScoreRows(const KernelTable& table, const double* rows,
                                             CentrePack* scores) {
  size_t pack_idx = 0;
  do {  // k >= 1, so there is always a first pack (and the compiler knows it is written)
    Double4 acc[kRows];
    for (size_t row = 0; row < kRows; ++row) acc[row] = table.squared_norms[pack_idx].lanes;
    for (size_t dim = 0; dim < table.dims; ++dim) {
      const Double4 minus_two_centre =
          table.minus_two_transposed[dim * table.packs + pack_idx].lanes;
      for (size_t row = 0; row < kRows; ++row)
        acc[row] += rows[row * table.dims + dim] * minus_two_centre;
    }
    for (size_t row = 0; row < kRows; ++row) scores[row * table.packs + pack_idx].lanes = acc[row];
  } while (++pack_idx < table.packs);
}

// Smallest of all scores, by a vector reduction over the packs.
[[gnu::always_inline]] inline double MinScore(const CentrePack* scores, size_t packs) {
  Double4 low = scores[0].lanes;
  for (size_t pack_idx = 1; pack_idx < packs; ++pack_idx)
    low = scores[pack_idx].lanes < low ? scores[pack_idx].lanes : low;
  return std::min(std::min(low[0], low[1]), std::min(low[2], low[3]));
}

// The first index of the smallest score (numpy's argmin), without a chain of scalar compares:
// the minimum comes from a vector reduction, then each pack turns lanes equal to it into their
// centre index (others into a sentinel) and the smallest index wins.
[[gnu::always_inline]] inline int32_t ArgMin(const CentrePack* scores, size_t packs) {
  const double smallest = MinScore(scores, packs);
  const Double4 target = {smallest, smallest, smallest, smallest};
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  const Index4 none = {kNone, kNone, kNone, kNone};
  Index4 lane = {0, 1, 2, 3};
  Index4 first = none;
  for (size_t pack_idx = 0; pack_idx < packs; ++pack_idx) {
    const Index4 candidate = scores[pack_idx].lanes == target ? lane : none;
    first = candidate < first ? candidate : first;
    lane += static_cast<int64_t>(kCentresPerPack);
  }
  // Horizontal minimum by lane swaps, kept in vector registers: a scalar min of the lanes
  // compiles to a branch, mispredicted half the time. (__builtin_shufflevector: gcc 12 and clang
  // both have it; gcc's __builtin_shuffle does not compile with clang.)
  Index4 swapped = __builtin_shufflevector(first, first, 2, 3, 0, 1);
  first = swapped < first ? swapped : first;
  swapped = __builtin_shufflevector(first, first, 1, 0, 3, 2);
  first = swapped < first ? swapped : first;
  return static_cast<int32_t>(first[0]);
}

// The argmin of four rows at once (the same first-index rule as ArgMin). The scores are
// transposed 4 x 4 per pack so that each vector holds one centre's scores for the four rows; a
// running best and its index then take a few vertical operations per centre, with no
// horizontal reduction per row.
[[gnu::always_inline]] inline void NearestOfFour(const CentrePack* scores, size_t packs, size_t k,
                                                 int32_t* labels) {
  using Int4 = int32_t __attribute__((vector_size(16)));
  const Double4 infinity = {kInfinity, kInfinity, kInfinity, kInfinity};
  Double4 best = infinity;
  Index4 best_centre = {0, 0, 0, 0};
  for (size_t pack_idx = 0; pack_idx < packs; ++pack_idx) {
    const Double4 row0 = scores[pack_idx].lanes;
    const Double4 row1 = scores[packs + pack_idx].lanes;
    const Double4 row2 = scores[2 * packs + pack_idx].lanes;
    const Double4 row3 = scores[3 * packs + pack_idx].lanes;
    const Double4 even01 = __builtin_shufflevector(row0, row1, 0, 4, 2, 6);
    const Double4 odd01 = __builtin_shufflevector(row0, row1, 1, 5, 3, 7);
    const Double4 even23 = __builtin_shufflevector(row2, row3, 0, 4, 2, 6);
    const Double4 odd23 = __builtin_shufflevector(row2, row3, 1, 5, 3, 7);
    const Double4 by_centre[kCentresPerPack] = {__builtin_shufflevector(even01, even23, 0, 1, 4, 5),
                                                __builtin_shufflevector(odd01, odd23, 0, 1, 4, 5),
                                                __builtin_shufflevector(even01, even23, 2, 3, 6, 7),
                                                __builtin_shufflevector(odd01, odd23, 2, 3, 6, 7)};
    for (size_t lane = 0; lane < kCentresPerPack; ++lane) {
      const size_t centre = pack_idx * kCentresPerPack + lane;
      if (centre >= k) break;
      if (centre == 0) {
        best = by_centre[0];
        continue;
      }
      const Double4 score = by_centre[lane];
      const Index4 better = score < best;
      best = better ? score : best;
      const int64_t index = static_cast<int64_t>(centre);
      best_centre = better ? Index4{index, index, index, index} : best_centre;
    }
  }
  const Int4 narrow = __builtin_convertvector(best_centre, Int4);
  std::memcpy(labels, &narrow, sizeof(narrow));
}

// The one place scores are computed. Compiled for x86-64-v3 (AVX2 + FMA) and for the
// baseline; the loader picks one clone per CPU (and lloyd_step's clone for the same CPU rounds
// its multiply-adds alike, so prediction labels rows as the fit did).
GROWTHLENS_TARGET_CLONES("arch=x86-64-v3", "default")
void NearestKernel(const KernelTable& table, const double* rows, size_t count, int32_t* labels) {
  const size_t needed = kBlockRows * table.packs;
  CentrePack stack_scores[kStackPacks];
  std::vector<CentrePack> heap_scores(needed > kStackPacks ? needed : 0);
  CentrePack* scores = needed > kStackPacks ? heap_scores.data() : stack_scores;
  size_t row_idx = 0;
  for (; row_idx + kBlockRows <= count; row_idx += kBlockRows) {
    ScoreRows<kBlockRows>(table, rows + row_idx * table.dims, scores);
    for (size_t row = 0; row < kBlockRows; row += 4)
      NearestOfFour(scores + row * table.packs, table.packs, table.k, labels + row_idx + row);
  }
  for (; row_idx < count; ++row_idx) {
    ScoreRows<1>(table, rows + row_idx * table.dims, scores);
    labels[row_idx] = ArgMin(scores, table.packs);
  }
}

// All k scores of each row, unpadded (k-means++ turns them into squared distances).
GROWTHLENS_TARGET_CLONES("arch=x86-64-v3", "default")
void ScoresKernel(const KernelTable& table, const double* rows, size_t count, double* out) {
  const size_t needed = kBlockRows * table.packs;
  CentrePack stack_scores[kStackPacks];
  std::vector<CentrePack> heap_scores(needed > kStackPacks ? needed : 0);
  CentrePack* scores = needed > kStackPacks ? heap_scores.data() : stack_scores;
  const double* flat = reinterpret_cast<const double*>(scores);
  size_t row_idx = 0;
  for (; row_idx + kBlockRows <= count; row_idx += kBlockRows) {
    ScoreRows<kBlockRows>(table, rows + row_idx * table.dims, scores);
    for (size_t row = 0; row < kBlockRows; ++row) {
      std::copy_n(flat + row * table.packs * kCentresPerPack, table.k,
                  out + (row_idx + row) * table.k);
    }
  }
  for (; row_idx < count; ++row_idx) {
    ScoreRows<1>(table, rows + row_idx * table.dims, scores);
    std::copy_n(flat, table.k, out + row_idx * table.k);
  }
}

}  // namespace

CentreTable::CentreTable(const FeatureMatrix& centres)
    : k_(centres.rows()),
      dims_(centres.cols()),
      packs_((centres.rows() + kCentresPerPack - 1) / kCentresPerPack),
      minus_two_transposed_(dims_ * packs_),
      squared_norms_(packs_) {
  for (size_t pack_idx = 0; pack_idx < packs_; ++pack_idx) {
    for (size_t lane = 0; lane < kCentresPerPack; ++lane) {
      const size_t centre = pack_idx * kCentresPerPack + lane;
      double norm = kInfinity;  // padding lanes never win the argmin
      if (centre < k_) {
        norm = 0;
        for (size_t dim = 0; dim < dims_; ++dim)
          norm += centres(centre, dim) * centres(centre, dim);
      }
      squared_norms_[pack_idx].lanes[lane] = norm;
      for (size_t dim = 0; dim < dims_; ++dim) {
        minus_two_transposed_[dim * packs_ + pack_idx].lanes[lane] =
            centre < k_ ? -2.0 * centres(centre, dim) : 0.0;
      }
    }
  }
}

void CentreTable::NearestRows(const double* rows, size_t count, int32_t* labels) const {
  const KernelTable table{k_, dims_, packs_, minus_two_transposed_.data(), squared_norms_.data()};
  NearestKernel(table, rows, count, labels);
}

void CentreTable::Scores(const double* rows, size_t count, double* scores) const {
  const KernelTable table{k_, dims_, packs_, minus_two_transposed_.data(), squared_norms_.data()};
  ScoresKernel(table, rows, count, scores);
}

}  // namespace growthlens::ml
