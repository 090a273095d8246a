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
  command
      .add_option("--workspace", input.workspace,
                  "Analyse the data stored in this workspace (growthlens ingest FILE --workspace "
                  "W) instead of a CSV file (default without a FILE: $GROWTHLENS_WORKSPACE, if "
                  "set)")
      ->excludes(file);
  command.add_flag("--quiet", input.quiet, "No progress on stderr");
  AddFormatOption(command, input.format);
  AddIngestOptions(command, input.flags);
}

void DefaultToWorkspaceVariable(AnalysisInput& input) {
  if (input.input.empty() && input.workspace.empty())
    input.workspace = ResolveWorkspace("", /*use_default=*/false);
}

Result<LoadedData> LoadForAnalysis(std::string_view command, AnalysisInput& input,
                                   const CommandOutcome& outcome) {
  if (outcome.preloaded) return outcome.preloaded;
  DefaultToWorkspaceVariable(input);
  GROWTHLENS_RETURN_IF_ERROR(ResolveIngestOptions(input.flags));
  app::ProgressFn progress = input.quiet ? nullptr : StderrProgress(std::string(command));
  if (!input.workspace.empty()) {
    input.input = input.workspace;
    return app::WorkspaceSource(input.workspace, std::move(progress)).Load();
  }
  if (input.input.empty())
    return Invalid("expected a CSV file to analyse, or --workspace W for the data ingested there");
  app::CsvFileSource source(input.input, input.flags.options, std::move(progress));
  return source.Load();
}

}  // namespace growthlens::cli
