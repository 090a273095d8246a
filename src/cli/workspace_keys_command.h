#pragma once
// growthlens workspace keys create|list|revoke: the read and write keys `growthlens serve
// --workspace W` accepts from other machines (store/access_keys.h).

namespace CLI {
class App;
}  // namespace CLI

namespace growthlens::cli {

struct CommandOutcome;

/// Adds `keys` and its subcommands under the `workspace` command.
void RegisterWorkspaceKeysCommand(CLI::App& workspace, CommandOutcome& outcome);

}  // namespace growthlens::cli
