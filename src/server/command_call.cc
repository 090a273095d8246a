#include "server/command_call.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <string_view>

namespace growthlens::server {

namespace {

/// Options that read or write files, or change how the data is loaded: the server owns these.
constexpr std::array<std::string_view, 26> kServerOwned = {"help",
                                                           "format",
                                                           "quiet",
                                                           "output-dir",
                                                           "no-write",
                                                           "model",
                                                           "output",
                                                           "encoding",
                                                           "delimiter",
                                                           "date-format",
                                                           "kind",
                                                           "threads",
                                                           "examples",
                                                           "skip-rule",
                                                           "min-date",
                                                           "max-date",
                                                           "strict",
                                                           "users-file",
                                                           "data-dir",
                                                           "regenerate",
                                                           "unclosed-quotes",
                                                           "max-quoted-bytes",
                                                           "max-inflated-mb",
                                                           "max-gzip-ratio",
                                                           "non-product-codes",
                                                           "non-product-descriptions"};

bool ServerOwned(std::string_view name) {
  return name.ends_with("-col") ||
         std::find(kServerOwned.begin(), kServerOwned.end(), name) != kServerOwned.end();
}

/// The subcommand at `path` in an app with every command registered.
CLI::App* FindCommand(CLI::App& app, const std::vector<std::string>& path) {
  CLI::App* node = &app;
  for (const std::string& name : path) {
    const std::vector<CLI::App*> children =
        node->get_subcommands([&name](const CLI::App* child) { return child->get_name() == name; });
    if (children.empty()) return nullptr;
    node = children.front();
  }
  return node;
}

const CLI::Option* FindOption(const CLI::App& command, std::string_view name) {
  for (const CLI::Option* option : command.get_options()) {
    if (!option->nonpositional()) continue;
    const std::vector<std::string>& names = option->get_lnames();
    if (std::find(names.begin(), names.end(), name) != names.end()) return option;
  }
  return nullptr;
}

std::vector<std::string> OptionNames(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options())
    for (const std::string& name : option->get_lnames())
      if (option->nonpositional() && !ServerOwned(name)) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

bool TakesInput(const CLI::App& command) {
  const std::vector<const CLI::Option*> options = command.get_options();
  return std::any_of(options.begin(), options.end(),
                     [](const CLI::Option* option) { return !option->nonpositional(); });
}

}  // namespace

Result<std::string> RunCommandCall(const CommandCall& call) {
  std::string output;
  cli::CommandOutcome outcome;
  outcome.output = &output;
  outcome.preloaded = call.data;
  outcome.stop = call.stop;
  CLI::App app{"growthlens"};
  cli::RegisterCommands(app, outcome);
  CLI::App* command = FindCommand(app, call.command);
  if (command == nullptr)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("no command '{}'", fmt::join(call.command, " ")));

  std::vector<std::string> args(call.command.begin(), call.command.end());
  if (TakesInput(*command)) args.push_back(call.input);
  for (const auto& [name, value] : call.params) {
    const CLI::Option* option = ServerOwned(name) ? nullptr : FindOption(*command, name);
    if (option == nullptr)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("parameter '{}': not accepted here; expected one of {}", name,
                                fmt::join(OptionNames(*command), ", ")));
    if (option->get_expected_min() == 0) {  // a flag
      if (value != "true" && value != "false" && !value.empty())
        return Status(ErrorCode::kInvalidArgument,
                      fmt::format("parameter '{}': '{}' is not true or false", name, value));
      if (value != "false") args.push_back("--" + name);
      continue;
    }
    args.push_back("--" + name);
    args.push_back(value);
  }
  if (FindOption(*command, "format") != nullptr) args.insert(args.end(), {"--format", call.format});
  if (FindOption(*command, "quiet") != nullptr) args.push_back("--quiet");
  args.insert(args.end(), call.fixed.begin(), call.fixed.end());

  std::reverse(args.begin(), args.end());  // CLI11 takes a vector last argument first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& error) {
    return Status(ErrorCode::kInvalidArgument, error.what());
  }
  if (!outcome.failure.ok()) return outcome.failure;
  return output;
}

}  // namespace growthlens::server
