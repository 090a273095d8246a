// BG/NBD and Gamma-Gamma (src/stats): analytic gradients against finite differences, parameter
// recovery on data simulated from the models' own processes, the calibration-against-holdout
// prediction on simulated data, and the per-customer summary and time unit of `growthlens clv`
// on a customer, date, amount export.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "app/clv_model.h"
#include "ingest_or_die.h"
#include "metrics/purchase_history.h"
#include "prep/ingest.h"
#include "stats/bg_nbd.h"
#include "stats/gamma_gamma.h"

namespace growthlens {
namespace {

struct SimulatedCustomers {
  std::vector<double> frequency, recency, age, monetary;
  std::vector<double> holdout;  // purchases in (age, age + holdout_length]
};

/// BG/NBD: lambda ~ Gamma(r, rate alpha), p ~ Beta(a, b); purchases at rate lambda from time 0
/// (the first purchase) and after each repeat purchase the customer drops out with probability p.
/// Gamma-Gamma: nu ~ Gamma(q, rate gamma), each purchase ~ Gamma(p, rate nu).
SimulatedCustomers Simulate(size_t n, const stats::BgNbdParams& bg,
                            const stats::GammaGammaParams& gg, double holdout_length,
                            uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::gamma_distribution<double> rate(bg.r, 1.0 / bg.alpha);
  std::gamma_distribution<double> beta_a(bg.a, 1.0), beta_b(bg.b, 1.0);
  std::gamma_distribution<double> spend_rate(gg.q, 1.0 / gg.gamma);
  std::uniform_real_distribution<double> ages(30.0, 365.0);
  SimulatedCustomers out;
  for (size_t i = 0; i < n; ++i) {
    const double lambda = rate(random);
    const double ga = beta_a(random), gb = beta_b(random);
    const double p = ga / (ga + gb);
    const double nu = spend_rate(random);
    std::gamma_distribution<double> value(gg.p, 1.0 / nu);
    const double age = std::round(ages(random));
    std::exponential_distribution<double> gap(lambda);
    // The first purchase is at 0; the drop-out coin is tossed after each repeat purchase (the
    // BG/NBD likelihood has no drop-out at time 0).
    double t = 0.0, last = 0.0, x = 0.0, held = 0.0, spent = 0.0;
    while (true) {
      t += gap(random);
      if (t > age + holdout_length) break;
      if (t <= age) {
        x += 1;
        last = t;
        spent += value(random);
      } else {
        held += 1;
      }
      if (uniform(random) < p) break;
    }
    out.frequency.push_back(x);
    out.recency.push_back(last);
    out.age.push_back(age);
    out.monetary.push_back(x > 0 ? spent / x : 0.0);
    out.holdout.push_back(held);
  }
  return out;
}

/// Relative difference of analytic and central-difference derivatives.
template <typename LogLikelihood>
void ExpectGradientMatches(const LogLikelihood& ll, std::vector<double> theta) {
  std::vector<double> analytic(theta.size());
  ll(theta, analytic);
  for (size_t j = 0; j < theta.size(); ++j) {
    const double h = 1e-6 * theta[j];
    std::vector<double> plus = theta, minus = theta;
    plus[j] += h;
    minus[j] -= h;
    const double numeric = (ll(plus, {}) - ll(minus, {})) / (2 * h);
    EXPECT_NEAR(analytic[j], numeric, 1e-5 * std::max(1.0, std::abs(numeric)))
        << "parameter " << j << " at theta[0] = " << theta[0];
  }
}

const stats::BgNbdParams kTrueBg{0.5, 20.0, 0.8, 2.5};
const stats::GammaGammaParams kTrueGg{6.0, 4.0, 15.0};

TEST(ClvModel, BgNbdGradientMatchesFiniteDifferences) {
  const SimulatedCustomers data = Simulate(400, kTrueBg, kTrueGg, 0.0, 7);
  const stats::BgNbdLikelihood ll({data.frequency, data.recency, data.age});
  ExpectGradientMatches(ll, {0.5, 20.0, 0.8, 2.5});
  ExpectGradientMatches(ll, {1.7, 3.0, 0.05, 9.0});
  ExpectGradientMatches(ll, {0.2, 90.0, 2.5, 0.6});
}

TEST(ClvModel, GammaGammaGradientMatchesFiniteDifferences) {
  const SimulatedCustomers data = Simulate(400, kTrueBg, kTrueGg, 0.0, 8);
  std::vector<double> x, m;
  for (size_t i = 0; i < data.frequency.size(); ++i)
    if (data.frequency[i] > 0) {
      x.push_back(data.frequency[i]);
      m.push_back(data.monetary[i]);
    }
  const stats::SpendData spend{x, m};
  const auto ll = [&](std::span<const double> theta, std::span<double> gradient) {
    return stats::GammaGammaLogLikelihood(spend, theta, gradient);
  };
  ExpectGradientMatches(ll, {6.0, 4.0, 15.0});
  ExpectGradientMatches(ll, {1.2, 9.0, 300.0});
}

// 20,000 simulated customers: every BG/NBD estimate within 10% of the truth, and every estimate
// within 4 of its standard errors (which checks the errors too). Gamma-Gamma's p, q and gamma
// are strongly correlated (their errors are 10-20% here), so what they identify well, the
// population mean spend p gamma / (q - 1), is held to 3%.
TEST(ClvModel, RecoversSimulatedParameters) {
  const SimulatedCustomers data = Simulate(20000, kTrueBg, kTrueGg, 0.0, 42);
  Result<stats::BgNbdFit> bg = stats::FitBgNbd({data.frequency, data.recency, data.age});
  ASSERT_TRUE(bg.ok()) << bg.status().message();
  EXPECT_TRUE(bg->fit.converged);
  const double truth[] = {kTrueBg.r, kTrueBg.alpha, kTrueBg.a, kTrueBg.b};
  const double got[] = {bg->params.r, bg->params.alpha, bg->params.a, bg->params.b};
  const double se[] = {bg->std_errors.r, bg->std_errors.alpha, bg->std_errors.a, bg->std_errors.b};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(got[i], truth[i], 0.10 * truth[i]) << "BG/NBD parameter " << i;
    EXPECT_NEAR(got[i], truth[i], 4 * se[i]) << "BG/NBD parameter " << i;
  }

