// growthlens ingest FILE: load, clean, report, and write the clean data and the report.

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include <fmt/format.h>

#include "cli/ingest_command.h"

#include "app/cleaning_report_view.h"
#include "app/json_text.h"
#include "cli/command.h"
#include "cli/ingest_options.h"
#include "cli/output_format.h"
#include "io/atomic_file.h"
#include "io/dataset_csv_writer.h"
#include "io/output_set.h"
#include "store/file_checksum.h"
#include "store/workspace.h"
#include "warehouse/clickhouse_ingest.h"

namespace growthlens::cli {

namespace {

struct IngestArgs {
  IngestRequest request;
  bool no_write = false;
  IngestFlags flags;
};

/// The ingest record of `input` for the workspace: its checksum, then (once cleaned) its size,
/// rows and report.
struct WorkspaceTarget {
  store::Workspace workspace;
  store::LoadRecord record;
};

/// Opens (creating) the workspace and checksums the input. Null when the same file is stored
/// already, after saying so: ingesting a file twice adds nothing.
Result<std::optional<WorkspaceTarget>> OpenWorkspaceFor(const IngestRequest& args) {
  Result<store::FileChecksum> checksum = store::ChecksumOfFile(args.input);
  if (!checksum.ok()) return checksum.status();
  Result<store::Workspace> workspace =
      store::Workspace::Open(args.workspace, store::OpenMode::kCreate);
  if (!workspace.ok()) return workspace.status();
  Result<std::optional<store::StoredLoad>> previous = workspace->FindLoad(checksum->text);
  if (!previous.ok()) return previous.status();
  if (previous->has_value()) {
    const store::StoredLoad& load = **previous;
    fmt::print(stderr,
               "growthlens ingest: {} was already ingested into {} on {} UTC (as {}, load {}), "
               "nothing added\n",
               args.input, args.workspace, load.loaded_at, load.record.source_name, load.id);
    return std::optional<WorkspaceTarget>();
  }
  store::LoadRecord record;
  record.source_name = args.input;
  record.source_bytes = checksum->bytes;
  record.checksum = checksum->text;
  return std::optional<WorkspaceTarget>(WorkspaceTarget{std::move(*workspace), std::move(record)});
}

Status AppendToWorkspace(const IngestRequest& args, WorkspaceTarget& target,
                         const CleanedData& cleaned, const nlohmann::json& report) {
  if (!args.quiet)
    fmt::print(stderr, "growthlens ingest: appending to workspace {}\n", args.workspace);
  target.record.rows_read = cleaned.report.records;
  target.record.report_json = app::JsonText(report, -1);
  Result<store::AppendOutcome> outcome = target.workspace.Append(cleaned.dataset, target.record);
  if (!outcome.ok()) return outcome.status();
  if (outcome->already_loaded) {  // another process stored the same file meanwhile
    fmt::print(stderr,
               "growthlens ingest: {} was already ingested into {} on {} UTC, nothing added\n",
               args.input, args.workspace, outcome->already_loaded->loaded_at);
    return Status::Ok();
  }
  fmt::print(stderr,
             "growthlens ingest: added {} rows to workspace {} (load {}); {} rows were stored "
             "already and skipped\n",
             WithThousands(outcome->rows_added), args.workspace, outcome->load_id,
             WithThousands(outcome->rows_duplicate));
  return Status::Ok();
}

/// The cleaning report on stdout in `format`.
void PrintReport(OutputFormat format, const CleaningReport& report, const Dataset& dataset,
                 const nlohmann::json& json) {
  switch (format) {
    case OutputFormat::kTable:
      fmt::print("{}", app::CleaningReportTable(report, dataset));
      break;
    case OutputFormat::kJson:
      fmt::print("{}\n", app::JsonText(json, 2));
      break;
    case OutputFormat::kCsv:
      fmt::print("{}", app::CleaningReportCsv(report));
      break;
  }
}

/// What a ClickHouse insert did, on stderr.
void PrintInsertOutcome(const IngestRequest& args, const warehouse::InsertOutcome& outcome,
                        const std::string& display) {
  if (outcome.already_loaded) {
    fmt::print(stderr,
               "growthlens ingest: {} was already ingested into {} on {} UTC, nothing added\n",
               args.input, display, *outcome.already_loaded);
  } else {
    if (outcome.leftover_rows_deleted > 0)
      fmt::print(stderr,
                 "growthlens ingest: deleted {} rows an earlier failed attempt left behind\n",
                 WithThousands(outcome.leftover_rows_deleted));
    if (outcome.retries > 0)
      fmt::print(stderr,
                 "growthlens ingest: the connection to {} broke; {} insert(s) sent again{}\n",
                 display, outcome.retries,
                 outcome.deduplication_tokens ? " with the same deduplication tokens"
                                              : ", after deleting the rows of the broken attempt");
    fmt::print(stderr, "growthlens ingest: added {} rows to {} in {} block(s){}\n",
               WithThousands(outcome.rows_added), display, outcome.blocks,
               outcome.deduplication_tokens ? " with deduplication tokens" : "");
  }
}

/// `ingest --workspace clickhouse://...` of a file cleaned in chunks (prep/chunked_ingest.h):
/// each chunk read, cleaned and sent as a part of one load, the reports added up; the history
/// row, with the whole file's report, once every chunk is sent.
Result<CleanedData> IngestChunksIntoClickHouse(const IngestRequest& args, const ChunkedFile& file,
                                               warehouse::ClickHouseClient& client,
                                               const store::FileChecksum& checksum) {
  if (!args.quiet)
    fmt::print(stderr,
               "growthlens ingest: reading {} in {} chunks, inserting into ClickHouse {} at {}\n",
               args.input, file.chunks(), client.version(), client.endpoint().Display());
  warehouse::LoadRecord record;
  record.checksum = checksum.text;
  record.source = args.input;
  record.bytes = checksum.bytes;
  CleanedData total;
  const size_t max_examples = args.options.read.max_examples;
  Result<warehouse::InsertOutcome> outcome = warehouse::InsertParts(
      client, file.kind(), record, [&](const warehouse::PartSender& send) -> Status {
        total.report = CleaningReport{};
        for (size_t chunk = 0; chunk < file.chunks(); ++chunk) {
          Result<CleanedData> cleaned = file.Clean(chunk);
          if (!cleaned.ok()) return cleaned.status();
          GROWTHLENS_RETURN_IF_ERROR(send(cleaned->dataset));
          AddChunkReport(total.report, std::move(cleaned->report), max_examples);
          if (!args.quiet)
            fmt::print(stderr, "growthlens ingest: chunk {} of {}: {} rows read, {} kept\n",
                       chunk + 1, file.chunks(), WithThousands(total.report.records),
                       WithThousands(total.report.rows_kept));
        }
        record.rows_read = total.report.records;
        nlohmann::json json = app::CleaningReportJsonWithoutData(total.report);
        json["dataset"] = {{"rows", total.report.rows_kept}, {"chunks", file.chunks()}};
        record.report_json = app::JsonText(json, -1);
        return Status::Ok();
      });
  if (!outcome.ok()) return outcome.status();
  PrintInsertOutcome(args, *outcome, client.endpoint().Display());
  if (outcome->already_loaded) return CleanedData{};
  switch (args.format) {
    case OutputFormat::kTable:
      fmt::print("{}\nStored   {} rows in {} chunks (not held in memory)\n",
                 app::CleaningReportTableWithoutData(total.report),
                 WithThousands(total.report.rows_kept), file.chunks());
      break;
    case OutputFormat::kJson:
      fmt::print("{}\n", app::JsonText(nlohmann::json::parse(record.report_json), 2));
      break;
    case OutputFormat::kCsv:
      fmt::print("{}", app::CleaningReportCsv(total.report));
      break;
  }
  return total;
}

/// `growthlens ingest FILE --workspace clickhouse://...`: the same reading and cleaning, then
/// the rows inserted in blocks (warehouse/clickhouse_ingest.h). A file ingested before adds
/// nothing; the check runs before the file is read, and again at insert time.
Result<CleanedData> IngestIntoClickHouse(const IngestRequest& args) {
  Result<warehouse::ClickHouseEndpoint> endpoint =
      warehouse::ParseClickHouseUrl(args.workspace, args.clickhouse.user, args.clickhouse.password);
  if (!endpoint.ok()) return endpoint.status();
  Result<store::FileChecksum> checksum = store::ChecksumOfFile(args.input);
  if (!checksum.ok()) return checksum.status();
  Result<warehouse::ClickHouseClient> client = warehouse::ClickHouseClient::Connect(*endpoint);
  if (!client.ok()) return client.status();
  Result<std::optional<std::string>> previous = warehouse::FindLoad(*client, checksum->text);
  if (!previous.ok()) return previous.status();
  if (previous->has_value()) {
    fmt::print(stderr,
               "growthlens ingest: {} was already ingested into {} on {} UTC, nothing added\n",
               args.input, endpoint->Display(), **previous);
    return CleanedData{};
  }
  {  // the plan's mapping of the file is released before the whole file is read
    Result<ChunkedFile> chunked = ChunkedFile::Plan(args.input, args.options, args.chunk_bytes);
    if (!chunked.ok()) return chunked.status();
    if (chunked->whole_file_reason().empty() && chunked->chunks() > 1)
      return IngestChunksIntoClickHouse(args, *chunked, *client, *checksum);
    if (!args.quiet && !chunked->whole_file_reason().empty())
      fmt::print(stderr, "growthlens ingest: reading {} whole: {}\n", args.input,
                 chunked->whole_file_reason());
  }
  if (!args.quiet) fmt::print(stderr, "growthlens ingest: reading {}\n", args.input);
  Result<CleanedData> cleaned = IngestFile(args.input, args.options);
  if (!cleaned.ok()) return cleaned.status();
  const CleaningReport& report = cleaned->report;
  if (!args.quiet)
    fmt::print(stderr,
               "growthlens ingest: {} rows read in {:.2f} s, {} kept after cleaning in {:.2f} s; "
               "inserting into ClickHouse {} at {}\n",
               WithThousands(report.records), report.read_seconds, WithThousands(report.rows_kept),
               report.clean_seconds, client->version(), endpoint->Display());
  const nlohmann::json json = app::CleaningReportJson(report, cleaned->dataset);
  warehouse::LoadRecord record;
  record.checksum = checksum->text;
  record.source = args.input;
  record.bytes = checksum->bytes;
  record.rows_read = report.records;
  record.report_json = app::JsonText(json, -1);
  Result<warehouse::InsertOutcome> outcome =
      warehouse::InsertDataset(*client, cleaned->dataset, record);
  if (!outcome.ok()) return outcome.status();
  PrintInsertOutcome(args, *outcome, endpoint->Display());
  PrintReport(args.format, report, cleaned->dataset, json);
  return cleaned;
}

}  // namespace

Result<CleanedData> RunIngestRequest(const IngestRequest& args) {
  if (IsClickHouseWorkspace(args.workspace)) return IngestIntoClickHouse(args);
  std::optional<WorkspaceTarget> target;
  if (!args.workspace.empty()) {
    Result<std::optional<WorkspaceTarget>> opened = OpenWorkspaceFor(args);
    if (!opened.ok()) return opened.status();
    if (!opened->has_value()) return CleanedData{};
    target = std::move(*opened);
  }
  if (!args.quiet) fmt::print(stderr, "growthlens ingest: reading {}\n", args.input);
  Result<CleanedData> cleaned = IngestFile(args.input, args.options);
  if (!cleaned.ok()) return cleaned.status();
  const CleaningReport& report = cleaned->report;
  const Dataset& dataset = cleaned->dataset;
  if (!args.quiet)
    fmt::print(stderr,
               "growthlens ingest: {} rows read in {:.2f} s, {} kept after cleaning in {:.2f} s\n",
               WithThousands(report.records), report.read_seconds, WithThousands(report.rows_kept),
               report.clean_seconds);

  const nlohmann::json json = app::CleaningReportJson(report, dataset);
  if (target) GROWTHLENS_RETURN_IF_ERROR(AppendToWorkspace(args, *target, *cleaned, json));
  if (args.write && !target) {
    // The clean data and its report are one set, published together (see OutputSet).
    const std::string stem = DataStem(args.input);
    Result<OutputSet> outputs = OutputSet::Begin(args.output_dir, stem + ".ingest");
    if (!outputs.ok()) return outputs.status();
    const std::string data_file = stem + "_clean.csv";
    const std::string report_file = stem + "_cleaning_report.json";
    GROWTHLENS_RETURN_IF_ERROR(WriteDatasetCsv(dataset, outputs->PathFor(data_file)));
    GROWTHLENS_RETURN_IF_ERROR(
        WriteFileAtomically(outputs->PathFor(report_file), app::JsonText(json, 2) + "\n"));
    GROWTHLENS_RETURN_IF_ERROR(outputs->Commit());
    if (!args.quiet)
      fmt::print(stderr, "growthlens ingest: wrote {} and {}\n", outputs->PublishedPath(data_file),
                 outputs->PublishedPath(report_file));
  }
  PrintReport(args.format, report, dataset, json);
  return cleaned;
}

void RegisterIngestCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* command = app.add_subcommand(
      "ingest",
      "Load a usage log or transactions CSV (.csv or .csv.gz), clean it, print the cleaning report "
      "and write the clean data and the report (JSON) to --output-dir");
  IngestRequest& request = args->request;
  command->add_option("input", request.input, "CSV file to load")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option(
      "--output-dir", request.output_dir,
      "Where to write <name>_clean.csv and <name>_cleaning_report.json (default data/processed)");
  command->add_flag("--no-write", args->no_write, "Only print the report");
  command->add_option("--workspace", request.workspace,
                      "Append the clean data to this workspace file (created when missing) "
                      "instead of writing CSV files; a file ingested before adds nothing, and "
                      "rows already stored are skipped; or a ClickHouse database, "
                      "clickhouse://HOST:PORT/DATABASE (growthlens workspace init first)");
  AddClickHouseCredentialOptions(*command, request.clickhouse);
  command
      ->add_option("--chunk-bytes", request.chunk_bytes,
                   "A ClickHouse workspace: read, clean and insert the file this many bytes at a "
                   "time (a file grouped by user or in time order; others are read whole), so "
                   "memory stays bounded by a chunk")
      ->check(CLI::Range(kMinChunkBytes, size_t{1} << 40))
      ->capture_default_str();
  command->add_flag("--quiet", request.quiet, "No progress on stderr");
  AddFormatOption(*command, request.format);
  AddIngestOptions(*command, args->flags);
  command->callback([args, &outcome] {
    Status status = ResolveIngestOptions(args->flags);
    if (status.ok()) {
      args->request.options = args->flags.options;
      args->request.write = !args->no_write;
      status = RunIngestRequest(args->request).status();
    }
    if (!status.ok()) ReportFailure("ingest", status, outcome);
  });
}

}  // namespace growthlens::cli
