#pragma once
// The split nodes of a boosted-trees model (XGBoost's model read from its UBJSON, where the
// thresholds are stored as the exact float32 XGBoost compares with), and for each tree and row
// the side every split node sends the row to. Exact TreeSHAP reads a row only through those
// sides (the path it takes and the paths it does not), so rows with the same decision key get the
// same contributions from that tree: BoostedTrees::Contributions computes them once per distinct
// key instead of once per row.
//
//   Result<TreeSplits> splits = TreeSplits::FromUbjson(bytes, features);
//   splits->DecisionKeys(values, cols, keys);  // keys[row * trees() + tree]

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace growthlens::ml {

class TreeSplits {
 public:
  /// The trees of XGBoost's UBJSON model document (XGBoosterSaveModelToBuffer, format "ubj")
  /// of a model reading `features` columns.
  static Result<TreeSplits> FromUbjson(std::span<const uint8_t> bytes, size_t features);

  size_t trees() const { return trees_.size(); }
  /// True when every tree has at most 64 split nodes, so that a key holds all of its decisions.
  bool KeysFit() const;

  /// For the rows of `values` (row-major, `cols` floats each, as XGBoost reads them) and every
  /// tree, one bit per split node: 1 where the row goes to the left child (value below the
  /// threshold, or missing and the default is left). keys[row * trees() + tree]; needs KeysFit().
  void DecisionKeys(std::span<const float> values, size_t cols, std::span<uint64_t> keys) const;

 private:
  struct Split {
    uint32_t feature;
    float threshold;
    bool default_left;
  };
  std::vector<std::vector<Split>> trees_;  // per tree, its split nodes
};

}  // namespace growthlens::ml
