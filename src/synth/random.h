#pragma once
// The generator's pseudo-random numbers: xoshiro256** (Blackman & Vigna), seeded through
// SplitMix64. Every user or customer gets its own stream derived from (seed, purpose, index),
// so a row's values depend only on the seed and the entity that produced it, never on which
// thread or block ran it. The exact sequences are part of the output format: changing them
// changes what `growthlens generate --seed N` writes.

#include <cmath>
#include <cstdint>

namespace growthlens::synth {

/// One SplitMix64 step: advances `state` and returns a well-mixed 64-bit value.
constexpr uint64_t SplitMix64(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  uint64_t mixed = state;
  mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ULL;
  mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBULL;
  return mixed ^ (mixed >> 31);
}

/// What a stream is used for; part of its derivation so that, say, user 7 of the usage log
/// and customer 7 of the transactions never share numbers.
enum class StreamPurpose : uint64_t {
  kUsageUser = 1,
  kCustomer = 2,
  kCatalogue = 3,
  kEventTiming = 4,  // the event log's onboarding, platform and clock times
  kRowShuffle = 5,   // the usage log's --order shuffled permutation
};

/// xoshiro256**: fast (about 1 ns a number), 256 bits of state, passes BigCrush.
class Random {
 public:
  /// A generator whose state is filled from `seed` by SplitMix64, as the authors recommend.
  explicit constexpr Random(uint64_t seed) {
    for (uint64_t& word : state_) word = SplitMix64(seed);
  }

  /// The stream of entity `index` for `purpose` under the run's `seed`.
  static constexpr Random ForStream(uint64_t seed, StreamPurpose purpose, uint64_t index) {
    uint64_t mixer = seed;
    const uint64_t seed_word = SplitMix64(mixer);
    mixer = seed_word ^ static_cast<uint64_t>(purpose);
    const uint64_t purpose_word = SplitMix64(mixer);
    mixer = purpose_word ^ index;
    return Random(SplitMix64(mixer));
  }

  constexpr uint64_t Next() {
    const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
    const uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = RotateLeft(state_[3], 45);
    return result;
  }

  /// Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  /// Uniform in (0, 1]: safe to take the logarithm of.
  double UniformPositive() { return static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53; }

  /// True with probability `probability` (values outside [0, 1] saturate).
  bool Bernoulli(double probability) { return Uniform() < probability; }

  /// Uniform integer in [0, bound); bound > 0. The bias is below 2^-53 for any bound we use.
  uint64_t Below(uint64_t bound) {
    return static_cast<uint64_t>(Uniform() * static_cast<double>(bound));
  }

  /// Uniform integer in [low, high], inclusive.
  int64_t Between(int64_t low, int64_t high) {
    return low + static_cast<int64_t>(Below(static_cast<uint64_t>(high - low) + 1));
  }

  /// Exponential with the given mean.
  double Exponential(double mean) { return -std::log(UniformPositive()) * mean; }

  /// Standard normal (Box-Muller; the second value is dropped to keep streams simple).
  double Normal() {
    constexpr double kTwoPi = 6.283185307179586;
    return std::sqrt(-2.0 * std::log(UniformPositive())) * std::cos(kTwoPi * Uniform());
  }

  /// A log-normal multiplier with mean 1: exp(sigma * Z - sigma^2 / 2). Used for per-entity
  /// variation around a persona's typical value.
  double LogNormalFactor(double sigma) { return std::exp(sigma * Normal() - 0.5 * sigma * sigma); }

  /// Lomax (Pareto type II) with shape `alpha` and scale 1: heavy-tailed, mean 1/(alpha-1)
  /// for alpha > 1. Drives events and basket sizes, whose real distributions have long tails.
  double Lomax(double alpha) { return std::pow(UniformPositive(), -1.0 / alpha) - 1.0; }

  /// Poisson with the given mean: Knuth's product method for small means, a rounded normal
  /// approximation above 30 where the product method gets slow.
  int64_t Poisson(double mean) {
    constexpr double kNormalApproximationAbove = 30.0;
    if (mean <= 0.0) return 0;
    if (mean > kNormalApproximationAbove) {
      const double draw = std::round(mean + std::sqrt(mean) * Normal());
      return draw < 0.0 ? 0 : static_cast<int64_t>(draw);
    }
    const double limit = std::exp(-mean);
    int64_t count = 0;
    double product = Uniform();
    while (product > limit) {
      ++count;
      product *= Uniform();
    }
    return count;
  }

 private:
  static constexpr uint64_t RotateLeft(uint64_t value, int bits) {
    return (value << bits) | (value >> (64 - bits));
  }

  uint64_t state_[4] = {};
};

}  // namespace growthlens::synth
