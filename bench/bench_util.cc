#include "bench_util.h"

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "prep/ingest.h"
#include "synth/usage_generator.h"

namespace growthlens::bench {

int64_t PeakRssBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

std::string ScratchDir() {
  const char* configured = std::getenv("GROWTHLENS_BENCH_DIR");
  std::string dir = configured != nullptr ? configured : "/tmp/growthlens-bench";
  std::filesystem::create_directories(dir);
  return dir;
}

std::optional<CleanedData> IngestEachIteration(benchmark::State& state, const std::string& path,
                                               const IngestOptions& options) {
  std::optional<CleanedData> last;
  for (auto _ : state) {
    Result<CleanedData> data = IngestFile(path, options);
    if (!data.ok()) {
      state.SkipWithError(data.status().message().c_str());
      return std::nullopt;
    }
    state.PauseTiming();  // freeing the previous Dataset is not part of ingesting this one
    last = std::move(data).value();
    state.ResumeTiming();
  }
  return last;
}

std::string UsageLogPath() {
  const std::string path = ScratchDir() + "/usage_200k.csv";
  if (!std::filesystem::exists(path)) {
    synth::UsageGeneratorOptions options;
    options.users = 200'000;
    auto sink = synth::OpenOutputSink(path);
    if (!sink.ok() || !synth::GenerateUsageLog(options, **sink).ok()) std::abort();
  }
  return path;
}

std::string OnlineRetailPath() {
  const std::string path = ScratchDir() + "/online_retail.csv";
  if (!std::filesystem::exists(path)) {
    const std::string command = "xz -dc '" + std::string(GROWTHLENS_PUBLIC_DATA_DIR) +
                                "/online_retail.csv.xz' > '" + path + "'";
    if (std::system(command.c_str()) != 0) std::abort();
  }
  return path;
}

namespace {

std::unique_ptr<CleanedData> Load(const std::string& path) {
  Result<CleanedData> cleaned = IngestFile(path, IngestOptions());
  if (!cleaned.ok()) std::abort();
  return std::make_unique<CleanedData>(std::move(cleaned).value());
}

}  // namespace

const Dataset& UsageDataset() {
  static const std::unique_ptr<CleanedData> data = Load(UsageLogPath());
  return data->dataset;
}

const Dataset& RetailDataset() {
  static const std::unique_ptr<CleanedData> data = Load(OnlineRetailPath());
  return data->dataset;
}

}  // namespace growthlens::bench
