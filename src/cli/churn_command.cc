// growthlens churn train|evaluate|score FILE|--workspace W: churn prediction. `train` builds the
// feature table at a training cutoff and a later validation cutoff, fits boosted trees (XGBoost)
// and an L2 logistic baseline, reports both on validation and keeps the better one; `evaluate`
// measures a saved model at another cutoff; `score` gives every current user a churn
// probability, a risk band and their top three drivers.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/churn_model.h"
#include "app/churn_training.h"
#include "app/churn_views.h"
#include "cli/analysis_view.h"
#include "cli/clickhouse_input.h"
#include "cli/command.h"
#include "cli/option_bounds.h"
#include "cli/workspace_option.h"
#include "core/stopwatch.h"
#include "io/atomic_file.h"

namespace growthlens::cli {

namespace {

constexpr uint64_t kMaxChurnHorizon = 3'650;
constexpr uint64_t kMaxChurnRounds = 5'000;
constexpr uint64_t kMaxChurnDepth = 16;

struct ChurnArgs {
  AnalysisInput input;
  // train
  app::ChurnTrainOptions train;
  std::string train_cutoff, validation_cutoff;
  std::string model_out;
  std::string export_table;  // PREFIX: PREFIX_train.csv and PREFIX_validation.csv
  // evaluate, score
  std::string cutoff;
  std::string output;  // score: every user as CSV
  size_t top = 20;     // score: riskiest users in the table
  // all: the model read or saved
  std::string model;
  std::string saved_model;
};

Result<std::optional<Day>> ChurnDateOption(const char* option, const std::string& text) {
  if (text.empty()) return std::optional<Day>();
  const std::optional<Day> day = ParseIsoDate(text);
  if (!day)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} '{}': expected a date YYYY-MM-DD", option, text));
  return std::optional<Day>(*day);
}

std::string ChurnModelWorkspace(const ChurnArgs& args) {
  return ResolveWorkspace(args.input.workspace, /*use_default=*/true);
}

// The feature tables a churn command reads and the users' names: a file's or a workspace's rows,
// or a ClickHouse workspace's per-user rollups (app/clickhouse_churn.h).
struct ChurnInput {
  app::ChurnTableSource tables;
  std::function<std::shared_ptr<const Dataset>()> users;  // after the tables were read
};

Result<ChurnInput> LoadChurnInput(std::string_view command, ChurnArgs& args,
                                  const CommandOutcome& outcome,
                                  std::optional<DataKind> kind = std::nullopt) {
  if (!outcome.preloaded) DefaultToWorkspaceVariable(args.input);
  if (!outcome.preloaded && IsClickHouseWorkspace(args.input.workspace)) {
    if (!args.saved_model.empty())
      return Status(ErrorCode::kInvalidArgument,
                    "--saved-model/--save-model: a ClickHouse workspace keeps no saved models; "
                    "use --model-out FILE and --model FILE");
    args.input.input = args.input.workspace;
    Result<std::shared_ptr<app::ClickHouseChurnData>> data =
        OpenClickHouseChurn(command, args.input, kind);
    if (!data.ok()) return data.status();
    std::shared_ptr<app::ClickHouseChurnData> pushed = std::move(data).value();
    return ChurnInput{pushed->Tables(), [pushed] { return pushed->Users(); }};
  }
  Result<LoadedData> data =
      LoadForAnalysis(command, args.input, outcome, app::KindFamily::kAny, kind);
  if (!data.ok()) return data.status();
  auto dataset = std::shared_ptr<const Dataset>(*data, &(*data)->dataset);
  return ChurnInput{app::ChurnSourceOf(*dataset), [dataset] { return dataset; }};
}

Result<app::ChurnModel> ReadModelOption(ChurnArgs& args) {
  if (args.model.empty() && args.saved_model.empty())
    return Status(ErrorCode::kInvalidArgument,
                  "--model: expected the model file written by 'growthlens churn train "
                  "--model-out FILE', or --saved-model NAME for a model saved in the workspace");
  if (!args.model.empty()) return app::ReadChurnModel(args.model);
  Result<app::ChurnModel> model = app::LoadChurnModel(ChurnModelWorkspace(args), args.saved_model);
  args.model = fmt::format("saved model '{}'", args.saved_model);
  return model;
}

std::string ChurnScoreLines(const ml::BinaryScores& scores) {
  return fmt::format(
      "ROC AUC {:.4f}, PR AUC {:.4f}, Brier {:.4f}, log loss {:.4f} on {} users "
      "({:.1f}% churned)",
      scores.roc_auc, scores.pr_auc, scores.brier, scores.log_loss, WithThousands(scores.rows),
      100 * scores.base_rate);
}

Status RunChurnTrain(ChurnArgs& args, CommandOutcome& outcome) {
  Result<std::optional<Day>> train_cutoff = ChurnDateOption("--train-cutoff", args.train_cutoff);
  if (!train_cutoff.ok()) return train_cutoff.status();
  Result<std::optional<Day>> validation_cutoff =
      ChurnDateOption("--validation-cutoff", args.validation_cutoff);
  if (!validation_cutoff.ok()) return validation_cutoff.status();
  args.train.train_cutoff = *train_cutoff;
  args.train.validation_cutoff = *validation_cutoff;
  Result<ChurnInput> data = LoadChurnInput("churn train", args, outcome);
  if (!data.ok()) return data.status();
  args.train.threads = args.input.flags.options.read.threads;
  const Stopwatch watch;
  const double cpu_start = ProcessCpuSeconds();
  Result<app::ChurnTraining> training =
      app::TrainChurnModel(data->tables, args.train, args.input.input);
  if (!training.ok()) return training.status();
  const double seconds = watch.Seconds(), cpu_seconds = ProcessCpuSeconds() - cpu_start;
  auto model = std::make_shared<const app::ChurnModel>(std::move(training->model));
  if (!args.model_out.empty())
    GROWTHLENS_RETURN_IF_ERROR(app::WriteChurnModel(args.model_out, *model));
  if (!args.saved_model.empty())
    GROWTHLENS_RETURN_IF_ERROR(
        app::SaveChurnModel(ChurnModelWorkspace(args), args.saved_model, *model));
  const std::shared_ptr<const Dataset> dataset = data->users();
  if (!args.export_table.empty()) {
    for (const auto& [suffix, table] :
         {std::pair{"train", &training->train}, std::pair{"validation", &training->validation}}) {
      auto shared = std::make_shared<const ml::ChurnTable>(std::move(*table));
      GROWTHLENS_RETURN_IF_ERROR(WriteFileAtomically(
          fmt::format("{}_{}.csv", args.export_table, suffix),
          RenderCsv(app::ChurnFeatureTableView(shared, dataset), args.train.threads)));
    }
  }
  const app::ChurnModelReport& kept = model->report(model->kept);
  auto kept_report = std::shared_ptr<const app::ChurnModelReport>(model, &kept);
  auto names = std::make_shared<const std::vector<std::string>>(model->spec.Names());
  const View models = app::ChurnModelsView(model);
  const View deciles = app::ChurnDecilesView(kept_report);
  const View importance = app::ChurnImportanceView(kept_report, names);
  switch (args.input.format) {
    case OutputFormat::kTable: {
      std::string out = fmt::format(
          "Churn model of {}: trained at {} ({} users, {:.1f}% churned in the {} days after), "
          "validated at {}; {} features; {:.2f} s\n\n",
          args.input.input, FormatDate(model->train_cutoff), WithThousands(model->train_users),
          100 * model->train_churn_rate, model->settings.horizon,
          FormatDate(model->validation_cutoff), names->size(), seconds);
      out += RenderTable(models);
      out += fmt::format(
          "\nKept: {}. Deciles of its validation predictions (calibration, lift, "
          "cumulative gains):\n\n",
          app::ChurnModelTypeName(model->kept));
      out += RenderTable(deciles);
      out += "\nDrivers (mean absolute contribution to the log-odds on validation):\n\n";
      out += RenderTable(importance, 10);
      if (!args.model_out.empty()) out += fmt::format("\nwrote {}\n", args.model_out);
      if (!args.saved_model.empty())
        out += fmt::format("\nsaved as churn model '{}' in {}\n", args.saved_model,
                           ChurnModelWorkspace(args));
      PrintOut(outcome, out);
      break;
    }
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("source", args.input.input);
      json.Set("train_cutoff", FormatDate(model->train_cutoff));
      json.Set("validation_cutoff", FormatDate(model->validation_cutoff));
      json.Set("horizon_days", model->settings.horizon);
      json.Set("train_users", model->train_users);
      json.Set("train_churn_rate", model->train_churn_rate);
      json.Set("kept", app::ChurnModelTypeName(model->kept));
      json.Set("features", *names);
      json.Set("boosted_trees", app::ChurnReportJson(model->trees_report, *names));
      json.Set("logistic", app::ChurnReportJson(model->logistic_report, *names));
      json.Set("seconds", {{"total", seconds},
                           {"feature_tables", training->seconds.tables},
                           {"boosted_trees", training->seconds.trees},
                           {"logistic", training->seconds.logistic},
                           {"validation", training->seconds.validation}});
      json.Set("cpu_seconds", cpu_seconds);
      PrintOut(outcome, json.Render());
      break;
    }
    case OutputFormat::kCsv:
      PrintOut(outcome, RenderCsv(models));
      break;
  }
  return Status::Ok();
}

