#pragma once
// ParallelFor: runs task(index) for index in [0, count) on up to `threads` threads (the caller
// is one of them, the others come from the WorkerPool). Tasks are handed out one at a time, so
// uneven tasks balance themselves.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>

#include "core/worker_pool.h"

namespace growthlens {

inline unsigned HardwareThreads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

template <typename Task>
void ParallelFor(size_t count, unsigned threads, Task&& task) {
  if (threads == 0) threads = HardwareThreads();
  const size_t workers = std::min<size_t>(threads, count);
  if (workers <= 1) {
    for (size_t index = 0; index < count; ++index) task(index);
    return;
  }
  std::atomic<size_t> next{0};
  const std::function<void()> drain = [&] {
    for (size_t index = next++; index < count; index = next++) task(index);
  };
  WorkerPool::Shared().Run(workers - 1, drain);
}

}  // namespace growthlens
