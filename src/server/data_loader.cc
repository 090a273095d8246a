#include "server/data_loader.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <string_view>

#include "app/analyze_pipeline.h"
#include "app/cleaning_report_view.h"
#include "app/data_source.h"
#include "app/json_text.h"
#include "app/persona_cache.h"
#include "app/usage_analysis.h"
#include "cli/ingest_command.h"
#include "cli/output_format.h"
#include "core/stopwatch.h"
#include "io/ndjson_reader.h"
#include "metrics/usage_index.h"
#include "server/api_responses.h"
#include "store/file_checksum.h"
#include "store/workspace.h"
#include "synth/demo_files.h"

namespace growthlens::server {

namespace {

std::string ProcessedDir(const LoadSettings& settings) {
  return (std::filesystem::path(settings.data_dir) / "processed").string();
}

std::string RawPath(const LoadSettings& settings, const std::string& name) {
  return (std::filesystem::path(settings.data_dir) / "raw" / name).string();
}

/// The load's timeline, one line per stage on stderr: wall and CPU seconds (every thread) of the
/// stage, and the wall seconds since the load began.
class StageTimes {
 public:
  explicit StageTimes(bool quiet) : quiet_(quiet), cpu_(ProcessCpuSeconds()) {}

  void Done(std::string_view stage, std::string_view source) {
    const double cpu = ProcessCpuSeconds();
    if (!quiet_)
      fmt::print(stderr,
                 "growthlens serve: {} {}: {:.2f} s ({:.2f} s CPU), {:.2f} s since the start\n",
                 source, stage, stage_.Seconds(), cpu - cpu_, total_.Seconds());
    stage_ = Stopwatch();
    cpu_ = cpu;
  }

 private:
  bool quiet_;
  Stopwatch total_, stage_;
  double cpu_;
};

/// Analyses clean data (as `growthlens analyze --format json --quiet --output-dir DIR`) into
/// what the server holds; `stopwatch` and `stages` started when the load did.
Result<HeldPtr> AnalyseHeld(app::LoadedData data, const std::string& path,
                            const std::string& source, const LoadSettings& settings,
                            const Stopwatch& stopwatch, StageTimes& stages) {
  if (data->dataset.rows() == 0)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: no rows left after cleaning ({} read); nothing to analyse",
                              source, cli::WithThousands(data->report.records)));
  auto held = std::make_shared<HeldDataset>();
  held->source = source;
  held->path = path;
  held->predictions = std::make_shared<app::PredictionsCache>(settings.workspace);
  held->cleaning_json = app::JsonText(app::CleaningReportJson(data->report, data->dataset));
  held->data = std::move(data);
  held->stem = cli::DataStem(path);
  // One directory per kind and file: a usage log and transactions of the same name (or an
  // earlier upload whose name starts like this one) never mix their tables.
  held->processed_dir =
      (std::filesystem::path(ProcessedDir(settings)) / DataKindName(held->kind()) / held->stem)
          .string();

  // The typed results are kept so that the default views are answered from them.
  app::AnalyzeRequest analyze;
  analyze.input = source;
  analyze.output_dir = held->processed_dir;
  analyze.format = app::OutputFormat::kJson;
  if (!settings.quiet)
    analyze.progress = [&source](std::string_view note) {
      fmt::print(stderr, "growthlens serve: {} {}\n", source, note);
    };
  // The index needs the analyses' RFM segments only: built beside the persona model and the
  // files.
  double indexing_seconds = 0;
  analyze.alongside = [&held, &indexing_seconds](const Analysis& analysis) {
    const Stopwatch indexing;
    held->usage_index = app::BuildUsageIndex(*held->data, &analysis);
    indexing_seconds = indexing.Seconds();
  };
  Result<app::AnalyzeOutcome> analyzed = app::AnalyzeData(*held->data, analyze);
  if (!analyzed.ok()) return analyzed.status();
  if (held->usage_index && !settings.quiet)
    fmt::print(stderr, "growthlens serve: {} indexed for filtered views in {:.2f} s ({} MB)\n",
               source, indexing_seconds, held->usage_index->MemoryBytes() >> 20);
  stages.Done("analysed and indexed (the analyses, their files, the persona model and the index)",
              source);
  held->analysis = std::move(analyzed->analysis);
  // analyze fitted the default persona model: the persona pages and the users list use that fit.
  if (analyzed->segmentation)
    held->personas->Keep(std::move(analyzed->segmentation), held->analysis->rfm,
                         held->data->dataset.users().size());
  held->analysis_json = std::move(analyzed->report);
  held->load_seconds = stopwatch.Seconds();
  if (!settings.quiet)
    fmt::print(stderr, "growthlens serve: {} ready: {} rows, {} users, in {:.2f} s\n", source,
               cli::WithThousands(held->data->dataset.rows()),
               cli::WithThousands(held->data->dataset.users().size()), held->load_seconds);
  return HeldPtr(std::move(held));
}

}  // namespace

Result<HeldPtr> LoadDataset(const std::string& path, const std::string& source,
                            const IngestOptions& options, const LoadSettings& settings) {
  const Stopwatch stopwatch;
  StageTimes stages(settings.quiet);
  if (!settings.quiet) fmt::print(stderr, "growthlens serve: loading {}\n", path);
  Result<CleanedData> cleaned = IngestFile(path, options);
  if (!cleaned.ok()) return cleaned.status();
  stages.Done("read and cleaned", source);
  return AnalyseHeld(std::make_shared<const CleanedData>(std::move(cleaned).value()), path, source,
                     settings, stopwatch, stages);
}