// What evaluate and score read: --cutoff, the model, and the data of the model's kind.
struct ChurnModelRun {
  std::optional<Day> cutoff;
  app::ChurnModel model;
  ChurnInput data;
};

Result<ChurnModelRun> PrepareModelRun(std::string_view command, ChurnArgs& args,
                                      const CommandOutcome& outcome) {
  Result<std::optional<Day>> cutoff = ChurnDateOption("--cutoff", args.cutoff);
  if (!cutoff.ok()) return cutoff.status();
  Result<app::ChurnModel> model = ReadModelOption(args);
  if (!model.ok()) return model.status();
  Result<ChurnInput> data = LoadChurnInput(command, args, outcome, model->spec.kind);
  if (!data.ok()) return data.status();
  return ChurnModelRun{*cutoff, std::move(model).value(), std::move(data).value()};
}

Status RunChurnEvaluate(ChurnArgs& args, CommandOutcome& outcome) {
  Result<ChurnModelRun> run = PrepareModelRun("churn evaluate", args, outcome);
  if (!run.ok()) return run.status();
  const app::ChurnModel* model = &run->model;
  Result<app::ChurnEvaluation> evaluation = app::EvaluateChurnModel(
      run->data.tables, *model, run->cutoff, args.input.flags.options.read.threads);
  if (!evaluation.ok()) return evaluation.status();
  auto report = std::make_shared<const app::ChurnModelReport>(std::move(evaluation->report));
  auto names = std::make_shared<const std::vector<std::string>>(model->spec.Names());
  const View deciles = app::ChurnDecilesView(report);
  const View importance = app::ChurnImportanceView(report, names);
  const Day at = evaluation->table.cutoff;
  switch (args.input.format) {
    case OutputFormat::kTable: {
      std::string out = fmt::format(
          "Churn model {} ({}, trained at {}) on {} at cutoff {}, horizon {} days:\n{}\n\n",
          args.model, app::ChurnModelTypeName(model->kept), FormatDate(model->train_cutoff),
          args.input.input, FormatDate(at), model->settings.horizon,
          ChurnScoreLines(report->validation));
      out += RenderTable(deciles);
      out += "\nDrivers (mean absolute contribution to the log-odds):\n\n";
      out += RenderTable(importance, 10);
      PrintOut(outcome, out);
      break;
    }
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("model", args.model);
      json.Set("kept", app::ChurnModelTypeName(model->kept));
      json.Set("cutoff", FormatDate(at));
      json.Set("evaluation", app::ChurnReportJson(*report, *names));
      PrintOut(outcome, json.Render());
      break;
    }
    case OutputFormat::kCsv:
      PrintOut(outcome, RenderCsv(deciles));
      break;
  }
  return Status::Ok();
}

