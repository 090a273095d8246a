// The Predictions page's engine (app/predictions_model.h, predictions_insights.h): the ROC curve
// against an independent count, the join of churn scores with CLV, segments and countries
// checked customer by customer against ComputeClv and ComputeRfm, the groups' sums, and every
// insight sentence's number recomputed here from the per-user rows.

#include <gtest/gtest.h>

#include <stop_token>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "app/churn_model.h"
#include "app/clv_model.h"
#include "app/predictions_insights.h"
#include "app/predictions_model.h"
#include "metrics/rfm.h"
#include "ml/classification_metrics.h"
#include "prep/ingest.h"
#include "store/workspace.h"
#include "synth/output_sink.h"
#include "synth/transaction_generator.h"
#include "temp_workspace.h"

namespace growthlens::app {
namespace {

const CleanedData& GeneratedTransactions() {
  static const CleanedData data = [] {
    synth::TransactionGeneratorOptions options;
    options.customers = 600;
    options.seed = 11;
    synth::StringSink sink;
    EXPECT_TRUE(synth::GenerateTransactions(options, sink).ok());
    Result<CleanedData> loaded = IngestText(sink.contents(), "retail.csv", IngestOptions());
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return std::move(loaded).value();
  }();
  return data;
}

// Kept to the end of the process and never destroyed: the model's XGBoost handle must not be
// freed after the library's own statics are gone.
const Predictions& TransactionPredictions() {
  static const Predictions* const predictions = [] {
    Result<Predictions> computed = ComputePredictions(GeneratedTransactions().dataset, {});
    EXPECT_TRUE(computed.ok()) << computed.status().message();
    return new Predictions(std::move(computed).value());
  }();
  return *predictions;
}

// The area under the thinned-out curve (trapezoids) is the Mann-Whitney AUC; every point is a
// (false, true) positive rate pair counted here at its threshold.
TEST(PredictionsRoc, CurveMatchesCountsAndItsAreaIsTheAuc) {
  const std::vector<double> p = {0.9, 0.8, 0.8, 0.7, 0.4, 0.3, 0.3, 0.2, 0.1, 0.05};
  const std::vector<uint8_t> y = {1, 1, 0, 1, 0, 1, 0, 0, 0, 0};
  const std::vector<RocPoint> curve = RocCurve(p, y);
  ASSERT_EQ(curve.size(), 9u);  // (0,0) and one point per distinct threshold
  for (const RocPoint& point : curve) {
    // Recount: the threshold whose true positive rate and false positive rate these are.
    bool found = point.false_positive_rate == 0 && point.true_positive_rate == 0;
    for (const double threshold : p) {
      double tp = 0, fp = 0;
      for (size_t i = 0; i < p.size(); ++i)
        if (p[i] >= threshold) (y[i] ? tp : fp) += 1;
      found |= std::abs(tp / 4 - point.true_positive_rate) < 1e-12 &&
               std::abs(fp / 6 - point.false_positive_rate) < 1e-12;
    }
    EXPECT_TRUE(found) << point.false_positive_rate << "," << point.true_positive_rate;
  }
  EXPECT_DOUBLE_EQ(curve.back().true_positive_rate, 1.0);
  EXPECT_DOUBLE_EQ(curve.back().false_positive_rate, 1.0);
  double area = 0;
  for (size_t i = 1; i < curve.size(); ++i)
    area += (curve[i].false_positive_rate - curve[i - 1].false_positive_rate) *
            (curve[i].true_positive_rate + curve[i - 1].true_positive_rate) / 2;
  EXPECT_NEAR(area, ml::RocAuc(p, y), 1e-12);
  EXPECT_EQ(RocCurve(p, y, 3).size(), 3u) << "thinned to the points asked";
}

// Every scored customer's CLV is ComputeClv's for the same id, their segment ComputeRfm's, their
// country the one of their latest order; the bands and histogram count every scored user once.
TEST(PredictionsJoin, ScoresJoinClvSegmentsAndCountriesCustomerByCustomer) {
  const Dataset& dataset = GeneratedTransactions().dataset;
  const Predictions& predictions = TransactionPredictions();
  ASSERT_TRUE(predictions.unavailable.empty()) << predictions.unavailable;
  ASSERT_TRUE(predictions.has_clv) << predictions.clv_note;
  const size_t scored = predictions.scores.probability.size();
  ASSERT_GT(scored, 100u);
  ASSERT_EQ(predictions.clv.size(), scored);

  const TransactionLog& log = *dataset.As<TransactionLog>();
  const Result<ClvResult> clv = ComputeClv(log, ClvOptions{}, Naming::kApi);
  ASSERT_TRUE(clv.ok());
  std::map<std::string, double> clv_by_id;
  for (size_t row = 0; row < clv->history.size(); ++row)
    clv_by_id[std::string(log.users[clv->history.user[row]])] = clv->clv[row];
  const RfmTable rfm = ComputeRfm(dataset, RfmOptions());
  std::map<std::string, int> segment_by_id;
  for (size_t row = 0; row < rfm.size(); ++row)
    segment_by_id[std::string(log.users[rfm.user[row]])] = static_cast<int>(rfm.segment[row]);

  size_t with_clv = 0;
  for (size_t row = 0; row < scored; ++row) {
    const std::string& id = predictions.user_ids[row];
    const auto found = clv_by_id.find(id);
    if (found == clv_by_id.end()) {
      EXPECT_TRUE(std::isnan(predictions.clv[row])) << id;
    } else {
      ++with_clv;
      EXPECT_DOUBLE_EQ(predictions.clv[row], found->second) << id;
      EXPECT_DOUBLE_EQ(predictions.ValueAtRisk(row),
                       found->second * predictions.scores.probability[row]);
    }
    EXPECT_EQ(predictions.segment[row], segment_by_id.at(id)) << id;
  }
  EXPECT_GT(with_clv, scored / 2);
  EXPECT_EQ(predictions.clv_customers_not_scored, clv->history.size() - with_clv);

  // The country of each customer's latest order, found by a scan of the rows here.
  std::map<std::string, std::pair<Timestamp, std::string>> latest;
  for (uint32_t order = 0; order < log.orders.size(); ++order) {
    const std::string id(log.users[log.orders.customer[order]]);
    auto [it, fresh] = latest.try_emplace(id, log.orders.time[order],
                                          std::string(log.countries[log.orders.country[order]]));
    if (!fresh && log.orders.time[order] >= it->second.first)
      it->second = {log.orders.time[order], std::string(log.countries[log.orders.country[order]])};
  }
  for (size_t row = 0; row < scored; ++row)
    EXPECT_EQ(predictions.country_names.at(static_cast<size_t>(predictions.country[row])),
              latest.at(predictions.user_ids[row]).second);

  size_t banded = 0, binned = 0;
  for (const size_t count : predictions.band_users) banded += count;
  for (const size_t count : predictions.histogram) binned += count;
  EXPECT_EQ(banded, scored);
  EXPECT_EQ(binned, scored);
  const size_t high = static_cast<size_t>(std::count_if(predictions.scores.probability.begin(),
                                                        predictions.scores.probability.end(),
                                                        [](double p) { return p >= 0.6; }));
  EXPECT_EQ(predictions.band_users[0], high);
}

// The groups add up the rows; their order is by value at risk.
TEST(PredictionsJoin, GroupsSumTheirCustomers) {
  const Predictions& predictions = TransactionPredictions();
  for (const GroupBy by : {GroupBy::kSegment, GroupBy::kPersona, GroupBy::kCountry}) {
    const std::vector<PredictionGroup> groups = GroupPredictions(predictions, by);
    size_t users = 0;
    double value = 0;
    for (size_t i = 0; i < groups.size(); ++i) {
      users += groups[i].users;
      value += groups[i].clv;
      if (i > 0) {
        EXPECT_GE(groups[i - 1].value_at_risk, groups[i].value_at_risk);
      }
    }
    double expected = 0;
    for (const double clv : predictions.clv)
      if (!std::isnan(clv)) expected += clv;
    if (by != GroupBy::kPersona) {  // every scored customer has a segment and a country
      EXPECT_EQ(users, predictions.scores.probability.size());
      EXPECT_NEAR(value, expected, 1e-6 * std::max(1.0, expected));
    }
  }
}

const Insight* Find(const std::vector<Insight>& insights, const std::string& key) {
  for (const Insight& insight : insights)
    if (insight.key == key) return &insight;
  return nullptr;
}

// Each sentence's number recomputed from the per-customer rows, and the number is in the words.
TEST(PredictionsInsights, NumbersAreRecomputedFromTheRows) {
  const Predictions& predictions = TransactionPredictions();
  const std::vector<Insight> insights = PredictionInsights(predictions);
  const size_t scored = predictions.scores.probability.size();

  // High-risk value: the share of predicted value held by customers at 60% or more.
  double total = 0, high_value = 0;
  size_t high_customers = 0;
  for (size_t row = 0; row < scored; ++row) {
    if (std::isnan(predictions.clv[row])) continue;
    total += predictions.clv[row];
    if (predictions.scores.probability[row] >= 0.6) {
      high_value += predictions.clv[row];
      ++high_customers;
    }
  }
  const Insight* high = Find(insights, "high_risk_value");
  ASSERT_NE(high, nullptr);
  EXPECT_NEAR(high->value, high_value / total, 1e-12);
  EXPECT_NE(high->text.find(
                std::to_string(static_cast<int>(std::lround(100 * high_value / total))) + "%"),
            std::string::npos)
      << high->text;

  // The segment with the most value at risk: its share of value and mean risk.
  std::map<int, std::pair<double, double>> by_segment;  // value, value at risk
  std::map<int, std::pair<double, size_t>> risk;        // sum of p, customers
  for (size_t row = 0; row < scored; ++row) {
    const int segment = predictions.segment[row];
    risk[segment].first += predictions.scores.probability[row];
    ++risk[segment].second;
    if (std::isnan(predictions.clv[row])) continue;
    by_segment[segment].first += predictions.clv[row];
    by_segment[segment].second += predictions.clv[row] * predictions.scores.probability[row];
  }
  const auto top = std::max_element(by_segment.begin(), by_segment.end(), [](auto& a, auto& b) {
    return a.second.second < b.second.second;
  });
  const Insight* segment = Find(insights, "segment_value_at_risk");
  ASSERT_NE(segment, nullptr);
  EXPECT_NEAR(segment->value, top->second.first / total, 1e-12);
  const std::string name(RfmSegmentName(static_cast<RfmSegment>(top->first)));
  EXPECT_NE(segment->text.find(std::to_string(risk[top->first].second) + " " + name),
            std::string::npos)
      << segment->text;
  const double mean_risk = risk[top->first].first / static_cast<double>(risk[top->first].second);
  EXPECT_NE(
      segment->text.find(std::to_string(static_cast<int>(std::lround(100 * mean_risk))) + "%"),
      std::string::npos)
      << segment->text;

  // The strongest driver is the largest importance, in plain words.
  const Insight* driver = Find(insights, "top_churn_driver");
  ASSERT_NE(driver, nullptr);
  const auto most = std::max_element(predictions.importance.begin(), predictions.importance.end());
  EXPECT_DOUBLE_EQ(driver->value, *most);
  const std::string column =
      predictions.model->spec.Names()[static_cast<size_t>(most - predictions.importance.begin())];
  EXPECT_NE(driver->text.find(PlainFeatureName(column)), std::string::npos) << driver->text;

  // The kept model's AUC, recomputed from its ROC curve's area.
  const Insight* quality = Find(insights, "model_quality");
  ASSERT_NE(quality, nullptr);
  const ModelQuality& kept =
      predictions.quality[predictions.model->kept == ChurnModelType::kBoostedTrees ? 0 : 1];
  double area = 0;
  for (size_t i = 1; i < kept.roc.size(); ++i)
    area += (kept.roc[i].false_positive_rate - kept.roc[i - 1].false_positive_rate) *
            (kept.roc[i].true_positive_rate + kept.roc[i - 1].true_positive_rate) / 2;
  EXPECT_NEAR(quality->value, area, 0.01) << "thinned curve, so within a point";
}

// The persona sentence counts the high-risk users per persona.
TEST(PredictionsInsights, HighRiskPersonaIsTheMostCommonOne) {
  Predictions predictions;
  predictions.model = std::make_shared<const ChurnModel>();
  predictions.persona_names = {"Champions tier", "Sleepers"};
  predictions.scores.probability = {0.9, 0.7, 0.65, 0.2, 0.95};
  predictions.persona = {1, 1, 0, 0, 1};
  predictions.segment = {-1, -1, -1, -1, -1};
  const std::vector<Insight> insights = PredictionInsights(predictions);
  const Insight* persona = Find(insights, "high_risk_persona");
  ASSERT_NE(persona, nullptr);
  EXPECT_DOUBLE_EQ(persona->value, 3.0 / 4.0);
  EXPECT_EQ(persona->text, "75% of the 4 high-risk users are Sleepers.");
}

// The server's cache computes once per held file: later requests get the same predictions, even
// when the first request was stopped (its client left, its time ran out): training runs to its
// end anyway, and is not thrown away.
TEST(PredictionsCache, ComputedOnceAndKeptEvenForAStoppedFirstRequest) {
  const std::string csv =
      "user_id,signup_date,event_date,feature_name,events_count\n"
      "u1,2025-01-01,2025-01-02,Search,3\n";
  Result<CleanedData> data = IngestText(csv, "one.csv", IngestOptions());
  ASSERT_TRUE(data.ok());
  PredictionsCache cache;
  std::stop_source stopped;
  stopped.request_stop();
  PredictionInputs inputs;
  inputs.stop = stopped.get_token();
  const Result<std::shared_ptr<const Predictions>> first = cache.Get(data->dataset, inputs);
  ASSERT_TRUE(first.ok()) << first.status().message();
  const Result<std::shared_ptr<const Predictions>> again = cache.Get(data->dataset, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(first->get(), again->get());
}

TEST(PredictionsAvailability, TooLittleHistorySaysSoInWords) {
  const std::string csv =
      "user_id,signup_date,event_date,feature_name,events_count\n"
      "u1,2025-01-01,2025-01-02,Search,3\nu2,2025-01-01,2025-01-03,Search,1\n";
  Result<CleanedData> data = IngestText(csv, "tiny.csv", IngestOptions());
  ASSERT_TRUE(data.ok());
  const Result<Predictions> predictions = ComputePredictions(data->dataset, {});
  ASSERT_TRUE(predictions.ok()) << predictions.status().message();
  EXPECT_NE(predictions->unavailable.find("not enough history"), std::string::npos)
      << predictions->unavailable;
  EXPECT_TRUE(PredictionInsights(*predictions).empty());
}

// The newest saved model that fits is used; saved models passed over are listed with why.
class PredictionsSavedModelTest : public testing::TempWorkspaceTest {};

TEST_F(PredictionsSavedModelTest, NewestFittingModelIsUsedAndOthersSayWhyNot) {
  ASSERT_TRUE(store::Workspace::Open(workspace_, store::OpenMode::kCreate).ok());
  const Predictions& trained = TransactionPredictions();
  ASSERT_TRUE(trained.model);
  ASSERT_TRUE(SaveChurnModel(workspace_, "older", *trained.model).ok());
  ASSERT_TRUE(SaveChurnModel(workspace_, "newer", *trained.model).ok());

  PredictionInputs inputs;
  inputs.workspace = workspace_;
  const Result<Predictions> retail = ComputePredictions(GeneratedTransactions().dataset, inputs);
  ASSERT_TRUE(retail.ok()) << retail.status().message();
  EXPECT_EQ(retail->saved_model, "newer");
  EXPECT_TRUE(retail->saved_models_not_used.empty());
  EXPECT_EQ(retail->scores.probability, trained.scores.probability) << "the same model's scores";

  const std::string usage =
      "user_id,signup_date,event_date,feature_name,events_count\n"
      "u1,2025-01-01,2025-01-02,Search,3\nu2,2025-01-01,2025-01-03,Search,1\n";
  Result<CleanedData> data = IngestText(usage, "usage.csv", IngestOptions());
  ASSERT_TRUE(data.ok());
  const Result<Predictions> other_kind = ComputePredictions(data->dataset, inputs);
  ASSERT_TRUE(other_kind.ok()) << other_kind.status().message();
  EXPECT_TRUE(other_kind->saved_model.empty());
  ASSERT_EQ(other_kind->saved_models_not_used.size(), 2u);
  EXPECT_EQ(other_kind->saved_models_not_used[0].first, "newer");
  EXPECT_EQ(other_kind->saved_models_not_used[1].first, "older");
  EXPECT_NE(other_kind->saved_models_not_used[0].second.find("trained on purchases"),
            std::string::npos)
      << other_kind->saved_models_not_used[0].second;
}

}  // namespace
}  // namespace growthlens::app
