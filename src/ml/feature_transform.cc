#include "ml/feature_transform.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/compensated_sum.h"
#include "core/parallel.h"
#include "ml/row_chunks.h"

namespace growthlens::ml {

namespace {

Status CheckDomain(const FeatureMatrix& x, bool log1p) {
  GROWTHLENS_RETURN_IF_ERROR(x.CheckFinite());
  if (!log1p) return Status::Ok();
  for (size_t row_idx = 0; row_idx < x.rows(); ++row_idx) {
    for (size_t col_idx = 0; col_idx < x.cols(); ++col_idx) {
      if (x(row_idx, col_idx) <= -1.0) {
        return Status(ErrorCode::kInvalidArgument,
                      "feature transform: row " + std::to_string(row_idx) + ", column " +
                          std::to_string(col_idx) + ": log1p needs values > -1, got " +
                          std::to_string(x(row_idx, col_idx)));
      }
    }
  }
  return Status::Ok();
}

// sklearn's _is_constant_feature: a variance this small is rounding noise of the mean.
bool IsConstantColumn(double variance, double mean, size_t rows) {
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  const double count = static_cast<double>(rows);
  const double noise = count * mean * kEps;
  return variance <= count * kEps * variance + noise * noise;
}

/// log1p of the whole numbers 0 .. size - 1: RFM features are mostly small counts (days,
/// orders, events), whose log1p is then a lookup of the very same value.
std::vector<double> Log1pTable(size_t size) {
  std::vector<double> table(size);
  for (size_t value = 0; value < size; ++value)
    table[value] = std::log1p(static_cast<double>(value));
  return table;
}

/// std::log1p(value), from `table` when value is a whole number it holds (not -0.0, whose
/// log1p keeps the sign).
double Log1p(double value, const std::vector<double>& table) {
  if (value >= 1 && value < static_cast<double>(table.size())) {
    const auto whole = static_cast<size_t>(value);
    if (static_cast<double>(whole) == value) return table[whole];
  }
  return std::log1p(value);
}

// (value - mean) / scale, column by column, in place.
void Standardize(FeatureMatrix& z, const std::vector<double>& mean,
                 const std::vector<double>& scale) {
  for (size_t row_idx = 0; row_idx < z.rows(); ++row_idx)
    for (size_t col_idx = 0; col_idx < z.cols(); ++col_idx)
      z(row_idx, col_idx) = (z(row_idx, col_idx) - mean[col_idx]) / scale[col_idx];
}

}  // namespace

Result<FeatureTransform> FeatureTransform::Fit(const FeatureMatrix& x,
                                               const FeatureTransformOptions& options) {
  if (x.rows() == 0 || x.cols() == 0)
    return Status(ErrorCode::kInvalidArgument, "feature transform: no data to fit");
  GROWTHLENS_RETURN_IF_ERROR(CheckDomain(x, options.log1p));
  FeatureTransform transform;
  transform.log1p = options.log1p;
  transform.mean.resize(x.cols());
  transform.scale.resize(x.cols());
  const double count = static_cast<double>(x.rows());
  std::vector<double> column(x.rows());
  for (size_t col_idx = 0; col_idx < x.cols(); ++col_idx) {
    CompensatedSum sum;
    for (size_t row_idx = 0; row_idx < x.rows(); ++row_idx) {
      const double value = x(row_idx, col_idx);
      column[row_idx] = options.log1p ? std::log1p(value) : value;
      sum.Add(column[row_idx]);
    }
    const double mean = sum.Value() / count;
    // Two-pass variance with the correction term, as sklearn's _incremental_mean_and_var.
    CompensatedSum deviations;
    CompensatedSum squares;
    for (const double value : column) {
      deviations.Add(value - mean);
      squares.Add((value - mean) * (value - mean));
    }
    const double correction = deviations.Value();
    const double variance = (squares.Value() - correction * correction / count) / count;
    transform.mean[col_idx] = mean;
    transform.scale[col_idx] =
        IsConstantColumn(variance, mean, x.rows()) ? 1.0 : std::sqrt(variance);
  }
  return transform;
}

Result<FeatureMatrix> FeatureTransform::Apply(const FeatureMatrix& x) const {
  if (x.cols() != mean.size()) {
    return Status(ErrorCode::kInvalidArgument, "feature transform: fitted on " +
                                                   std::to_string(mean.size()) +
                                                   " columns, given " + std::to_string(x.cols()));
  }
  GROWTHLENS_RETURN_IF_ERROR(CheckDomain(x, log1p));
  FeatureMatrix z(x.rows(), x.cols());
  for (size_t row_idx = 0; row_idx < x.rows(); ++row_idx)
    for (size_t col_idx = 0; col_idx < x.cols(); ++col_idx)
      z(row_idx, col_idx) = log1p ? std::log1p(x(row_idx, col_idx)) : x(row_idx, col_idx);
  Standardize(z, mean, scale);
  return z;
}

Result<FeatureMatrix> FeatureTransform::FitApply(const FeatureMatrix& x,
                                                 FeatureTransform& transform, unsigned threads) {
  GROWTHLENS_RETURN_IF_ERROR(CheckDomain(x, true));
  // log1p of every value once, in fixed row chunks on every core (each value alone: the same
  // bits on any number of threads); then fitting without log1p on them is Fit with it.
  // Small whole numbers come from a table of their log1p, built here (a few microseconds).
  constexpr size_t kTableSize = 4096;
  const std::vector<double> table = Log1pTable(std::min(kTableSize, x.rows() * x.cols()));
  FeatureMatrix logged(x.rows(), x.cols());
  const RowChunks chunks(x.rows());
  ParallelFor(chunks.count(), threads, [&](size_t chunk_idx) {
    const RowRange range = chunks[chunk_idx];
    for (size_t row_idx = range.begin; row_idx < range.end; ++row_idx)
      for (size_t col_idx = 0; col_idx < x.cols(); ++col_idx)
        logged(row_idx, col_idx) = Log1p(x(row_idx, col_idx), table);
  });
  Result<FeatureTransform> fitted = Fit(logged, FeatureTransformOptions{.log1p = false});
  if (!fitted.ok()) return fitted.status();
  transform = std::move(fitted).value();
  transform.log1p = true;
  Standardize(logged, transform.mean, transform.scale);
  return logged;
}

Result<FeatureMatrix> FeatureTransform::Invert(const FeatureMatrix& z) const {
  if (z.cols() != mean.size()) {
    return Status(ErrorCode::kInvalidArgument, "feature transform: fitted on " +
                                                   std::to_string(mean.size()) +
                                                   " columns, given " + std::to_string(z.cols()));
  }
  GROWTHLENS_RETURN_IF_ERROR(z.CheckFinite());
  FeatureMatrix x(z.rows(), z.cols());
  for (size_t row_idx = 0; row_idx < z.rows(); ++row_idx) {
    for (size_t col_idx = 0; col_idx < z.cols(); ++col_idx) {
      const double value = z(row_idx, col_idx) * scale[col_idx] + mean[col_idx];
      x(row_idx, col_idx) = log1p ? std::expm1(value) : value;
    }
  }
  return x;
}

}  // namespace growthlens::ml