Status RunChurnScore(ChurnArgs& args, CommandOutcome& outcome) {
  Result<ChurnModelRun> run = PrepareModelRun("churn score", args, outcome);
  if (!run.ok()) return run.status();
  const app::ChurnModel* model = &run->model;
  const ChurnInput& data = run->data;
  const Stopwatch watch;
  const double cpu_start = ProcessCpuSeconds();
  Result<app::ChurnScores> scored =
      app::ScoreChurn(data.tables, *model, run->cutoff, args.input.flags.options.read.threads);
  if (!scored.ok()) return scored.status();
  const double seconds = watch.Seconds(), cpu_seconds = ProcessCpuSeconds() - cpu_start;
  auto scores = std::make_shared<const app::ChurnScores>(std::move(scored).value());
  const View users = app::ChurnScoresView(scores, data.users());
  if (!args.output.empty())
    GROWTHLENS_RETURN_IF_ERROR(WriteFileAtomically(args.output, RenderCsv(users)));
  size_t bands[3] = {0, 0, 0};  // high, medium, low
  for (const double p : scores->probability) ++bands[app::ChurnRiskBandIndex(p)];
  switch (args.input.format) {
    case OutputFormat::kTable: {
      std::string out = fmt::format(
          "{} users active in the {} days before {} scored by {} ({}): {} high risk, {} medium, "
          "{} low; churn = no activity in the next {} days\n\n",
          WithThousands(scores->probability.size()), model->settings.active_within,
          FormatDate(scores->table.cutoff), args.model, app::ChurnModelTypeName(model->kept),
          WithThousands(bands[0]), WithThousands(bands[1]), WithThousands(bands[2]),
          model->settings.horizon);
      out += RenderTable(users, args.top);
      if (!args.output.empty()) out += fmt::format("\nwrote {}\n", args.output);
      PrintOut(outcome, out);
      break;
    }
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("model", args.model);
      json.Set("kept", app::ChurnModelTypeName(model->kept));
      json.Set("cutoff", FormatDate(scores->table.cutoff));
      json.Set("bands", {{"high", bands[0]}, {"medium", bands[1]}, {"low", bands[2]}});
      json.Set("seconds", seconds);
      json.Set("cpu_seconds", cpu_seconds);
      json.SetRows("users", users);
      PrintOut(outcome, json.Render());
      break;
    }
    case OutputFormat::kCsv:
      PrintOut(outcome, RenderCsv(users));
      break;
  }
  return Status::Ok();
}

