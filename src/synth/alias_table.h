#pragma once
// Sampling from a fixed discrete distribution in O(1) per draw with Vose's alias method:
// products by Zipf-like popularity, countries by share, quantities by how often they occur.

#include <cstdint>
#include <span>
#include <vector>

#include "synth/random.h"

namespace growthlens::synth {

/// A discrete distribution over 0..n-1, built once from non-negative weights.
///
///   AliasTable popularity(weights);      // weights need not sum to 1
///   size_t product = popularity.Sample(rng);
class AliasTable {
 public:
  AliasTable() = default;
  /// `weights` must be non-empty with a positive sum.
  explicit AliasTable(std::span<const double> weights);

  /// An index drawn with probability weight[index] / sum(weights), from one random number.
  size_t Sample(Random& rng) const {
    const double scaled = rng.Uniform() * static_cast<double>(keep_.size());
    const auto bucket = static_cast<size_t>(scaled);
    return scaled - static_cast<double>(bucket) < keep_[bucket] ? bucket : alias_[bucket];
  }

  size_t size() const { return keep_.size(); }

 private:
  std::vector<double> keep_;     // chance that a draw landing in a bucket keeps it
  std::vector<uint32_t> alias_;  // where it goes otherwise
};

}  // namespace growthlens::synth
