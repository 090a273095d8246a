// Reading event files (issue 18.1): events per second and the memory an event takes once loaded,
// row columns and dictionaries apart, on a generated file of 5M events (50,000 users, 40 event
// names, ISO 8601 times with milliseconds, a low-cardinality platform column kept as an event
// property). The bound to meet: at most 16 bytes per event for the row columns, properties
// included. The same events as NDJSON (one object per line, the platform in a "properties"
// object) against the CSV, and the CSV without its property (--no-properties).
//
//   build/bench/events_benchmark --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <fmt/format.h>

#include "bench_util.h"
#include "prep/ingest.h"

namespace growthlens {
namespace {

constexpr int kUsers = 50'000;
constexpr int kEvents = 5'000'000;

// Writes `buffer` out once it holds a megabyte.
void FlushLarge(std::string& buffer, std::ofstream& out) {
  if (buffer.size() < (1 << 20)) return;
  out << buffer;
  buffer.clear();
}

// The rest of `buffer`, then the file renamed into place.
void FinishFile(const std::string& buffer, std::ofstream& out, const std::string& tmp,
                const std::string& path) {
  out << buffer;
  out.close();
  std::filesystem::rename(tmp, path);
}

// ScratchDir()/events_5m.csv, written on first use: user_id,timestamp,event,platform with each
// user's events in time order over 90 days of 2024.
std::string EventsPath(bool with_counts) {
  const std::string path =
      bench::ScratchDir() + (with_counts ? "/events_5m_counts.csv" : "/events_5m.csv");
  if (std::filesystem::exists(path)) return path;
  std::mt19937_64 random(42);
  const std::string tmp = path + ".tmp";
  std::ofstream out(tmp, std::ios::binary);
  out << (with_counts ? "user_id,timestamp,event,platform,count\n"
                      : "user_id,timestamp,event,platform\n");
  const char* platforms[] = {"ios", "android", "web"};
  const int64_t start = int64_t{DaysFromCivil(2024, 1, 1)} * 86'400'000;
  std::string buffer;
  for (int user = 0; user < kUsers; ++user) {
    int64_t at = start + static_cast<int64_t>(random() % (30 * int64_t{86'400'000}));
    const char* platform = platforms[random() % 3];
    for (int event = 0; event < kEvents / kUsers; ++event) {
      at += static_cast<int64_t>(random() % (int64_t{86'400'000} * 60 / (kEvents / kUsers)));
      const Day day = static_cast<Day>(at / 86'400'000);
      const int64_t ms = at % 86'400'000;
      buffer += fmt::format("user_{},{}T{:02}:{:02}:{:02}.{:03}Z,event_{},{}", user,
                            FormatDate(day), ms / 3'600'000, ms / 60'000 % 60, ms / 1000 % 60,
                            ms % 1000, random() % 40, platform);
      if (with_counts) buffer += fmt::format(",{}", 1 + random() % 3);
      buffer.push_back('\n');
    }
    FlushLarge(buffer, out);
  }
  FinishFile(buffer, out, tmp, path);
  return path;
}

// ScratchDir()/events_5m.ndjson: the CSV's events, one JSON object per line.
std::string NdjsonPath() {
  const std::string path = bench::ScratchDir() + "/events_5m.ndjson";
  if (std::filesystem::exists(path)) return path;
  std::ifstream in(EventsPath(false));
  const std::string tmp = path + ".tmp";
  std::ofstream out(tmp, std::ios::binary);
  std::string line, buffer;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    const size_t a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
    buffer += fmt::format(
        "{{\"user_id\":\"{}\",\"timestamp\":\"{}\",\"event\":\"{}\",\"properties\":{{"
        "\"platform\":\"{}\"}}}}\n",
        line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1, c - b - 1),
        line.substr(c + 1));
    FlushLarge(buffer, out);
  }
  FinishFile(buffer, out, tmp, path);
  return path;
}

enum class EventsInput { kCsv, kCsvWithCounts, kCsvNoProperties, kNdjson };

void IngestEvents(benchmark::State& state, EventsInput input) {
  const std::string path = input == EventsInput::kNdjson
                               ? NdjsonPath()
                               : EventsPath(input == EventsInput::kCsvWithCounts);
  IngestOptions options;
  options.read.threads = static_cast<unsigned>(state.range(0));
  options.read.columns.properties.none = input == EventsInput::kCsvNoProperties;
  const size_t bytes = std::filesystem::file_size(path);
  const std::optional<CleanedData> last = bench::IngestEachIteration(state, path, options);
  if (!last) return;
  const auto events = static_cast<double>(last->dataset.rows());
  const DatasetMemory memory = last->dataset.Memory();
  state.counters["events"] = events;
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * events, benchmark::Counter::kIsRate);
  state.counters["MB_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(bytes) / 1e6,
                         benchmark::Counter::kIsRate);
  state.counters["row_bytes_per_event"] = static_cast<double>(memory.row_columns) / events;
  state.counters["dict_bytes_per_event"] = static_cast<double>(memory.dictionaries) / events;
  state.counters["side_bytes_per_event"] = static_cast<double>(memory.side_tables) / events;
  state.counters["properties"] =
      static_cast<double>(last->dataset.As<UsageLog>()->properties.columns.size());
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

void BM_IngestEvents(benchmark::State& state) {
  IngestEvents(state, EventsInput::kCsv);
}
BENCHMARK(BM_IngestEvents)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_IngestEventsWithCounts(benchmark::State& state) {
  IngestEvents(state, EventsInput::kCsvWithCounts);
}
BENCHMARK(BM_IngestEventsWithCounts)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_IngestEventsNoProperties(benchmark::State& state) {
  IngestEvents(state, EventsInput::kCsvNoProperties);
}
BENCHMARK(BM_IngestEventsNoProperties)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_IngestEventsNdjson(benchmark::State& state) {
  IngestEvents(state, EventsInput::kNdjson);
}
BENCHMARK(BM_IngestEventsNdjson)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
