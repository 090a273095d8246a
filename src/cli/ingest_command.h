#pragma once
// The ingest step as a function, so that `demo` (and later `analyze`) run exactly what
// `growthlens ingest` runs.

#include <string>

#include "app/data_source.h"
#include "cli/output_format.h"
#include "cli/workspace_option.h"
#include "prep/chunked_ingest.h"
#include "prep/ingest.h"

namespace growthlens::cli {

struct IngestRequest {
  std::string input;
  std::string output_dir = "data/processed";
  bool write = true;                 // write <stem>_clean.csv and <stem>_cleaning_report.json
  std::string workspace;             // when set, append the clean data to this workspace instead
  ClickHouseCredentials clickhouse;  // a clickhouse:// workspace's user and password
  bool quiet = false;                // no progress on stderr
  OutputFormat format = OutputFormat::kTable;
  IngestOptions options;
  /// A ClickHouse workspace: the file is read, cleaned and sent this many bytes at a time when
  /// that cleans it as a whole (prep/chunked_ingest.h), so memory is bounded by a chunk.
  size_t chunk_bytes = kDefaultChunkBytes;
};

/// Loads, cleans, writes and prints the report on stdout in the requested format; returns the
/// clean data for the steps that follow.
Result<CleanedData> RunIngestRequest(const IngestRequest& request);

using app::DataStem;

}  // namespace growthlens::cli
