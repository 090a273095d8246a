#include "server/response_cache.h"

namespace growthlens::server {

namespace {
size_t SizeOf(const std::string& key, const CachedResponse& response) {
  return key.size() + response.body.size() + response.content_type.size();
}
}  // namespace

std::shared_ptr<const CachedResponse> ResponseCache::Find(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(key);
  if (found == entries_.end()) return nullptr;
  order_.splice(order_.begin(), order_, found->second.position);
  return found->second.response;
}

void ResponseCache::Store(const std::string& key, std::shared_ptr<const CachedResponse> response) {
  const size_t size = SizeOf(key, *response);
  if (size > max_bytes_) return;
  std::lock_guard lock(mutex_);
  if (auto found = entries_.find(key); found != entries_.end()) {
    bytes_ -= SizeOf(key, *found->second.response);
    order_.erase(found->second.position);
    entries_.erase(found);
  }
  while (bytes_ + size > max_bytes_ && !order_.empty()) {
    auto oldest = entries_.find(order_.back());
    bytes_ -= SizeOf(oldest->first, *oldest->second.response);
    entries_.erase(oldest);
    order_.pop_back();
  }
  order_.push_front(key);
  entries_.emplace(key, Entry{std::move(response), order_.begin()});
  bytes_ += size;
}

size_t ResponseCache::Bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace growthlens::server
