#pragma once
// Getting data into the server: a file named on the command line, a CSV uploaded from the
// browser (kept under <data-dir>/raw so the upload survives a restart), or generated demo data.
// Each is ingested and cleaned as `growthlens ingest` does, then analysed once as
// `growthlens analyze` does, which also writes the downloadable tables and the model.

#include <optional>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/status.h"
#include "prep/ingest.h"
#include "server/held_data.h"

namespace growthlens::server {

struct LoadSettings {
  std::string data_dir = "data";  // raw/ and processed/ below it
  bool quiet = false;             // no progress on stderr
};

/// Ingests the file at `path` (shown as `source`) and analyses it.
Result<HeldPtr> LoadDataset(const std::string& path, const std::string& source,
                            const IngestOptions& options, const LoadSettings& settings);

/// Stores an uploaded CSV under <data-dir>/raw/<name> and loads it; `kind` forces the schema.
Result<HeldPtr> LoadUpload(std::string_view body, const std::string& name,
                           std::optional<DataKind> kind, const LoadSettings& settings);

struct DemoSize {
  int users = 5000;
  int customers = 4000;
  uint64_t seed = 42;
};

/// Generates the demo usage log and transactions into <data-dir>/raw (as `growthlens demo`)
/// and loads both.
Result<std::vector<HeldPtr>> LoadDemo(const DemoSize& size, const LoadSettings& settings);

/// "orders (2).csv" -> "orders_2_.csv": a file name safe to store, ending in .csv or .csv.gz.
Result<std::string> SafeUploadName(std::string_view name);

}  // namespace growthlens::server
