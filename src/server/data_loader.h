#pragma once
// Getting data into the server: a file named on the command line, a CSV uploaded from the
// browser (kept under <data-dir>/raw so the upload survives a restart), or generated demo data.
// Each is ingested and cleaned as `growthlens ingest` does, then analysed once as
// `growthlens analyze` does, which also writes the downloadable tables and the model.

#include <filesystem>
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

/// Loads an upload received at `received` (a file already named as it is to be stored; see
/// upload_receiver.h) and, once it loaded, moves it to <data-dir>/raw/<its name> (replacing an
/// earlier upload of that name) so that it survives a restart; `columns` forces the schema
/// (its kind) or maps the columns by name. A file that fails to load is left where it was
/// received, for its ScratchDirectory to remove.
Result<HeldPtr> LoadUpload(const std::filesystem::path& received, const ColumnOverrides& columns,
                           const LoadSettings& settings);

struct DemoSize {
  int users = 5000;
  int customers = 4000;
  uint64_t seed = 42;
};

/// Generates the demo usage log and transactions into <data-dir>/raw (as `growthlens demo`)
/// and loads both.
Result<std::vector<HeldPtr>> LoadDemo(const DemoSize& size, const LoadSettings& settings);

/// "orders (2).csv" -> "orders_2_.csv": a file name safe to store, ending in .csv or .csv.gz, at
/// most kMaxUploadNameLength characters.
inline constexpr size_t kMaxUploadNameLength = 120;
Result<std::string> SafeUploadName(std::string_view name);

}  // namespace growthlens::server
