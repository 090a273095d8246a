#include "app/analysis_outputs.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <utility>

#include "app/cleaning_report_view.h"
#include "app/cohort_views.h"
#include "app/feature_views.h"
#include "app/lifecycle_views.h"
#include "app/revenue_views.h"
#include "app/rfm_views.h"
#include "app/segment_model.h"
#include "app/segment_views.h"
#include "app/table_view.h"
#include "core/parallel.h"
#include "io/atomic_file.h"

namespace growthlens::app {

namespace {

/// Products listed in the JSON report; the products CSV lists all.
constexpr size_t kReportProducts = 50;

nlohmann::ordered_json KpisJson(const Kpis& kpis) {
  nlohmann::ordered_json json = {{"from", FormatDate(kpis.from)},
                                 {"to", FormatDate(kpis.to)},
                                 {"rows", kpis.rows},
                                 {"users", kpis.users},
                                 {"active_users", kpis.active_users}};
  if (ByKind(kpis.kind, true, false)) {
    json["events"] = kpis.events;
    json["events_per_user"] = kpis.events_per_user;
    json["active_days_per_user"] = kpis.active_days_per_user;
    json["average_dau"] = kpis.average_dau;
    json["average_wau"] = kpis.average_wau;
    json["average_mau"] = kpis.average_mau;
    json["stickiness"] = kpis.stickiness;
  } else {
    json["revenue"] = kpis.revenue;
    json["orders"] = kpis.orders;
    json["average_order_value"] = kpis.average_order_value;
    json["repeat_purchase_rate"] = kpis.repeat_purchase_rate;
  }
  return json;
}

/// Every table of the analysis with its file name; the views refer to `holder`'s grids.
struct AnalysisTables {
  app::CohortGrid retention, counts, revenue;
  std::vector<std::pair<std::string, View>> views;
};

/// Which views BuildTables lists.
enum class TableSet : uint8_t {
  kAll,           // the segmentation's (when it ran), then the analysis'
  kAnalysis,      // those that do not depend on the segmentation
  kSegmentation,  // the segmentation's only
};

std::unique_ptr<AnalysisTables> BuildTables(const Dataset& dataset, const Analysis& analysis,
                                            const ml::Segmentation* segmentation,
                                            TableSet set = TableSet::kAll) {
  auto tables = std::make_unique<AnalysisTables>();
  const bool usage = ByKind(dataset.kind(), true, false);
  auto& views = tables->views;
  if (segmentation != nullptr && set != TableSet::kAnalysis) {
    views.emplace_back("personas", app::PersonasView(*segmentation, dataset));
    views.emplace_back("user_personas", app::UserPersonasView(analysis.rfm, segmentation->labels,
                                                              *segmentation, dataset));
    if (!segmentation->sweep.rows.empty())
      views.emplace_back("k_sweep", app::KSweepView(segmentation->sweep, segmentation->k));
  }
  if (set == TableSet::kSegmentation) return tables;
  views.emplace_back("users", app::RfmUsersView(analysis.rfm, dataset, usage));
  views.emplace_back("segments", app::RfmSegmentsView(analysis.rfm, usage));
  views.emplace_back("rfm_grid", app::RfmGridView(analysis.rfm));
  tables->retention =
      app::BuildCohortGrid(analysis.cohorts, app::RetentionMode::kOn, app::CohortValues::kPercent);
  tables->counts =
      app::BuildCohortGrid(analysis.cohorts, app::RetentionMode::kOn, app::CohortValues::kCount);
  views.emplace_back("cohort_retention",
                     app::CohortGridView(tables->retention, app::CohortValues::kPercent));
  views.emplace_back("cohort_counts",
                     app::CohortGridView(tables->counts, app::CohortValues::kCount));
  views.emplace_back("insights", InsightsView(analysis.insights));
  views.emplace_back("lifecycle", app::LifecyclePeriodsView(analysis.lifecycle));
  views.emplace_back("stickiness", app::StickinessHistogramView(analysis.lifecycle.stickiness));
  dataset.Visit(Overloaded{
      [&](const UsageLog& log) {
        views.emplace_back("features", FeatureTotalsView(analysis.features, log));
        views.emplace_back("feature_series", FeatureSeriesView(analysis.series, log));
        views.emplace_back("feature_correlation",
                           FeatureCorrelationView(analysis.correlation, log));
      },
      [&](const TransactionLog&) {
        tables->revenue = app::BuildCohortGrid(analysis.cohorts, app::RetentionMode::kOn,
                                               app::CohortValues::kRevenue);
        views.emplace_back("cohort_revenue",
                           app::CohortGridView(tables->revenue, app::CohortValues::kRevenue));
        const double total = analysis.kpis.revenue;
        views.emplace_back("revenue_monthly",
                           app::RevenueMonthlyView(
                               std::make_shared<const std::vector<MonthRevenue>>(analysis.months)));
        views.emplace_back(
            "countries",
            app::RevenueCountriesView(
                std::make_shared<const std::vector<CountryRevenue>>(analysis.countries), total));
        views.emplace_back("products", app::RevenueProductsView(analysis.pareto));
        views.emplace_back("non_products", app::NonProductLinesView(analysis.pareto, total));
        std::vector<View> seasons;
        const std::array<const std::vector<SeasonRevenue>*, 3> found = {
            &analysis.seasonality.month_of_year, &analysis.seasonality.weekday,
            &analysis.seasonality.hour};
        for (size_t table_idx = 0; table_idx < app::kSeasonTables.size(); ++table_idx)
          seasons.push_back(app::RevenueSeasonView(app::kSeasonTables[table_idx], *found[table_idx],
                                                   total,
                                                   /*dimension=*/true));
        views.emplace_back("seasonality", app::StackedView(std::move(seasons)));
      }});
  return tables;
}

/// One output file: where it goes and how it is written (atomically).
struct OutputFile {
  std::string path;
  std::function<Status(const std::string& path)> write;
};

/// Renders and writes the files side by side, each atomically (written, fsync'ed, renamed). An
/// fsync mostly waits for the disk (about 8 ms per file on this VM's ext4), so by default
/// (threads 0) one thread per file lets the waits overlap and the large CSVs render on both
/// cores meanwhile; with threads N, N files at a time. Returns the paths in order, or the first
/// error in that order.
Result<std::vector<std::string>> WriteFiles(const std::vector<OutputFile>& files,
                                            unsigned threads) {
  std::vector<Status> statuses(files.size());
  const unsigned workers = threads == 0 ? static_cast<unsigned>(files.size()) : threads;
  ParallelFor(files.size(), workers, [&](size_t file_idx) {
    statuses[file_idx] = files[file_idx].write(files[file_idx].path);
  });
  std::vector<std::string> written;
  for (size_t file_idx = 0; file_idx < files.size(); ++file_idx) {
    GROWTHLENS_RETURN_IF_ERROR(statuses[file_idx]);
    written.push_back(files[file_idx].path);
  }
  return written;
}

/// The CSV file of each view of `tables`, rendered on `threads` threads (0 = all cores).
void AddViewFiles(const AnalysisTables& tables, const std::string& dir, const std::string& stem,
                  unsigned threads, std::vector<OutputFile>& files) {
  for (const auto& [name, view] : tables.views)
    files.push_back({(std::filesystem::path(dir) / (stem + "_" + name + ".csv")).string(),
                     [&view = view, threads](const std::string& path) {
                       return WriteFileAtomically(path, RenderCsv(view, threads));
                     }});
}

/// The first `limit` rows of a view.
View Head(View view, size_t limit) {
  view.rows = std::min(view.rows, limit);
  return view;
}

}  // namespace

nlohmann::ordered_json AnalysisReportJson(const Dataset& dataset, const Analysis& analysis,
                                          const AnalysisSource& source) {
  const std::unique_ptr<AnalysisTables> tables =
      BuildTables(dataset, analysis, source.segmentation);
  nlohmann::ordered_json report;
  report["format"] = "growthlens-analysis";
  report["version"] = 1;
  report["source"] = source.path;
  report["kind"] = DataKindName(dataset.kind());
  report["rows"] = analysis.kpis.rows;  // dataset.rows(), or a ClickHouse workspace's count
  report["users"] = analysis.rfm.size();
  report["reference_day"] = FormatDate(analysis.rfm.reference_day);
  if (source.cleaning != nullptr)
    report["cleaning"] = CleaningReportJson(*source.cleaning, dataset);
  report["kpis"] = KpisJson(analysis.kpis);
  report["top_20_percent_share"] = analysis.top_user_share;
  for (const auto& [name, view] : tables->views) {
    if (name == "users" || name == "user_personas") continue;  // per user: the CSVs hold them
    report[name] = ViewRowsJson(name == "products" ? Head(view, kReportProducts) : view);
  }
  if (dataset.HasRevenue()) {
    report["pareto"] = {{"products", analysis.pareto.products.size()},
                        {"top_count", analysis.pareto.top_count},
                        {"top_share", analysis.pareto.top_share},
                        {"product_revenue", analysis.pareto.product_revenue},
                        {"non_product_revenue", analysis.pareto.non_product_revenue}};
  }
  if (source.segmentation != nullptr)
    report["segmentation"] = {{"k", source.segmentation->k},
                              {"k_choice", ml::KChoiceName(source.segmentation->k_choice)},
                              {"k_from_silhouette", source.segmentation->k_from_silhouette},
                              {"advice", source.segmentation->advice},
                              {"features", source.segmentation->feature_names},
                              {"silhouette", source.segmentation->silhouette},
                              {"silhouette_rows", source.segmentation->silhouette_rows},
                              {"inertia", source.segmentation->inertia}};
  nlohmann::ordered_json timings = nlohmann::ordered_json::array();
  for (const AnalysisTiming& timing : analysis.timings)
    timings.push_back({{"analysis", timing.name}, {"seconds", timing.seconds}});
  report["timings"] = std::move(timings);
  return report;
}

Result<std::vector<std::string>> WriteAnalysisTables(const Dataset& dataset,
                                                     const Analysis& analysis,
                                                     const std::string& dir,
                                                     const std::string& stem, unsigned threads) {
  const std::unique_ptr<AnalysisTables> tables =
      BuildTables(dataset, analysis, nullptr, TableSet::kAnalysis);
  std::vector<OutputFile> files;
  AddViewFiles(*tables, dir, stem, threads, files);
  return WriteFiles(files, threads);
}

Result<std::vector<std::string>> WriteSegmentationAndReport(
    const Dataset& dataset, const Analysis& analysis, const AnalysisSource& source,
    const std::string& report, const std::string& dir, const std::string& stem, unsigned threads) {
  const std::unique_ptr<AnalysisTables> tables =
      BuildTables(dataset, analysis, source.segmentation, TableSet::kSegmentation);
  std::vector<OutputFile> files;
  AddViewFiles(*tables, dir, stem, threads, files);
  files.push_back(
      {(std::filesystem::path(dir) / (stem + "_analysis.json")).string(),
       [&report](const std::string& path) { return WriteFileAtomically(path, report); }});
  if (source.segmentation != nullptr)
    files.push_back({(std::filesystem::path(dir) / (stem + "_model.json")).string(),
                     [&](const std::string& path) {
                       return app::WriteSegmentModel(
                           path,
                           app::MakeSegmentModel(dataset, analysis.rfm, *source.segmentation,
                                                 source.path, &analysis),
                           dataset);
                     }});
  return WriteFiles(files, threads);
}

}  // namespace growthlens::app
