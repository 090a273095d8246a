#include "core/worker_pool.h"

#include <algorithm>
#include <exception>

namespace growthlens {

WorkerPool& WorkerPool::Shared() {
  static WorkerPool pool;
  return pool;
}

WorkerPool::~WorkerPool() {
  for (std::jthread& thread : threads_) thread.request_stop();
  work_ready_.notify_all();
  threads_.clear();  // joins
}

void WorkerPool::Run(size_t helpers, const std::function<void()>& drain) {
  Job job{&drain, 0, nullptr};
  {
    std::lock_guard lock(mutex_);
    while (threads_.size() < helpers)
      threads_.emplace_back([this](std::stop_token stop) { Work(stop); });
    queue_.insert(queue_.end(), helpers, &job);
  }
  work_ready_.notify_all();
  try {
    drain();
  } catch (...) {
    Finish(job);  // helpers still read `job` and drain: wait for them before unwinding
    throw;
  }
  Finish(job);
  if (job.error) std::rethrow_exception(job.error);
}

void WorkerPool::Finish(Job& job) {
  std::unique_lock lock(mutex_);
  // Helpers that have not started are not waited for: the work is done.
  std::erase(queue_, &job);
  job_done_.wait(lock, [&job] { return job.active == 0; });
}

void WorkerPool::Work(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!work_ready_.wait(lock, stop, [this] { return !queue_.empty(); })) return;
    Job* job = queue_.front();
    queue_.pop_front();
    ++job->active;
    lock.unlock();
    std::exception_ptr error;
    try {
      (*job->drain)();
    } catch (...) {
      error = std::current_exception();  // for the caller, which rethrows it
    }
    lock.lock();
    if (error && !job->error) job->error = error;
    if (--job->active == 0) job_done_.notify_all();
  }
}

}  // namespace growthlens
