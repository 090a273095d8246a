#pragma once
// Analysis: every analytics result of one Dataset, computed together so that shared work (the
// rows grouped by user) is done once and independent analyses run side by side on all cores.
// `growthlens analyze`, the report and the dashboard read from it.
//
//   const Analysis analysis = RunAnalysis(dataset, AnalysisOptions{});
//   for (const Insight& insight : analysis.insights) Print(insight.text);

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "metrics/cohorts.h"
#include "metrics/feature_usage.h"
#include "metrics/insights.h"
#include "metrics/kpi_trend.h"
#include "metrics/kpis.h"
#include "metrics/lifecycle.h"
#include "metrics/revenue.h"
#include "metrics/rfm.h"

namespace growthlens {

struct AnalysisOptions {
  CohortPeriod cohort_period = CohortPeriod::kMonth;
  CohortPeriod series_period = CohortPeriod::kDay;  // feature time series
  RfmOptions rfm;
  unsigned threads = 0;  // 0 = all cores
};

/// Wall time of one analysis, for progress output and the benchmark.
struct AnalysisTiming {
  std::string name;
  double seconds = 0;
};

struct SeasonalityTables {
  std::vector<SeasonRevenue> month_of_year, weekday, hour;
};

struct Analysis {
  DataKind kind = DataKind::kUsage;
  Kpis kpis;
  RfmTable rfm;
  CohortMatrix cohorts;
  Lifecycle lifecycle;  // per cohort period (month by default) and weekly stickiness

  // Usage logs.
  FeatureReport features;
  FeatureSeries series;
  std::vector<std::vector<double>> correlation;
  /// Events per (user, feature), when the rows were rolled up by user (every usage log whose
  /// rows all have a user); empty otherwise.
  UserFeatureEvents user_features;

  // Transactions.
  std::vector<MonthRevenue> months;
  std::vector<CountryRevenue> countries;
  ParetoCurve pareto;
  SeasonalityTables seasonality;

  /// The KPIs per day of the kpis' days, when computed where the rows are (a ClickHouse
  /// workspace's kpis --view trend); null: computed from the rows when asked.
  std::shared_ptr<const KpiTrend> kpi_trend;

  /// Share of monetary value (revenue, or events for usage logs) from the top 20% of users.
  double top_user_share = 0;
  std::vector<Insight> insights;
  std::vector<AnalysisTiming> timings;
};

Analysis RunAnalysis(const Dataset& dataset, const AnalysisOptions& options);

/// Share of the sum of `values` held by the largest ceil(fraction x n) of them.
double TopShare(std::vector<double> values, double fraction);

}  // namespace growthlens
