#include "ml/tree_splits.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>

namespace growthlens::ml {

namespace {

constexpr size_t kKeyBits = 64;

}  // namespace

Result<TreeSplits> TreeSplits::FromUbjson(std::span<const uint8_t> bytes, size_t features) {
  try {
    const nlohmann::json model = nlohmann::json::from_ubjson(bytes.begin(), bytes.end());
    const nlohmann::json& trees =
        model.at("learner").at("gradient_booster").at("model").at("trees");
    TreeSplits splits;
    for (const nlohmann::json& tree : trees) {
      const auto left = tree.at("left_children").get<std::vector<int64_t>>();
      const auto feature = tree.at("split_indices").get<std::vector<int64_t>>();
      const auto threshold = tree.at("split_conditions").get<std::vector<double>>();
      const auto default_left = tree.at("default_left").get<std::vector<int64_t>>();
      if (feature.size() != left.size() || threshold.size() != left.size() ||
          default_left.size() != left.size())
        throw std::runtime_error("a tree's node arrays differ in length");
      std::vector<Split> nodes;
      for (size_t node = 0; node < left.size(); ++node) {
        if (left[node] < 0) continue;  // a leaf
        if (feature[node] < 0 || static_cast<size_t>(feature[node]) >= features)
          throw std::runtime_error(fmt::format("split feature {} of {}", feature[node], features));
        // UBJSON keeps XGBoost's float32 threshold, so the cast back is exact.
        nodes.push_back({static_cast<uint32_t>(feature[node]), static_cast<float>(threshold[node]),
                         default_left[node] != 0});
      }
      splits.trees_.push_back(std::move(nodes));
    }
    return splits;
  } catch (const std::exception& error) {
    return Status(ErrorCode::kInternal,
                  fmt::format("XGBoost model: cannot read its trees: {}", error.what()));
  }
}

bool TreeSplits::KeysFit() const {
  for (const std::vector<Split>& tree : trees_)
    if (tree.size() > kKeyBits) return false;
  return true;
}

void TreeSplits::DecisionKeys(std::span<const float> values, size_t cols,
                              std::span<uint64_t> keys) const {
  const size_t rows = cols == 0 ? 0 : values.size() / cols, count = trees_.size();
  for (size_t row = 0; row < rows; ++row) {
    const float* x = values.data() + row * cols;
    for (size_t tree = 0; tree < count; ++tree) {
      uint64_t key = 0, bit = 1;
      for (const Split& split : trees_[tree]) {
        const float value = x[split.feature];
        // XGBoost's rule: a missing value (NaN) follows the default, else below goes left.
        const bool left = std::isnan(value) ? split.default_left : value < split.threshold;
        key |= left ? bit : 0;
        bit <<= 1;
      }
      keys[row * count + tree] = key;
    }
  }
}

}  // namespace growthlens::ml
