#include "app/clv_analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "app/clv_model.h"
#include "app/clv_views.h"
#include "app/table_view.h"
#include "core/date.h"

namespace growthlens::app {

namespace {

/// Customers a table (and the summary view's JSON) lists, by CLV.
constexpr size_t kTopCustomers = 20;

struct ClvParams {
  std::optional<Day> calibration_end;
  std::string time_unit;
  int64_t period_days = 90;
  int64_t horizon_months = 12;
  double discount_rate = 0.01;
  std::string view;
};

struct ClvRunResult {
  std::string view;
  std::shared_ptr<const ClvResult> clv;
};

Result<ClvRunResult> RunClv(const CleanedData& data, const ClvParams& params, RunContext& context) {
  const TransactionLog* log = data.dataset.As<TransactionLog>();
  if (log == nullptr)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is a {} log, and clv needs transactions with a customer, a date "
                              "and an amount (usage logs have no value column); map an export "
                              "with --kind transactions --user-col --time-col --amount-col",
                              context.source, DataKindName(data.dataset.kind())));
  ClvOptions options;
  options.calibration_end = params.calibration_end;
  options.days_per_unit = params.time_unit == "week" ? 7.0 : 1.0;
  options.period_days = static_cast<double>(params.period_days);
  options.horizon_months = static_cast<int>(params.horizon_months);
  options.discount_rate = params.discount_rate;
  Result<ClvResult> clv = ComputeClv(*log, options, context.naming);
  if (!clv.ok()) return clv.status();
  for (std::string& warning : clv->warnings) context.warnings.push_back(std::move(warning));
  ClvRunResult result;
  result.view = params.view;
  result.clv = std::make_shared<const ClvResult>(std::move(*clv));
  return result;
}

std::string ClvJson(const ClvRunResult& result) {
  const ClvResult& clv = *result.clv;
  JsonDocument json;
  json.Set("view", result.view);
  json.Set("time_unit", clv.options.days_per_unit == 7.0 ? "week" : "day");
  json.Set("calibration_end", FormatDate(clv.history.calibration_end));
  json.Set("last_day", FormatDate(clv.history.last_day));
  json.Set("holdout_length", clv.history.holdout_length);
  json.Set("period_days", clv.options.period_days);
  json.Set("horizon_months", clv.options.horizon_months);
  json.Set("discount_rate", clv.options.discount_rate);
  json.Set("total_customers", clv.history.size());
  json.Set("customers_after_calibration", clv.history.customers_after_calibration);
  json.Set("spend_model_customers", clv.spend_customers);
  json.Set("total_clv", clv.total_clv);
  json.SetRows("parameters", ClvParametersView(clv));
  if (clv.history.holdout_length > 0) json.SetRows("holdout", ClvHoldoutView(clv));
  const View customers = ClvCustomersView(clv, result.view == "customers"
                                                   ? clv.history.size()
                                                   : std::min(kTopCustomers, clv.history.size()));
  json.SetRows(result.view == "customers" ? "customers" : "top_customers", customers);
  return json.Render();
}

std::string ClvCsv(const ClvRunResult& result) {
  const ClvResult& clv = *result.clv;
  if (result.view == "parameters") return RenderCsv(ClvParametersView(clv));
  if (result.view == "holdout") return RenderCsv(ClvHoldoutView(clv));
  return RenderCsv(ClvCustomersView(clv, clv.history.size()));
}

