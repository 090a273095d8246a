#include "cli/command.h"

#include <cstdio>

#include <fmt/format.h>

namespace growthlens::cli {

void ReportFailure(const std::string& command, const Status& status, CommandOutcome& outcome) {
  if (outcome.output == nullptr)
    fmt::print(stderr, "growthlens {}: error: {}\n", command, status.message());
  outcome.failure = status;
  outcome.exit_code = ExitCodeOf(status.code());
}

void PrintOut(CommandOutcome& outcome, std::string_view text) {
  if (outcome.output != nullptr) {
    outcome.output->append(text);
    return;
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace growthlens::cli
