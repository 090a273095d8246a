#include "metrics/insights.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "core/compensated_sum.h"
#include "core/number_format.h"
#include "metrics/analysis.h"

namespace growthlens {

namespace {

double Share(double part, double whole) {
  return whole == 0 ? 0 : part / whole;
}

void FeatureInsights(const UsageLog& dataset, const FeatureReport& report,
                     std::vector<Insight>& out) {
  if (report.features.empty()) return;
  int64_t total = 0;
  for (const FeatureStats& stats : report.features) total += stats.events;
  const FeatureStats& most = report.features.front();
  const auto name = [&](const FeatureStats& stats) {
    return std::string(dataset.features[stats.feature]);
  };
  const double most_share = Share(static_cast<double>(most.events), static_cast<double>(total));
  out.push_back(
      {"most_used_feature", "Most used feature",
       fmt::format("{} is the most used feature: {} events, {} of all events.", name(most),
                   GroupedNumber(static_cast<double>(most.events), 0), PercentText(most_share)),
       most_share});
  if (report.features.size() < 2) return;
  const FeatureStats& least = report.features.back();
  const double least_share = Share(static_cast<double>(least.events), static_cast<double>(total));
  out.push_back({"least_used_feature", "Least used feature",
                 fmt::format("{} is the least used feature: {} events, {} of all events.",
                             name(least), GroupedNumber(static_cast<double>(least.events), 0),
                             PercentText(least_share, 2)),
                 least_share});
  const auto [lowest, highest] = std::minmax_element(
      report.features.begin(), report.features.end(),
      [](const FeatureStats& a, const FeatureStats& b) { return a.adoption < b.adoption; });
  out.push_back(
      {"lowest_adoption_feature", "Lowest adoption",
       fmt::format("Only {} of active users have ever used {}, the lowest adoption of any "
                   "feature ({} reaches {}).",
                   PercentText(lowest->adoption), name(*lowest), name(*highest),
                   PercentText(highest->adoption)),
       lowest->adoption});
}

void ConcentrationInsight(const Analysis& analysis, std::vector<Insight>& out) {
  if (analysis.rfm.size() < 5) return;
  const bool usage = ByKind(analysis.kind, true, false);
  out.push_back({"top_20_percent_share", usage ? "Activity concentration" : "Revenue concentration",
                 usage ? fmt::format("The top 20% of users generate {} of all events.",
                                     PercentText(analysis.top_user_share))
                       : fmt::format("The top 20% of customers bring {} of revenue.",
                                     PercentText(analysis.top_user_share)),
                 analysis.top_user_share});
}

/// Monthly totals: revenue for transactions, events for usage logs (from the feature series).
std::map<int32_t, double> MonthlyTotals(const Analysis& analysis) {
  std::map<int32_t, double> totals;
  if (ByKind(analysis.kind, false, true)) {
    for (const MonthRevenue& month : analysis.months) totals[month.month] = month.revenue;
    return totals;
  }
  const FeatureSeries& series = analysis.series;
  for (size_t bucket_idx = 0; bucket_idx < series.buckets.size(); ++bucket_idx) {
    // A month is a whole number of days, weeks are not; month series map one to one.
    if (series.granularity == CohortPeriod::kWeek) return {};
    const int32_t month = series.granularity == CohortPeriod::kMonth
                              ? series.buckets[bucket_idx]
                              : MonthIndexOf(series.buckets[bucket_idx]);
    for (const std::vector<int64_t>& events : series.events)
      totals[month] += static_cast<double>(events[bucket_idx]);
  }
  return totals;
}

/// Peak against the mean month, over the months the data covers whole: a month the data starts
/// or ends inside would read low (the last month of Online Retail holds 9 of its 31 days).
void PeakMonthInsight(const Analysis& analysis, std::vector<Insight>& out) {
  std::map<int32_t, double> totals = MonthlyTotals(analysis);
  std::string left_out;
  for (auto it = totals.begin(); it != totals.end();) {
    const PeriodCoverage coverage =
        CoverageOf(it->first, CohortPeriod::kMonth, analysis.kpis.from, analysis.kpis.to);
    if (!coverage.Partial()) {
      ++it;
      continue;
    }
    left_out += (left_out.empty() ? "" : ", ") + CoverageText(coverage, CohortPeriod::kMonth);
    it = totals.erase(it);
  }
  if (totals.size() < 2) return;
  CompensatedSum sum;
  auto peak = totals.begin();
  for (auto it = totals.begin(); it != totals.end(); ++it) {
    sum.Add(it->second);
    if (it->second > peak->second) peak = it;
  }
  const double mean = sum.Value() / static_cast<double>(totals.size());
  const double above = mean == 0 ? 0 : peak->second / mean - 1;
  const std::string month = CohortBucketLabel(peak->first, CohortPeriod::kMonth);
  const bool usage = ByKind(analysis.kind, true, false);
  const std::string partial =
      left_out.empty() ? "" : fmt::format(" Partial months are left out: {}.", left_out);
  out.push_back(
      {"peak_month", "Peak month",
       usage ? fmt::format("Activity peaked in {} with {} events, {} above the average month.{}",
                           month, GroupedNumber(peak->second, 0), PercentText(above), partial)
             : fmt::format("Revenue peaked in {} at {}, {} above the average month.{}", month,
                           GroupedNumber(peak->second, 2), PercentText(above), partial),
       peak->second});
}

/// The cohort with the lowest retention in period 1, among the cohorts the average counts at
/// that age (CohortMatrix::InAverage): period 1 observed and whole (a period cut short by the
/// end of the data would look like a drop), the cohort started inside the data (one that
/// started before it shows its survivors only).
void CohortDropInsight(const Analysis& analysis, std::vector<Insight>& out) {
  const CohortMatrix& cohorts = analysis.cohorts;
  if (cohorts.cohorts.size() < 2) return;
  size_t worst = cohorts.cohorts.size();
  uint64_t compared_users = 0, compared_active = 0;
  size_t compared_cohorts = 0;
  for (size_t cohort_idx = 0; cohort_idx < cohorts.cohorts.size(); ++cohort_idx) {
    if (!cohorts.InAverage(cohort_idx, 1) || cohorts.cohort_size[cohort_idx] == 0) continue;
    ++compared_cohorts;
    compared_users += cohorts.cohort_size[cohort_idx];
    compared_active += cohorts.active[cohort_idx][1];
    if (worst == cohorts.cohorts.size() ||
        cohorts.Retention(cohort_idx, 1) < cohorts.Retention(worst, 1))
      worst = cohort_idx;
  }
  if (worst == cohorts.cohorts.size() || compared_users == 0) return;
  const char* period = CohortPeriodName(cohorts.period);
  const double retention = cohorts.Retention(worst, 1);
  out.push_back(
      {"steepest_cohort_drop", "Steepest cohort drop",
       fmt::format(
           "The {} cohort dropped the most after its first {}: {} of its {} {} were "
           "active in {} 1, against {} for the {} cohorts compared.",
           CohortBucketLabel(cohorts.cohorts[worst], cohorts.period), period,
           PercentText(retention),
           GroupedNumber(static_cast<double>(cohorts.cohort_size[worst]), 0),
           ByKind(analysis.kind, "users", "customers"), period,
           PercentText(static_cast<double>(compared_active) / static_cast<double>(compared_users)),
           compared_cohorts),
       retention});
}

/// Of the segments that are slipping away, the one holding the most past value.
void RevenueAtRiskInsight(const Analysis& analysis, std::vector<Insight>& out) {
  const RfmTable& rfm = analysis.rfm;
  if (rfm.size() == 0) return;
  constexpr std::array kSlipping = {RfmSegment::kCantLoseThem, RfmSegment::kAtRisk,
                                    RfmSegment::kNeedAttention, RfmSegment::kAboutToSleep,
                                    RfmSegment::kHibernating};
  const std::array<SegmentSummary, kRfmSegmentCount> summary = SummarizeSegments(rfm);
  const auto most = *std::max_element(kSlipping.begin(), kSlipping.end(), [&](auto a, auto b) {
    return summary[static_cast<size_t>(a)].monetary < summary[static_cast<size_t>(b)].monetary;
  });
  const SegmentSummary& segment = summary[static_cast<size_t>(most)];
  if (segment.users == 0) return;
  const bool usage = ByKind(analysis.kind, true, false);
  out.push_back(
      {"most_value_at_risk", usage ? "Most activity at risk" : "Most revenue at risk",
       fmt::format("{} holds the most {} at risk: {} ({} of the total) from {} {} last active "
                   "{} days ago on average.",
                   RfmSegmentName(most), usage ? "activity" : "revenue",
                   usage ? GroupedNumber(segment.monetary, 0) + " events"
                         : GroupedNumber(segment.monetary, 2),
                   PercentText(segment.monetary_share),
                   GroupedNumber(static_cast<double>(segment.users), 0),
                   usage ? "users" : "customers", GroupedNumber(segment.mean_recency, 0)),
       segment.monetary});
}

void HabitInsights(const Analysis& analysis, std::vector<Insight>& out) {
  const Kpis& kpis = analysis.kpis;
  if (ByKind(analysis.kind, true, false)) {
    if (kpis.average_mau == 0) return;
    out.push_back({"stickiness", "Stickiness",
                   fmt::format("Stickiness (DAU/MAU) is {}: on an average day {} users are "
                               "active out of {} active in the month.",
                               PercentText(kpis.stickiness), GroupedNumber(kpis.average_dau, 0),
                               GroupedNumber(kpis.average_mau, 0)),
                   kpis.stickiness});
    return;
  }
  if (kpis.active_users > 0)
    out.push_back({"repeat_purchase_rate", "Repeat purchases",
                   fmt::format("{} of customers ordered more than once; the average order is "
                               "worth {}.",
                               PercentText(kpis.repeat_purchase_rate),
                               GroupedNumber(kpis.average_order_value, 2)),
                   kpis.repeat_purchase_rate});
  if (!analysis.countries.empty() && kpis.revenue > 0) {
    const CountryRevenue& top = analysis.countries.front();
    const double share = Share(top.revenue, kpis.revenue);
    out.push_back(
        {"top_country", "Top country",
         fmt::format("{} brings {} of revenue from {} customers.", top.country, PercentText(share),
                     GroupedNumber(static_cast<double>(top.customers), 0)),
         share});
  }
  if (analysis.pareto.products.size() >= 5)
    out.push_back(
        {"product_pareto", "Product concentration",
         fmt::format("The top 20% of products ({} of {}) make {} of product revenue{}.",
                     GroupedNumber(static_cast<double>(analysis.pareto.top_count), 0),
                     GroupedNumber(static_cast<double>(analysis.pareto.products.size()), 0),
                     PercentText(analysis.pareto.top_share),
                     analysis.pareto.non_products.empty()
                         ? ""
                         : " (postage, fees and adjustments left out)"),
         analysis.pareto.top_share});
}

}  // namespace

std::vector<Insight> ComputeInsights(const Dataset& dataset, const Analysis& analysis) {
  std::vector<Insight> insights;
  if (const UsageLog* usage = dataset.As<UsageLog>())
    FeatureInsights(*usage, analysis.features, insights);
  ConcentrationInsight(analysis, insights);
  PeakMonthInsight(analysis, insights);
  CohortDropInsight(analysis, insights);
  RevenueAtRiskInsight(analysis, insights);
  HabitInsights(analysis, insights);
  return insights;
}

}  // namespace growthlens
