#include "app/data_source.h"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>

#include "app/table_view.h"

namespace growthlens::app {

std::string DataStem(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (const char* suffix : {".gz", ".csv", ".tsv", ".txt"})
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

}  // namespace growthlens::app