std::string ClvTableText(const ClvRunResult& result) {
  const ClvResult& clv = *result.clv;
  const char* unit = clv.options.days_per_unit == 7.0 ? "weeks" : "days";
  std::string out = fmt::format(
      "Customer lifetime value of {} customers: calibration {} to {}, times in {}\n"
      "BG/NBD log-likelihood {:.4f} ({} iterations); Gamma-Gamma on {} repeat customers, "
      "log-likelihood {:.4f} ({} iterations)\n\n",
      WithThousands(clv.history.size()), FormatDate(clv.history.first_day),
      FormatDate(clv.history.calibration_end), unit, clv.purchases.fit.log_likelihood,
      clv.purchases.fit.iterations, WithThousands(clv.spend_customers),
      clv.spend.fit.log_likelihood, clv.spend.fit.iterations);
  out += RenderTable(ClvParametersView(clv));
  if (clv.history.holdout_length > 0 && result.view != "parameters") {
    out += fmt::format("\nHoldout {} to {} ({:g} {}): repeat purchases by calibration frequency\n",
                       FormatDate(clv.history.calibration_end + 1),
                       FormatDate(clv.history.last_day), clv.history.holdout_length, unit);
    out += RenderTable(ClvHoldoutView(clv));
  }
  if (result.view == "parameters" || result.view == "holdout") return out;
  const size_t shown = std::min(kTopCustomers, clv.history.size());
  out += fmt::format(
      "\nTotal CLV over {} months (monthly discount {:g}): {}\nTop {} customers by CLV "
      "(expected purchases in the next {} days)\n",
      clv.options.horizon_months, clv.options.discount_rate, fmt::format("{:.2f}", clv.total_clv),
      shown, clv.options.period_days);
  out += RenderTable(ClvCustomersView(clv, shown));
  if (clv.history.size() > shown)
    out +=
        fmt::format("... and {} more customers (--format csv or json --view customers lists all)\n",
                    WithThousands(clv.history.size() - shown));
  return out;
}

}  // namespace

AnalysisEntry ClvAnalysis() {
  return MakeEntry(
      AnalysisInfo(
          "clv", DataNeed::kTransactions,
          "Customer lifetime value: BG/NBD and Gamma-Gamma fits, per customer expected "
          "purchases, P(alive), spend and CLV, calibration against holdout",
          "Customer lifetime value: load transactions as ingest does (nothing is written), merge "
          "each customer's purchases of one day into one, fit the BG/NBD model of repeat "
          "purchases and the Gamma-Gamma model of spend per purchase by maximum likelihood, and "
          "give every customer expected purchases, the probability of being alive, expected "
          "spend per purchase and CLV over a horizon, discounted monthly.\n"
          "With --calibration-end the models see only the days up to it, and the days after it "
          "are the holdout the predictions are checked against. Any export with a customer, a "
          "date and a line amount works: --kind transactions --user-col C --time-col D "
          "--amount-col A. Usage logs have no value column, so they have no CLV. Definitions in "
          "docs/ANALYTICS.md."),
      TypedAnalysis<ClvParams, ClvRunResult>{
          {
              {DateParam("calibration-end",
                         "Last day of the calibration period, YYYY-MM-DD; the days after it are "
                         "the holdout (default: the last day of the data, no holdout)"),
               &ClvParams::calibration_end},
              {EnumParam("time-unit", "day", {"day", "week"},
                         "The models' time unit: day (default) or week (7 days; the "
                         "parameters change scale, the predictions do not)"),
               &ClvParams::time_unit},
              {IntParam("period-days", 90, 1, 3650,
                        "Days ahead for each customer's expected purchases (default 90)"),
               &ClvParams::period_days},
              {IntParam("horizon-months", 12, 1, 120,
                        "Months of 30 days the CLV adds up (default 12)"),
               &ClvParams::horizon_months},
              {DoubleParam("discount-rate", 0.01, 0.0, 1.0,
                           "Monthly discount rate of the CLV (default 0.01)"),
               &ClvParams::discount_rate},
              {EnumParam("view", "summary", {"summary", "customers", "parameters", "holdout"},
                         "summary (default): parameters, holdout table and the top 20 customers "
                         "by CLV (CSV: every customer); customers: every customer; parameters: "
                         "the models' parameters with standard errors; holdout: predicted "
                         "against actual repeat purchases by calibration frequency"),
               &ClvParams::view},
          },
          nullptr,
          RunClv,
          ClvJson,
          ClvCsv,
          ClvTableText});
}

}  // namespace growthlens::app
