#include "cli/analysis_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/clickhouse_row_inputs.h"
#include "app/metric_estimate.h"
#include "cli/analysis_view.h"
#include "cli/clickhouse_input.h"
#include "cli/workspace_option.h"
#include "io/input_buffer.h"

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

/// "experiment plan" for the entry "experiment/plan": how messages name the command.
std::string CommandName(const app::AnalysisEntry& entry) {
  std::string name = entry.name;
  std::replace(name.begin(), name.end(), '/', ' ');
  return name;
}

/// Whether loading flags name the file's kind or columns (then it is loaded as data, never read
/// as a per-user CSV).
bool MappedByFlags(const IngestFlags& flags) {
  return !flags.kind.empty() ||
         std::any_of(flags.columns.begin(), flags.columns.end(),
                     [](const std::string& column) { return !column.empty(); });
}

/// What a run reads, kept alive for it: the loaded data or a file's text.
struct CommandInput {
  LoadedData data;
  std::optional<InputBuffer> buffer;
  app::RunInput input;
  /// A ClickHouse workspace's pushed-down results, which the run answers from.
  std::shared_ptr<const Analysis> analysis;
  /// Set when those results cover the run's date window rather than all time.
  std::optional<app::HeldWindow> analysis_window;
  /// A ClickHouse workspace's predictions (app/clickhouse_predictions.h), which the run shows.
  std::shared_ptr<app::PredictionsCache> predictions;
};

/// The input of an analysis of a ClickHouse workspace: its per-user aggregates and the results
/// computed from them (app/clickhouse_aggregates.h), for the analyses pushed down.
Result<CommandInput> LoadClickHouseInput(const app::AnalysisEntry& entry, AnalysisArgs& args,
                                         const app::ParamText& params) {
  GROWTHLENS_RETURN_IF_ERROR(app::CheckPushedDown(entry.name, params));
  CommandInput loaded;
  // A funnel reads its users' step events, clv each customer's day totals: rows of their own.
  if (entry.name == "predictions") {
    app::PredictionInputs inputs;
    inputs.threads = args.input.flags.options.read.threads;
    loaded.predictions = std::make_shared<app::PredictionsCache>();
    GROWTHLENS_RETURN_IF_ERROR(loaded.predictions
                                   ->GetOr([&]() -> Result<app::Predictions> {
                                     Result<app::ClickHousePredictions> computed =
                                         LoadClickHousePredictions(CommandName(entry), args.input,
                                                                   inputs);
                                     if (!computed.ok()) return computed.status();
                                     loaded.data = std::move(computed->users);
                                     return std::move(computed->predictions);
                                   })
                                   .status());
    loaded.input = app::RunInput(*loaded.data);
    return loaded;
  }
  if (entry.name == "funnel" || entry.name == "clv") {
    Result<LoadedData> rows =
        entry.name == "clv" ? LoadClickHouseClvRows(CommandName(entry), args.input)
                            : LoadClickHouseFunnelRows(CommandName(entry), args.input, params);
    if (!rows.ok()) return rows.status();
    loaded.data = std::move(rows).value();
    loaded.input = app::RunInput(*loaded.data);
    return loaded;
  }
  if (app::ReadsOwnRows(entry.name, params)) {
    Result<app::PushedDownData> rows =
        LoadClickHouseOwnRows(CommandName(entry), args.input, entry.name, params);
    if (!rows.ok()) return rows.status();
    loaded.data = std::move(rows->data);
    loaded.analysis = std::move(rows->analysis);
    loaded.input = app::RunInput(*loaded.data);
    return loaded;
  }
  app::PushDownPlan plan = app::PushDownPlanOf(entry.name, params);
  plan.options.threads = args.input.flags.options.read.threads;
  Result<app::PushedDownData> pushed =
      LoadClickHouseWorkspace(CommandName(entry), args.input, plan);
  if (!pushed.ok()) return pushed.status();
  loaded.data = std::move(pushed->data);
  loaded.analysis = std::move(pushed->analysis);
  loaded.analysis_window = pushed->window;
  loaded.input = app::RunInput(*loaded.data);
  return loaded;
}

