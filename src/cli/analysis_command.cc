#include "cli/analysis_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/analysis_view.h"

namespace growthlens::cli {

namespace {

/// What the generated options store: each value as given, checked by the spec when the command
/// runs, so that the CLI and the API refuse the same values.
struct AnalysisArgs {
  AnalysisInput input;
  std::map<std::string, std::string> values;
  std::map<std::string, bool> flags;
  std::map<std::string, std::vector<std::string>> lists;  // repeatable, comma-separated
  std::vector<std::pair<std::string, CLI::Option*>> options;
};

/// What --help shows for a value: the spec's own text, else a number's type and range as CLI11
/// writes it ("UINT:0..10000").
std::string ValueText(const app::ParamSpec& spec) {
  if (!spec.value_text.empty()) return spec.value_text;
  if (spec.type != app::ParamType::kInt && spec.type != app::ParamType::kDouble) return "";
  const bool unsigned_int = spec.type == app::ParamType::kInt && spec.min && *spec.min >= 0;
  std::string text = spec.type == app::ParamType::kDouble ? "FLOAT" : unsigned_int ? "UINT" : "INT";
  if (spec.min && spec.max) text += fmt::format(":{}..{}", *spec.min, *spec.max);
  return text;
}

std::string CliNames(const app::ParamSpec& spec) {
  return spec.cli_names.empty() ? "--" + spec.name : spec.cli_names;
}

Status RunAnalysisCommand(const app::AnalysisEntry& entry, AnalysisArgs& args,
                          CommandOutcome& outcome) {
  app::ParamText given;
  for (const auto& [name, option] : args.options) {
    if (option->count() == 0) continue;
    if (const auto flag = args.flags.find(name); flag != args.flags.end()) {
      given.emplace_back(name, flag->second ? "true" : "false");
    } else if (const auto list = args.lists.find(name); list != args.lists.end()) {
      given.emplace_back(name, fmt::format("{}", fmt::join(list->second, ",")));
    } else {
      given.emplace_back(name, args.values[name]);
    }
  }
  Result<app::ParamText> params =
      app::Canonical(entry.params, given, app::Naming::kCli, entry.name);
  if (!params.ok()) return params.status();
  GROWTHLENS_RETURN_IF_ERROR(entry.check(*params, app::Naming::kCli));
  Result<LoadedData> data = LoadForAnalysis(entry.name, args.input, outcome);
  if (!data.ok()) return data.status();
  app::RunContext context;
  context.naming = app::Naming::kCli;
  context.source = args.input.input;
  context.threads = args.input.flags.options.read.threads;
  context.stop = outcome.stop;
  context.write_files = true;
  if (!args.input.quiet)
    context.progress = [&entry](std::string_view note) {
      fmt::print(stderr, "growthlens {}: {}\n", entry.name, note);
    };
  Result<std::string> text = entry.run(**data, *params, args.input.format, context);
  if (!args.input.quiet && outcome.output == nullptr)
    for (const std::string& warning : context.warnings)
      fmt::print(stderr, "growthlens {}: warning: {}\n", entry.name, warning);
  if (!text.ok()) return text.status();
  PrintOut(outcome, *text);
  return Status::Ok();
}

}  // namespace

void AddAnalysisCommand(CLI::App& app, const app::AnalysisEntry& entry, CommandOutcome& outcome) {
  auto args = std::make_shared<AnalysisArgs>();
  CLI::App* command = app.add_subcommand(entry.name, entry.help);
  AddAnalysisInput(*command, args->input, outcome);
  for (const app::ParamSpec& spec : entry.params) {
    CLI::Option* option = nullptr;
    if (spec.type == app::ParamType::kBool) {
      option = command->add_flag(CliNames(spec), args->flags[spec.name], spec.help);
    } else if (spec.type == app::ParamType::kList) {
      option =
          command->add_option(CliNames(spec), args->lists[spec.name], spec.help)->delimiter(',');
      if (!spec.value_text.empty()) option->option_text(spec.value_text);
    } else {
      option = command->add_option(CliNames(spec), args->values[spec.name], spec.help);
    }
    if (const std::string text = ValueText(spec); !text.empty()) option->option_text(text);
    args->options.emplace_back(spec.name, option);
  }
  command->callback([&entry, args, &outcome] {
    const Status status = RunAnalysisCommand(entry, *args, outcome);
    if (!status.ok()) ReportFailure(entry.name, status, outcome);
  });
}

void RegisterAnalysisCommands(CLI::App& app, CommandOutcome& outcome) {
  for (const app::AnalysisEntry& entry : app::Analyses()) {
    // An analysis registered earlier keeps its place in `growthlens --help` (segment, users).
    const auto named = [&entry](const CLI::App* command) {
      return command->get_name() == entry.name;
    };
    if (app.get_subcommands(named).empty()) AddAnalysisCommand(app, entry, outcome);
  }
}

}  // namespace growthlens::cli
