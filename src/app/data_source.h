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
#include <vector>

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

/// The kinds an analysis reads: any, or those of one family (usage logs and event logs, or
/// transactions).
enum class KindFamily { kAny, kUsage, kTransactions };

/// Which of a workspace's kinds an analysis reads.
struct StoredKindChoice {
  std::optional<DataKind> asked;  // --kind: that kind, which must be stored
  KindFamily family = KindFamily::kAny;
  /// Of a usage log and an event log, the one to read instead of the usage log (a persona model
  /// fitted on an event log places that log's users).
  std::optional<DataKind> preferred;
  /// --signup-event NAME: an event log's signup days recomputed from the stored events (the
  /// first NAME event); "": as stored at ingest.
  std::string signup_event;

  /// Exactly `kind` (which must be stored).
  static StoredKindChoice Of(DataKind kind) {
    StoredKindChoice choice;
    choice.asked = kind;
    return choice;
  }
};

/// The kind to read of those `stored` in the workspace `path`: `asked` if stored; else the one
/// stored kind of the family; of a usage log and an event log, the usage log (or `preferred`),
/// with `note` saying so (and how to read the other). Several families stored for an analysis of
/// any kind is ambiguous: an error asking for --kind. Errors name the workspace and what it holds.
Result<DataKind> ChooseStoredKind(const std::vector<DataKind>& stored,
                                  const StoredKindChoice& choice, const std::string& path,
                                  std::string* note);

/// The data a workspace holds (growthlens ingest FILE --workspace W), read back without parsing
/// or cleaning: its cleaning report says what the workspace holds, each load's own report stays
/// in the workspace's history. The kind read is chosen by ChooseStoredKind (its note goes to
/// `progress`); `growthlens serve` asks for each kind stored.
class WorkspaceSource final : public DataSource {
 public:
  WorkspaceSource(std::string path, ProgressFn progress = nullptr, StoredKindChoice choice = {});
  const std::string& Name() const override { return path_; }
  Result<LoadedData> Load() override;

 private:
  std::string path_;
  ProgressFn progress_;
  StoredKindChoice choice_;
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
