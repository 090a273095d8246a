#pragma once
// A hash whose values are stored or sent outside the process (ClickHouse row keys, HTTP ETags),
// so it must never change between versions: 64-bit FNV-1a. core/hash.h's faster hash may change.

#include <cstdint>
#include <string_view>

namespace growthlens {

constexpr uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace growthlens
