#include "app/segment_params.h"

#include "app/persona_count.h"

#include <fmt/format.h>

#include <charconv>

#include "app/segment_views.h"
#include "ml/segmentation.h"

namespace growthlens::app {

namespace {

ParamSpec PersonaCountSpec() {
  ParamSpec spec = StringParam(
      "k", fmt::format("Number of personas: auto = the best silhouette over k-min..k-max, or a "
                       "number in 2..{} (default: the four tiers, k = 4, with that sweep shown as "
                       "advice)",
                       kMaxPersonas));
  spec.value_text = "auto|N";
  spec.max_length = 20;
  return spec;
}

/// A path the CLI writes to; the API may not name files.
ParamSpec CliPathParam(std::string name, std::string default_value, std::string help) {
  ParamSpec spec = StringParam(std::move(name), std::move(help));
  spec.default_value = std::move(default_value);
  spec.http = false;
  spec.max_length = 4096;
  return spec;
}

ParamSpec CliFlag(std::string name, std::string help) {
  ParamSpec spec = BoolParam(std::move(name), std::move(help));
  spec.http = false;
  return spec;
}

}  // namespace

std::vector<Param<SegmentParams>> SegmentParamList(bool train) {
  std::vector<Param<SegmentParams>> params = {
      {PersonaCountSpec(), &SegmentParams::k},
      {IntParam("k-min", 2, 2, kMaxSweptPersonas, "Smallest k tried (default 2)"),
       &SegmentParams::k_min},
      {IntParam("k-max", 10, 2, kMaxSweptPersonas, "Largest k tried (default 10)"),
       &SegmentParams::k_max},
      {IntParam("n-init", 10, 1, kMaxInitialisations,
                "KMeans initialisations, the lowest inertia kept (default 10)"),
       &SegmentParams::n_init},
      {IntParam("seed", 0, 0, kMaxSegmentSeed,
                "Seed of k-means++ and the silhouette sample (default 0)"),
       &SegmentParams::seed},
      {WithValueText(EnumParam("features", "rfm", {"rfm", "rfm+usage"},
                               "rfm (default): recency, frequency, monetary; rfm+usage (usage "
                               "logs): plus each user's share of events per feature. log1p then "
                               "standard scaling"),
                     "rfm|rfm+usage"),
       &SegmentParams::features},
      {CliPathParam("model", "", "Model file to write (default data/models/<input>_segments.json)"),
       &SegmentParams::model},
      {CliPathParam("save-model", "",
                    "With --workspace: also save the model in the workspace under this name, with "
                    "the loads it was fitted on (growthlens predict --saved-model NAME applies it; "
                    "workspace info lists it)"),
       &SegmentParams::save_model},
  };
  if (!train)
    params.push_back({CliPathParam("output-dir", "data/processed",
                                   "Where <input>_user_personas.csv, _personas.csv and "
                                   "_k_sweep.csv go (default data/processed)"),
                      &SegmentParams::output_dir});
  params.insert(
      params.end(),
      {
          {CliFlag("no-write", "Write no files"), &SegmentParams::no_write},
          {DateParam("reference-date",
                     "Day recency is counted to, YYYY-MM-DD (default: the day after the last day)"),
           &SegmentParams::reference_date},
          {IntParam("exact-silhouette-max", 20'000, 0, kMaxSilhouetteRows,
                    "Exact silhouette up to this many users, sampled above (default 20000)"),
           &SegmentParams::exact_silhouette_max},
          {IntParam("silhouette-sample", 10'000, 2, kMaxSilhouetteRows,
                    "Users in the silhouette sample above that (default 10000)"),
           &SegmentParams::silhouette_sample},
          {WithValueText(
               EnumParam("view", "", {"model", "users", "personas", "sweep"},
                         "What json and csv print: model (json default: the model file's JSON), "
                         "users (csv default for segment: every user's R, F, M and persona), "
                         "personas (csv default for train), sweep (the k sweep's metrics)"),
               "model|users|personas|sweep"),
           &SegmentParams::view},
          {IntParam("sample", 0, 0, kMaxSampledUsers,
                    "users view: only this many users, drawn at random with the seed (0 = all, the "
                    "command line's default); for scatter plots"),
           &SegmentParams::sample},
          {IntParam("stability-seeds", 0, 0, kMaxStabilitySeeds,
                    "Refits per k with other seeds; reports their mean adjusted Rand index "
                    "(default 0)"),
           &SegmentParams::stability_seeds},
      });
  return params;
}

Status CheckSegmentParams(const SegmentParams& params, Naming naming) {
  ml::SegmentationOptions scratch;
  GROWTHLENS_RETURN_IF_ERROR(ApplyPersonaCount("k", params.k, naming, scratch));
  if (params.k_min > params.k_max)
    return Status(ErrorCode::kInvalidArgument,
                  naming == Naming::kCli
                      ? fmt::format("--k-min {} --k-max {}: expected 2 <= k-min <= k-max",
                                    params.k_min, params.k_max)
                      : fmt::format("parameter 'k-min': {} is above parameter 'k-max' ({}): "
                                    "expected 2 <= k-min <= k-max",
                                    params.k_min, params.k_max));
  return Status::Ok();
}

Result<ml::SegmentationOptions> SegmentationOptionsOf(const SegmentParams& params, Naming naming) {
  GROWTHLENS_RETURN_IF_ERROR(CheckSegmentParams(params, naming));
  ml::SegmentationOptions options;
  options.features = params.features == "rfm+usage" ? ml::SegmentFeatures::kRfmAndUsageShares
                                                    : ml::SegmentFeatures::kRfm;
  GROWTHLENS_RETURN_IF_ERROR(ApplyPersonaCount("k", params.k, naming, options));
  options.k_min = static_cast<size_t>(params.k_min);
  options.k_max = static_cast<size_t>(params.k_max);
  options.n_init = static_cast<size_t>(params.n_init);
  options.seed = static_cast<uint64_t>(params.seed);
  options.exact_silhouette_max_rows = static_cast<size_t>(params.exact_silhouette_max);
  options.silhouette_sample_size = static_cast<size_t>(params.silhouette_sample);
  options.stability_seeds = static_cast<size_t>(params.stability_seeds);
  return options;
}

}  // namespace growthlens::app
