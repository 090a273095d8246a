#pragma once
// What the analysis commands share: loading a CSV exactly as `growthlens ingest` does and
// parsing their word options into usage errors (exit 2). Their tables are app::View
// (app/table_view.h).

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/table_view.h"
#include "cli/command.h"
#include "cli/ingest_options.h"
#include "cli/output_format.h"
#include "core/number_format.h"
#include "core/status.h"
#include "prep/ingest.h"

namespace growthlens::cli {

/// The FILE argument (or --workspace), --quiet, --format and every loading flag of
/// `growthlens ingest`.
struct AnalysisInput {
  std::string input;
  std::string workspace;  // read the data from this workspace instead of FILE
  bool quiet = false;
  OutputFormat format = OutputFormat::kTable;
  IngestFlags flags;
};

void AddAnalysisInput(CLI::App& command, AnalysisInput& input, const CommandOutcome& outcome);

/// --workspace W: the data read from a workspace instead of `file` (the FILE argument, --data),
/// which the help names as `instead_of`; by default, when neither is given and `when` holds,
/// the workspace $GROWTHLENS_WORKSPACE names.
void AddWorkspaceInput(CLI::App& command, AnalysisInput& input, CLI::Option* file,
                       std::string_view instead_of, std::string_view when = "");

/// Neither a FILE nor --workspace: the workspace $GROWTHLENS_WORKSPACE names, if set.
void DefaultToWorkspaceVariable(AnalysisInput& input);

/// The data held in `outcome` (serve), else the workspace's data, else the file loaded and
/// cleaned as `growthlens ingest` does (nothing is written), with progress on stderr unless
/// --quiet. With --workspace, `input.input` becomes the workspace's path (names outputs), and the
/// kind read is --kind's, else the one of `family` it holds (app::ChooseStoredKind).
Result<LoadedData> LoadForAnalysis(std::string_view command, AnalysisInput& input,
                                   const CommandOutcome& outcome,
                                   app::KindFamily family = app::KindFamily::kAny,
                                   std::optional<DataKind> preferred = std::nullopt);

template <typename T>
struct Choice {
  std::string_view name;
  T value;
};

/// The value named `text` (exact match), else an invalid-argument Status (exit 2) naming the
/// option and its choices.
template <typename T>
Result<T> ParseChoice(std::string_view option, std::string_view text,
                      std::initializer_list<Choice<T>> choices) {
  std::string names;
  for (const Choice<T>& choice : choices) {
    if (choice.name == text) return choice.value;
    names += fmt::format("{}{}", names.empty() ? "" : ", ", choice.name);
  }
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("{} '{}': expected one of {}", option, text, names));
}

// The tables of results live in the application layer (app/table_view.h).
using app::Align;
using app::AppendSpreadsheetSafeField;
using app::Cell;
using app::JsonDocument;
using app::kRatioDecimals;
using app::Ratio;
using app::RenderCsv;
using app::RenderTable;
using app::SelectColumns;
using app::View;
using app::ViewColumn;
using app::ViewRowsJson;

}  // namespace growthlens::cli
