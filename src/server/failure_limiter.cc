#include "server/failure_limiter.h"

#include <algorithm>

namespace growthlens::server {

int64_t FailureLimiter::RetryAfter(const std::string& client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto found = clients_.find(client);
  if (found == clients_.end() || found->second.failures < max_failures_) return 0;
  const auto left = found->second.start + window_ - now;
  if (left <= Clock::duration::zero()) return 0;
  // Rounded up: a client that waits the seconds it is told is let in.
  return std::chrono::ceil<std::chrono::seconds>(left).count();
}

void FailureLimiter::NoteFailure(const std::string& client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = clients_.find(client);
  if (found != clients_.end() && now - found->second.start >= window_) {
    clients_.erase(found);
    found = clients_.end();
  }
  if (found == clients_.end()) {
    if (clients_.size() >= max_clients_) ForgetExpired(now);
    if (clients_.size() >= max_clients_) {
      // Full of live windows: the oldest one goes, so that a flood of addresses costs memory
      // bounded by max_clients.
      const auto oldest = std::min_element(
          clients_.begin(), clients_.end(),
          [](const auto& a, const auto& b) { return a.second.start < b.second.start; });
      clients_.erase(oldest);
    }
    found = clients_.emplace(client, Window{now, 0}).first;
  }
  ++found->second.failures;
}

void FailureLimiter::ForgetExpired(Clock::time_point now) {
  std::erase_if(clients_, [&](const auto& entry) { return now - entry.second.start >= window_; });
}

}  // namespace growthlens::server
