#pragma once
// Gradient-boosted trees for binary outcomes through XGBoost's C API (Debian's libxgboost),
// kept out of this header: the booster is an opaque handle freed by its owner. Deterministic:
// exact row order, a fixed seed, no row or column sampling and a fixed thread count give the same
// trees on every run and machine.
//
//   Result<BoostedTrees> model = BoostedTrees::Train(x, labels, {});
//   Result<std::vector<double>> p = model->Predict(x);
//   Result<FeatureMatrix> shap = model->Contributions(x);  // pred_contribs, log-odds

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ml/feature_matrix.h"

namespace growthlens::ml {

struct BoostedTreesOptions {
  int rounds = 100;
  int max_depth = 4;
  double learning_rate = 0.05;
  double min_child_weight = 1.0;
  double lambda = 1.0;  // L2 on leaf weights
  int max_bin = 256;
  // One thread: the same model on every machine, and no OpenMP threads spinning against each
  // other on a loaded machine (2 threads took 17 s where 1 took 0.5 s at a load of 7 on 2 cores).
  int threads = 1;
  uint64_t seed = 0;
};

class BoostedTrees {
 public:
  BoostedTrees(BoostedTrees&&) noexcept;
  BoostedTrees& operator=(BoostedTrees&&) noexcept;
  ~BoostedTrees();

  static Result<BoostedTrees> Train(const FeatureMatrix& x, std::span<const uint8_t> label,
                                    const BoostedTreesOptions& options);
  /// A model saved by ToJson.
  static Result<BoostedTrees> FromJson(std::string_view json);
  /// XGBoost's own JSON model format.
  Result<std::string> ToJson() const;

  /// The probability of the positive class per row.
  Result<std::vector<double>> Predict(const FeatureMatrix& x) const;
  /// Per row, each column's SHAP contribution to the log-odds (the bias column left out):
  /// exact TreeSHAP, computed per tree once per distinct set of split decisions (tree_splits.h).
  Result<FeatureMatrix> Contributions(const FeatureMatrix& x) const;
  /// The same numbers from XGBoost's pred_contribs on every row (what the tests compare with).
  Result<FeatureMatrix> ContributionsPerRow(const FeatureMatrix& x) const;

 private:
  struct Booster;
  explicit BoostedTrees(std::unique_ptr<Booster> booster);
  std::unique_ptr<Booster> booster_;
};

}  // namespace growthlens::ml
