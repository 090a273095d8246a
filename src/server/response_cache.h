#pragma once
// Responses of analysis routes, kept per (data generation, route, parameters) so that a
// dashboard flipping between pages and filters gets repeat answers without recomputing them.
// Least recently used entries go first once the byte budget is spent.

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace growthlens::server {

struct CachedResponse {
  int http_status = 200;
  std::string body;
  std::string content_type;
};

class ResponseCache {
 public:
  explicit ResponseCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  std::shared_ptr<const CachedResponse> Find(const std::string& key);
  void Store(const std::string& key, std::shared_ptr<const CachedResponse> response);
  size_t Bytes() const;

 private:
  using Order = std::list<std::string>;  // most recent first
  struct Entry {
    std::shared_ptr<const CachedResponse> response;
    Order::iterator position;
  };

  mutable std::mutex mutex_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  Order order_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace growthlens::server
