#pragma once
// Stopwatch: wall seconds since it was made, on the monotonic clock; ProcessCpuSeconds: the
// process's CPU time. The timings the engine
// reports (reading, cleaning, each analysis, generating) all come from it, so they share one
// clock and one unit.

#include <chrono>
#include <ctime>

namespace growthlens {

class Stopwatch {
 public:
  Stopwatch() : start_(Clock::now()) {}

  /// Seconds since the stopwatch was made.
  double Seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_;
};

/// CPU seconds of every thread of the process so far: on a shared machine the wall time of a
/// step says little, its CPU time what it costs.
inline double ProcessCpuSeconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

}  // namespace growthlens
