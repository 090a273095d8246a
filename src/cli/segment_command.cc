// growthlens segment FILE and growthlens train FILE: KMeans personas on RFM (optionally plus
// feature-usage shares). `train` fits and writes the model; `segment` does it all in one go: the
// k sweep, the personas with their interpretation, users with their persona and the model.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <numeric>
#include <random>
#include <string>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/ingest_command.h"
#include "cli/json_text.h"
#include "cli/option_bounds.h"
#include "cli/segment_model.h"
#include "cli/segment_views.h"
#include "core/number_format.h"
#include "core/stopwatch.h"
#include "io/atomic_file.h"
#include "metrics/rfm.h"

namespace growthlens::cli {

namespace {

struct SegmentArgs {
  AnalysisInput input;
  std::string k;  // "": the four tiers; "auto": the best silhouette; a number
  size_t k_min = 2;
  size_t k_max = 10;
  size_t n_init = 10;
  uint64_t seed = 0;
  std::string features = "rfm";
  std::string model;  // "" = data/models/<stem>_segments.json
  std::string output_dir = "data/processed";
  bool no_write = false;
  std::string reference_date;
  size_t exact_silhouette_max = 20'000;
  size_t silhouette_sample = 10'000;
  size_t stability_seeds = 0;
  std::string view;   // "" = per format: json model, csv users (train: personas)
  size_t sample = 0;  // users view: this many users drawn at random, 0 = all
};

enum class SegmentView { kModel, kUsers, kPersonas, kSweep };

Result<SegmentView> ParseSegmentView(const SegmentArgs& args, bool train_only) {
  if (args.view.empty()) {
    if (args.input.format == OutputFormat::kJson) return SegmentView::kModel;
    return train_only ? SegmentView::kPersonas : SegmentView::kUsers;
  }
  return ParseChoice<SegmentView>("--view", args.view,
                                  {{"model", SegmentView::kModel},
                                   {"users", SegmentView::kUsers},
                                   {"personas", SegmentView::kPersonas},
                                   {"sweep", SegmentView::kSweep}});
}

/// `count` rows of `view` drawn without replacement (seeded), kept in their order: a scatter
/// plot's worth of users out of millions.
View SampledRows(View view, size_t count, uint64_t seed) {
  if (count == 0 || count >= view.rows) return view;
  std::vector<size_t> rows(view.rows);
  std::iota(rows.begin(), rows.end(), size_t{0});
  std::mt19937_64 random(seed);
  for (size_t idx = 0; idx < count; ++idx) {  // partial Fisher-Yates
    std::uniform_int_distribution<size_t> pick(idx, rows.size() - 1);
    std::swap(rows[idx], rows[pick(random)]);
  }
  rows.resize(count);
  std::sort(rows.begin(), rows.end());
  auto kept = std::make_shared<std::vector<size_t>>(std::move(rows));
  view.rows = count;
  view.row = [kept, full = view.row](size_t row, std::vector<Cell>& cells) {
    full((*kept)[row], cells);
  };
  return view;
}

Result<ml::SegmentationOptions> ParseSegmentOptions(const SegmentArgs& args) {
  ml::SegmentationOptions options;
  Result<ml::SegmentFeatures> features = ParseChoice<ml::SegmentFeatures>(
      "--features", args.features,
      {{"rfm", ml::SegmentFeatures::kRfm}, {"rfm+usage", ml::SegmentFeatures::kRfmAndUsageShares}});
  if (!features.ok()) return features.status();
  options.features = *features;
  GROWTHLENS_RETURN_IF_ERROR(ApplyKOption(args.k, options));
  if (args.k_min < 2 || args.k_min > args.k_max)
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("--k-min {} --k-max {}: expected 2 <= k-min <= k-max", args.k_min, args.k_max));
  options.k_min = args.k_min;
  options.k_max = args.k_max;
  if (args.n_init == 0)
    return Status(ErrorCode::kInvalidArgument, "--n-init 0: expected at least 1 initialisation");
  options.n_init = args.n_init;
  options.seed = args.seed;
  options.exact_silhouette_max_rows = args.exact_silhouette_max;
  options.silhouette_sample_size = args.silhouette_sample;
  options.stability_seeds = args.stability_seeds;
  options.threads = args.input.flags.options.read.threads;
  return options;
}

Result<RfmOptions> ParseRfmOptions(const std::string& reference_date) {
  RfmOptions rfm;
  if (reference_date.empty()) return rfm;
  rfm.reference_day = ParseIsoDate(reference_date);
  if (!rfm.reference_day)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--reference-date '{}': expected a date YYYY-MM-DD", reference_date));
  return rfm;
}

std::string SegmentationHeading(const ml::Segmentation& segmentation, size_t users,
                                double seconds) {
  std::string out = fmt::format(
      "{} personas of {} {} ({}), k = {} ({}), silhouette {:.4f} on {} rows, inertia {}, in "
      "{:.2f} s\n",
      segmentation.k, GroupedNumber(static_cast<double>(users), 0),
      segmentation.kind == DataKind::kUsage ? "users" : "customers",
      fmt::join(segmentation.feature_names, ", "), segmentation.k,
      ml::KChoiceName(segmentation.k_choice), segmentation.silhouette,
      GroupedNumber(static_cast<double>(segmentation.silhouette_rows), 0),
      GroupedNumber(segmentation.inertia, 1), seconds);
  if (!segmentation.advice.empty()) out += "Advice: " + segmentation.advice + "\n";
  return out + "\n";
}

std::string PersonasText(const ml::Segmentation& segmentation, const Dataset& dataset) {
  const View personas = PersonasView(segmentation, dataset);
  std::string out = RenderTable(SelectColumns(
      personas, {"id", "persona", "users", "share", "median_recency", "mean_frequency",
                 "mean_monetary", "monetary_share", "top_features"}));
  out += '\n';
  for (const ml::Persona& persona : segmentation.personas)
    out += fmt::format("{} {}\n  {}\n  {}\n", persona.id, persona.name, persona.description,
                       persona.action);
  return out;
}

Status RunSegment(SegmentArgs& args, bool train_only, CommandOutcome& outcome) {
  const std::string_view command = train_only ? "train" : "segment";
  Result<ml::SegmentationOptions> options = ParseSegmentOptions(args);
  if (!options.ok()) return options.status();
  options->stop = outcome.stop;
  Result<RfmOptions> rfm_options = ParseRfmOptions(args.reference_date);
  if (!rfm_options.ok()) return rfm_options.status();
  Result<SegmentView> output_view = ParseSegmentView(args, train_only);
  if (!output_view.ok()) return output_view.status();
  Result<LoadedData> cleaned = LoadForAnalysis(command, args.input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& dataset = (*cleaned)->dataset;
  const RfmTable rfm = ComputeRfm(dataset, *rfm_options);
  if (!args.input.quiet)
    fmt::print(
        stderr, "growthlens {}: clustering {} {} ({})\n", command, WithThousands(rfm.size()),
        dataset.kind() == DataKind::kUsage ? "users" : "customers",
        options->k ? fmt::format("k = {}", *options->k)
        : options->k_choice == ml::KChoice::kBestSilhouette
            ? fmt::format("k = {}..{} by silhouette", options->k_min, options->k_max)
            : fmt::format("the four tiers, k = {}..{} as advice", options->k_min, options->k_max));
  const Stopwatch stopwatch;
  Result<ml::Segmentation> segmentation = ml::SegmentUsers(dataset, rfm, *options);
  if (!segmentation.ok()) return segmentation.status();
  const double seconds = stopwatch.Seconds();

  const SegmentModel model = MakeSegmentModel(dataset, rfm, *segmentation, args.input.input);
  const std::string stem = DataStem(args.input.input);
  const std::string model_path =
      args.model.empty() ? fmt::format("data/models/{}_segments.json", stem) : args.model;
  std::vector<std::string> written;
  if (!args.no_write) {
    GROWTHLENS_RETURN_IF_ERROR(WriteSegmentModel(model_path, model, dataset));
    written.push_back(model_path);
  }
  const View users = UserPersonasView(rfm, segmentation->labels, *segmentation, dataset);
  const View personas = PersonasView(*segmentation, dataset);
  const View sweep = KSweepView(segmentation->sweep, segmentation->k);
  if (!train_only && !args.no_write) {
    const std::filesystem::path dir(args.output_dir);
    for (const auto& [name, view] :
         {std::pair{"user_personas", &users}, std::pair{"personas", &personas},
          std::pair{"k_sweep", &sweep}}) {
      const std::string path = (dir / fmt::format("{}_{}.csv", stem, name)).string();
      GROWTHLENS_RETURN_IF_ERROR(WriteFileAtomically(path, RenderCsv(*view)));
      written.push_back(path);
    }
  }

  switch (args.input.format) {
    case OutputFormat::kTable: {
      std::string out = SegmentationHeading(*segmentation, rfm.size(), seconds);
      if (!segmentation->sweep.rows.empty()) out += RenderTable(sweep) + "\n";
      out += PersonasText(*segmentation, dataset);
      for (const std::string& path : written) out += fmt::format("wrote {}\n", path);
      PrintOut(outcome, out);
      break;
    }
    case OutputFormat::kJson:
    case OutputFormat::kCsv: {
      if (*output_view == SegmentView::kModel) {
        PrintOut(outcome, JsonText(SegmentModelJson(model, dataset), 1) + "\n");
        break;
      }
      const View& chosen = *output_view == SegmentView::kUsers      ? users
                           : *output_view == SegmentView::kPersonas ? personas
                                                                    : sweep;
      const View shown =
          SampledRows(chosen, *output_view == SegmentView::kUsers ? args.sample : 0, args.seed);
      if (args.input.format == OutputFormat::kCsv) {
        PrintOut(outcome, RenderCsv(shown));
        break;
      }
      JsonDocument json;
      json.Set("view", args.view.empty() ? "model" : args.view);
      json.Set("k", segmentation->k);
      json.Set("rows", shown.rows);
      json.Set("total_rows", chosen.rows);  // before --sample
      json.SetRows(args.view, shown);
      PrintOut(outcome, json.Render());
      break;
    }
  }
  return Status::Ok();
}

void AddSegmentOptions(CLI::App& command, SegmentArgs& args, bool train_only,
                       const CommandOutcome& outcome) {
  AddAnalysisInput(command, args.input, outcome);
  command
      .add_option("--k", args.k,
                  "Number of personas: auto = the best silhouette over --k-min..--k-max, or a "
                  "number (default: the four tiers, k = 4, with that sweep shown as advice)")
      ->option_text("auto|N")
      ->check(PersonaCount());
  command.add_option("--k-min", args.k_min, "Smallest k tried (default 2)")
      ->check(WholeNumberIn(2, kMaxSweptClusters));
  command.add_option("--k-max", args.k_max, "Largest k tried (default 10)")
      ->check(WholeNumberIn(2, kMaxSweptClusters));
  command
      .add_option("--n-init", args.n_init,
                  "KMeans initialisations, the lowest inertia kept (default 10)")
      ->check(WholeNumberIn(1, kMaxInitialisations));
  command
      .add_option("--seed", args.seed, "Seed of k-means++ and the silhouette sample (default 0)")
      ->check(WholeNumberIn(0, kMaxSeed));
  command
      .add_option("--features", args.features,
                  "rfm (default): recency, frequency, monetary; rfm+usage (usage logs): plus each "
                  "user's share of events per feature. log1p then standard scaling")
      ->option_text("rfm|rfm+usage");
  command.add_option("--model", args.model,
                     "Model file to write (default data/models/<input>_segments.json)");
  if (!train_only)
    command.add_option("--output-dir", args.output_dir,
                       "Where <input>_user_personas.csv, _personas.csv and _k_sweep.csv go "
                       "(default data/processed)");
  command.add_flag("--no-write", args.no_write, "Write no files");
  command.add_option("--reference-date", args.reference_date,
                     "Day recency is counted to, YYYY-MM-DD (default: the day after the last day)");
  command
      .add_option("--exact-silhouette-max", args.exact_silhouette_max,
                  "Exact silhouette up to this many users, sampled above (default 20000)")
      ->check(WholeNumberIn(0, kMaxSilhouetteRows));
  command
      .add_option("--silhouette-sample", args.silhouette_sample,
                  "Users in the silhouette sample above that (default 10000)")
      ->check(WholeNumberIn(2, kMaxSilhouetteRows));
  command
      .add_option("--view", args.view,
                  "What json and csv print: model (json default: the model file's JSON), users "
                  "(csv default for segment: every user's R, F, M and persona), personas (csv "
                  "default for train), sweep (the k sweep's metrics)")
      ->option_text("model|users|personas|sweep");
  command
      .add_option("--sample", args.sample,
                  "users view: only this many users, drawn at random with --seed (default 0 "
                  "= all); for scatter plots")
      ->check(WholeNumberIn(0, kMaxSampledUsers));
  command
      .add_option("--stability-seeds", args.stability_seeds,
                  "Refits per k with other seeds; reports their mean adjusted Rand index "
                  "(default 0)")
      ->check(WholeNumberIn(0, kMaxStabilitySeeds));
}

}  // namespace

void RegisterSegmentCommands(CLI::App& app, CommandOutcome& outcome) {
  auto segment_args = std::make_shared<SegmentArgs>();
  CLI::App* segment = app.add_subcommand(
      "segment",
      "Segment users (or customers) into personas in one go: RFM features (log1p, standard "
      "scaling), KMeans for k = 2..10 with inertia, silhouette, Davies-Bouldin and "
      "Calinski-Harabasz as advice, the four tiers (k = 4) unless --k auto or --k N; personas "
      "named and "
      "described with what to do; writes users with their persona, the personas, the k sweep "
      "and the model. Rules in docs/ANALYTICS.md (Segmentation).");
  AddSegmentOptions(*segment, *segment_args, /*train_only=*/false, outcome);
  segment->callback([segment_args, &outcome] {
    const Status status = RunSegment(*segment_args, /*train_only=*/false, outcome);
    if (!status.ok()) ReportFailure("segment", status, outcome);
  });

  auto train_args = std::make_shared<SegmentArgs>();
  CLI::App* train = app.add_subcommand(
      "train",
      "Fit the segmentation model (as segment does) and write it as versioned JSON: features, "
      "transform, centres, persona names, training summary and metrics. 'growthlens predict' "
      "and 'evaluate' read it.");
  AddSegmentOptions(*train, *train_args, /*train_only=*/true, outcome);
  train->callback([train_args, &outcome] {
    const Status status = RunSegment(*train_args, /*train_only=*/true, outcome);
    if (!status.ok()) ReportFailure("train", status, outcome);
  });
}

}  // namespace growthlens::cli
