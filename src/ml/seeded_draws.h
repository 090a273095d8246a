#pragma once
// Draws from a seeded std::mt19937_64 with conversions written out here (not the standard
// distributions, whose algorithms differ between standard libraries), so a seed gives the same
// k-means++ centres and silhouette samples everywhere.

#include <cstddef>
#include <cstdint>
#include <random>

namespace growthlens::ml {

/// Uniform in [0, 1) with 53 random bits.
inline double UniformUnit(std::mt19937_64& rng) {
  constexpr double kTwoToMinus53 = 0x1.0p-53;
  return static_cast<double>(rng() >> 11) * kTwoToMinus53;
}

/// Uniform integer in [0, bound), bound > 0; rejection sampling keeps it unbiased.
inline size_t UniformIndex(std::mt19937_64& rng, size_t bound) {
  const uint64_t range = bound;
  const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
  uint64_t draw = rng();
  while (draw >= limit) draw = rng();
  return static_cast<size_t>(draw % range);
}

}  // namespace growthlens::ml
