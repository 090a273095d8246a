// `growthlens clv` on UCI Online Retail against an independent scipy implementation
// (tests/golden/make_clv_golden.py -> clv_online_retail.json): the per-customer summary exactly
// (mean spend to 1e-9), the BG/NBD and Gamma-Gamma maximum-likelihood parameters to 1e-3
// relative, their standard errors to 2% (both are finite-difference Hessians of a likelihood
// that is nearly flat along a and b), and per customer expected purchases in 90 days, P(alive),
// expected spend and 12-month CLV: to 1e-6 relative at scipy's parameters (the formulas), and to
// 1e-5 at GrowthLens's own fit (formulas and fit together: the two optima differ by about 1e-5
// relative along the flat a-b direction, which moves a few customers' predictions by up to 5e-6).
// The same for a BG/NBD fit on a calibration period alone and its holdout predictions.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "app/clv_model.h"
#include "metrics/purchase_history.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

constexpr double kParameterTolerance = 1e-3;
constexpr double kStdErrorTolerance = 0.02;
constexpr double kCustomerTolerance = 1e-6;
constexpr double kFittedCustomerTolerance = 1e-5;

class ClvGolden : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::ifstream in(testing::GoldenPath("clv_online_retail.json"));
    golden_ = new nlohmann::json(nlohmann::json::parse(in));
    Result<CleanedData> data =
        IngestText(testing::ReadXz(testing::PublicDataPath("online_retail.csv.xz")),
                   "online_retail.csv", IngestOptions());
    if (data.ok()) data_ = new CleanedData(std::move(*data));
  }
  static void TearDownTestSuite() {
    delete golden_;
    delete data_;
  }
  void SetUp() override { ASSERT_NE(data_, nullptr) << "cannot read online_retail.csv.xz"; }
  static const TransactionLog& Log() { return *data_->dataset.As<TransactionLog>(); }

  static nlohmann::json* golden_;
  static CleanedData* data_;
};
nlohmann::json* ClvGolden::golden_ = nullptr;
CleanedData* ClvGolden::data_ = nullptr;

void ExpectRelative(double got, double want, double tolerance, const std::string& what) {
  EXPECT_NEAR(got, want, tolerance * std::max(std::abs(want), 1e-12)) << what;
}

void ExpectSummary(const PurchaseHistory& history, const StringDictionary& users,
                   const nlohmann::json& golden) {
  ASSERT_EQ(history.size(), golden["id"].size());
  for (size_t i = 0; i < history.size(); ++i) {
    const std::string id = golden["id"][i];
    ASSERT_EQ(users[history.user[i]], id) << "row " << i;
    EXPECT_EQ(history.frequency[i], golden["frequency"][i].get<double>()) << id;
    EXPECT_EQ(history.recency[i], golden["recency"][i].get<double>()) << id;
    EXPECT_EQ(history.age[i], golden["T"][i].get<double>()) << id;
    ExpectRelative(history.monetary[i], golden["monetary"][i], 1e-9, "monetary of " + id);
    if (golden.contains("holdout")) {
      EXPECT_EQ(history.holdout_purchases[i], golden["holdout"][i].get<double>()) << id;
    }
  }
}

