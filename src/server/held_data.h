#pragma once
// What `growthlens serve` holds: at most one dataset of each kind (a usage log, an event log,
// transactions), each loaded, cleaned and analysed once. Requests take a snapshot (Holdings) and
// never see it change; an upload publishes a new snapshot with a new generation, which also retires
// cached responses.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/data_source.h"
#include "app/persona_cache.h"
#include "app/predictions_model.h"
#include "core/dataset.h"

namespace growthlens {
struct Analysis;   // metrics/analysis.h, kept out of the server's headers
class UsageIndex;  // metrics/usage_index.h, likewise
}  // namespace growthlens

namespace growthlens::server {

struct ClickHouseData;  // clickhouse_serving.h

struct HeldDataset {
  std::string source;         // the file name shown ("usage_log.csv")
  std::string path;           // where the raw file is on disk
  app::LoadedData data;       // clean rows
  std::string cleaning_json;  // the cleaning report, as `growthlens ingest --format json`
  /// Every analysis of the whole data with default options, as `growthlens analyze` runs them:
  /// requests asking for exactly these are answered from it (app::RunContext::analysis).
  std::shared_ptr<const Analysis> analysis;
  /// A usage or event log's indexes, built at load: filtered usage views read them (null for
  /// transactions).
  std::shared_ptr<const UsageIndex> usage_index;
  std::string analysis_json;  // `growthlens analyze --format json`
  std::string processed_dir;  // where analyze wrote the tables and the model
  std::string stem;           // their common prefix ("usage_log")
  double load_seconds = 0;    // read, clean and analyse
  /// The persona model of the users list, computed on its first request and kept.
  std::shared_ptr<app::PersonaCache> personas = std::make_shared<app::PersonaCache>();
  /// The churn and CLV predictions, computed on their first request and kept (with the
  /// workspace's saved churn models when the server keeps one).
  std::shared_ptr<app::PredictionsCache> predictions = std::make_shared<app::PredictionsCache>();
  /// Data of a ClickHouse workspace (clickhouse_serving.h): `data` is then one row per user and
  /// `analysis` null; every analysis reads ClickHouse. Null for data held in memory.
  std::shared_ptr<const ClickHouseData> clickhouse;

  DataKind kind() const { return data->dataset.kind(); }
};

using HeldPtr = std::shared_ptr<const HeldDataset>;

struct Holdings {
  std::array<HeldPtr, kDataKindCount> by_kind;  // index: static_cast<size_t>(DataKind)
  uint64_t generation = 0;

  HeldPtr Of(DataKind kind) const { return by_kind[static_cast<size_t>(kind)]; }
  /// The product-usage data shown when a request names none: the usage log, else the event log
  /// (null when neither is held).
  HeldPtr DefaultUsage() const;
  /// The datasets held: usage log, transactions, event log.
  std::vector<HeldPtr> All() const;
  bool Empty() const { return All().empty(); }
};

/// The current Holdings behind a mutex; readers copy a shared pointer and go.
class DataShelf {
 public:
  DataShelf() : current_(std::make_shared<const Holdings>()) {}

  std::shared_ptr<const Holdings> Snapshot() const;
  /// Replaces the dataset of its kind; returns the new generation.
  uint64_t Put(HeldPtr dataset);

  /// Loads are serialised: an upload while another runs gets 409 instead of waiting.
  bool TryBeginLoad() { return !loading_.exchange(true); }
  void EndLoad() { loading_ = false; }
  bool Loading() const { return loading_; }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Holdings> current_;
  std::atomic<bool> loading_{false};
};

/// Ends a load when it leaves scope.
class LoadGuard {
 public:
  explicit LoadGuard(DataShelf& shelf) : shelf_(shelf) {}
  ~LoadGuard() { shelf_.EndLoad(); }
  LoadGuard(const LoadGuard&) = delete;
  LoadGuard& operator=(const LoadGuard&) = delete;

 private:
  DataShelf& shelf_;
};

}  // namespace growthlens::server