  std::vector<double> x, m;
  for (size_t i = 0; i < data.frequency.size(); ++i)
    if (data.frequency[i] > 0) {
      x.push_back(data.frequency[i]);
      m.push_back(data.monetary[i]);
    }
  Result<stats::GammaGammaFit> gg = stats::FitGammaGamma({x, m});
  ASSERT_TRUE(gg.ok()) << gg.status().message();
  EXPECT_TRUE(gg->fit.converged);
  const double gg_truth[] = {kTrueGg.p, kTrueGg.q, kTrueGg.gamma};
  const double gg_got[] = {gg->params.p, gg->params.q, gg->params.gamma};
  const double gg_se[] = {gg->std_errors.p, gg->std_errors.q, gg->std_errors.gamma};
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(gg_got[i], gg_truth[i], 4 * gg_se[i]) << "Gamma-Gamma parameter " << i;
  const double mean_spend = kTrueGg.p * kTrueGg.gamma / (kTrueGg.q - 1);
  EXPECT_NEAR(stats::GammaGammaExpectedSpend(gg->params, 0, 0), mean_spend, 0.03 * mean_spend);
}

// The fitted model predicts the purchases of a 90-day holdout it never saw: in total within 3%,
// and for the customers with no repeat purchase and with 5 or more within 10%.
TEST(ClvModel, PredictsSimulatedHoldout) {
  const double holdout = 90.0;
  const SimulatedCustomers data = Simulate(20000, kTrueBg, kTrueGg, holdout, 43);
  Result<stats::BgNbdFit> bg = stats::FitBgNbd({data.frequency, data.recency, data.age});
  ASSERT_TRUE(bg.ok());
  double actual = 0, predicted = 0, actual0 = 0, predicted0 = 0, actual5 = 0, predicted5 = 0;
  for (size_t i = 0; i < data.frequency.size(); ++i) {
    const double expected = stats::BgNbdExpectedPurchases(bg->params, holdout, data.frequency[i],
                                                          data.recency[i], data.age[i]);
    actual += data.holdout[i];
    predicted += expected;
    if (data.frequency[i] == 0) {
      actual0 += data.holdout[i];
      predicted0 += expected;
    } else if (data.frequency[i] >= 5) {
      actual5 += data.holdout[i];
      predicted5 += expected;
    }
  }
  EXPECT_NEAR(predicted, actual, 0.03 * actual);
  EXPECT_NEAR(predicted0, actual0, 0.10 * actual0);
  EXPECT_NEAR(predicted5, actual5, 0.10 * actual5);
}

TEST(ClvModel, ProbabilityAliveAndExpectations) {
  const stats::BgNbdParams p{0.8, 70.0, 0.05, 3.0};
  EXPECT_EQ(stats::BgNbdProbabilityAlive(p, 0, 0, 100), 1.0);
  // A customer whose last purchase is long ago is less likely alive than one who just bought.
  EXPECT_LT(stats::BgNbdProbabilityAlive(p, 5, 20, 300),
            stats::BgNbdProbabilityAlive(p, 5, 290, 300));
  EXPECT_EQ(stats::BgNbdExpectedPurchases(p, 0, 3, 50, 100), 0.0);
  EXPECT_LT(stats::BgNbdExpectedPurchases(p, 30, 3, 50, 100),
            stats::BgNbdExpectedPurchases(p, 60, 3, 50, 100));
  const stats::GammaGammaParams gg{2.0, 3.5, 500.0};
  EXPECT_DOUBLE_EQ(stats::GammaGammaExpectedSpend(gg, 0, 0), 2.0 * 500.0 / 2.5);
}

// A customer, date, amount export (--amount-col): one day's lines are one purchase worth their
// total; the first purchase is left out of the mean spend; the holdout starts the day after
// --calibration-end.
TEST(ClvModel, SummarizesCustomerDateAmountExport) {
  IngestOptions options;
  options.read.columns.name[static_cast<size_t>(Role::kUser)] = "customer_id";
  options.read.columns.name[static_cast<size_t>(Role::kTime)] = "order_date";
  options.read.columns.name[static_cast<size_t>(Role::kAmount)] = "amount";
  Result<CleanedData> data = IngestText(
      "customer_id,order_date,amount\n"
      "c1,2024-01-01,10.5\nc1,2024-01-01,4.5\nc1,2024-01-10,20\nc1,2024-01-20,40\n"
      "c2,2024-01-02,5\nc2,2024-02-02,7\nc3,2024-01-05,3\nc1,2024-03-01,30\nc4,2024-02-20,8\n",
      "export.csv", options);
  ASSERT_TRUE(data.ok()) << data.status().message();
  const TransactionLog* log = data->dataset.As<TransactionLog>();
  ASSERT_NE(log, nullptr);
  const PurchaseHistory h = SummarizePurchases(*log, {DaysFromCivil(2024, 2, 10), 1.0});
  ASSERT_EQ(h.size(), 3u);  // c4 first buys in the holdout
  EXPECT_EQ(h.customers_after_calibration, 1u);
  EXPECT_EQ(h.holdout_length, 20.0);  // 2024-02-11 .. 2024-03-01
  EXPECT_EQ(log->users[h.user[0]], "c1");
  EXPECT_EQ(h.frequency[0], 2.0);
  EXPECT_EQ(h.recency[0], 19.0);
  EXPECT_EQ(h.age[0], 40.0);
  EXPECT_DOUBLE_EQ(h.monetary[0], 30.0);  // (20 + 40) / 2, the first day's 15 left out
  EXPECT_DOUBLE_EQ(h.first_value[0], 15.0);
  EXPECT_EQ(h.holdout_purchases[0], 1.0);
  EXPECT_DOUBLE_EQ(h.holdout_value[0], 30.0);
  EXPECT_EQ(h.frequency[1], 1.0);  // c2
  EXPECT_EQ(h.frequency[2], 0.0);  // c3
  EXPECT_EQ(h.monetary[2], 0.0);
}

// Weeks rescale alpha by 7 and leave every prediction as it is.
TEST(ClvModel, TimeUnitRescalesAlphaOnly) {
  const SimulatedCustomers sim = Simulate(1000, kTrueBg, kTrueGg, 0.0, 44);
  std::string csv = "customer_id,order_date,amount\n";
  // The simulation's summary as purchase days: first on day 0 of the customer, repeats at
  // their recency and evenly before it, all on whole days.
  std::mt19937_64 random(5);
  for (size_t i = 0; i < sim.frequency.size(); ++i) {
    const Day first = DaysFromCivil(2023, 1, 1) + static_cast<Day>(365 - sim.age[i]);
    csv += "u" + std::to_string(i) + "," + FormatDate(first) + ",12.5\n";
    const int x = static_cast<int>(sim.frequency[i]);
    const int last = static_cast<int>(std::ceil(sim.recency[i]));
    for (int k = 1; k <= x && last >= x; ++k)
      csv += "u" + std::to_string(i) + "," + FormatDate(first + last - (x - k) * (last / x) / 1) +
             "," + std::to_string(5 + static_cast<int>(random() % 40)) + "\n";
  }
  IngestOptions options;
  options.read.columns.name[static_cast<size_t>(Role::kUser)] = "customer_id";
  options.read.columns.name[static_cast<size_t>(Role::kTime)] = "order_date";
  options.read.columns.name[static_cast<size_t>(Role::kAmount)] = "amount";
  Result<CleanedData> data = IngestText(csv, "sim.csv", options);
  ASSERT_TRUE(data.ok()) << data.status().message();
  const TransactionLog& log = *data->dataset.As<TransactionLog>();
  app::ClvOptions days, weeks;
  weeks.days_per_unit = 7;
  Result<app::ClvResult> by_day = app::ComputeClv(log, days, app::Naming::kCli);
  Result<app::ClvResult> by_week = app::ComputeClv(log, weeks, app::Naming::kCli);
  ASSERT_TRUE(by_day.ok()) << by_day.status().message();
  ASSERT_TRUE(by_week.ok()) << by_week.status().message();
  EXPECT_NEAR(by_week->purchases.params.alpha * 7, by_day->purchases.params.alpha,
              1e-4 * by_day->purchases.params.alpha);
  EXPECT_NEAR(by_week->purchases.params.r, by_day->purchases.params.r,
              1e-4 * by_day->purchases.params.r);
  for (size_t i = 0; i < by_day->clv.size(); i += 37) {
    EXPECT_NEAR(by_week->expected_purchases[i], by_day->expected_purchases[i],
                1e-4 * by_day->expected_purchases[i]);
    EXPECT_NEAR(by_week->clv[i], by_day->clv[i], 1e-4 * by_day->clv[i]);
  }
}

TEST(ClvModel, RefusesCalibrationEndOutsideTheData) {
  const CleanedData data = testing::IngestOrDie(
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
      "1,A,a,1,2011-01-01 10:00:00,2.0,1,UK\n2,A,a,1,2011-02-01 10:00:00,2.0,1,UK\n");
  app::ClvOptions options;
  options.calibration_end = DaysFromCivil(2012, 1, 1);
  Result<app::ClvResult> clv =
      app::ComputeClv(*data.dataset.As<TransactionLog>(), options, app::Naming::kCli);
  ASSERT_FALSE(clv.ok());
  EXPECT_NE(clv.status().message().find("--calibration-end 2012-01-01 is outside"),
            std::string::npos)
      << clv.status().message();
}

}  // namespace
}  // namespace growthlens