TEST_F(ClvGolden, MatchesScipyFit) {
  const app::ClvOptions options;  // days, 90 days ahead, 12 months at 1% a month
  ASSERT_EQ((*golden_)["period"].get<double>(), options.period_days);
  ASSERT_EQ((*golden_)["horizon_months"].get<int>(), options.horizon_months);
  Result<app::ClvResult> clv = app::ComputeClv(Log(), options, app::Naming::kCli);
  ASSERT_TRUE(clv.ok()) << clv.status().message();
  const nlohmann::json& customers = (*golden_)["customers"];
  ExpectSummary(clv->history, Log().users, customers);

  const nlohmann::json& bg = (*golden_)["bgnbd"];
  const nlohmann::json& gg = (*golden_)["gamma_gamma"];
  const stats::BgNbdParams scipy_bg{bg["r"], bg["alpha"], bg["a"], bg["b"]};
  const stats::GammaGammaParams scipy_gg{gg["p"], gg["q"], gg["gamma"]};
  // Each model's parameters and standard errors in the golden's order, and its log-likelihood.
  const auto expect_model = [](const nlohmann::json& want, std::initializer_list<const char*> names,
                               std::initializer_list<double> got, std::initializer_list<double> se,
                               double log_likelihood) {
    size_t i = 0;
    for (auto name = names.begin(); name != names.end(); ++name, ++i) {
      ExpectRelative(got.begin()[i], want[*name], kParameterTolerance, *name);
      ExpectRelative(se.begin()[i], want["se"][i], kStdErrorTolerance, std::string("se ") + *name);
    }
    ExpectRelative(log_likelihood, want["log_likelihood"], 1e-9, "log-likelihood");
  };
  const stats::BgNbdParams& mine = clv->purchases.params;
  const stats::BgNbdParams& se = clv->purchases.std_errors;
  expect_model(bg, {"r", "alpha", "a", "b"}, {mine.r, mine.alpha, mine.a, mine.b},
               {se.r, se.alpha, se.a, se.b}, clv->purchases.fit.log_likelihood);
  const stats::GammaGammaParams& spend = clv->spend.params;
  const stats::GammaGammaParams& spend_se = clv->spend.std_errors;
  EXPECT_EQ(clv->spend_customers, gg["customers"].get<size_t>());
  expect_model(gg, {"p", "q", "gamma"}, {spend.p, spend.q, spend.gamma},
               {spend_se.p, spend_se.q, spend_se.gamma}, clv->spend.fit.log_likelihood);

  const PurchaseHistory& h = clv->history;
  for (size_t i = 0; i < h.size(); ++i) {
    const std::string id = customers["id"][i];
    const double x = h.frequency[i], t_x = h.recency[i], age = h.age[i];
    // At scipy's parameters: the prediction formulas alone.
    const double spend_at_scipy = stats::GammaGammaExpectedSpend(scipy_gg, x, h.monetary[i]);
    ExpectRelative(stats::BgNbdExpectedPurchases(scipy_bg, options.period_days, x, t_x, age),
                   customers["expected_purchases"][i], kCustomerTolerance, "purchases " + id);
    ExpectRelative(stats::BgNbdProbabilityAlive(scipy_bg, x, t_x, age), customers["p_alive"][i],
                   kCustomerTolerance, "P(alive) " + id);
    ExpectRelative(spend_at_scipy, customers["expected_spend"][i], kCustomerTolerance,
                   "spend " + id);
    ExpectRelative(app::CustomerLifetimeValue(scipy_bg, x, t_x, age, spend_at_scipy,
                                              options.horizon_months, options.discount_rate, 1.0),
                   customers["clv"][i], kCustomerTolerance, "CLV " + id);
    // At GrowthLens's own fit.
    ExpectRelative(clv->expected_purchases[i], customers["expected_purchases"][i],
                   kFittedCustomerTolerance, "fitted purchases " + id);
    ExpectRelative(clv->p_alive[i], customers["p_alive"][i], kFittedCustomerTolerance,
                   "fitted P(alive) " + id);
    ExpectRelative(clv->expected_spend[i], customers["expected_spend"][i], kFittedCustomerTolerance,
                   "fitted spend " + id);
    ExpectRelative(clv->clv[i], customers["clv"][i], kFittedCustomerTolerance, "fitted CLV " + id);
  }
}

// The calibration/holdout split's summary: calibration frequency, recency, T, spend and holdout
// purchases per customer.
TEST_F(ClvGolden, SplitSummaryMatchesPandas) {
  const nlohmann::json& split = (*golden_)["split"];
  const std::string end = split["calibration_end"];
  const Day day = DaysFromCivil(std::stoi(end.substr(0, 4)), std::stoi(end.substr(5, 2)),
                                std::stoi(end.substr(8, 2)));
  const PurchaseHistory h = SummarizePurchases(Log(), {day, 1.0});
  EXPECT_EQ(h.holdout_length, split["holdout_days"].get<double>());
  ExpectSummary(h, Log().users, split);
}

