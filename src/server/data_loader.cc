#include "server/data_loader.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>

#include "app/analyze_pipeline.h"
#include "app/cleaning_report_view.h"
#include "app/json_text.h"
#include "cli/ingest_command.h"
#include "cli/output_format.h"
#include "core/stopwatch.h"
#include "server/api_responses.h"
#include "synth/output_sink.h"
#include "synth/transaction_generator.h"
#include "synth/usage_generator.h"

namespace growthlens::server {

namespace {

std::string ProcessedDir(const LoadSettings& settings) {
  return (std::filesystem::path(settings.data_dir) / "processed").string();
}

std::string RawPath(const LoadSettings& settings, const std::string& name) {
  return (std::filesystem::path(settings.data_dir) / "raw" / name).string();
}

/// What `growthlens generate --kind KIND --users COUNT --seed SEED --output PATH` writes.
Status GenerateDemoFile(std::string_view kind, int count, uint64_t seed, const std::string& path) {
  Result<std::unique_ptr<synth::OutputSink>> sink = synth::OpenOutputSink(path);
  if (!sink.ok()) return sink.status();
  const auto generate = [&]() -> Result<synth::GenerationSummary> {
    if (kind == "usage") {
      synth::UsageGeneratorOptions options;
      options.users = count;
      options.seed = seed;
      GROWTHLENS_RETURN_IF_ERROR(synth::ValidateUsageOptions(options));
      return synth::GenerateUsageLog(options, **sink, nullptr);
    }
    synth::TransactionGeneratorOptions options;
    options.customers = count;
    options.seed = seed;
    GROWTHLENS_RETURN_IF_ERROR(synth::ValidateTransactionOptions(options));
    return synth::GenerateTransactions(options, **sink, nullptr);
  };
  const Result<synth::GenerationSummary> summary = generate();
  return summary.status();
}

}  // namespace

Result<HeldPtr> LoadDataset(const std::string& path, const std::string& source,
                            const IngestOptions& options, const LoadSettings& settings) {
  const Stopwatch stopwatch;
  if (!settings.quiet) fmt::print(stderr, "growthlens serve: loading {}\n", path);
  Result<CleanedData> cleaned = IngestFile(path, options);
  if (!cleaned.ok()) return cleaned.status();
  if (cleaned->dataset.rows() == 0)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: no rows left after cleaning ({} read); nothing to analyse",
                              source, cli::WithThousands(cleaned->report.records)));
  auto held = std::make_shared<HeldDataset>();
  held->source = source;
  held->path = path;
  held->cleaning_json = app::JsonText(app::CleaningReportJson(cleaned->report, cleaned->dataset));
  held->data = std::make_shared<const CleanedData>(std::move(cleaned).value());
  held->stem = cli::DataStem(path);
  // One directory per kind and file: a usage log and transactions of the same name (or an
  // earlier upload whose name starts like this one) never mix their tables.
  held->processed_dir =
      (std::filesystem::path(ProcessedDir(settings)) / KindName(held->kind()) / held->stem)
          .string();

  // What `growthlens analyze --format json --quiet --output-dir DIR` does; the typed results are
  // kept so that the default views are answered from them.
  app::AnalyzeRequest analyze;
  analyze.input = source;
  analyze.output_dir = held->processed_dir;
  analyze.format = app::OutputFormat::kJson;
  Result<app::AnalyzeOutcome> analyzed = app::AnalyzeData(*held->data, analyze);
  if (!analyzed.ok()) return analyzed.status();
  held->analysis = std::move(analyzed->analysis);
  held->analysis_json = std::move(analyzed->report);
  held->load_seconds = stopwatch.Seconds();
  if (!settings.quiet)
    fmt::print(stderr, "growthlens serve: {} ready: {} rows, {} users, in {:.2f} s\n", source,
               cli::WithThousands(held->data->dataset.rows()),
               cli::WithThousands(held->data->dataset.users().size()), held->load_seconds);
  return HeldPtr(std::move(held));
}

Result<std::string> SafeUploadName(std::string_view name) {
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (name.empty()) name = "upload.csv";
  if (name.size() > kMaxUploadNameLength)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("parameter 'name': {} characters; at most {} are kept", name.size(),
                              kMaxUploadNameLength));
  std::string safe;
  for (char c : name)
    safe += std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' ? c : '_';
  while (!safe.empty() && safe.front() == '.') safe.erase(safe.begin());
  if (!safe.ends_with(".csv") && !safe.ends_with(".csv.gz") && !safe.ends_with(".txt"))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("parameter 'name': '{}' is not a .csv or .csv.gz file name", name));
  return safe;
}

Result<HeldPtr> LoadUpload(const std::filesystem::path& received, const ColumnOverrides& columns,
                           const LoadSettings& settings) {
  const std::string name = received.filename().string();
  IngestOptions options;
  options.read.columns = columns;
  Result<HeldPtr> loaded = LoadDataset(received.string(), name, options, settings);
  if (!loaded.ok())
    return Status(loaded.status().code(),
                  NameSources(loaded.status().message(), received.string(), name));
  const std::string stored = RawPath(settings, name);
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(stored).parent_path(), error);
  std::filesystem::rename(received, stored, error);
  if (error)
    return Status(ErrorCode::kIoError,
                  fmt::format("{}: loaded, but it could not be kept in the data folder ({})", name,
                              error.message()));
  auto held = std::make_shared<HeldDataset>(**loaded);
  held->path = stored;
  return HeldPtr(std::move(held));
}

Result<std::vector<HeldPtr>> LoadDemo(const DemoSize& size, const LoadSettings& settings) {
  std::vector<HeldPtr> loaded;
  for (const auto& [kind, count, file] :
       {std::tuple{"usage", size.users, "usage_log.csv"},
        std::tuple{"transactions", size.customers, "transactions.csv"}}) {
    const std::string path = RawPath(settings, file);
    if (!settings.quiet)
      fmt::print(stderr, "growthlens serve: generating {} demo {} into {}\n",
                 cli::WithThousands(static_cast<size_t>(count)),
                 std::string_view(kind) == "usage" ? "users" : "customers", path);
    GROWTHLENS_RETURN_IF_ERROR(GenerateDemoFile(kind, count, size.seed, path));
    Result<HeldPtr> held = LoadDataset(path, file, IngestOptions(), settings);
    if (!held.ok()) return held.status();
    loaded.push_back(std::move(held).value());
  }
  return loaded;
}

}  // namespace growthlens::server
