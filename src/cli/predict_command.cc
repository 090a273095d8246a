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
#include "app/segment_model.h"
#include "app/segment_views.h"
#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/ingest_command.h"
#include "cli/option_bounds.h"
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
  std::string output;  // predict: CSV of users with personas; "" = stdout only
  std::string reference_date;
  size_t seeds = 5;  // evaluate: refits for stability
  size_t silhouette_sample = 10'000;
};

/// The users of the file, their model features (scaled) and nearest persona.
struct Placed {
  LoadedData data;
  app::SegmentModel model;
  RfmTable rfm;
  ml::FeatureMatrix scaled;
  std::vector<int32_t> labels;
  double inertia = 0;
};

Result<Placed> Place(std::string_view command, PredictArgs& args, const CommandOutcome& outcome) {
  if (args.model.empty())
    return Status(ErrorCode::kInvalidArgument,
                  "--model: expected the model file written by 'growthlens train' or 'segment'");
  Result<app::SegmentModel> model = app::ReadSegmentModel(args.model);
  if (!model.ok()) return model.status();
  RfmOptions rfm_options;
  if (!args.reference_date.empty()) {
    rfm_options.reference_day = ParseIsoDate(args.reference_date);
    if (!rfm_options.reference_day)
      return Status(
          ErrorCode::kInvalidArgument,
          fmt::format("--reference-date '{}': expected a date YYYY-MM-DD", args.reference_date));
  }
  Result<LoadedData> cleaned = LoadForAnalysis(command, args.input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  if ((*cleaned)->dataset.kind() != model->kind)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is a {} file but the model {} was trained on {}",
                              args.input.input, DataKindName((*cleaned)->dataset.kind()),
                              args.model, DataKindName(model->kind)));
  Placed placed{std::move(cleaned).value(), std::move(model).value(), {}, {}, {}, 0};
  placed.rfm = ComputeRfm(placed.data->dataset, rfm_options);
  if (placed.rfm.size() == 0)
    return Status(ErrorCode::kDataError, fmt::format("{}: no users to place", args.input.input));
  const ml::Segmentation& segmentation = placed.model.segmentation;
  Result<ml::FeatureMatrix> x =
      ml::FeaturesForModel(placed.data->dataset, placed.rfm, segmentation.feature_names);
  if (!x.ok()) return x.status();
  Result<ml::FeatureMatrix> scaled = segmentation.transform.Apply(*x);
  if (!scaled.ok()) return scaled.status();
  placed.scaled = std::move(scaled).value();
  Result<ml::Assignment> assignment = ml::AssignToCentres(placed.scaled, segmentation.centres,
                                                          args.input.flags.options.read.threads);
  if (!assignment.ok()) return assignment.status();
  placed.labels = std::move(assignment->labels);
  placed.inertia = assignment->inertia;
  return placed;
}

/// Users per persona in this data, with the share the model had in training.
View PersonaCountsView(const Placed& placed) {
  auto counts = std::make_shared<std::vector<uint64_t>>(placed.model.segmentation.personas.size());
  for (int32_t label : placed.labels) ++(*counts)[static_cast<size_t>(label)];
  View view;
  view.columns = {{"id", "#"},
                  {"persona", "Persona", Align::kLeft},
                  {"users", "Users"},
                  {"share", "Share"},
                  {"training_share", "Share in training"}};
  view.rows = counts->size();
  const double total = static_cast<double>(placed.labels.size());
  view.row = [&placed, counts, total](size_t row, std::vector<Cell>& cells) {
    const ml::Persona& persona = placed.model.segmentation.personas[row];
    cells = {Cell::Integer(static_cast<int64_t>(row)), Cell::Text(persona.name),
             Cell::Integer(static_cast<int64_t>((*counts)[row])),
             Cell::Percent(static_cast<double>((*counts)[row]) / total),
             Cell::Percent(persona.share)};
  };
  return view;
}

Status RunPredict(PredictArgs& args, CommandOutcome& outcome) {
  Result<Placed> placed = Place("predict", args, outcome);
  if (!placed.ok()) return placed.status();
  const View users = app::UserPersonasView(placed->rfm, placed->labels, placed->model.segmentation,
                                           placed->data->dataset);
  if (!args.output.empty())
    GROWTHLENS_RETURN_IF_ERROR(WriteFileAtomically(args.output, RenderCsv(users)));
  const View counts = PersonaCountsView(*placed);
  switch (args.input.format) {
    case OutputFormat::kTable: {
      std::string out = fmt::format("{} {} placed in the {} personas of {}\n\n",
                                    WithThousands(placed->rfm.size()),
                                    ByKind(placed->model.kind, "users", "customers"),
                                    placed->model.segmentation.k, args.model);
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
  const ml::FeatureMatrix& x = placed->scaled;
  const unsigned threads = args.input.flags.options.read.threads;
  nlohmann::ordered_json metrics = {
      {"users", x.rows()}, {"k", placed->model.segmentation.k}, {"inertia", placed->inertia}};
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("Users", WithThousands(x.rows()));
  lines.emplace_back("Inertia", GroupedNumber(placed->inertia, 2));
  size_t used = 0;
  for (int32_t label = 0; static_cast<size_t>(label) < placed->model.segmentation.k; ++label)
    used += std::find(placed->labels.begin(), placed->labels.end(), label) != placed->labels.end();
  if (used >= 2 && used < x.rows()) {
    Result<ml::SampledSilhouette> silhouette =
        ml::SampledSilhouetteScore(x, placed->labels, args.silhouette_sample, 0, threads);
    Result<double> db = ml::DaviesBouldinScore(x, placed->labels);
    Result<double> ch = ml::CalinskiHarabaszScore(x, placed->labels);
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
    options.k = placed->model.segmentation.k;
    options.seed = seed;
    options.threads = threads;
    Result<ml::KMeansResult> refit = ml::FitKMeans(x, options);
    if (!refit.ok()) return refit.status();
    Result<double> score = ml::AdjustedRandScore(placed->labels, refit->labels);
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
  const View counts = PersonaCountsView(*placed);
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
  command.add_option("--model", args.model, "Model file from 'growthlens train' or 'segment'")
      ->required();
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
