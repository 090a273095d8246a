#pragma once
// Runs a CLI command in-process on data the server holds: each API route is the command of the
// same name, so the two can never disagree. Query parameters are checked against the command's
// own options (long names without dashes); loading and writing options are not reachable.
//
//   CommandCall call{{"usage"}, {{"view", "series"}, {"features", "Search,Export"}}};
//   call.input = held.path;
//   call.data = held.data;
//   Result<std::string> json = RunCommandCall(call);  // as `growthlens usage FILE --format json`

#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "core/status.h"

namespace growthlens::server {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct CommandCall {
  std::vector<std::string> command;  // {"usage"} or {"experiment", "plan"}
  QueryParams params;                // checked against the command's options
  std::string input;                 // the FILE argument when the command takes one
  cli::LoadedData data;              // analysed instead of reading `input`
  /// Options the server sets itself, e.g. --output-dir for analyze; never from the query.
  std::vector<std::string> fixed;
  /// Requested when nobody waits for the answer any more: long commands stop between stages.
  std::stop_token stop;
  /// What the command prints: json (the API's answers) or csv (exports).
  std::string format = "json";
};

/// What the command printed with --format json (or call.format) --quiet, or its failure. An unknown
/// or server-owned parameter fails with "parameter 'name': ..." (kInvalidArgument).
Result<std::string> RunCommandCall(const CommandCall& call);

}  // namespace growthlens::server
