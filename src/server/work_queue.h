#pragma once
// Analyses computed for requests, bounded (issue 14.7): at most `running` at once; requests
// beyond that wait, at most `waiting` of them, and at most `per_client` (running or waiting) per
// client address. A request that finds the queue full is answered 503 with Retry-After; one whose
// client leaves while it waits gives up its place.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace growthlens::server {

struct WorkLimits {
  size_t running = 2;
  size_t waiting = 24;
  // A browser opens up to 6 connections to a host, and the dashboard fills them (the planner's
  // power curve asks for a dozen points at once): it must never meet this limit.
  size_t per_client = 8;
  // An analysis still running after this long is stopped and answered 503: each parameter that
  // scales work is bounded, but their product (a k sweep to 50 with 100 initialisations and 20
  // stability seeds) can hold a running slot for many minutes.
  std::chrono::seconds max_seconds{300};
};

class WorkQueue {
 public:
  explicit WorkQueue(WorkLimits limits) : limits_(limits) {}

  enum class Entry { kEntered, kFull, kAbandoned };

  /// A place in the queue, held while the work runs.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept : queue_(other.queue_), client_(std::move(other.client_)) {
      other.queue_ = nullptr;
    }
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    ~Ticket() { Release(); }
    bool held() const { return queue_ != nullptr; }

   private:
    friend class WorkQueue;
    void Release();
    Ticket(WorkQueue* queue, std::string client) : queue_(queue), client_(std::move(client)) {}
    WorkQueue* queue_ = nullptr;  // not owned
    std::string client_;
  };

  /// Waits for a place to run; `abandoned` is asked a few times a second while waiting.
  Entry Enter(const std::string& client, const std::function<bool()>& abandoned, Ticket& ticket);

  const WorkLimits& limits() const { return limits_; }

 private:
  void Leave(const std::string& client);

  WorkLimits limits_;
  std::mutex mutex_;
  std::condition_variable freed_;
  size_t running_ = 0;
  size_t waiting_ = 0;
  std::unordered_map<std::string, size_t> per_client_;
};

}  // namespace growthlens::server
