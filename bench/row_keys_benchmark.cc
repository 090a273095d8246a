// Memory of a live fold's stored event keys (store/row_keys.h's DayKeySets, issue 19): a live
// ingest puts every event on one day, and the collector's fold connection remembers the key of
// every stored event of that day. Replays what the fold does with them for N events in folds of
// 250,000 (bench/server/ingest_events.lua's users, event names and times): look each new event
// up, then add the fold's keys and seal. Reports the resident memory the keys hold per key after
// the last fold (VmRSS growth) and at the peak (VmHWM growth: the runs being merged), and the
// time per event. Run one size per process, so that the peak is this size's own:
//
//   build/bench/row_keys_benchmark --benchmark_filter=/16000000/
//
// Uses only DayKeySets' Cover, Add, Seal and Contains, so the same file builds against an older
// store (the before and after of docs/BENCHMARKS.md).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>

#include "store/row_keys.h"

namespace growthlens {
namespace {

/// A field of /proc/self/status in bytes ("VmRSS", "VmHWM"); 0 if it cannot be read.
double StatusBytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string name;
  double kilobytes = 0;
  while (status >> name) {
    if (name == field + ":" && status >> kilobytes) return kilobytes * 1024;
    status.ignore(1 << 10, '\n');
  }
  return 0;
}

constexpr int64_t kFoldEvents = 250'000;
constexpr Day kLiveDay = 20'422;  // 2025-12-01, the day of ingest_events.lua's times

store::RowKey EventKey(int64_t event) {
  const int64_t batch = event / 1000, in_batch = event % 1000;
  return store::UsageKey(static_cast<uint32_t>((in_batch * 7919 + batch) % 50'000), kLiveDay,
                         static_cast<uint16_t>(in_batch % 24),
                         static_cast<int32_t>(event % 86'400'000));
}

void BM_LiveDayKeys(benchmark::State& state) {
  const int64_t events = state.range(0);
  double held = 0, peak = 0;
  uint64_t found = 0;
  for (auto _ : state) {
    const double before = StatusBytes("VmRSS");
    {
      store::DayKeySets keys;
      keys.Cover(kLiveDay);
      for (int64_t first = 0; first < events; first += kFoldEvents) {
        const int64_t end = std::min(events, first + kFoldEvents);
        for (int64_t event = first; event < end; ++event) found += keys.Contains(EventKey(event));
        for (int64_t event = first; event < end; ++event) keys.Add(EventKey(event));
        keys.Seal();
      }
      if (keys.size() != static_cast<size_t>(events)) state.SkipWithError("keys lost");
      held = StatusBytes("VmRSS") - before;
      peak = StatusBytes("VmHWM") - before;
    }
  }
  if (found != 0) state.SkipWithError("a new event was found among the stored ones");
  state.counters["held_bytes_per_key"] = held / static_cast<double>(events);
  state.counters["peak_bytes_per_key"] = peak / static_cast<double>(events);
  state.counters["peak_MB"] = peak / 1e6;
  state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_LiveDayKeys)
    ->Arg(1'000'000)
    ->Arg(4'000'000)
    ->Arg(16'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
