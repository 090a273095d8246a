#pragma once
// Fast non-cryptographic hashing for dictionaries and duplicate detection. Strings are hashed
// 8 bytes at a time with a multiply-mix; the exact function is internal and may change.

#include <cstdint>
#include <cstring>
#include <string_view>

namespace growthlens {

inline constexpr uint64_t kHashMultiplier = 0x9E3779B97F4A7C15ULL;

/// Finaliser of MurmurHash3: spreads every input bit over the whole word.
constexpr uint64_t MixBits(uint64_t value) {
  value ^= value >> 33;
  value *= 0xFF51AFD7ED558CCDULL;
  value ^= value >> 33;
  value *= 0xC4CEB9FE1A85EC53ULL;
  value ^= value >> 33;
  return value;
}

/// Combines a running hash with one more value (order-sensitive).
constexpr uint64_t HashCombine(uint64_t seed, uint64_t value) {
  return MixBits(seed ^ (value + kHashMultiplier + (seed << 6) + (seed >> 2)));
}

inline uint64_t HashBytes(std::string_view bytes) {
  uint64_t hash = bytes.size() * kHashMultiplier;
  const char* data = bytes.data();
  size_t remaining = bytes.size();
  while (remaining >= 8) {
    uint64_t word;
    std::memcpy(&word, data, 8);
    hash = (hash ^ word) * kHashMultiplier;
    hash ^= hash >> 29;
    data += 8;
    remaining -= 8;
  }
  if (remaining > 0) {
    uint64_t word = 0;
    std::memcpy(&word, data, remaining);
    hash = (hash ^ word) * kHashMultiplier;
  }
  return MixBits(hash);
}

}  // namespace growthlens
