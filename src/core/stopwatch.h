#pragma once
// Stopwatch: wall seconds since it was made, on the monotonic clock. The timings the engine
// reports (reading, cleaning, each analysis, generating) all come from it, so they share one
// clock and one unit.

#include <chrono>

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

}  // namespace growthlens
