#pragma once
// The random draws of the campaign simulation. Run r of a simulation with seed s has a stream
// of its own, SplitMix64 seeded from (s, r), which gives every user one 64-bit draw in user
// order. A user is treated when the draw is below ChanceThreshold(treatment_share); among the
// treated, the same draw decides the per-user effect of a rate metric (below
// ChanceThreshold(share) scaled by the effect's probability): given treatment the draw is
// uniform below the threshold, so each treated user is affected with exactly that probability,
// independently of the others. So a run depends only on (seed, run), never on which thread ran
// it, and every campaign simulated on the same users with the same seed sees the same splits
// (common random numbers: campaigns are compared on the same experiments).
//
//   DrawStream stream(seed, run);
//   const bool treated = stream.Next() < ChanceThreshold(treatment_share);

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/hash.h"

namespace growthlens::stats {

/// SplitMix64 (Steele, Lea and Flood 2014): one add and a mix per number, 2^64 period.
class DrawStream {
 public:
  DrawStream(uint64_t seed, uint64_t run) : state_(HashCombine(MixBits(seed), run)) {}

  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    uint64_t mixed = state_;
    mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ULL;
    mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBULL;
    return mixed ^ (mixed >> 31);
  }

 private:
  uint64_t state_;
};

/// The threshold t with P(draw < t) = probability for a uniform 64-bit draw (to 2^-64; 1 is
/// 1 - 2^-64).
inline uint64_t ChanceThreshold(double probability) {
  if (!(probability > 0.0)) return 0;
  const double scaled = std::ldexp(probability, 64);
  return scaled >= 0x1.0p64 ? UINT64_MAX : static_cast<uint64_t>(scaled);
}

/// The arms of run `run` in user order, 1 = treatment: each user independently with
/// probability `treatment_share`, as a hash-based assignment in production does. The
/// simulation draws exactly these; exposed for tests and for listing the arms.
inline std::vector<uint8_t> DrawArms(size_t users, double treatment_share, uint64_t seed,
                                     uint64_t run) {
  DrawStream stream(seed, run);
  const uint64_t threshold = ChanceThreshold(treatment_share);
  std::vector<uint8_t> arms(users);
  for (uint8_t& arm : arms) arm = stream.Next() < threshold ? 1 : 0;
  return arms;
}

}  // namespace growthlens::stats