Result<WorkspaceIngest> IngestIntoWorkspace(const std::string& path, const std::string& source,
                                            const IngestOptions& options,
                                            const LoadSettings& settings) {
  Result<store::FileChecksum> checksum = store::ChecksumOfFile(path);
  if (!checksum.ok()) return checksum.status();
  Result<store::Workspace> workspace =
      store::Workspace::Open(settings.workspace, store::OpenMode::kCreate);
  if (!workspace.ok()) return workspace.status();
  WorkspaceIngest ingest;
  ingest.source = source;
  const auto already = [&ingest](const store::StoredLoad& load) {
    ingest.kind = load.kind;
    ingest.already_ingested = true;
    ingest.load_id = load.id;
    ingest.loaded_at = load.loaded_at;
    ingest.rows_read = load.record.rows_read;
    ingest.rows_kept = load.rows_kept;
    ingest.cleaning_json = load.record.report_json;
    return ingest;
  };
  Result<std::optional<store::StoredLoad>> previous = workspace->FindLoad(checksum->text);
  if (!previous.ok()) return previous.status();
  if (previous->has_value()) return already(**previous);

  if (!settings.quiet)
    fmt::print(stderr, "growthlens serve: storing {} in workspace {}\n", source,
               settings.workspace);
  Result<CleanedData> cleaned = IngestFile(path, options);
  if (!cleaned.ok()) return cleaned.status();
  if (cleaned->dataset.rows() == 0)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: no rows left after cleaning ({} read); nothing to store", source,
                              cli::WithThousands(cleaned->report.records)));
  store::LoadRecord record;
  record.source_name = source;
  record.source_bytes = checksum->bytes;
  record.checksum = checksum->text;
  record.rows_read = cleaned->report.records;
  record.report_json =
      app::JsonText(app::CleaningReportJson(cleaned->report, cleaned->dataset), -1);
  // Acknowledged only once this transaction committed.
  Result<store::AppendOutcome> appended = workspace->Append(cleaned->dataset, record);
  if (!appended.ok()) return appended.status();
  if (appended->already_loaded) return already(*appended->already_loaded);  // stored meanwhile
  ingest.kind = cleaned->dataset.kind();
  ingest.load_id = appended->load_id;
  ingest.rows_read = record.rows_read;
  ingest.rows_kept = cleaned->dataset.rows();
  ingest.rows_added = appended->rows_added;
  ingest.rows_skipped = appended->rows_duplicate;
  ingest.cleaning_json = std::move(record.report_json);
  return ingest;
}

Result<HeldPtr> LoadWorkspaceKind(DataKind kind, const LoadSettings& settings) {
  const Stopwatch stopwatch;
  StageTimes stages(settings.quiet);
  if (!settings.quiet)
    fmt::print(stderr, "growthlens serve: loading the {} data of workspace {}\n",
               DataKindName(kind), settings.workspace);
  Result<app::LoadedData> data =
      app::WorkspaceSource(settings.workspace, nullptr, app::StoredKindChoice::Of(kind)).Load();
  if (!data.ok()) return data.status();
  const std::string source = std::filesystem::path(settings.workspace).filename().string();
  stages.Done("read", source);
  return AnalyseHeld(std::move(data).value(), settings.workspace, source, settings, stopwatch,
                     stages);
}

Result<std::vector<HeldPtr>> LoadWorkspace(const LoadSettings& settings) {
  Result<store::Workspace> workspace =
      store::Workspace::Open(settings.workspace, store::OpenMode::kCreate);
  if (!workspace.ok()) return workspace.status();
  Result<std::vector<DataKind>> kinds = workspace->Kinds();
  if (!kinds.ok()) return kinds.status();
  std::vector<HeldPtr> loaded;
  for (const DataKind kind : *kinds) {
    Result<HeldPtr> held = LoadWorkspaceKind(kind, settings);
    if (!held.ok()) return held.status();
    loaded.push_back(std::move(held).value());
  }
  return loaded;
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
  const bool ndjson = IsNdjsonName(safe);  // .ndjson, .jsonl, and .gz of them
  if (!safe.ends_with(".csv") && !safe.ends_with(".csv.gz") && !safe.ends_with(".txt") && !ndjson)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("parameter 'name': '{}' is not a .csv, .csv.gz, .ndjson or .jsonl "
                              "file name",
                              name));
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
       {std::tuple{DataKind::kUsage, size.users, "usage_log.csv"},
        std::tuple{DataKind::kTransactions, size.customers, "transactions.csv"},
        std::tuple{DataKind::kEvents, size.users, "events.csv"}}) {
    const std::string path = RawPath(settings, file);
    if (!settings.quiet)
      fmt::print(stderr, "growthlens serve: generating the demo {} of {} {} into {}\n",
                 kind == DataKind::kUsage ? "usage log" : DataKindName(kind),
                 cli::WithThousands(static_cast<size_t>(count)),
                 kind == DataKind::kTransactions ? "customers" : "users", path);
    const Result<synth::GenerationSummary> generated =
        synth::GenerateDemoFile(kind, count, size.seed, path);
    if (!generated.ok()) return generated.status();
    if (!settings.workspace.empty()) {
      Result<WorkspaceIngest> stored = IngestIntoWorkspace(path, file, IngestOptions(), settings);
      if (!stored.ok()) return stored.status();
      continue;
    }
    Result<HeldPtr> held = LoadDataset(path, file, IngestOptions(), settings);
    if (!held.ok()) return held.status();
    loaded.push_back(std::move(held).value());
  }
  if (!settings.workspace.empty()) return LoadWorkspace(settings);
  return loaded;
}

}  // namespace growthlens::server
