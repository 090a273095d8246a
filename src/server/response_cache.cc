#include "server/response_cache.h"

#include <algorithm>

namespace growthlens::server {

namespace {
/// The allocator's bookkeeping and rounding per allocation, roughly.
constexpr size_t kAllocationOverhead = 16;
}  // namespace

size_t ResponseCache::CostOf(const std::string& key, const CachedResponse& response) {
  // The key is held twice (map and LRU list); each node and the shared response are allocations.
  const size_t key_bytes = key.capacity() + 1 + kAllocationOverhead;
  const size_t nodes = sizeof(Entries::value_type) + sizeof(Order::value_type) + 4 * sizeof(void*);
  const size_t response_bytes = sizeof(CachedResponse) + 2 * sizeof(void*) +
                                response.body.capacity() + response.content_type.capacity() + 2;
  return 2 * key_bytes + nodes + response_bytes + 4 * kAllocationOverhead;
}

std::shared_ptr<const CachedResponse> ResponseCache::Find(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(key);
  if (found == entries_.end()) return nullptr;
  order_.splice(order_.begin(), order_, found->second.position);
  return found->second.response;
}

void ResponseCache::Erase(Entries::iterator entry) {
  bytes_ -= entry->second.cost;
  order_.erase(entry->second.position);
  entries_.erase(entry);
}

void ResponseCache::Store(const std::string& key, uint64_t generation,
                          std::shared_ptr<const CachedResponse> response) {
  const size_t cost = CostOf(key, *response);
  if (cost > max_bytes_) return;
  std::lock_guard lock(mutex_);
  if (generation < oldest_kept_) return;
  if (auto found = entries_.find(key); found != entries_.end()) Erase(found);
  while (bytes_ + cost > max_bytes_ && !order_.empty()) Erase(entries_.find(order_.back()));
  order_.push_front(key);
  entries_.emplace(key, Entry{std::move(response), order_.begin(), generation, cost});
  bytes_ += cost;
}

void ResponseCache::DropBefore(uint64_t generation) {
  std::lock_guard lock(mutex_);
  oldest_kept_ = std::max(oldest_kept_, generation);
  for (auto entry = entries_.begin(); entry != entries_.end();) {
    const auto next = std::next(entry);
    if (entry->second.generation < generation) Erase(entry);
    entry = next;
  }
}

size_t ResponseCache::Bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

size_t ResponseCache::Count() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace growthlens::server
