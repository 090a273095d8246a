#include "ml/centred_rows.h"

#include "core/parallel.h"

namespace growthlens::ml {

namespace {

// Sums of per-chunk partials (each `width` values) in chunk order.
std::vector<double> MergeInOrder(const std::vector<double>& partial, size_t width) {
  std::vector<double> totals(width, 0.0);
  for (size_t offset = 0; offset < partial.size(); offset += width) {
    for (size_t dim = 0; dim < width; ++dim) totals[dim] += partial[offset + dim];
  }
  return totals;
}

}  // namespace

CentredRows CentredRows::From(const FeatureMatrix& input, unsigned threads) {
  CentredRows centred;
  const size_t rows = input.rows();
  const size_t dims = input.cols();
  const double count = static_cast<double>(rows);
  const RowChunks chunks(rows);

  // Pass 1: column means.
  std::vector<double> partial(chunks.count() * dims, 0.0);
  ParallelFor(chunks.count(), threads, [&](size_t chunk_idx) {
    double* sums = partial.data() + chunk_idx * dims;
    const RowRange range = chunks[chunk_idx];
    for (size_t row_idx = range.begin; row_idx < range.end; ++row_idx) {
      const double* row = input.row(row_idx).data();
      for (size_t dim = 0; dim < dims; ++dim) sums[dim] += row[dim];
    }
  });
  centred.mean = MergeInOrder(partial, dims);
  for (double& value : centred.mean) value /= count;

  // Pass 2: centred rows, their squared norms, and per column the sums of the centred values
  // and of their squares (the two-pass variance: the centred values' mean is rounding noise,
  // removed as numpy.var does).
  centred.x = FeatureMatrix(rows, dims);
  centred.row_norms2.resize(rows);
  std::vector<double> partial_residual(chunks.count() * dims, 0.0);
  std::vector<double> partial_squares(chunks.count() * dims, 0.0);
  ParallelFor(chunks.count(), threads, [&](size_t chunk_idx) {
    double* residual = partial_residual.data() + chunk_idx * dims;
    double* squares = partial_squares.data() + chunk_idx * dims;
    const double* means = centred.mean.data();
    const RowRange range = chunks[chunk_idx];
    for (size_t row_idx = range.begin; row_idx < range.end; ++row_idx) {
      const double* in = input.row(row_idx).data();
      double* out = centred.x.row(row_idx).data();
      double norm2 = 0;
      for (size_t dim = 0; dim < dims; ++dim) {
        const double value = in[dim] - means[dim];
        out[dim] = value;
        norm2 += value * value;
        residual[dim] += value;
        squares[dim] += value * value;
      }
      centred.row_norms2[row_idx] = norm2;
    }
  });
  const std::vector<double> residual = MergeInOrder(partial_residual, dims);
  const std::vector<double> squares = MergeInOrder(partial_squares, dims);
  centred.variance.resize(dims);
  double variance_sum = 0;
  for (size_t dim = 0; dim < dims; ++dim) {
    const double offset = residual[dim] / count;
    centred.variance[dim] = squares[dim] / count - offset * offset;
    variance_sum += centred.variance[dim];
  }
  centred.mean_variance = dims == 0 ? 0.0 : variance_sum / static_cast<double>(dims);
  centred.lanes = ChunkLanes(centred.x, centred.row_norms2, threads);
  return centred;
}

double InertiaOf(const FeatureMatrix& x, const FeatureMatrix& centres,
                 const std::vector<int32_t>& labels, unsigned threads) {
  const RowChunks chunks(x.rows());
  std::vector<double> partial(chunks.count(), 0.0);
  ParallelFor(chunks.count(), threads, [&](size_t chunk_idx) {
    const RowRange range = chunks[chunk_idx];
    double sum = 0;
    for (size_t row_idx = range.begin; row_idx < range.end; ++row_idx) {
      sum += SquaredDistance(x.row(row_idx).data(), centres.row(labels[row_idx]).data(), x.cols());
    }
    partial[chunk_idx] = sum;
  });
  double total = 0;
  for (const double value : partial) total += value;
  return total;
}

}  // namespace growthlens::ml
