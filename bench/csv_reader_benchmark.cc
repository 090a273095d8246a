// Ingest throughput: the CSV reader alone and read + clean, on a generated usage log of about
// 350 MB (200,000 users, ~9M rows) and on the full UCI Online Retail file (541,909 rows).
// Inputs are generated or decompressed once into the scratch directory and reused.
//
//   build/bench/csv_reader_benchmark --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "bench_util.h"
#include "prep/ingest.h"

namespace growthlens {
namespace {

void ReportCounters(benchmark::State& state, const CleanedData& data, size_t bytes) {
  const auto rows = static_cast<int64_t>(data.report.records);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * rows);
  // Decimal megabytes per second (Google Benchmark's bytes_per_second prints binary MiB/s).
  state.counters["MB_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(bytes) / 1e6,
                         benchmark::Counter::kIsRate);
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["kept"] = static_cast<double>(data.report.rows_kept);
  state.counters["bytes_per_row"] = data.dataset.Memory().BytesPerRow(data.dataset.rows());
  state.counters["read_s"] = data.report.read_seconds;
  state.counters["clean_s"] = data.report.clean_seconds;
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

void IngestBenchmark(benchmark::State& state, const std::string& path, unsigned threads) {
  IngestOptions options;
  options.read.threads = threads;
  const size_t bytes = std::filesystem::file_size(path);
  const std::optional<CleanedData> last = bench::IngestEachIteration(state, path, options);
  if (last) ReportCounters(state, *last, bytes);
}

void BM_IngestUsageLog(benchmark::State& state) {
  IngestBenchmark(state, bench::UsageLogPath(), static_cast<unsigned>(state.range(0)));
}
BENCHMARK(BM_IngestUsageLog)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0);

void BM_IngestOnlineRetail(benchmark::State& state) {
  IngestBenchmark(state, bench::OnlineRetailPath(), static_cast<unsigned>(state.range(0)));
}
BENCHMARK(BM_IngestOnlineRetail)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReadOnlyUsageLog(benchmark::State& state) {
  const std::string path = bench::UsageLogPath();
  const size_t bytes = std::filesystem::file_size(path);
  CsvReadOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  int64_t rows = 0;
  for (auto _ : state) {
    Result<InputBuffer> buffer = InputBuffer::Load(path, Encoding::kAuto, Utf8Check::kByReader);
    Result<CsvReadResult> read = ReadCsv(*buffer, "usage_200k.csv", options);
    rows = static_cast<int64_t>(read->table.rows());
    benchmark::DoNotOptimize(rows);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * rows);
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}
BENCHMARK(BM_ReadOnlyUsageLog)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
