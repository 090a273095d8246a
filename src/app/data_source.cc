#include "app/data_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "app/table_view.h"
#include "core/stopwatch.h"
#include "store/workspace.h"

namespace growthlens::app {

std::string DataStem(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (const char* suffix : {".gz", ".csv", ".tsv", ".txt", ".ndjson", ".jsonl", ".glw"})
    if (name.size() > std::strlen(suffix) && name.ends_with(suffix))
      name.resize(name.size() - std::strlen(suffix));
  return name;
}

CsvFileSource::CsvFileSource(std::string path, IngestOptions options, ProgressFn progress)
    : path_(std::move(path)), options_(std::move(options)), progress_(std::move(progress)) {}

Result<LoadedData> CsvFileSource::Load() {
  if (progress_) progress_(fmt::format("reading {}", path_));
  Result<CleanedData> cleaned = IngestFile(path_, options_);
  if (!cleaned.ok()) return cleaned.status();
  const CleaningReport& report = cleaned->report;
  if (progress_)
    progress_(fmt::format("{} rows read in {:.2f} s, {} kept after cleaning in {:.2f} s",
                          WithThousands(report.records), report.read_seconds,
                          WithThousands(report.rows_kept), report.clean_seconds));
  return LoadedData(std::make_shared<const CleanedData>(std::move(cleaned).value()));
}

WorkspaceSource::WorkspaceSource(std::string path, ProgressFn progress,
                                 std::optional<DataKind> kind)
    : path_(std::move(path)), progress_(std::move(progress)), kind_(kind) {}

Result<LoadedData> WorkspaceSource::Load() {
  const Stopwatch stopwatch;
  Result<store::Workspace> workspace = store::Workspace::Open(path_, store::OpenMode::kExisting);
  if (!workspace.ok()) return workspace.status();
  Result<std::vector<DataKind>> kinds = workspace->Kinds();
  if (!kinds.ok()) return kinds.status();
  if (kinds->empty())
    return Status(ErrorCode::kDataError, fmt::format("workspace {} holds no data yet", path_));
  if (kind_ && std::find(kinds->begin(), kinds->end(), *kind_) == kinds->end())
    return Status(ErrorCode::kDataError,
                  fmt::format("workspace {} holds no {} data", path_, DataKindName(*kind_)));
  if (!kind_ && kinds->size() > 1) {
    std::string names;
    for (const DataKind kind : *kinds)
      names += fmt::format("{}{}", names.empty() ? "" : ", ", DataKindName(kind));
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("workspace {} holds {} data; an analysis reads one kind (export one "
                              "with growthlens workspace export --kind)",
                              path_, names));
  }
  if (progress_) progress_(fmt::format("loading workspace {}", path_));
  Result<Dataset> data = workspace->Load(kind_.value_or(kinds->front()));
  if (!data.ok()) return data.status();
  CleanedData cleaned;
  cleaned.dataset = std::move(data).value();
  CleaningReport& report = cleaned.report;
  report.source.name = path_;
  report.kind = cleaned.dataset.kind();
  report.records = report.rows_kept = cleaned.dataset.rows();
  // Cleaned at ingest (each load's report is in the workspace's history), not again here.
  for (size_t rule = 0; rule < kCleaningRuleCount; ++rule) {
    report.rules[rule].rule = kAllCleaningRules[rule];
    report.rules[rule].enabled = false;
  }
  report.read_seconds = stopwatch.Seconds();
  if (progress_)
    progress_(fmt::format("{} rows loaded in {:.2f} s", WithThousands(report.rows_kept),
                          report.read_seconds));
  return LoadedData(std::make_shared<const CleanedData>(std::move(cleaned)));
}

}  // namespace growthlens::app
