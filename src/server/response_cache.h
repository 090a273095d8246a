#pragma once
// Responses of analysis routes, kept per (data generation, route, parameters) so that a
// dashboard flipping between pages and filters gets repeat answers without recomputing them.
// The budget counts every byte an entry holds (body and key capacity, the response, its map and
// list nodes); least recently used entries go first once it is spent, and entries of replaced
// data are dropped as soon as new data is held (DropBefore).

#include <cstddef>
#include <cstdint>
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
  void Store(const std::string& key, uint64_t generation,
             std::shared_ptr<const CachedResponse> response);
  /// Drops every entry of a generation before `generation`.
  void DropBefore(uint64_t generation);
  /// Bytes held, as counted against the budget.
  size_t Bytes() const;
  size_t Count() const;

  /// What an entry of `key` and `response` costs.
  static size_t CostOf(const std::string& key, const CachedResponse& response);

 private:
  using Order = std::list<std::string>;  // most recent first
  struct Entry {
    std::shared_ptr<const CachedResponse> response;
    Order::iterator position;
    uint64_t generation = 0;
    size_t cost = 0;
  };
  using Entries = std::unordered_map<std::string, Entry>;

  void Erase(Entries::iterator entry);

  mutable std::mutex mutex_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  uint64_t oldest_kept_ = 0;  // a late answer about older data is not stored
  Order order_;
  Entries entries_;
};

}  // namespace growthlens::server
