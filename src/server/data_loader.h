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
  /// The workspace file the server stores its data in and serves from; "" = none: files and
  /// uploads are held in memory only (uploads are kept under raw/).
  std::string workspace;
  bool quiet = false;  // no progress on stderr
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

/// A file stored in the workspace: what was added, or the earlier load of the same file.
struct WorkspaceIngest {
  std::string source;  // the file's name
  DataKind kind = DataKind::kUsage;
  bool already_ingested = false;  // a file with the same checksum was stored before: nothing added
  int64_t load_id = 0;            // the load in the ingest history (the earlier one if already)
  std::string loaded_at;          // the earlier load's time (UTC) when already ingested
  uint64_t rows_read = 0;
  uint64_t rows_kept = 0;     // after cleaning
  uint64_t rows_added = 0;    // new rows stored
  uint64_t rows_skipped = 0;  // rows the workspace held already (an overlapping export)
  std::string cleaning_json;  // this file's cleaning report
};

/// Cleans the file at `path` (shown as `source`) and appends it to settings.workspace (created
/// when missing) in one transaction, as `growthlens ingest FILE --workspace W` does; a file whose
/// checksum is stored already adds nothing. Returns once the rows are committed.
Result<WorkspaceIngest> IngestIntoWorkspace(const std::string& path, const std::string& source,
                                            const IngestOptions& options,
                                            const LoadSettings& settings);

/// Loads and analyses the `kind` data stored in settings.workspace.
Result<HeldPtr> LoadWorkspaceKind(DataKind kind, const LoadSettings& settings);
/// Every kind settings.workspace holds (created when missing), loaded and analysed.
Result<std::vector<HeldPtr>> LoadWorkspace(const LoadSettings& settings);

struct DemoSize {
  int users = 5000;
  int customers = 4000;
  uint64_t seed = 42;
};

/// Generates the demo usage log, the event log of the same users and the transactions into
/// <data-dir>/raw (as `growthlens demo`) and loads them; with a workspace, stores them in it (a
/// repeated demo adds nothing) and loads what the workspace holds.
Result<std::vector<HeldPtr>> LoadDemo(const DemoSize& size, const LoadSettings& settings);

/// "orders (2).csv" -> "orders_2_.csv": a file name safe to store, ending in .csv or .csv.gz, at
/// most kMaxUploadNameLength characters.
inline constexpr size_t kMaxUploadNameLength = 120;
Result<std::string> SafeUploadName(std::string_view name);

}  // namespace growthlens::server
