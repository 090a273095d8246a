#pragma once
// FeatureMatrix: the dense input of the ML layer, one row per user and one column per feature
// (n x d doubles, row-major, so a row is one contiguous span).
//
//   Result<FeatureMatrix> x = FeatureMatrix::FromColumns({recency, frequency, monetary});
//   for (size_t row = 0; row < x->rows(); ++row) Use(x->row(row));

#include <cstddef>
#include <span>
#include <vector>

#include "core/status.h"

namespace growthlens::ml {

class FeatureMatrix {
 public:
  FeatureMatrix() = default;
  /// A zero-filled rows x cols matrix.
  FeatureMatrix(size_t rows, size_t cols) : rows_(rows), cols_(cols), values_(rows * cols) {}

  /// Takes `values` (rows * cols of them, row-major); an error when the size does not fit.
  static Result<FeatureMatrix> FromRowMajor(size_t rows, size_t cols, std::vector<double> values);
  /// One column per span, all of the same length.
  static Result<FeatureMatrix> FromColumns(std::span<const std::span<const double>> columns);

  size_t rows() const { return rows_; }
  size_t cols() const { return cols_; }
  bool empty() const { return rows_ == 0; }

  std::span<const double> row(size_t row_idx) const {
    return {values_.data() + row_idx * cols_, cols_};
  }
  std::span<double> row(size_t row_idx) { return {values_.data() + row_idx * cols_, cols_}; }
  double operator()(size_t row_idx, size_t col_idx) const {
    return values_[row_idx * cols_ + col_idx];
  }
  double& operator()(size_t row_idx, size_t col_idx) { return values_[row_idx * cols_ + col_idx]; }

  /// All values, row-major.
  std::span<const double> values() const { return values_; }
  std::span<double> values() { return values_; }

  /// The given rows, in the given order (e.g. a sample).
  FeatureMatrix SelectRows(std::span<const size_t> row_indices) const;

  /// Ok when every value is finite; else a kInvalidArgument error naming the first bad cell.
  Status CheckFinite() const;

  friend bool operator==(const FeatureMatrix&, const FeatureMatrix&) = default;

 private:
  size_t rows_ = 0;
  size_t cols_ = 0;
  std::vector<double> values_;
};

}  // namespace growthlens::ml
