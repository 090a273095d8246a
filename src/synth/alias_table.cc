#include "synth/alias_table.h"

#include <cassert>
#include <numeric>

namespace growthlens::synth {

AliasTable::AliasTable(std::span<const double> weights)
    : keep_(weights.size(), 1.0), alias_(weights.size()) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  assert(!weights.empty() && total > 0.0 && "an alias table needs a positive total weight");
  const double scale = static_cast<double>(weights.size()) / total;
  std::vector<double> scaled(weights.size());
  std::vector<uint32_t> small;
  std::vector<uint32_t> large;
  for (size_t index = 0; index < weights.size(); ++index) {
    scaled[index] = weights[index] * scale;
    alias_[index] = static_cast<uint32_t>(index);
    (scaled[index] < 1.0 ? small : large).push_back(static_cast<uint32_t>(index));
  }
  // Vose: pair each under-full bucket with an over-full one that tops it up.
  while (!small.empty() && !large.empty()) {
    const uint32_t under = small.back();
    small.pop_back();
    const uint32_t over = large.back();
    keep_[under] = scaled[under];
    alias_[under] = over;
    scaled[over] -= 1.0 - scaled[under];
    if (scaled[over] < 1.0) {
      large.pop_back();
      small.push_back(over);
    }
  }
  // Whatever is left is full up to rounding error.
  for (const uint32_t index : small) keep_[index] = 1.0;
  for (const uint32_t index : large) keep_[index] = 1.0;
}

}  // namespace growthlens::synth