/// The input of `entry` as the command line names it: the loaded FILE, an experiment file read
/// into memory, or (--data FILE) a per-user CSV or a usage log or transactions file.
Result<CommandInput> LoadCommandInput(const app::AnalysisEntry& entry, AnalysisArgs& args,
                                      const app::ParamText& params, CommandOutcome& outcome) {
  CommandInput loaded;
  // $GROWTHLENS_WORKSPACE stands in for a FILE the analysis would read: never for an experiment's
  // file, nor for a plan whose parameters ask for no data.
  const bool wants_data = entry.need != app::DataNeed::kExperimentFile &&
                          (entry.need != app::DataNeed::kWhenAsked || entry.reads_data(params));
  if (wants_data && !outcome.preloaded) DefaultToWorkspaceVariable(args.input);
  const bool from_workspace = !args.input.workspace.empty();
  if (wants_data && from_workspace && IsClickHouseWorkspace(args.input.workspace))
    return LoadClickHouseInput(entry, args, params);
  const std::string& path = from_workspace ? args.input.workspace : args.input.input;
  switch (entry.need) {
    case app::DataNeed::kNone:
      return loaded;
    case app::DataNeed::kExperimentFile: {
      Result<InputBuffer> buffer = InputBuffer::Load(path, Encoding::kAuto);
      if (!buffer.ok()) return buffer.status();
      loaded.buffer = std::move(buffer).value();
      loaded.input = app::RunInput(app::InputText{path, loaded.buffer->text()});
      return loaded;
    }
    case app::DataNeed::kWhenAsked:
      if (path.empty()) return loaded;
      // Parameters that ask for no data: the file is named, not read, and the run says why it
      // is not wanted.
      if (!entry.reads_data(params)) {
        loaded.input = app::RunInput(app::InputText{path, {}});
        return loaded;
      }
      // A readable file whose header is not a usage log or transactions file is a per-user
      // CSV. (When the file cannot be read here, LoadForAnalysis reports it.)
      if (!MappedByFlags(args.input.flags) && !from_workspace) {
        Result<InputBuffer> buffer = InputBuffer::Load(path, Encoding::kAuto);
        if (buffer.ok()) {
          Result<bool> per_user = app::IsPerUserCsv(buffer->text(), path);
          if (!per_user.ok()) return per_user.status();
          if (*per_user) {
            loaded.buffer = std::move(buffer).value();
            loaded.input = app::RunInput(app::InputText{path, loaded.buffer->text()});
            return loaded;
          }
        }
      }
      break;
    case app::DataNeed::kAny:
    case app::DataNeed::kUsage:
    case app::DataNeed::kTransactions:
      break;
  }
  const app::KindFamily family = entry.need == app::DataNeed::kUsage ? app::KindFamily::kUsage
                                 : entry.need == app::DataNeed::kTransactions
                                     ? app::KindFamily::kTransactions
                                     : app::KindFamily::kAny;
  if (entry.reads_kind && args.input.flags.kind.empty())
    args.input.flags.kind = DataKindName(*entry.reads_kind);
  Result<LoadedData> data = LoadForAnalysis(CommandName(entry), args.input, outcome, family);
  if (!data.ok()) return data.status();
  loaded.data = std::move(data).value();
  loaded.input = app::RunInput(*loaded.data);
  return loaded;
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
  Result<CommandInput> loaded = LoadCommandInput(entry, args, *params, outcome);
  if (!loaded.ok()) return loaded.status();
  app::RunContext context;
  context.naming = app::Naming::kCli;
  context.source = args.input.input;
  context.threads = args.input.flags.options.read.threads;
  context.stop = outcome.stop;
  context.write_files = true;
  context.workspace = args.input.workspace;
  context.analysis = loaded->analysis;
  context.analysis_window = loaded->analysis_window;
  if (loaded->predictions) context.predictions = loaded->predictions;
  const bool to_terminal = !args.input.quiet && outcome.output == nullptr;
  if (to_terminal) context.progress = StderrProgress(CommandName(entry));
  Result<std::string> text = entry.run(loaded->input, *params, args.input.format, context);
  if (to_terminal)
    for (const std::string& warning : context.warnings)
      fmt::print(stderr, "growthlens {}: warning: {}\n", CommandName(entry), warning);
  if (!text.ok()) return text.status();
  PrintOut(outcome, *text);
  return Status::Ok();
}