void AddChurnModelInput(CLI::App& command, ChurnArgs& args) {
  CLI::Option* file =
      command.add_option("--model", args.model, "Churn model file from 'churn train --model-out'");
  command
      .add_option("--saved-model", args.saved_model,
                  "A churn model saved in the workspace ('churn train --save-model NAME'), read "
                  "from --workspace W, else $GROWTHLENS_WORKSPACE, else the default workspace")
      ->excludes(file);
  command.add_option("--cutoff", args.cutoff,
                     "Day the features are computed before, YYYY-MM-DD (evaluate: default the "
                     "latest whose horizon the data covers; score: the day after the data)");
}

// A `churn` subcommand reading FILE or --workspace, running `run` on its own arguments.
CLI::App* AddChurnSubcommand(CLI::App& churn, const char* name, const char* help,
                             Status (*run)(ChurnArgs&, CommandOutcome&),
                             const std::shared_ptr<ChurnArgs>& args, CommandOutcome& outcome) {
  CLI::App* command = churn.add_subcommand(name, help);
  AddAnalysisInput(*command, args->input, outcome);
  command->callback([args, run, name, &outcome] {
    const Status status = run(*args, outcome);
    if (!status.ok()) ReportFailure(std::string("churn ") + name, status, outcome);
  });
  return command;
}

}  // namespace

