// ParallelFor on the shared WorkerPool: every index runs once whatever the thread count,
// nested loops and loops started from pool threads finish, and a task's exception reaches
// the caller with the pool still usable.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/parallel.h"
#include "core/worker_pool.h"

namespace growthlens {
namespace {

TEST(WorkerPool, EveryIndexRunsOnceOnAnyThreadCount) {
  for (const unsigned threads : {1u, 2u, 3u, 8u}) {
    for (const size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{10'000}}) {
      std::vector<std::atomic<int>> runs(count);
      ParallelFor(count, threads, [&](size_t index) { ++runs[index]; });
      for (size_t index = 0; index < count; ++index)
        ASSERT_EQ(runs[index].load(), 1) << "threads " << threads << " count " << count;
    }
  }
}

TEST(WorkerPool, OneParkedHelperServesEveryLoopBesideTheCaller) {
  // Two tasks that wait for each other: only two threads at once can finish them. Over 20
  // loops the caller and one and the same pool thread run them: the helper is reused, not
  // started anew each time.
  WorkerPool pool;
  const std::thread::id caller = std::this_thread::get_id();
  std::set<std::thread::id> helpers;
  for (int round = 0; round < 20; ++round) {
    std::atomic<size_t> next{0};
    std::atomic<int> arrived{0};
    std::mutex ids_mutex;
    std::set<std::thread::id> ids;
    const std::function<void()> drain = [&] {
      for (size_t index = next++; index < 2; index = next++) {
        ++arrived;
        while (arrived.load() < 2) std::this_thread::yield();
        std::lock_guard lock(ids_mutex);
        ids.insert(std::this_thread::get_id());
      }
    };
    pool.Run(1, drain);
    ASSERT_EQ(ids.size(), 2u);
    ASSERT_TRUE(ids.contains(caller));
    ids.erase(caller);
    helpers.insert(*ids.begin());
  }
  EXPECT_EQ(helpers.size(), 1u);
  EXPECT_EQ(pool.threads(), 1u);
}

TEST(WorkerPool, NestedLoopsFinishEvenWhenEveryPoolThreadIsBusy) {
  std::atomic<int> inner_runs{0};
  ParallelFor(16, 4, [&](size_t) {
    ParallelFor(16, 4, [&](size_t) { ParallelFor(4, 4, [&](size_t) { ++inner_runs; }); });
  });
  EXPECT_EQ(inner_runs.load(), 16 * 16 * 4);
}

TEST(WorkerPool, ATaskExceptionReachesTheCallerAndThePoolStaysUsable) {
  // Thrown on the caller's thread, then on a pool thread.
  const std::thread::id caller = std::this_thread::get_id();
  for (const bool on_caller : {true, false}) {
    std::atomic<bool> thrown{false};
    EXPECT_THROW(ParallelFor(1000, 2,
                             [&](size_t) {
                               std::this_thread::sleep_for(std::chrono::microseconds(50));
                               if ((std::this_thread::get_id() == caller) == on_caller &&
                                   !thrown.exchange(true))
                                 throw std::runtime_error("task failed");
                             }),
                 std::runtime_error)
        << (on_caller ? "caller" : "pool thread");
    EXPECT_TRUE(thrown.load());
  }
  std::atomic<int> after{0};
  ParallelFor(1000, 2, [&](size_t) { ++after; });
  EXPECT_EQ(after.load(), 1000);
}

TEST(WorkerPool, RunWithMoreHelpersThanThreadsSoFarStartsThem) {
  WorkerPool pool;
  std::atomic<size_t> next{0};
  std::atomic<int> concurrent{0}, peak{0}, done{0};
  const std::function<void()> drain = [&] {
    for (size_t index = next++; index < 6; index = next++) {
      const int now = ++concurrent;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      --concurrent;
      ++done;
    }
  };
  pool.Run(5, drain);
  EXPECT_EQ(done.load(), 6);
  EXPECT_EQ(pool.threads(), 5u);
  EXPECT_GE(peak.load(), 2);  // the helpers ran beside the caller
}

}  // namespace
}  // namespace growthlens
