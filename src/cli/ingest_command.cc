// growthlens ingest FILE: load, clean, report, and write the clean data and the report.

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

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

namespace growthlens::cli {

namespace {

struct IngestArgs {
  IngestRequest request;
  bool no_write = false;
  IngestFlags flags;
};

}  // namespace

Result<CleanedData> RunIngestRequest(const IngestRequest& args) {
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
  if (args.write) {
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
  switch (args.format) {
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
