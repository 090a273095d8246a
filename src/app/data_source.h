#pragma once
// Where an analysis's data comes from, behind one interface: a CSV file loaded and cleaned as
// `growthlens ingest` does (the CLI), or data already held in memory (`growthlens serve`); the
// workspace and ClickHouse will be further sources.
//
//   CsvFileSource source(path, options, [](std::string_view note) { Progress(note); });
//   Result<LoadedData> data = source.Load();

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/data_kind.h"
#include "core/status.h"
#include "prep/ingest.h"

namespace growthlens::app {

/// Data loaded and cleaned once and shared read-only (by `growthlens serve` across requests).
using LoadedData = std::shared_ptr<const CleanedData>;

class DataSource {
 public:
  virtual ~DataSource() = default;
  /// How messages name the data: "usage_log.csv".
  virtual const std::string& Name() const = 0;
  virtual Result<LoadedData> Load() = 0;
};

/// "usage_log" for "data/raw/usage_log.csv.gz": names the files derived from an input.
std::string DataStem(const std::string& path);

/// Progress notes of a long load ("reading usage_log.csv"), for a terminal.
using ProgressFn = std::function<void(std::string_view note)>;

/// A CSV file (.csv or .csv.gz), read and cleaned with `options`.
class CsvFileSource final : public DataSource {
 public:
  CsvFileSource(std::string path, IngestOptions options, ProgressFn progress = nullptr);
  const std::string& Name() const override { return path_; }
  Result<LoadedData> Load() override;

 private:
  std::string path_;
  IngestOptions options_;
  ProgressFn progress_;
};

/// The data a workspace holds (growthlens ingest FILE --workspace W), read back without parsing
/// or cleaning: its cleaning report says what the workspace holds, each load's own report stays
/// in the workspace's history. Without `kind` the workspace must hold one kind (an analysis reads
/// one); with it, that kind is read (`growthlens serve` holds every kind stored).
class WorkspaceSource final : public DataSource {
 public:
  WorkspaceSource(std::string path, ProgressFn progress = nullptr,
                  std::optional<DataKind> kind = std::nullopt);
  const std::string& Name() const override { return path_; }
  Result<LoadedData> Load() override;

 private:
  std::string path_;
  ProgressFn progress_;
  std::optional<DataKind> kind_;
};

/// Data already loaded, named as its file was.
class HeldSource final : public DataSource {
 public:
  HeldSource(std::string name, LoadedData data) : name_(std::move(name)), data_(std::move(data)) {}
  const std::string& Name() const override { return name_; }
  Result<LoadedData> Load() override { return data_; }

 private:
  std::string name_;
  LoadedData data_;
};

}  // namespace growthlens::app
