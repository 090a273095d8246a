#include "cli/command.h"

#include <cstdio>

#include <fmt/format.h>

#include "cli/analysis_command.h"
#include "core/terminal_text.h"

namespace growthlens::cli {

void ReportFailure(const std::string& command, const Status& status, CommandOutcome& outcome) {
  if (outcome.output == nullptr)
    fmt::print(stderr, "growthlens {}: error: {}\n", command, TerminalSafe(status.message()));
  outcome.failure = status;
  outcome.exit_code = ExitCodeOf(status.code());
}

Status Invalid(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message));
}

Status StoppedStatus() {
  return Status(ErrorCode::kInternal, "stopped: the client that asked for it has left");
}

void RegisterCommands(CLI::App& app, CommandOutcome& outcome) {
  RegisterGenerateCommand(app, outcome);
  RegisterIngestCommand(app, outcome);
  RegisterDemoCommand(app, outcome);
  RegisterAnalyzeCommand(app, outcome);
  RegisterSegmentCommands(app, outcome);
  RegisterModelCommands(app, outcome);
  RegisterChurnCommands(app, outcome);
  RegisterExperimentCommands(app, outcome);
  RegisterAnalysisCommands(app, outcome);  // the application layer's analyses
  RegisterApiDocsCommand(app, outcome);
  RegisterWorkspaceCommand(app, outcome);
  RegisterConsumeCommand(app, outcome);
}

void PrintOut(CommandOutcome& outcome, std::string_view text) {
  if (outcome.output != nullptr) {
    outcome.output->append(text);
    return;
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

app::ProgressFn StderrProgress(std::string command) {
  return [command = std::move(command)](std::string_view note) {
    fmt::print(stderr, "growthlens {}: {}\n", command, note);
  };
}

}  // namespace growthlens::cli
