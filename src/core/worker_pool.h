#pragma once
// WorkerPool: the threads ParallelFor borrows, started on first use and kept parked. On the
// 2-vCPU VM we run on, a new thread started while the other vCPU is idle waits about 3 ms on
// its parent's CPU before the balancer moves it, and analyze starts dozens of parallel
// loops; waking a parked thread takes about 10 us. The pool is process-wide on purpose, like
// the allocator: it holds no data, only idle threads.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace growthlens {

class WorkerPool {
 public:
  /// The process's pool.
  static WorkerPool& Shared();

  WorkerPool() = default;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  /// Runs drain() on the calling thread and on up to `helpers` pool threads, and returns once
  /// every pool thread that started it has finished. drain() must share out the work itself
  /// (each call takes what is left), because a helper busy elsewhere may never start it: then
  /// the others' calls do its share, and nested calls cannot deadlock.
  void Run(size_t helpers, const std::function<void()>& drain);

  /// Pool threads started so far (they are never stopped before the pool is destroyed).
  size_t threads() {
    std::lock_guard lock(mutex_);
    return threads_.size();
  }

 private:
  struct Job {
    const std::function<void()>* drain;
    size_t active = 0;         // pool threads running it
    std::exception_ptr error;  // the first exception a pool thread's drain() threw
  };
  void Finish(Job& job);
  void Work(const std::stop_token& stop);

  std::mutex mutex_;
  std::condition_variable_any work_ready_;
  std::condition_variable job_done_;
  std::deque<Job*> queue_;             // one entry per helper wanted, until a thread takes it
  std::vector<std::jthread> threads_;  // last: joined first, while the rest is alive
};

}  // namespace growthlens