void RegisterChurnCommands(CLI::App& app, CommandOutcome& outcome) {
  CLI::App* churn = app.add_subcommand(
      "churn",
      "Churn prediction: who will have no activity in the next days. 'train' fits boosted trees "
      "(XGBoost) and a logistic baseline on the users as of one cutoff and compares them at a "
      "later one; 'evaluate' measures a saved model; 'score' rates every current user.");
  churn->require_subcommand(1);

  auto train_args = std::make_shared<ChurnArgs>();
  CLI::App* train = AddChurnSubcommand(
      *churn, "train",
      "Features per user from the activity before a cutoff (recency, frequency, monetary, "
      "tenure, trend, breadth, feature shares, regularity; orders, order value, returns and "
      "country for transactions), label = no activity in the --horizon days after it. Trains at "
      "--train-cutoff, validates at --validation-cutoff; prints ROC AUC, PR AUC, Brier, log loss, "
      "deciles (calibration, lift, gains) and drivers, and keeps the better model.",
      RunChurnTrain, train_args, outcome);
  ChurnArgs& t = *train_args;
  train
      ->add_option("--horizon", t.train.settings.horizon,
                   "Days after the cutoff without activity that count as churn (default 30)")
      ->check(WholeNumberIn(1, kMaxChurnHorizon));
  train
      ->add_option("--active-within", t.train.settings.active_within,
                   "Users in the table: active in these days before the cutoff (default 90; 0 = "
                   "every user with earlier activity)")
      ->check(WholeNumberIn(0, kMaxChurnHorizon));
  train->add_option("--active-feature", t.train.settings.active_feature,
                    "Only rows of this feature (event) count as activity for the label (default: "
                    "any row)");
  train->add_option("--train-cutoff", t.train_cutoff,
                    "Training cutoff, YYYY-MM-DD (default: a horizon before the validation one)");
  train->add_option("--validation-cutoff", t.validation_cutoff,
                    "Validation cutoff, YYYY-MM-DD (default: the latest whose horizon the data "
                    "covers)");
  train->add_option("--rounds", t.train.trees.rounds, "Boosting rounds (default 100)")
      ->check(WholeNumberIn(1, kMaxChurnRounds));
  train->add_option("--max-depth", t.train.trees.max_depth, "Tree depth (default 4)")
      ->check(WholeNumberIn(1, kMaxChurnDepth));
  train->add_option("--learning-rate", t.train.trees.learning_rate, "Shrinkage (default 0.05)")
      ->check(CLI::Range(1e-4, 1.0));
  train->add_option("--model-out", t.model_out, "Write the model to this JSON file");
  train->add_option("--save-model", t.saved_model,
                    "Keep the model in the workspace under this name (--workspace W, else "
                    "$GROWTHLENS_WORKSPACE, else the default workspace)");
  train->add_option("--export-table", t.export_table,
                    "Write the feature tables as PREFIX_train.csv and PREFIX_validation.csv "
                    "(user_id, features, churned)");

  auto evaluate_args = std::make_shared<ChurnArgs>();
  CLI::App* evaluate = AddChurnSubcommand(
      *churn, "evaluate",
      "A saved churn model on other data or a later cutoff: ROC AUC, PR AUC, Brier, log loss, "
      "deciles and drivers of the model kept at training.",
      RunChurnEvaluate, evaluate_args, outcome);
  AddChurnModelInput(*evaluate, *evaluate_args);

  auto score_args = std::make_shared<ChurnArgs>();
  CLI::App* score = AddChurnSubcommand(
      *churn, "score",
      "Every user active in the model's window before the cutoff with a churn probability, a "
      "risk band (high >= 60%, medium >= 30%, low) and the three features that raise their risk "
      "most; refuses a model whose features this data cannot give.",
      RunChurnScore, score_args, outcome);
  AddChurnModelInput(*score, *score_args);
  score->add_option("--output", score_args->output, "CSV file of every scored user");
  score->add_option("--top", score_args->top, "Riskiest users shown in the table (default 20)")
      ->check(WholeNumberIn(0, 1'000'000));
}

}  // namespace growthlens::cli
