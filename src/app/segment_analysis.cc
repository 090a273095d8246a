#include "app/segment_analysis.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <numeric>
#include <random>
#include <string>

#include "app/persona_cache.h"
#include "app/saved_persona_model.h"
#include "app/segment_model.h"
#include "app/segment_params.h"
#include "app/segment_views.h"
#include "app/table_view.h"
#include "core/number_format.h"
#include "core/stopwatch.h"
#include "io/atomic_file.h"
#include "metrics/analysis.h"
#include "metrics/rfm.h"

namespace growthlens::app {

namespace {

struct SegmentResult {
  bool train = false;  // train: csv defaults to the personas
  std::string view;    // "": per format
  int64_t sample = 0;
  int64_t seed = 0;
  const Dataset* dataset = nullptr;
  // Shared, so that the views referring to them survive the result being moved.
  std::shared_ptr<const RfmTable> rfm;
  std::shared_ptr<const ml::Segmentation> segmentation;
  std::shared_ptr<const SegmentModel> model;
  double seconds = 0;
  std::vector<std::string> written;
};

/// `count` rows of `view` drawn without replacement (seeded), kept in their order: a scatter
/// plot's worth of users out of millions.
View SampledUserRows(View view, size_t count, uint64_t seed) {
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

View SegmentUsersView(const SegmentResult& result) {
  return UserPersonasView(*result.rfm, result.segmentation->labels, *result.segmentation,
                          *result.dataset);
}

View SegmentSweepView(const SegmentResult& result) {
  return KSweepView(result.segmentation->sweep, result.segmentation->k);
}

std::string ClusteringNote(const ml::SegmentationOptions& options, const RfmTable& rfm,
                           const Dataset& dataset) {
  return fmt::format(
      "clustering {} {} ({})", WithThousands(rfm.size()),
      ByKind(dataset.kind(), "users", "customers"),
      options.k ? fmt::format("k = {}", *options.k)
      : options.k_choice == ml::KChoice::kBestSilhouette
          ? fmt::format("k = {}..{} by silhouette", options.k_min, options.k_max)
          : fmt::format("the four tiers, k = {}..{} as advice", options.k_min, options.k_max));
}

/// The CLI's files: the model, and for segment the users, personas and sweep as CSV.
Status WriteSegmentFiles(const SegmentParams& params, const RunContext& context,
                         SegmentResult& result) {
  const std::string stem = DataStem(context.source);
  const std::string model_path =
      params.model.empty() ? fmt::format("data/models/{}_segments.json", stem) : params.model;
  GROWTHLENS_RETURN_IF_ERROR(WriteSegmentModel(model_path, *result.model, *result.dataset));
  result.written.push_back(model_path);
  if (result.train) return Status::Ok();
  const View users = SegmentUsersView(result);
  const View personas = PersonasView(*result.segmentation, *result.dataset);
  const View sweep = SegmentSweepView(result);
  const std::filesystem::path dir(params.output_dir);
  for (const auto& [name, view] :
       {std::pair{"user_personas", &users}, std::pair{"personas", &personas},
        std::pair{"k_sweep", &sweep}}) {
    const std::string path = (dir / fmt::format("{}_{}.csv", stem, name)).string();
    GROWTHLENS_RETURN_IF_ERROR(WriteFileAtomically(path, RenderCsv(*view)));
    result.written.push_back(path);
  }
  return Status::Ok();
}

Result<SegmentResult> RunSegmentation(const CleanedData& data, const SegmentParams& params,
                                      RunContext& context, bool train) {
  Result<ml::SegmentationOptions> options = SegmentationOptionsOf(params, context.naming);
  if (!options.ok()) return options.status();
  options->stop = context.stop;
  options->threads = context.threads;
  RfmOptions rfm_options;
  rfm_options.reference_day = params.reference_date;
  const Dataset& dataset = data.dataset;
  // The whole data's RFM, when held (the server's load, a ClickHouse workspace's pushed-down
  // aggregates) with the ties segment scores by and the reference day asked.
  const bool held_rfm =
      context.analysis != nullptr && context.analysis->rfm.ties == RfmTies::kFirstOccurrence &&
      (!params.reference_date || context.analysis->rfm.reference_day == *params.reference_date);
  auto rfm = held_rfm ? std::shared_ptr<const RfmTable>(context.analysis, &context.analysis->rfm)
                      : std::make_shared<const RfmTable>(ComputeRfm(dataset, rfm_options));
  if (context.progress) context.progress(ClusteringNote(*options, *rfm, dataset));
  const Stopwatch stopwatch;
  // The default model of the held data was fitted at its load (`analyze`'s personas): the same
  // options on the same RFM give the same fit, so it is not fitted again.
  std::shared_ptr<const ml::Segmentation> fitted =
      held_rfm && !params.reference_date && context.personas &&
              ml::SameFit(*options, ml::SegmentationOptions())
          ? context.personas->DefaultModel()
          : nullptr;
  if (!fitted) {
    Result<ml::Segmentation> segmentation = ml::SegmentUsers(dataset, *rfm, *options);
    if (!segmentation.ok()) return segmentation.status();
    fitted = std::make_shared<const ml::Segmentation>(std::move(segmentation).value());
  }

  SegmentResult result;
  result.seconds = stopwatch.Seconds();
  result.train = train;
  result.view = params.view;
  result.sample = params.sample;
  result.seed = params.seed;
  result.dataset = &dataset;
  result.rfm = rfm;
  result.segmentation = std::move(fitted);
  result.model = std::make_shared<const SegmentModel>(MakeSegmentModel(
      dataset, *rfm, *result.segmentation, context.source, context.analysis.get()));
  if (context.write_files && !params.no_write)
    GROWTHLENS_RETURN_IF_ERROR(WriteSegmentFiles(params, context, result));
  if (!params.save_model.empty()) {
    if (!context.write_files || context.workspace.empty())
      return Status(ErrorCode::kInvalidArgument,
                    "--save-model keeps the model in the workspace its data is read from; "
                    "read the data with --workspace W");
    Result<store::SavedItem> saved =
        SavePersonaModel(context.workspace, params.save_model, *result.model, dataset);
    if (!saved.ok()) return saved.status();
    result.written.push_back(
        fmt::format("persona model '{}' to workspace {}", saved->name, context.workspace));
  }
  return result;
}

Result<SegmentResult> RunSegment(const CleanedData& data, const SegmentParams& params,
                                 RunContext& context) {
  return RunSegmentation(data, params, context, /*train=*/false);
}

Result<SegmentResult> RunTrain(const CleanedData& data, const SegmentParams& params,
                               RunContext& context) {
  return RunSegmentation(data, params, context, /*train=*/true);
}

/// json and csv: the model file's JSON, or one of the views (json: with k and the row counts).
std::string SegmentOutput(const SegmentResult& result, bool csv) {
  const std::string view = !result.view.empty() ? result.view
                           : !csv               ? "model"
                           : result.train       ? "personas"
                                                : "users";
  if (view == "model") return SegmentModelText(*result.model, *result.dataset);
  const View chosen = view == "users"      ? SegmentUsersView(result)
                      : view == "personas" ? PersonasView(*result.segmentation, *result.dataset)
                                           : SegmentSweepView(result);
  const View shown = view == "users" ? SampledUserRows(chosen, static_cast<size_t>(result.sample),
                                                       static_cast<uint64_t>(result.seed))
                                     : chosen;
  if (csv) return RenderCsv(shown);
  JsonDocument json;
  json.Set("view", view);
  json.Set("k", result.segmentation->k);
  json.Set("rows", shown.rows);
  json.Set("total_rows", chosen.rows);  // before the sample
  json.SetRows(view, shown);
  return json.Render();
}

std::string SegmentJson(const SegmentResult& result) {
  return SegmentOutput(result, /*csv=*/false);
}

std::string SegmentCsv(const SegmentResult& result) {
  return SegmentOutput(result, /*csv=*/true);
}

std::string SegmentationHeading(const SegmentResult& result) {
  const ml::Segmentation& segmentation = *result.segmentation;
  std::string out = fmt::format(
      "{} personas of {} {} ({}), k = {} ({}), silhouette {:.4f} on {} rows, inertia {}, in "
      "{:.2f} s\n",
      segmentation.k, GroupedNumber(static_cast<double>(result.rfm->size()), 0),
      ByKind(segmentation.kind, "users", "customers"), fmt::join(segmentation.feature_names, ", "),
      segmentation.k, ml::KChoiceName(segmentation.k_choice), segmentation.silhouette,
      GroupedNumber(static_cast<double>(segmentation.silhouette_rows), 0),
      GroupedNumber(segmentation.inertia, 1), result.seconds);
  if (!segmentation.advice.empty()) out += "Advice: " + segmentation.advice + "\n";
  return out + "\n";
}

std::string SegmentTableText(const SegmentResult& result) {
  const ml::Segmentation& segmentation = *result.segmentation;
  std::string out = SegmentationHeading(result);
  if (!segmentation.sweep.rows.empty()) out += RenderTable(SegmentSweepView(result)) + "\n";
  const View personas = PersonasView(segmentation, *result.dataset);
  out += RenderTable(SelectColumns(
      personas, {"id", "persona", "users", "share", "median_recency", "mean_frequency",
                 "mean_monetary", "monetary_share", "top_features"}));
  out += '\n';
  for (const ml::Persona& persona : segmentation.personas)
    out += fmt::format("{} {}\n  {}\n  {}\n", persona.id, persona.name, persona.description,
                       persona.action);
  for (const std::string& path : result.written) out += fmt::format("wrote {}\n", path);
  return out;
}

TypedAnalysis<SegmentParams, SegmentResult> SegmentTyped(bool train) {
  return {SegmentParamList(train),
          CheckSegmentParams,
          train ? RunTrain : RunSegment,
          SegmentJson,
          SegmentCsv,
          SegmentTableText};
}

}  // namespace

AnalysisEntry SegmentAnalysis() {
  return MakeEntry(
      AnalysisInfo(
          "segment", DataNeed::kAny,
          "KMeans personas on RFM: the persona model with its k sweep, the personas, or users "
          "with their persona",
          "Segment users (or customers) into personas in one go: RFM features (log1p, standard "
          "scaling), KMeans for k = 2..10 with inertia, silhouette, Davies-Bouldin and "
          "Calinski-Harabasz as advice, the four tiers (k = 4) unless --k auto or --k N; personas "
          "named and described with what to do; writes users with their persona, the personas, "
          "the k sweep and the model. Rules in docs/ANALYTICS.md (Segmentation)."),
      SegmentTyped(/*train=*/false));
}

AnalysisEntry TrainAnalysis() {
  return MakeEntry(
      AnalysisInfo("train", DataNeed::kAny, "Fit the persona model and write it",
                   "Fit the segmentation model (as segment does) and write it as versioned JSON: "
                   "features, transform, centres, persona names, training summary and metrics. "
                   "'growthlens predict' and 'evaluate' read it."),
      SegmentTyped(/*train=*/true));
}

RouteVariant SegmentUsersRoute() {
  RouteVariant route;
  route.path = "segment/users";
  route.summary =
      "Per-user recency, frequency, monetary value and persona of a random sample (the RFM "
      "page's 3D scatter): segment's users view";
  route.fixed = {{"view", "users"}};
  route.defaults = {{"sample", "3000"}};
  return route;
}

}  // namespace growthlens::app
