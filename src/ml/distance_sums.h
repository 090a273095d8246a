#pragma once
// The silhouette's inner loop: for up to four rows, the sum of Euclidean distances to a run of
// points stored column-major. Distances by direct differences (sqrt of sum (x - y)^2), so the
// distance of a point to itself is exactly 0 and nothing cancels. AVX-512 and AVX2 + FMA
// versions are chosen at run time when the CPU has them; all give the same sums to ~1e-15.

#include <cstddef>

namespace growthlens::ml {

inline constexpr size_t kDistanceSumRows = 4;

/// Points stored dimension by dimension: coordinate `dim` of point `col` is
/// coords[dim * stride + col]. Every dimension has at least 8 readable slots past the last
/// point (zero padding), so kernels may load whole packs at the end of a run.
struct ColumnMajorPoints {
  const double* coords = nullptr;
  size_t stride = 0;
  size_t dims = 0;
};

/// sums[r] += sum over col in [begin, end) of ||rows[r] - point col||, for r < 4; `rows` holds
/// 4 rows of `points.dims` values, row-major (repeat a row to fill the block).
using DistanceSumsFn = void (*)(const ColumnMajorPoints& points, size_t begin, size_t end,
                                const double* rows, double* sums);

/// The fastest kernel this CPU supports.
DistanceSumsFn BestDistanceSums();
/// The portable kernel (tests compare the two).
DistanceSumsFn PortableDistanceSums();

}  // namespace growthlens::ml
