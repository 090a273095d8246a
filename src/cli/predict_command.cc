// growthlens predict FILE --model M and growthlens evaluate FILE --model M: place the users of a
// file in the personas of a stored model (same features, same transform, nearest centre), and
// measure how well the model's segments fit that data and how stable they are across seeds.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <numeric>
#include <string>

#include "app/json_text.h"
#include "app/persona_placement.h"
#include "app/saved_persona_model.h"
#include "app/segment_model.h"
#include "app/segment_views.h"
#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/ingest_command.h"
#include "cli/option_bounds.h"
#include "cli/workspace_option.h"
#include "core/number_format.h"
#include "io/atomic_file.h"
#include "metrics/rfm.h"
#include "ml/cluster_metrics.h"
#include "ml/kmeans.h"
#include "ml/silhouette.h"

namespace growthlens::cli {

namespace {

struct PredictArgs {
  AnalysisInput input;
  std::string model;
  std::string saved_model;  // a persona model saved in a workspace
  std::string output;       // predict: CSV of users with personas; "" = stdout only
  std::string reference_date;
  size_t seeds = 5;  // evaluate: refits for stability
  size_t silhouette_sample = 10'000;
};

/// The users of the file, their model features (scaled) and nearest persona.
struct Placed {
  LoadedData data;
  std::shared_ptr<const app::SegmentModel> model;
  std::shared_ptr<const app::PersonaPlacement> placement;
};

/// Where --saved-model is read: --workspace W (which then holds the data too), else
/// $GROWTHLENS_WORKSPACE, else the default workspace (a FILE's users placed by a saved model).
std::string ModelWorkspace(const PredictArgs& args) {
  return ResolveWorkspace(args.input.workspace, /*use_default=*/true);
}

Result<Placed> Place(std::string_view command, PredictArgs& args, const CommandOutcome& outcome) {
  if (args.model.empty() && args.saved_model.empty())
    return Status(ErrorCode::kInvalidArgument,
                  "--model: expected the model file written by 'growthlens train' or 'segment', "
                  "or --saved-model NAME for a model saved in the workspace");
  Result<app::SegmentModel> model =
      args.model.empty() ? app::LoadPersonaModel(ModelWorkspace(args), args.saved_model)
                         : app::ReadSegmentModel(args.model);
  if (!model.ok()) return model.status();
  if (args.model.empty()) args.model = fmt::format("saved model '{}'", args.saved_model);
  std::optional<Day> reference_day;
  if (!args.reference_date.empty()) {
    reference_day = ParseIsoDate(args.reference_date);
    if (!reference_day)
      return Status(
          ErrorCode::kInvalidArgument,
          fmt::format("--reference-date '{}': expected a date YYYY-MM-DD", args.reference_date));
  }
  Result<LoadedData> cleaned = LoadForAnalysis(
      command, args.input, outcome,
      IsUsageKind(model->kind) ? app::KindFamily::kUsage : app::KindFamily::kTransactions,
      model->kind);
  if (!cleaned.ok()) return cleaned.status();
  Result<app::PersonaPlacement> placement =
      app::PlaceInPersonas((*cleaned)->dataset, *model, reference_day,
                           args.input.flags.options.read.threads, args.input.input);
  if (!placement.ok()) return placement.status();
  return Placed{std::move(cleaned).value(),
                std::make_shared<const app::SegmentModel>(std::move(model).value()),
                std::make_shared<const app::PersonaPlacement>(std::move(placement).value())};
}

Status RunPredict(PredictArgs& args, CommandOutcome& outcome) {
  Result<Placed> placed = Place("predict", args, outcome);
  if (!placed.ok()) return placed.status();
  const View users = app::UserPersonasView(placed->placement->rfm, placed->placement->labels,
                                           placed->model->segmentation, placed->data->dataset);
  if (!args.output.empty())
    GROWTHLENS_RETURN_IF_ERROR(WriteFileAtomically(args.output, RenderCsv(users)));
  const View counts = app::PersonaCountsView(placed->placement, placed->model);
  switch (args.input.format) {
    case OutputFormat::kTable: {
      std::string out = fmt::format("{} {} placed in the {} personas of {}\n\n",
                                    WithThousands(placed->placement->rfm.size()),
                                    ByKind(placed->model->kind, "users", "customers"),
                                    placed->model->segmentation.k, args.model);
      out += RenderTable(counts);
      if (!args.output.empty()) out += fmt::format("\nwrote {}\n", args.output);
      PrintOut(outcome, out);
      break;
    }
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("model", args.model);
      json.SetRows("personas", counts);
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

Status RunEvaluate(PredictArgs& args, CommandOutcome& outcome) {
  Result<Placed> placed = Place("evaluate", args, outcome);
  if (!placed.ok()) return placed.status();
  const ml::FeatureMatrix& x = placed->placement->scaled;
  const unsigned threads = args.input.flags.options.read.threads;
  nlohmann::ordered_json metrics = {{"users", x.rows()},
                                    {"k", placed->model->segmentation.k},
                                    {"inertia", placed->placement->inertia}};
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("Users", WithThousands(x.rows()));
  lines.emplace_back("Inertia", GroupedNumber(placed->placement->inertia, 2));
  size_t used = 0;
  for (int32_t label = 0; static_cast<size_t>(label) < placed->model->segmentation.k; ++label)
    used += std::find(placed->placement->labels.begin(), placed->placement->labels.end(), label) !=
            placed->placement->labels.end();
  if (used >= 2 && used < x.rows()) {
    Result<ml::SampledSilhouette> silhouette = ml::SampledSilhouetteScore(
        x, placed->placement->labels, args.silhouette_sample, 0, threads);
    Result<double> db = ml::DaviesBouldinScore(x, placed->placement->labels);
    Result<double> ch = ml::CalinskiHarabaszScore(x, placed->placement->labels);
    if (!silhouette.ok()) return silhouette.status();
    if (!db.ok()) return db.status();
    if (!ch.ok()) return ch.status();
    metrics["silhouette"] = silhouette->score;
    metrics["silhouette_rows"] = silhouette->sample_size;
    metrics["davies_bouldin"] = *db;
    metrics["calinski_harabasz"] = *ch;
    lines.emplace_back("Silhouette", fmt::format("{:.4f} ({} rows{})", silhouette->score,
                                                 WithThousands(silhouette->sample_size),
                                                 silhouette->exact ? "" : ", sampled"));
    lines.emplace_back("Davies-Bouldin", fmt::format("{:.4f}", *db));
    lines.emplace_back("Calinski-Harabasz", GroupedNumber(*ch, 1));
  }
  // Stability: refit with other seeds and compare to the model's assignment.
  std::vector<double> ari;
  for (size_t seed = 1; seed <= args.seeds; ++seed) {
    ml::KMeansOptions options;
    options.k = placed->model->segmentation.k;
    options.seed = seed;
    options.threads = threads;
    Result<ml::KMeansResult> refit = ml::FitKMeans(x, options);
    if (!refit.ok()) return refit.status();
    Result<double> score = ml::AdjustedRandScore(placed->placement->labels, refit->labels);
    if (!score.ok()) return score.status();
    ari.push_back(*score);
  }
  if (!ari.empty()) {
    const double mean =
        std::accumulate(ari.begin(), ari.end(), 0.0) / static_cast<double>(ari.size());
    const double lowest = *std::min_element(ari.begin(), ari.end());
    metrics["stability_ari_mean"] = mean;
    metrics["stability_ari_min"] = lowest;
    metrics["stability_seeds"] = ari.size();
    lines.emplace_back("Stability (ARI)",
                       fmt::format("mean {:.4f}, lowest {:.4f} over {} refits with seeds 1..{}",
                                   mean, lowest, ari.size(), ari.size()));
  }
  const View counts = app::PersonaCountsView(placed->placement, placed->model);
  switch (args.input.format) {
    case OutputFormat::kTable: {
      std::string out = fmt::format("Model {} on {}\n\n", args.model, args.input.input);
      for (const auto& [name, value] : lines) out += fmt::format("{:<20} {}\n", name, value);
      out += "\n" + RenderTable(counts);
      PrintOut(outcome, out);
      break;
    }
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("model", args.model);
      json.Set("metrics", metrics);
      json.SetRows("personas", counts);
      PrintOut(outcome, json.Render());
      break;
    }
    case OutputFormat::kCsv: {
      std::string out = "metric,value\n";
      for (const auto& [name, value] : metrics.items())
        out += fmt::format("{},{}\n", name, app::JsonText(value));
      PrintOut(outcome, out);
      break;
    }
  }
  return Status::Ok();
}

void AddModelOptions(CLI::App& command, PredictArgs& args, const CommandOutcome& outcome) {
  AddAnalysisInput(command, args.input, outcome);
  CLI::Option* file =
      command.add_option("--model", args.model, "Model file from 'growthlens train' or 'segment'");
  command
      .add_option("--saved-model", args.saved_model,
                  "A persona model saved in the workspace (growthlens segment --workspace W "
                  "--save-model NAME), read from --workspace W, else $GROWTHLENS_WORKSPACE, else "
                  "~/.local/share/growthlens/default.glw; applied as saved, never refitted")
      ->excludes(file);
  command.add_option("--reference-date", args.reference_date,
                     "Day recency is counted to, YYYY-MM-DD (default: the day after the last day "
                     "in this file)");
}

}  // namespace

void RegisterModelCommands(CLI::App& app, CommandOutcome& outcome) {
  auto predict_args = std::make_shared<PredictArgs>();
  CLI::App* predict = app.add_subcommand(
      "predict",
      "Assign the users of a file to the personas of a stored model: the model's features and "
      "transform, then the nearest centre. Prints users per persona; --output writes every user "
      "with their persona (csv on stdout with --format csv).");
  AddModelOptions(*predict, *predict_args, outcome);
  predict->add_option("--output", predict_args->output, "CSV file of users with their persona");
  predict->callback([predict_args, &outcome] {
    const Status status = RunPredict(*predict_args, outcome);
    if (!status.ok()) ReportFailure("predict", status, outcome);
  });

  auto evaluate_args = std::make_shared<PredictArgs>();
  CLI::App* evaluate = app.add_subcommand(
      "evaluate",
      "How well a stored model's personas fit a file: inertia, silhouette (sampled above "
      "--silhouette-sample users), Davies-Bouldin, Calinski-Harabasz, users per persona, and "
      "stability: the adjusted Rand index between the model's assignment and KMeans refits with "
      "other seeds (1 = the same segments).");
  AddModelOptions(*evaluate, *evaluate_args, outcome);
  evaluate->add_option("--seeds", evaluate_args->seeds, "Refits for stability (default 5)")
      ->check(WholeNumberIn(0, kMaxStabilitySeeds));
  evaluate
      ->add_option("--silhouette-sample", evaluate_args->silhouette_sample,
                   "Users in the silhouette sample (default 10000; all when fewer)")
      ->check(WholeNumberIn(2, kMaxSilhouetteRows));
  evaluate->callback([evaluate_args, &outcome] {
    const Status status = RunEvaluate(*evaluate_args, outcome);
    if (!status.ok()) ReportFailure("evaluate", status, outcome);
  });
}

}  // namespace growthlens::cli
