#pragma once
// growthlens serve: registers the command that runs the dashboard and its API. The command-line
// parser's types are only named here; serve_command.cc and main.cc include them.

namespace CLI {
class App;
}  // namespace CLI

namespace growthlens::cli {
struct CommandOutcome;
}  // namespace growthlens::cli

namespace growthlens::server {

void RegisterServeCommand(CLI::App& app, cli::CommandOutcome& outcome);

}  // namespace growthlens::server