// BG/NBD fitted on a calibration period alone (--calibration-end), against scipy's fit of the
// same period: r and alpha to 1e-3 relative, the log-likelihood to 1e-9, a / (a + b) -> 0 on
// both sides (a and b are not identified there); per customer the
// expected holdout purchases and P(alive) to 1e-6 at scipy's parameters (the formulas) and to
// 1e-5 at GrowthLens's fit; the holdout table's actual purchases exactly and its predicted
// totals to 1e-5.
TEST_F(ClvGolden, CalibrationHoldoutFitMatchesScipy) {
  const nlohmann::json& golden = (*golden_)["holdout_fit"];
  const std::string end = golden["calibration_end"];
  app::ClvOptions options;
  options.calibration_end = DaysFromCivil(std::stoi(end.substr(0, 4)), std::stoi(end.substr(5, 2)),
                                          std::stoi(end.substr(8, 2)));
  Result<app::ClvResult> clv = app::ComputeClv(Log(), options, app::Naming::kCli);
  ASSERT_TRUE(clv.ok()) << clv.status().message();
  const PurchaseHistory& h = clv->history;
  EXPECT_EQ(h.holdout_length, golden["holdout_days"].get<double>());
  const nlohmann::json& bg = golden["bgnbd"];
  const stats::BgNbdParams& mine = clv->purchases.params;
  ExpectRelative(mine.r, bg["r"], kParameterTolerance, "r");
  ExpectRelative(mine.alpha, bg["alpha"], kParameterTolerance, "alpha");
  // On this period the likelihood's supremum is at a -> 0 (nobody is seen to drop out), where a
  // and b are not identified, only that the dropout probability a / (a + b) vanishes.
  EXPECT_LT(bg["a"].get<double>() / (bg["a"].get<double>() + bg["b"].get<double>()), 1e-6);
  EXPECT_LT(mine.a / (mine.a + mine.b), 1e-6) << "a " << mine.a << ", b " << mine.b;
  ExpectRelative(clv->purchases.fit.log_likelihood, bg["log_likelihood"], 1e-9, "log-likelihood");
  const stats::BgNbdParams scipy_bg{bg["r"], bg["alpha"], bg["a"], bg["b"]};
  ASSERT_EQ(h.size(), golden["id"].size());
  for (size_t i = 0; i < h.size(); ++i) {
    const std::string id = golden["id"][i];
    ASSERT_EQ(Log().users[h.user[i]], id) << "row " << i;
    const double x = h.frequency[i], t_x = h.recency[i], age = h.age[i];
    ExpectRelative(stats::BgNbdExpectedPurchases(scipy_bg, h.holdout_length, x, t_x, age),
                   golden["holdout_predicted"][i], kCustomerTolerance, "holdout " + id);
    ExpectRelative(stats::BgNbdProbabilityAlive(scipy_bg, x, t_x, age), golden["p_alive"][i],
                   kCustomerTolerance, "P(alive) " + id);
    ExpectRelative(clv->holdout_predicted[i], golden["holdout_predicted"][i],
                   kFittedCustomerTolerance, "fitted holdout " + id);
    ExpectRelative(clv->p_alive[i], golden["p_alive"][i], kFittedCustomerTolerance,
                   "fitted P(alive) " + id);
  }
  ASSERT_EQ(clv->holdout.size(), 8u);
  for (size_t k = 0; k < 8; ++k) {
    EXPECT_EQ(clv->holdout[k].actual, golden["table_actual"][k].get<double>()) << k;
    ExpectRelative(clv->holdout[k].predicted, golden["table_predicted"][k],
                   kFittedCustomerTolerance, "table predicted " + std::to_string(k));
  }
}

}  // namespace
}  // namespace growthlens
