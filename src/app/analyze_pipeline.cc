#include "app/analyze_pipeline.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/analysis_outputs.h"
#include "app/json_text.h"
#include "app/rfm_views.h"
#include "app/table_view.h"
#include "core/number_format.h"
#include "core/stopwatch.h"
#include "io/output_set.h"

namespace growthlens::app {

std::string AnalysisSummaryText(const Dataset& dataset, const Analysis& analysis,
                                const ml::Segmentation* segmentation) {
  const bool usage = ByKind(dataset.kind(), true, false);
  const Kpis& kpis = analysis.kpis;
  std::string out;
  if (usage)
    out += fmt::format(
        "{} users, {} active days per user, {} events per user; DAU {} / WAU {} / MAU {}, "
        "stickiness {} ({} .. {})\n",
        GroupedNumber(static_cast<double>(kpis.users), 0),
        GroupedNumber(kpis.active_days_per_user, 1), GroupedNumber(kpis.events_per_user, 1),
        GroupedNumber(kpis.average_dau, 0), GroupedNumber(kpis.average_wau, 0),
        GroupedNumber(kpis.average_mau, 0), PercentText(kpis.stickiness), FormatDate(kpis.from),
        FormatDate(kpis.to));
  else
    out += fmt::format(
        "Revenue {} from {} orders of {} customers, AOV {}, repeat-purchase rate {} ({} .. {})\n",
        GroupedNumber(kpis.revenue, 2), GroupedNumber(static_cast<double>(kpis.orders), 0),
        GroupedNumber(static_cast<double>(kpis.users), 0),
        GroupedNumber(kpis.average_order_value, 2), PercentText(kpis.repeat_purchase_rate),
        FormatDate(kpis.from), FormatDate(kpis.to));
  out += "\nInsights\n";
  for (const Insight& insight : analysis.insights) out += fmt::format("  - {}\n", insight.text);
  out += "\n";
  out += RenderTable(app::RfmSegmentsView(analysis.rfm, usage));
  if (segmentation != nullptr) {
    out += fmt::format("\nPersonas (KMeans on {}, k = {}, {}, silhouette {:.3f})\n",
                       fmt::join(segmentation->feature_names, ", "), segmentation->k,
                       ml::KChoiceName(segmentation->k_choice), segmentation->silhouette);
    for (const ml::Persona& persona : segmentation->personas)
      out += fmt::format("  {} {}: {}\n", persona.id, persona.name, persona.description);
    if (!segmentation->advice.empty()) out += fmt::format("  Advice: {}\n", segmentation->advice);
  }
  return out;
}

Result<AnalyzeOutcome> AnalyzeData(const CleanedData& cleaned, const AnalyzeRequest& request) {
  const Dataset& dataset = cleaned.dataset;
  if (dataset.rows() == 0)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: no rows left after cleaning, nothing to analyse (see the "
                              "cleaning report: growthlens ingest {})",
                              request.input, request.input));
  const Stopwatch stopwatch;
  auto computed = std::make_shared<Analysis>(
      request.analysis ? *request.analysis : RunAnalysis(dataset, request.options));
  Analysis& analysis = *computed;
  // The user x feature pivot only serves the personas' top features: moved out before the
  // table writer starts reading the analysis, freed once the personas are named.
  UserFeatureEvents user_features = std::move(analysis.user_features);
  const double seconds = stopwatch.Seconds();
  if (request.progress) {
    std::string timings;
    for (const AnalysisTiming& timing : analysis.timings)
      timings += fmt::format("{}{} {:.0f} ms", timings.empty() ? "" : ", ", timing.name,
                             timing.seconds * 1e3);
    request.progress(fmt::format("analysed {} rows in {:.0f} ms ({})",
                                 GroupedNumber(static_cast<double>(analysis.kpis.rows), 0),
                                 seconds * 1e3, timings));
  }
  // The files are one set: written into a fresh directory, published together at the end (a
  // kill leaves the previous set whole). The analysis tables do not depend on the personas:
  // they are rendered and written (mostly waiting for fsync) while the segmentation computes;
  // on one thread (--threads 1), after it.
  const std::string stem = DataStem(request.input);
  const unsigned threads = request.options.threads;
  std::optional<OutputSet> outputs;
  if (!request.output_dir.empty()) {
    Result<OutputSet> begun = OutputSet::Begin(request.output_dir, stem + ".analysis");
    if (!begun.ok()) return begun.status();
    outputs.emplace(std::move(begun).value());
  }
  // Beside the personas (the analysis is only read from here on): on one thread, after them.
  std::future<void> alongside;
  if (request.alongside)
    alongside = std::async(threads == 1 ? std::launch::deferred : std::launch::async,
                           [&] { request.alongside(analysis); });
  std::future<Result<std::vector<std::string>>> tables;
  if (outputs)
    tables = std::async(threads == 1 ? std::launch::deferred : std::launch::async, [&] {
      return WriteAnalysisTables(dataset, analysis, outputs->run_dir(), stem, threads);
    });
  std::optional<ml::Segmentation> segmentation;
  if (request.segment) {
    const Stopwatch segment_stopwatch;
    ml::SegmentationOptions segment_options = request.segmentation;
    segment_options.threads = request.options.threads;
    Result<ml::Segmentation> segmented =
        ml::SegmentUsers(dataset, analysis.rfm, segment_options, &user_features);
    user_features = UserFeatureEvents();
    if (segmented.ok()) {
      segmentation = std::move(segmented).value();
      if (request.progress)
        request.progress(fmt::format("{} personas ({}) in {:.2f} s", segmentation->k,
                                     ml::KChoiceName(segmentation->k_choice),
                                     segment_stopwatch.Seconds()));
    } else if (request.progress) {
      request.progress(fmt::format("warning: no segmentation: {}", segmented.status().message()));
    }
  }
  const AnalysisSource source{request.input, &cleaned.report,
                              segmentation ? &*segmentation : nullptr};
  // Rendered once, for the file and for --format json; not at all for a printed summary only.
  const bool needs_report = !request.output_dir.empty() || request.format == OutputFormat::kJson;
  const std::string report =
      needs_report ? app::JsonText(AnalysisReportJson(dataset, analysis, source), 1) + "\n" : "";
  if (alongside.valid()) alongside.get();
  AnalyzeOutcome outcome;
  if (outputs) {
    Result<std::vector<std::string>> rest = WriteSegmentationAndReport(
        dataset, analysis, source, report, outputs->run_dir(), stem, threads);
    Result<std::vector<std::string>> table_files = tables.get();
    if (!table_files.ok()) return table_files.status();
    if (!rest.ok()) return rest.status();
    outcome.written = std::move(table_files).value();
    outcome.written.insert(outcome.written.end(), rest->begin(), rest->end());
    GROWTHLENS_RETURN_IF_ERROR(outputs->Commit());
  }
  outcome.analysis = std::move(computed);
  if (segmentation)
    outcome.segmentation = std::make_shared<const ml::Segmentation>(std::move(*segmentation));
  outcome.report = std::move(report);
  return outcome;
}

}  // namespace growthlens::app
