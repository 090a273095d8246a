#include "app/clickhouse_analyses.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "app/analysis_params.h"
#include "metrics/activity_grid.h"
#include "metrics/cohorts.h"
#include "metrics/feature_usage.h"
#include "metrics/insights.h"
#include "metrics/lifecycle.h"
#include "metrics/periods.h"
#include "metrics/revenue.h"
#include "prep/non_products.h"
#include "warehouse/clickhouse_revenue.h"
#include "warehouse/clickhouse_series.h"

namespace growthlens::app {

namespace {

CohortPeriod PeriodNamed(std::string_view name) {
  if (name == "day") return CohortPeriod::kDay;
  if (name == "week") return CohortPeriod::kWeek;
  return CohortPeriod::kMonth;
}

warehouse::SeriesBucket BucketOf(CohortPeriod period) {
  switch (period) {
    case CohortPeriod::kDay:
      return warehouse::SeriesBucket::kDay;
    case CohortPeriod::kWeek:
      return warehouse::SeriesBucket::kWeek;
    case CohortPeriod::kMonth:
      break;
  }
  return warehouse::SeriesBucket::kMonth;
}

Result<uint32_t> FeatureCode(const UsageLog& log, const std::string& name) {
  const std::optional<uint32_t> code = log.features.Find(name);
  if (!code)
    return Status(ErrorCode::kDataError,
                  fmt::format("ClickHouse answered the feature '{}', which no user's totals name "
                              "(was the table written to while it was read?)",
                              name));
  return *code;
}

/// The feature report, series and correlation of a usage or event log.
Status AddFeatures(warehouse::ClickHouseClient& client, const PushedDownInputs& inputs,
                   const UsageLog& log, const PushDownPlan& plan, Analysis& analysis) {
  const CohortPeriod series_period = plan.options.series_period;
  const size_t features = log.features.size();
  const warehouse::UsageRows rows{plan.window, plan.feature_names};
  Result<warehouse::FeatureUsage> usage = warehouse::QueryFeatureUsage(client, inputs.kind, rows);
  if (!usage.ok()) return usage.status();
  FeatureTotals totals;
  totals.active_users = usage->active_users;
  totals.events.assign(features, 0);
  totals.users.assign(features, 0);
  totals.user_days.assign(features, 0);
  for (const warehouse::FeatureUsageRow& row : usage->features) {
    Result<uint32_t> code = FeatureCode(log, row.feature);
    if (!code.ok()) return code.status();
    totals.events[*code] = row.events;
    totals.users[*code] = row.users;
    totals.user_days[*code] = row.user_days;
  }
  analysis.features = FeatureReportOf(totals);

  // The series over the buckets of the data's first to last day, as the rows' rollup counts.
  Result<std::vector<warehouse::FeatureSeriesCell>> cells =
      warehouse::QueryFeatureSeries(client, inputs.kind, BucketOf(series_period), rows);
  if (!cells.ok()) return cells.status();
  SeriesTotals series;
  series.first_bucket = CohortBucketOf(inputs.all->first_day, series_period);
  series.buckets = static_cast<size_t>(CohortBucketOf(inputs.all->last_day, series_period) -
                                       series.first_bucket + 1);
  series.events.assign(features * series.buckets, 0);
  series.users.assign(features * series.buckets, 0);
  for (const warehouse::FeatureSeriesCell& cell : *cells) {
    Result<uint32_t> code = FeatureCode(log, cell.feature);
    if (!code.ok()) return code.status();
    const int64_t bucket =
        CohortBucketOf(cell.bucket_first_day, series_period) - int64_t{series.first_bucket};
    if (bucket < 0 || bucket >= static_cast<int64_t>(series.buckets))
      return Status(
          ErrorCode::kDataError,
          fmt::format("ClickHouse answered a period starting {} outside the data's "
                      "{} .. {}",
                      FormatDate(cell.bucket_first_day), FormatDate(inputs.all->first_day),
                      FormatDate(inputs.all->last_day)));
    const size_t at = *code * series.buckets + static_cast<size_t>(bucket);
    series.events[at] = cell.events;
    series.users[at] = cell.users;
  }
  analysis.series = FeatureSeriesOf(series, series_period);

  // Pearson over the user x feature pivot of events, from the per-user totals already read, one
  // user's row at a time (the exact sums every correlation path uses; no users x features matrix).
  // With a feature filter, the users with a row of a kept feature, their kept features' totals
  // (the other columns stay 0, as in the pivot of the kept rows).
  const warehouse::UserTotals& users = *inputs.users;
  std::vector<uint8_t> kept(features, plan.feature_names.empty() ? 1 : 0);
  for (const std::string& name : plan.feature_names)
    if (const std::optional<uint32_t> code = log.features.Find(name)) kept[*code] = 1;
  CorrelationSums sums(features);
  std::vector<int64_t> row(features, 0);
  for (size_t user = 0; user + 1 < users.feature_offsets.size(); ++user) {
    std::fill(row.begin(), row.end(), 0);
    bool any = false;
    for (size_t entry = users.feature_offsets[user]; entry < users.feature_offsets[user + 1];
         ++entry) {
      const uint32_t code = users.feature_code[entry];
      if (kept[code] == 0) continue;
      row[code] = users.feature_events[entry];
      any = true;
    }
    if (any) sums.Add(row);
  }
  analysis.correlation = sums.Correlation();
  return Status::Ok();
}

/// Each user's active days, by user code (held once: the grids are built from these lists).
struct UserDays {
  std::vector<std::vector<Day>> of_user;
  Day first = INT32_MAX, last = INT32_MIN;  // over the users' days
};

Result<UserDays> ReadUserDays(warehouse::ClickHouseClient& client, const PushedDownInputs& inputs,
                              const warehouse::DayWindow& window) {
  const Dataset& dataset = *inputs.user_rows;
  UserDays out;
  out.of_user.resize(dataset.users().size());
  GROWTHLENS_RETURN_IF_ERROR(warehouse::QueryUserActiveDays(
      client, inputs.kind,
      [&](std::string_view user, std::span<const Day> days) -> Status {
        const std::optional<uint32_t> code = dataset.users().Find(user);
        if (!code)
          return Status(ErrorCode::kDataError,
                        fmt::format("ClickHouse answered active days of the user '{}', whom the "
                                    "per-user totals did not name (was the table written to "
                                    "while it was read?)",
                                    user));
        out.of_user[*code].assign(days.begin(), days.end());
        if (!days.empty()) {
          out.first = std::min(out.first, days.front());
          out.last = std::max(out.last, days.back());
        }
        return Status::Ok();
      },
      window));
  return out;
}

ActivityGrid GridOf(const UserDays& user_days, Day first, Day last, unsigned threads) {
  const size_t users = user_days.of_user.size();
  ActivityGrid grid(first, last, users, threads);
  for (size_t user = 0; user < users; ++user) {
    const std::span<uint64_t> words = grid.UserWords(static_cast<uint32_t>(user));
    for (const Day day : user_days.of_user[user]) {
      if (day < first || day > last) continue;
      const auto offset = static_cast<size_t>(day - first);
      words[offset / 64] |= uint64_t{1} << (offset % 64);
    }
  }
  return grid;
}

/// Transactions: each cohort's revenue per period, summed in ClickHouse.
Status AddCohortRevenue(warehouse::ClickHouseClient& client, const warehouse::DayWindow& window,
                        CohortMatrix& matrix) {
  Result<std::vector<warehouse::CohortRevenueCell>> cells =
      warehouse::QueryCohortRevenue(client, BucketOf(matrix.period), window);
  if (!cells.ok()) return cells.status();
  for (const warehouse::CohortRevenueCell& cell : *cells) {
    const int32_t cohort = CohortBucketOf(cell.cohort_first_day, matrix.period);
    const auto found = std::lower_bound(matrix.cohorts.begin(), matrix.cohorts.end(), cohort);
    const int64_t period_idx =
        int64_t{CohortBucketOf(cell.bucket_first_day, matrix.period)} - cohort;
    if (found == matrix.cohorts.end() || *found != cohort || period_idx < 0)
      return Status(ErrorCode::kDataError,
                    fmt::format("ClickHouse answered revenue of a cohort starting {} that the "
                                "customers' active days do not make",
                                FormatDate(cell.cohort_first_day)));
    std::vector<double>& revenue =
        matrix.revenue[static_cast<size_t>(found - matrix.cohorts.begin())];
    if (static_cast<size_t>(period_idx) < revenue.size())
      revenue[static_cast<size_t>(period_idx)] = cell.revenue;
  }
  return Status::Ok();
}

/// Transactions: revenue by month (split into new and returning customers' by the monthly
/// cohort revenue), by country and by season, as RevenueByMonth, RevenueByCountry and
/// RevenueBySeason give them.
Status AddRevenue(warehouse::ClickHouseClient& client, const PushedDownInputs& inputs,
                  const warehouse::DayWindow& window, Analysis& analysis) {
  Result<std::vector<warehouse::RevenueRow>> months =
      warehouse::QueryRevenueBy(client, warehouse::RevenueKey::kMonth, window);
  if (!months.ok()) return months.status();
  Result<std::vector<warehouse::CohortRevenueCell>> cohorts =
      warehouse::QueryCohortRevenue(client, warehouse::SeriesBucket::kMonth, window);
  if (!cohorts.ok()) return cohorts.status();
  analysis.months.clear();
  for (const warehouse::RevenueRow& row : *months) {
    MonthRevenue month;
    month.month = MonthIndexOf(static_cast<Day>(row.key));
    month.revenue = row.revenue;
    month.orders = row.orders;
    month.customers = row.customers;
    month.average_order_value = row.orders == 0 ? 0 : row.revenue / static_cast<double>(row.orders);
    const PeriodCoverage coverage =
        CoverageOf(month.month, CohortPeriod::kMonth, inputs.all->first_day, inputs.all->last_day);
    month.days_in_data = coverage.days_in_data;
    month.days = coverage.days;
    for (const warehouse::CohortRevenueCell& cell : *cohorts)
      if (cell.bucket_first_day == static_cast<Day>(row.key))
        (cell.cohort_first_day == cell.bucket_first_day ? month.new_revenue
                                                        : month.returning_revenue) += cell.revenue;
    analysis.months.push_back(month);
  }
  Result<std::vector<warehouse::RevenueRow>> countries =
      warehouse::QueryRevenueBy(client, warehouse::RevenueKey::kCountry, window);
  if (!countries.ok()) return countries.status();
  analysis.countries.clear();
  for (const warehouse::RevenueRow& row : *countries)
    analysis.countries.push_back({row.name, row.revenue, row.orders, row.customers});
  std::stable_sort(
      analysis.countries.begin(), analysis.countries.end(),
      [](const CountryRevenue& a, const CountryRevenue& b) { return a.revenue > b.revenue; });
  const auto seasons = [&](warehouse::RevenueKey key) -> Result<std::vector<SeasonRevenue>> {
    Result<std::vector<warehouse::RevenueRow>> rows =
        warehouse::QueryRevenueBy(client, key, window);
    if (!rows.ok()) return rows.status();
    std::vector<SeasonRevenue> out;
    for (const warehouse::RevenueRow& row : *rows)
      out.push_back({static_cast<int>(row.key), row.revenue, row.orders});
    return out;
  };
  Result<std::vector<SeasonRevenue>> month_of_year = seasons(warehouse::RevenueKey::kMonthOfYear);
  if (!month_of_year.ok()) return month_of_year.status();
  Result<std::vector<SeasonRevenue>> weekday = seasons(warehouse::RevenueKey::kWeekday);
  if (!weekday.ok()) return weekday.status();
  Result<std::vector<SeasonRevenue>> hour = seasons(warehouse::RevenueKey::kHour);
  if (!hour.ok()) return hour.status();
  analysis.seasonality = {std::move(*month_of_year), std::move(*weekday), std::move(*hour)};
  return Status::Ok();
}

/// The products' Pareto curve from the revenue per item (one GROUP BY), by the engine's own
/// ranking. ClickHouse keeps no item's flag: the lines that are not products are those of the
/// default rules (prep/non_products.h), as an ingest without --non-product-* options marks them.
Status AddProducts(warehouse::ClickHouseClient& client, const warehouse::DayWindow& window,
                   Analysis& analysis) {
  Result<std::vector<warehouse::ItemRow>> rows = warehouse::QueryItemRevenue(client, window);
  if (!rows.ok()) return rows.status();
  const NonProductRules rules = NonProductRules::Defaults();
  std::vector<ItemRevenue> items;
  items.reserve(rows->size());
  for (warehouse::ItemRow& row : *rows) {
    ItemRevenue item;
    item.product = !rules.Matches(row.stock_code, row.description);
    item.stock_code = std::move(row.stock_code);
    item.description = std::move(row.description);
    item.revenue.Add(row.revenue);
    item.revenue_micros = row.revenue_micros;
    // ClickHouse wraps an Int64 sum past 64 bits: a sum in millionths further from the double
    // sum than rounding explains (a millionth of it, or one unit) ranks by the doubles instead.
    const double micros_as_units = static_cast<double>(row.revenue_micros) * 1e-6;
    item.micros_exact = std::fabs(micros_as_units - row.revenue) <=
                        1e-6 * std::max(1.0, std::fabs(row.revenue)) + 1.0;
    item.quantity = row.quantity;
    item.first_sale = row.first_sale;
    items.push_back(std::move(item));
  }
  analysis.pareto = ParetoOfItems(items);
  return Status::Ok();
}

/// Cohorts and lifecycle from the users' active days, by the engine's own functions.
Status AddActivity(warehouse::ClickHouseClient& client, const PushedDownInputs& inputs,
                   const PushDownPlan& plan, Analysis& analysis) {
  Result<UserDays> user_days = ReadUserDays(client, inputs, plan.window);
  if (!user_days.ok()) return user_days.status();
  const Dataset& dataset = *inputs.user_rows;
  const unsigned threads = plan.options.threads;
  LifecycleOptions lifecycle;
  lifecycle.period = plan.lifecycle_period;
  lifecycle.threads = threads;
  lifecycle.from = plan.lifecycle_window.from;
  lifecycle.to = plan.lifecycle_window.to;
  // Cohorts span every row's day (rows without a user too), the lifecycle the rows with a user:
  // the same grid for a usage log, whose rows all have one.
  const Day first = inputs.all->first_day, last = inputs.all->last_day;
  const bool same_span = user_days->first == first && user_days->last == last;
  {
    const ActivityGrid grid = GridOf(*user_days, first, last, threads);
    analysis.cohorts = ComputeCohorts(dataset, grid, plan.options.cohort_period);
    if (same_span) analysis.lifecycle = ComputeLifecycle(dataset, lifecycle, &grid);
  }
  if (!same_span && user_days->first <= user_days->last) {
    const ActivityGrid grid = GridOf(*user_days, user_days->first, user_days->last, threads);
    analysis.lifecycle = ComputeLifecycle(dataset, lifecycle, &grid);
  }
  if (inputs.kind == DataKind::kTransactions && !analysis.cohorts.cohorts.empty())
    GROWTHLENS_RETURN_IF_ERROR(AddCohortRevenue(client, plan.window, analysis.cohorts));
  return Status::Ok();
}

/// The KPIs per day of the window's days with data (clamped to the data's days, as RunKpis
/// clamps them), counted in ClickHouse.
Status AddKpiTrend(warehouse::ClickHouseClient& client, const PushedDownInputs& inputs,
                   const warehouse::DayWindow& window, Analysis& analysis) {
  const warehouse::KindTotals& whole = *inputs.whole;
  auto trend = std::make_shared<KpiTrend>();
  trend->first_day = std::max(window.from.value_or(whole.first_day), whole.first_day);
  const Day last = std::min(window.to.value_or(whole.last_day), whole.last_day);
  if (last >= trend->first_day) {
    Result<std::vector<warehouse::DayActivity>> days =
        warehouse::QueryDailyActivity(client, inputs.kind, trend->first_day, last);
    if (!days.ok()) return days.status();
    const auto size = static_cast<size_t>(last - trend->first_day + 1);
    trend->daily_active.assign(size, 0);
    trend->weekly_active.assign(size, 0);
    trend->monthly_active.assign(size, 0);
    const bool transactions = inputs.kind == DataKind::kTransactions;
    if (transactions) {
      trend->revenue.assign(size, 0);
      trend->orders.assign(size, 0);
    }
    for (const warehouse::DayActivity& day : *days) {
      if (day.day < trend->first_day || day.day > last)
        return Status(
            ErrorCode::kDataError,
            fmt::format("ClickHouse answered activity on {}, outside the days asked "
                        "for ({} .. {})",
                        FormatDate(day.day), FormatDate(trend->first_day), FormatDate(last)));
      const auto at = static_cast<size_t>(day.day - trend->first_day);
      trend->daily_active[at] = day.daily;
      trend->weekly_active[at] = day.weekly;
      trend->monthly_active[at] = day.monthly;
      if (transactions) {
        trend->revenue[at] = day.revenue;
        trend->orders[at] = day.orders;
      }
    }
  }
  analysis.kpi_trend = std::move(trend);
  return Status::Ok();
}

}  // namespace

PushDownPlan PushDownPlanOf(std::string_view analysis, const ParamText& params) {
  PushDownPlan plan;
  // The window (CheckPushedDown refuses one where it is not pushed down); the values are checked.
  // Lifecycle reads every row and shows the window's periods.
  const warehouse::DayWindow window{ParseIsoDate(ParamValue(params, "from", "")),
                                    ParseIsoDate(ParamValue(params, "to", ""))};
  if (analysis == "rfm" && ParamValue(params, "ties", "first") == "shared")
    plan.rfm_ties = RfmTies::kShared;
  if (analysis == "rfm" || analysis == "segment")
    plan.rfm_reference_day = ParseIsoDate(ParamValue(params, "reference-date", ""));
  if (analysis == "lifecycle")
    plan.lifecycle_window = window;
  else if (analysis == "kpis" || analysis == "rfm" || analysis == "usage" ||
           analysis == "revenue" || analysis == "cohorts")
    plan.window = window;
  if (analysis == "usage") {
    plan.features = true;
    plan.options.series_period = PeriodNamed(ParamValue(params, "period", "month"));
    // The names as usage resolves them: trimmed, the empty ones dropped, each once.
    std::vector<std::string> names;
    AssignChecked(ParamValue(params, "features", ""), names);
    for (std::string& name : names) {
      const size_t first = name.find_first_not_of(" \t\r\n");
      const size_t last = name.find_last_not_of(" \t\r\n");
      if (first != std::string::npos)
        plan.feature_names.push_back(name.substr(first, last - first + 1));
    }
    std::sort(plan.feature_names.begin(), plan.feature_names.end());
    plan.feature_names.erase(std::unique(plan.feature_names.begin(), plan.feature_names.end()),
                             plan.feature_names.end());
  } else if (analysis == "cohorts") {
    plan.activity = true;
    plan.options.cohort_period = PeriodNamed(ParamValue(params, "period", "month"));
  } else if (analysis == "lifecycle") {
    plan.activity = true;
    plan.lifecycle_period = PeriodNamed(ParamValue(params, "period", "month"));
  } else if (analysis == "kpis") {
    plan.kpi_trend = ParamValue(params, "view", "card") == "trend";
  } else if (analysis == "revenue") {
    plan.revenue = true;
    plan.products = ParamValue(params, "view", "monthly") == "products";
  } else if (analysis == "users") {
    plan.users_rows = true;
    plan.user_id = ParamValue(params, "id", "");
  } else if (analysis == "insights" || analysis == "analyze") {
    plan.features = plan.activity = plan.revenue = plan.products = plan.insights = true;
  }
  return plan;
}

Status AddPushedDownAnalyses(warehouse::ClickHouseClient& client, const PushedDownInputs& inputs,
                             const PushDownPlan& plan, Analysis& analysis) {
  analysis.top_user_share = TopShare(analysis.rfm.monetary, 0.2);
  const UsageLog* log = inputs.user_rows->As<UsageLog>();
  if (plan.features && log != nullptr)
    GROWTHLENS_RETURN_IF_ERROR(AddFeatures(client, inputs, *log, plan, analysis));
  if (plan.activity) GROWTHLENS_RETURN_IF_ERROR(AddActivity(client, inputs, plan, analysis));
  if (plan.revenue && inputs.kind == DataKind::kTransactions)
    GROWTHLENS_RETURN_IF_ERROR(AddRevenue(client, inputs, plan.window, analysis));
  if (plan.products && inputs.kind == DataKind::kTransactions)
    GROWTHLENS_RETURN_IF_ERROR(AddProducts(client, plan.window, analysis));
  if (plan.kpi_trend)
    GROWTHLENS_RETURN_IF_ERROR(AddKpiTrend(client, inputs, plan.window, analysis));
  if (plan.insights) analysis.insights = ComputeInsights(*inputs.user_rows, analysis);
  return Status::Ok();
}

}  // namespace growthlens::app