void AddParamOption(CLI::App& command, const app::ParamSpec& spec, AnalysisArgs& args) {
  const std::string& help = spec.cli_help.empty() ? spec.help : spec.cli_help;
  CLI::Option* option = nullptr;
  if (spec.type == app::ParamType::kBool) {
    option = command.add_flag(CliNames(spec), args.flags[spec.name], help);
  } else if (spec.type == app::ParamType::kList) {
    option = command.add_option(CliNames(spec), args.lists[spec.name], help)->delimiter(',');
  } else {
    option = command.add_option(CliNames(spec), args.values[spec.name], help);
  }
  if (const std::string text = ValueText(spec); !text.empty()) option->option_text(text);
  args.options.emplace_back(spec.name, option);
}

/// --data FILE or --workspace W, with --quiet and the loading flags: the data an analysis reads
/// when asked.
void AddDataOptions(CLI::App& command, const app::AnalysisEntry& entry, AnalysisInput& input) {
  CLI::Option* data =
      command.add_option("--data", input.input, entry.input_help)->check(CLI::ExistingFile);
  AddWorkspaceInput(command, input, data, "--data FILE", ", when the parameters ask for data");
  command.add_flag("--quiet", input.quiet, "No loading progress on stderr (--data, --workspace)");
  AddIngestOptions(command, input.flags);
}

}  // namespace

void AddAnalysisCommand(CLI::App& app, const app::AnalysisEntry& entry, CommandOutcome& outcome) {
  auto args = std::make_shared<AnalysisArgs>();
  const size_t slash = entry.name.rfind('/');
  CLI::App* command = app.add_subcommand(
      slash == std::string::npos ? entry.name : entry.name.substr(slash + 1), entry.help);
  // The loaded data's FILE, --quiet, --format and loading flags come first; an experiment
  // file's FILE alone; --data and its flags where the entry places them; --format last.
  const bool reads_loaded_data = entry.need == app::DataNeed::kAny ||
                                 entry.need == app::DataNeed::kUsage ||
                                 entry.need == app::DataNeed::kTransactions;
  if (reads_loaded_data) AddAnalysisInput(*command, args->input, outcome);
  if (entry.need == app::DataNeed::kExperimentFile)
    command->add_option("input", args->input.input, entry.input_help)
        ->required()
        ->check(CLI::ExistingFile);
  bool data_options = entry.need != app::DataNeed::kWhenAsked;
  for (const app::ParamSpec& spec : entry.params) {
    if (!data_options && spec.name == entry.cli_input_before) {
      AddDataOptions(*command, entry, args->input);
      data_options = true;
    }
    AddParamOption(*command, spec, *args);
  }
  if (!data_options) AddDataOptions(*command, entry, args->input);
  if (!reads_loaded_data) AddFormatOption(*command, args->input.format);
  command->callback([&entry, args, &outcome] {
    const Status status = RunAnalysisCommand(entry, *args, outcome);
    if (!status.ok()) ReportFailure(CommandName(entry), status, outcome);
  });
}

void RegisterAnalysisCommands(CLI::App& app, CommandOutcome& outcome) {
  // Entries named "group/name" are subcommands of their group's command (experiment); an
  // analysis registered earlier keeps its place in `growthlens --help` (segment, users).
  for (const app::AnalysisEntry& entry : app::Analyses()) {
    if (entry.name.find('/') != std::string::npos) continue;
    const auto named = [&entry](const CLI::App* command) {
      return command->get_name() == entry.name;
    };
    if (app.get_subcommands(named).empty()) AddAnalysisCommand(app, entry, outcome);
  }
}

}  // namespace growthlens::cli
