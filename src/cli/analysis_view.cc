#include "cli/analysis_view.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <memory>

#include "app/data_source.h"
#include "cli/workspace_option.h"
#include "core/parallel.h"
#include "core/terminal_text.h"
#include "io/dataset_csv_writer.h"

namespace growthlens::cli {

void AddAnalysisInput(CLI::App& command, AnalysisInput& input, const CommandOutcome& outcome) {
  CLI::Option* file = command.add_option(
      "input", input.input, "CSV file to load (.csv or .csv.gz), as for ingest; or --workspace");
  // Held data (serve) is named, not read.
  if (!outcome.preloaded) file->check(CLI::ExistingFile);
  AddWorkspaceInput(command, input, file, "a FILE");
  command.add_flag("--quiet", input.quiet, "No progress on stderr");
  AddFormatOption(command, input.format);
  AddIngestOptions(command, input.flags);
}

void AddWorkspaceInput(CLI::App& command, AnalysisInput& input, CLI::Option* file,
                       std::string_view instead_of, std::string_view when) {
  command
      .add_option("--workspace", input.workspace,
                  fmt::format("Analyse the data stored in this workspace (growthlens ingest FILE "
                              "--workspace W) instead of {} (default without {}: "
                              "$GROWTHLENS_WORKSPACE, if set{}); of several kinds stored, --kind "
                              "names one",
                              instead_of, instead_of, when))
      ->excludes(file);
}

void DefaultToWorkspaceVariable(AnalysisInput& input) {
  if (input.input.empty() && input.workspace.empty())
    input.workspace = ResolveWorkspace("", /*use_default=*/false);
}

namespace {

/// The loading flags that say how to read a CSV and mean nothing for a workspace's data, which
/// was read and cleaned at ingest: refused rather than ignored.
Status RefuseCsvOnlyFlags(const IngestFlags& flags) {
  if (!flags.where.empty())
    return Invalid(
        "--where filters the rows of a CSV as it is read; a workspace holds the rows kept at "
        "ingest (filter when ingesting, or analyse the CSV)");
  for (const std::string& column : flags.columns)
    if (!column.empty())
      return Invalid(
          fmt::format("the column flags (--user-col and the like; '{}' given) name "
                      "columns of a CSV; a workspace's data was mapped at ingest",
                      column));
  return Status::Ok();
}

}  // namespace

Result<LoadedData> LoadForAnalysis(std::string_view command, AnalysisInput& input,
                                   const CommandOutcome& outcome, app::KindFamily family,
                                   std::optional<DataKind> preferred) {
  if (outcome.preloaded) return outcome.preloaded;
  DefaultToWorkspaceVariable(input);
  GROWTHLENS_RETURN_IF_ERROR(ResolveIngestOptions(input.flags));
  app::ProgressFn progress = input.quiet ? nullptr : StderrProgress(std::string(command));
  if (!input.workspace.empty()) {
    GROWTHLENS_RETURN_IF_ERROR(RefuseCsvOnlyFlags(input.flags));
    input.input = input.workspace;
    app::StoredKindChoice choice;
    choice.asked = input.flags.options.read.columns.kind;
    choice.family = family;
    choice.preferred = preferred;
    choice.signup_event = input.flags.options.read.columns.signup_event;
    return app::WorkspaceSource(input.workspace, std::move(progress), std::move(choice)).Load();
  }
  if (input.input.empty())
    return Invalid("expected a CSV file to analyse, or --workspace W for the data ingested there");
  app::CsvFileSource source(input.input, input.flags.options, std::move(progress));
  return source.Load();
}

}  // namespace growthlens::cli
