#pragma once
// Slows down key guessing: a client address that presented a wrong key `max_failures` times
// within `window` is answered 429 (with Retry-After) until the window that began with its first
// failure has passed, whatever key it sends meanwhile. Thread-safe; it remembers at most
// `max_clients` addresses (the oldest windows are forgotten first).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace growthlens::server {

class FailureLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit FailureLimiter(size_t max_failures = 10,
                          std::chrono::seconds window = std::chrono::seconds(60),
                          size_t max_clients = 4096)
      : max_failures_(max_failures), window_(window), max_clients_(max_clients) {}

  /// Seconds until `client` may present a key again; 0 when it may now.
  int64_t RetryAfter(const std::string& client, Clock::time_point now = Clock::now());
  /// Counts a wrong key from `client`.
  void NoteFailure(const std::string& client, Clock::time_point now = Clock::now());

 private:
  struct Window {
    Clock::time_point start;
    size_t failures = 0;
  };
  void ForgetExpired(Clock::time_point now);

  size_t max_failures_;
  std::chrono::seconds window_;
  size_t max_clients_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> clients_;
};

}  // namespace growthlens::server
