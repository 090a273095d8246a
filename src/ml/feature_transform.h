#pragma once
// FeatureTransform: log1p, then standard scaling, as scikit-learn's
//   make_pipeline(FunctionTransformer(np.log1p), StandardScaler())
// The fitted parameters (per-column mean and scale of log1p(x)) are kept so the same
// transform can be applied to new data, e.g. to place new customers in existing segments.
//
//   Result<FeatureTransform> transform = FeatureTransform::Fit(rfm_features);
//   Result<FeatureMatrix> scaled = transform->Apply(rfm_features);

#include <vector>

#include "core/status.h"
#include "ml/feature_matrix.h"

namespace growthlens::ml {

struct FeatureTransformOptions {
  bool log1p = true;  // heavy-tailed counts and money are clustered on a log scale
};

struct FeatureTransform {
  bool log1p = true;
  std::vector<double> mean;   // per column, of log1p(x) (or x without log1p)
  std::vector<double> scale;  // per column: population std (ddof 0), 1 for constant columns

  /// Fits mean and scale on `x`. Errors: no rows, non-finite values, values <= -1 with log1p.
  static Result<FeatureTransform> Fit(const FeatureMatrix& x,
                                      const FeatureTransformOptions& options = {});

  /// (log1p(x) - mean) / scale per column. Errors: column count differs from the fit, values
  /// outside the domain.
  Result<FeatureMatrix> Apply(const FeatureMatrix& x) const;

  /// Fit then Apply on the same `x`, bit for bit, with each log1p computed once and on
  /// `threads` threads (0 = all cores): what segmentation does with its features.
  static Result<FeatureMatrix> FitApply(const FeatureMatrix& x, FeatureTransform& transform,
                                        unsigned threads = 0);

  /// Back to the input's units: expm1(z * scale + mean); for reading cluster centres.
  Result<FeatureMatrix> Invert(const FeatureMatrix& z) const;
};

}  // namespace growthlens::ml
