#pragma once
// The identity of an order (an OrderTable row): invoice, customer, country and timestamp, in
// whichever codes the caller has. The transaction builder keys staged orders with it, the
// workspace keys stored ones.

#include <cstddef>
#include <cstdint>

#include "core/date.h"
#include "core/hash.h"

namespace growthlens {

struct OrderKey {
  uint32_t invoice, customer, country;
  Timestamp time;
  bool operator==(const OrderKey&) const = default;
};

struct OrderKeyHash {
  size_t operator()(const OrderKey& key) const {
    uint64_t hash = HashCombine(key.invoice, key.customer);
    hash = HashCombine(hash, key.country);
    return HashCombine(hash, static_cast<uint64_t>(key.time));
  }
};

}  // namespace growthlens
