// The workspace (issue 18) against the CSV it was made from: appending a CSV into a workspace
// (rows/s), loading the data back from the workspace versus reading and cleaning the same CSV,
// a one-month range (blocks read of blocks stored), and the bytes on disk per row of the
// workspace, the CSV and its .gz; for a usage log, a generated event log and Online Retail.
//
//   build/bench/workspace_benchmark --benchmark_counters_tabular=true
//   GROWTHLENS_BENCH_WORKSPACE_USERS=1000000 build/bench/workspace_benchmark   # 45M rows
//   GROWTHLENS_BENCH_WORKSPACE_EVENT_USERS=705000 build/bench/workspace_benchmark
//     --benchmark_filter=Events                                                 # 45M events
//
// The usage log has 225,000 generated users (about 10M rows), the event log 157,000 (about 10M
// events) unless the variables say otherwise; they, their .gz and the workspaces are made once
// in the scratch directory and reused. Peak memory is the process's: run one
// --benchmark_filter per process to see one step's.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench_util.h"
#include "core/date.h"
#include "core/stopwatch.h"
#include "prep/ingest.h"
#include "store/file_checksum.h"
#include "store/workspace.h"
#include "synth/event_generator.h"
#include "synth/usage_generator.h"

namespace growthlens {
namespace {

int64_t UsersFrom(const char* variable, int64_t fallback) {
  const char* configured = std::getenv(variable);
  return configured != nullptr ? std::atoll(configured) : fallback;
}

/// A generated log of `kind` (usage or events) for `users` users, made once.
std::string GeneratedPath(DataKind kind, int64_t users) {
  const std::string path = bench::ScratchDir() + "/" + std::string(DataKindName(kind)) + "_" +
                           std::to_string(users) + ".csv";
  if (!std::filesystem::exists(path)) {
    synth::UsageGeneratorOptions options;
    options.users = users;
    auto sink = synth::OpenOutputSink(path);
    if (!sink.ok()) std::abort();
    const bool made = kind == DataKind::kEvents ? synth::GenerateEventLog(options, **sink).ok()
                                                : synth::GenerateUsageLog(options, **sink).ok();
    if (!made) std::abort();
  }
  return path;
}

std::string UsagePath() {
  return GeneratedPath(DataKind::kUsage, UsersFrom("GROWTHLENS_BENCH_WORKSPACE_USERS", 225'000));
}
std::string EventsPath() {
  return GeneratedPath(DataKind::kEvents,
                       UsersFrom("GROWTHLENS_BENCH_WORKSPACE_EVENT_USERS", 157'000));
}

uint64_t GzipBytes(const std::string& csv) {
  const std::string gz = csv + ".gz";
  if (!std::filesystem::exists(gz) &&
      std::system(("gzip -6 -c '" + csv + "' > '" + gz + "'").c_str()) != 0)
    std::abort();
  return std::filesystem::file_size(gz);
}

uint64_t WorkspaceBytes(const std::string& path) {
  std::error_code error;
  const auto wal = std::filesystem::file_size(path + "-wal", error);
  return std::filesystem::file_size(path) + (error ? 0 : wal);
}

/// Ingests `csv` into a new workspace at `path`; the seconds of the append alone.
double IngestInto(const std::string& csv, const std::string& path) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  Result<CleanedData> cleaned = IngestFile(csv, IngestOptions());
  Result<store::FileChecksum> checksum = store::ChecksumOfFile(csv);
  Result<store::Workspace> workspace = store::Workspace::Open(path, store::OpenMode::kCreate);
  if (!cleaned.ok() || !checksum.ok() || !workspace.ok()) std::abort();
  const store::LoadRecord record{csv, checksum->bytes, checksum->text, cleaned->report.records,
                                 "{}"};
  const Stopwatch watch;
  if (!workspace->Append(cleaned->dataset, record).ok()) std::abort();
  return watch.Seconds();
}

std::string WorkspaceFor(const std::string& csv) {
  const std::string path = csv + ".glw";
  if (!std::filesystem::exists(path)) IngestInto(csv, path);
  return path;
}

void SizeCounters(benchmark::State& state, const std::string& csv, uint64_t rows) {
  const auto per_row = [rows](uint64_t bytes) {
    return static_cast<double>(bytes) / static_cast<double>(rows);
  };
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["disk_B_per_row"] = per_row(WorkspaceBytes(WorkspaceFor(csv)));
  state.counters["csv_B_per_row"] = per_row(std::filesystem::file_size(csv));
  state.counters["gz_B_per_row"] = per_row(GzipBytes(csv));
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

void IngestCsvIntoWorkspace(benchmark::State& state, const std::string& csv) {
  const std::string path = bench::ScratchDir() + "/append_target.glw";
  double append_seconds = 0;
  for (auto _ : state) append_seconds += IngestInto(csv, path);
  Result<store::Workspace> workspace = store::Workspace::Open(path, store::OpenMode::kExisting);
  Result<store::WorkspaceInfo> info = workspace->Info();
  uint64_t rows = 0;
  for (const store::TableInfo& table : info->tables)
    if (table.name.ends_with(".rows")) rows = table.rows;
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  state.counters["append_only_rows_per_s"] =
      static_cast<double>(rows) * static_cast<double>(state.iterations()) / append_seconds;
  SizeCounters(state, csv, rows);
}

void LoadFromWorkspace(benchmark::State& state, const std::string& csv, DataKind kind,
                       store::DayRange range) {
  const std::string path = WorkspaceFor(csv);
  size_t rows = 0;
  store::LoadStats stats;
  for (auto _ : state) {
    Result<store::Workspace> workspace = store::Workspace::Open(path, store::OpenMode::kExisting);
    if (!workspace.ok()) std::abort();
    stats = {};
    Result<Dataset> data = workspace->Load(kind, range, &stats);
    if (!data.ok()) {
      state.SkipWithError(data.status().message().c_str());
      return;
    }
    rows = data->rows();
    state.PauseTiming();  // freeing it is not part of loading the next
    data = Dataset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  state.counters["blocks_read"] = static_cast<double>(stats.blocks_read);
  state.counters["blocks_stored"] = static_cast<double>(stats.blocks_stored);
  SizeCounters(state, csv, rows);
}

void ReadCsv(benchmark::State& state, const std::string& csv) {
  size_t rows = 0;
  for (auto _ : state) {
    Result<CleanedData> data = IngestFile(csv, IngestOptions());
    if (!data.ok()) std::abort();
    rows = data->dataset.rows();
    state.PauseTiming();
    data = Status(ErrorCode::kInternal, "freed");
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

// A generated log's four cases: append, load, load one month (June), read the CSV.
#define GROWTHLENS_GENERATED_LOG_BENCHMARKS(Log, path, kind)                    \
  void BM_##Log##IngestCsvIntoWorkspace(benchmark::State& state) {              \
    IngestCsvIntoWorkspace(state, path());                                      \
  }                                                                             \
  void BM_##Log##LoadFromWorkspace(benchmark::State& state) {                   \
    LoadFromWorkspace(state, path(), kind, {});                                 \
  }                                                                             \
  void BM_##Log##LoadOneMonthFromWorkspace(benchmark::State& state) {           \
    LoadFromWorkspace(state, path(), kind,                                      \
                      {DaysFromCivil(2025, 6, 1), DaysFromCivil(2025, 6, 30)}); \
  }                                                                             \
  void BM_##Log##ReadCsv(benchmark::State& state) {                             \
    ReadCsv(state, path());                                                     \
  }                                                                             \
  BENCHMARK(BM_##Log##IngestCsvIntoWorkspace)                                   \
      ->Unit(benchmark::kMillisecond)                                           \
      ->UseRealTime()                                                           \
      ->Iterations(3);                                                          \
  BENCHMARK(BM_##Log##LoadFromWorkspace)                                        \
      ->Unit(benchmark::kMillisecond)                                           \
      ->UseRealTime()                                                           \
      ->MinTime(3.0);                                                           \
  BENCHMARK(BM_##Log##LoadOneMonthFromWorkspace)                                \
      ->Unit(benchmark::kMillisecond)                                           \
      ->UseRealTime()                                                           \
      ->MinTime(3.0);                                                           \
  BENCHMARK(BM_##Log##ReadCsv)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0)

GROWTHLENS_GENERATED_LOG_BENCHMARKS(Usage, UsagePath, DataKind::kUsage);
GROWTHLENS_GENERATED_LOG_BENCHMARKS(Events, EventsPath, DataKind::kEvents);

void BM_RetailIngestCsvIntoWorkspace(benchmark::State& state) {
  IngestCsvIntoWorkspace(state, bench::OnlineRetailPath());
}
void BM_RetailLoadFromWorkspace(benchmark::State& state) {
  LoadFromWorkspace(state, bench::OnlineRetailPath(), DataKind::kTransactions, {});
}
void BM_RetailReadCsv(benchmark::State& state) {
  ReadCsv(state, bench::OnlineRetailPath());
}

BENCHMARK(BM_RetailIngestCsvIntoWorkspace)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_RetailLoadFromWorkspace)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);
BENCHMARK(BM_RetailReadCsv)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
