#pragma once
// ParallelFor: runs task(index) for index in [0, count) on up to `threads` threads (the caller
// is one of them). Tasks are handed out one at a time, so uneven tasks balance themselves.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

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
  auto drain = [&] {
    for (size_t index = next++; index < count; index = next++) task(index);
  };
  std::vector<std::jthread> helpers;
  for (size_t worker_idx = 1; worker_idx < workers; ++worker_idx) helpers.emplace_back(drain);
  drain();
}

}  // namespace growthlens
