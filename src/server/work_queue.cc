#include "server/work_queue.h"

#include <chrono>

namespace growthlens::server {

void WorkQueue::Ticket::Release() {
  if (queue_ != nullptr) queue_->Leave(client_);
  queue_ = nullptr;
}

WorkQueue::Ticket& WorkQueue::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    Release();
    queue_ = other.queue_;
    client_ = std::move(other.client_);
    other.queue_ = nullptr;
  }
  return *this;
}

WorkQueue::Entry WorkQueue::Enter(const std::string& client, const std::function<bool()>& abandoned,
                                  Ticket& ticket) {
  std::unique_lock lock(mutex_);
  size_t& mine = per_client_[client];
  if (mine >= limits_.per_client || (running_ >= limits_.running && waiting_ >= limits_.waiting)) {
    if (mine == 0) per_client_.erase(client);
    return Entry::kFull;
  }
  ++mine;
  ++waiting_;
  while (running_ >= limits_.running) {
    freed_.wait_for(lock, std::chrono::milliseconds(200));
    if (running_ < limits_.running) break;
    lock.unlock();
    const bool gone = abandoned && abandoned();
    lock.lock();
    if (gone) {
      --waiting_;
      if (--per_client_[client] == 0) per_client_.erase(client);
      return Entry::kAbandoned;
    }
  }
  --waiting_;
  ++running_;
  ticket = Ticket(this, client);
  return Entry::kEntered;
}

void WorkQueue::Leave(const std::string& client) {
  {
    std::lock_guard lock(mutex_);
    --running_;
    if (--per_client_[client] == 0) per_client_.erase(client);
  }
  freed_.notify_all();
}

}  // namespace growthlens::server
