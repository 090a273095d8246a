#include "ml/feature_matrix.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace growthlens::ml {

Result<FeatureMatrix> FeatureMatrix::FromRowMajor(size_t rows, size_t cols,
                                                  std::vector<double> values) {
  if (values.size() != rows * cols) {
    return Status(ErrorCode::kInvalidArgument, "feature matrix: " + std::to_string(values.size()) +
                                                   " values do not fill " + std::to_string(rows) +
                                                   " rows x " + std::to_string(cols) + " columns");
  }
  FeatureMatrix matrix;
  matrix.rows_ = rows;
  matrix.cols_ = cols;
  matrix.values_ = std::move(values);
  return matrix;
}

Result<FeatureMatrix> FeatureMatrix::FromColumns(std::span<const std::span<const double>> columns) {
  if (columns.empty()) return FeatureMatrix();
  const size_t rows = columns.front().size();
  for (size_t col_idx = 1; col_idx < columns.size(); ++col_idx) {
    if (columns[col_idx].size() != rows) {
      return Status(ErrorCode::kInvalidArgument,
                    "feature matrix: column " + std::to_string(col_idx) + " has " +
                        std::to_string(columns[col_idx].size()) + " values, column 0 has " +
                        std::to_string(rows));
    }
  }
  FeatureMatrix matrix(rows, columns.size());
  for (size_t col_idx = 0; col_idx < columns.size(); ++col_idx) {
    for (size_t row_idx = 0; row_idx < rows; ++row_idx)
      matrix(row_idx, col_idx) = columns[col_idx][row_idx];
  }
  return matrix;
}

FeatureMatrix FeatureMatrix::SelectRows(std::span<const size_t> row_indices) const {
  FeatureMatrix selected(row_indices.size(), cols_);
  for (size_t out_idx = 0; out_idx < row_indices.size(); ++out_idx) {
    const std::span<const double> source = row(row_indices[out_idx]);
    std::copy(source.begin(), source.end(), selected.row(out_idx).begin());
  }
  return selected;
}

Status FeatureMatrix::CheckFinite() const {
  for (size_t index = 0; index < values_.size(); ++index) {
    if (!std::isfinite(values_[index])) {
      return Status(ErrorCode::kInvalidArgument,
                    "feature matrix row " + std::to_string(index / cols_) + ", column " +
                        std::to_string(index % cols_) + ": expected a finite number, got " +
                        std::to_string(values_[index]));
    }
  }
  return Status::Ok();
}

}  // namespace growthlens::ml
