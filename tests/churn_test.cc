// Churn prediction (issue 21.1): the metrics against scikit-learn, the feature table on a small
// hand-made log, the models on a generated usage log and on Online Retail against scikit-learn
// trained on the same tables (tests/golden/make_churn_golden.py), the model file and the CLI.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "app/churn_model.h"
#include "app/churn_training.h"
#include "app/churn_views.h"
#include "command_runner.h"
#include "ml/classification_metrics.h"
#include "ml/logistic_regression.h"
#include "ml_test_data.h"
#include "prep/ingest.h"
#include "store/workspace.h"
#include "synth/output_sink.h"
#include "synth/usage_generator.h"
#include "temp_workspace.h"
#include "test_data.h"

namespace growthlens {
namespace {

using testing::GoldenNumber;
using testing::ParseDouble;
using testing::ParseDoubles;

std::map<std::string, std::string> SklearnGolden() {
  return testing::ReadGolden(testing::GoldenPath("churn_sklearn.golden"));
}

Dataset Ingested(std::string text, const std::string& name) {
  Result<CleanedData> data = IngestText(std::move(text), name, IngestOptions());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return data.ok() ? std::move(data->dataset) : Dataset();
}

// ---------------------------------------------------------------------------------------------
// Metrics: sklearn's roc_auc_score, average_precision_score, brier_score_loss and log_loss on
// 400 scores with ties and the clipped ends (tolerance 1e-12).

TEST(ChurnMetrics, MatchScikitLearn) {
  const testing::CsvTable table = testing::ReadSimpleCsv("churn_metric_scores.csv");
  std::vector<double> scores;
  std::vector<uint8_t> labels;
  for (const auto& row : table.rows) {
    scores.push_back(ParseDouble(row[0]));
    labels.push_back(static_cast<uint8_t>(std::stoi(row[1])));
  }
  ASSERT_EQ(scores.size(), 400u);
  const auto golden = SklearnGolden();
  Result<ml::BinaryScores> result = ml::ScoreBinary(scores, labels);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_NEAR(result->roc_auc, GoldenNumber(golden, "metrics_roc_auc"), 1e-12);
  EXPECT_NEAR(result->pr_auc, GoldenNumber(golden, "metrics_pr_auc"), 1e-12);
  EXPECT_NEAR(result->brier, GoldenNumber(golden, "metrics_brier"), 1e-12);
  EXPECT_NEAR(result->log_loss, GoldenNumber(golden, "metrics_log_loss"), 1e-12);
}

TEST(ChurnMetrics, DecilesAndRefusals) {
  // 20 rows, scores 0.95, 0.90, ...; the top half all positives.
  std::vector<double> scores;
  std::vector<uint8_t> labels;
  for (int i = 0; i < 20; ++i) {
    scores.push_back(1.0 - 0.05 * (i + 1));
    labels.push_back(i < 10 ? 1 : 0);
  }
  const std::vector<ml::DecileRow> deciles = ml::DecileTable(scores, labels);
  ASSERT_EQ(deciles.size(), 10u);
  EXPECT_EQ(deciles[0].rows, 2u);
  EXPECT_DOUBLE_EQ(deciles[0].observed_rate, 1.0);
  EXPECT_DOUBLE_EQ(deciles[0].lift, 2.0);
  EXPECT_DOUBLE_EQ(deciles[0].mean_predicted, (0.95 + 0.90) / 2);
  EXPECT_DOUBLE_EQ(deciles[4].cumulative_gain, 1.0);
  EXPECT_DOUBLE_EQ(deciles[5].lift, 0.0);
  EXPECT_DOUBLE_EQ(ml::RocAuc(scores, labels), 1.0);
  const std::vector<uint8_t> same(20, 1);
  EXPECT_FALSE(ml::ScoreBinary(scores, same).ok());
  EXPECT_FALSE(ml::ScoreBinary(std::vector<double>{0.5}, std::vector<uint8_t>{}).ok());
}

// ---------------------------------------------------------------------------------------------
// The feature table on a log small enough to compute by hand. Cutoff 2025-03-01 (day D):
//   a: active 02-01, 02-08, 02-15 and 02-27 (Search 2+1, Export 3, Search 4), signup 2025-01-15,
//      then 03-10: stays.
//   b: active 02-20 only (Search 5), no row after: churns.
//   c: active 2024-10-01 only: outside the 90-day population window.

constexpr std::string_view kSmallLog =
    "user_id,signup_date,event_date,feature_name,events_count\n"
    "a,2025-01-15,2025-02-01,Search,2\n"
    "a,2025-01-15,2025-02-01,Search,1\n"
    "a,2025-01-15,2025-02-08,Export,3\n"
    "a,2025-01-15,2025-02-15,Search,4\n"
    "a,2025-01-15,2025-02-27,Search,4\n"
    "a,2025-01-15,2025-03-10,Search,1\n"
    "b,2025-02-01,2025-02-20,Search,5\n"
    "c,2024-09-01,2024-10-01,Export,1\n"
    "d,2025-03-01,2025-03-31,Export,1\n";

ml::ChurnTableOptions At(Day cutoff, int32_t active_within = 90, std::string active_feature = "") {
  ml::ChurnTableOptions options;
  options.cutoff = cutoff;
  options.active_within = active_within;
  options.active_feature = std::move(active_feature);
  return options;
}

TEST(ChurnFeatures, HandComputedUsageTable) {
  const Dataset dataset = Ingested(std::string(kSmallLog), "small.csv");
  const ml::ChurnFeatureSpec spec = ml::ChurnSpecFor(dataset);
  ASSERT_EQ(spec.feature_shares, (std::vector<std::string>{"Search", "Export"}));
  const Day cutoff = DaysFromCivil(2025, 3, 1);
  Result<ml::ChurnTable> table = ml::BuildChurnTable(dataset, spec, At(cutoff));
  ASSERT_TRUE(table.ok()) << table.status().message();
  ASSERT_TRUE(table->labelled());      // the data reaches 03-31 = cutoff + 30
  ASSERT_EQ(table->users.size(), 2u);  // c is outside the window, d starts at the cutoff
  const auto column = [&](const std::string& name) {
    return static_cast<size_t>(std::find(table->names.begin(), table->names.end(), name) -
                               table->names.begin());
  };
  const auto at = [&](size_t row, const std::string& name) { return table->x(row, column(name)); };
  EXPECT_EQ(dataset.users()[table->users[0]], "a");
  EXPECT_EQ(at(0, "recency_days"), 2);  // 02-27
  EXPECT_EQ(at(0, "frequency"), 4);
  EXPECT_EQ(at(0, "monetary"), 14);
  EXPECT_EQ(at(0, "tenure_days"), 28);
  EXPECT_EQ(at(0, "days_since_signup"), 45);
  EXPECT_EQ(at(0, "active_days_last_14"), 2);   // 02-15 (day D-14) and 02-27
  EXPECT_EQ(at(0, "active_days_prior_28"), 2);  // 02-01, 02-08
  EXPECT_DOUBLE_EQ(at(0, "trend_per_week"), 2 / 2.0 - 2 / 4.0);
  EXPECT_DOUBLE_EQ(at(0, "mean_gap_days"), 26 / 3.0);  // gaps 7, 7, 12
  EXPECT_NEAR(at(0, "gap_std_days"), std::sqrt((2 * 7.0 * 7 + 144) / 3 - (26 / 3.0) * (26 / 3.0)),
              1e-12);
  EXPECT_EQ(at(0, "longest_gap_days"), 12);
  EXPECT_DOUBLE_EQ(at(0, "events_per_active_day"), 14 / 4.0);
  EXPECT_EQ(at(0, "breadth"), 2);
  EXPECT_DOUBLE_EQ(at(0, "share:Search"), 11 / 14.0);
  EXPECT_DOUBLE_EQ(at(0, "share:Export"), 3 / 14.0);
  EXPECT_EQ(table->churned[0], 0);
  EXPECT_EQ(dataset.users()[table->users[1]], "b");
  EXPECT_EQ(at(1, "recency_days"), 9);
  EXPECT_EQ(at(1, "days_since_signup"), 28);
  EXPECT_EQ(at(1, "mean_gap_days"), 0);
  EXPECT_EQ(table->churned[1], 1);

  // Every earlier user with active_within 0; a later cutoff has no label.
  Result<ml::ChurnTable> all = ml::BuildChurnTable(dataset, spec, At(cutoff, 0));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->users.size(), 3u);
  Result<ml::ChurnTable> late = ml::BuildChurnTable(dataset, spec, At(cutoff + 2, 0));
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->labelled());
  // Only Export counts as activity: a's Search on 03-10 no longer keeps them.
  Result<ml::ChurnTable> export_only = ml::BuildChurnTable(dataset, spec, At(cutoff, 90, "Export"));
  ASSERT_TRUE(export_only.ok());
  EXPECT_EQ(export_only->churned[0], 1);
  // A spec naming a feature the data lacks is refused, as is another kind's spec.
  ml::ChurnFeatureSpec other = spec;
  other.feature_shares.push_back("Billing");
  Result<ml::ChurnTable> refused = ml::BuildChurnTable(dataset, other, At(cutoff));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("'Billing'"), std::string::npos);
  other = spec;
  other.kind = DataKind::kTransactions;
  EXPECT_FALSE(ml::BuildChurnTable(dataset, other, At(cutoff)).ok());
}

// ---------------------------------------------------------------------------------------------
// Against scikit-learn on the same tables.

// Rows of an exported table (tests/golden/churn_<data>_<part>.csv.xz): user id, then values.
struct ExportedTable {
  std::vector<std::string> header;
  std::vector<std::string> users;
  std::vector<std::vector<double>> values;  // features then churned
};

ExportedTable ReadExported(const std::string& name) {
  std::istringstream in(testing::ReadXz(testing::GoldenPath(name)));
  ExportedTable table;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream cells(line);
    while (std::getline(cells, field, ',')) fields.push_back(field);
    if (table.header.empty()) {
      table.header = std::move(fields);
      continue;
    }
    table.users.push_back(fields[0]);
    std::vector<double> row;
    for (size_t i = 1; i < fields.size(); ++i) row.push_back(ParseDouble(fields[i]));
    table.values.push_back(std::move(row));
  }
  EXPECT_FALSE(table.users.empty()) << name;
  return table;
}

void ExpectSameTable(const Dataset& dataset, const ml::ChurnTable& table, const std::string& name) {
  const ExportedTable golden = ReadExported(name);
  ASSERT_EQ(golden.users.size(), table.users.size()) << name;
  ASSERT_EQ(golden.header.size(), table.names.size() + 2) << name;
  for (size_t col = 0; col < table.names.size(); ++col)
    EXPECT_EQ(golden.header[col + 1], table.names[col]) << name;
  // The golden rows by user id: the table lists users in id order (the golden file, written
  // before, in the order of their codes).
  std::map<std::string, size_t> golden_row;
  for (size_t row = 0; row < golden.users.size(); ++row) golden_row[golden.users[row]] = row;
  for (size_t row = 0; row < table.users.size(); ++row) {
    const std::string id(dataset.users()[table.users[row]]);
    if (row > 0) {
      ASSERT_LT(std::string(dataset.users()[table.users[row - 1]]), id) << name;
    }
    ASSERT_TRUE(golden_row.contains(id)) << name << " row " << row << " " << id;
    const std::vector<double>& expected = golden.values[golden_row[id]];
    for (size_t col = 0; col < table.names.size(); ++col)
      ASSERT_NEAR(expected[col], table.x(row, col),
                  1e-9 * std::max(1.0, std::abs(table.x(row, col))))
          << name << " row " << row << " " << table.names[col];
    ASSERT_EQ(expected.back(), table.churned[row]) << name << " row " << row;
  }
}

void ExpectAsGoodAsScikitLearn(const Dataset& dataset, const std::string& data, double floor) {
  Result<app::ChurnTraining> training = app::TrainChurnModel(dataset, {}, data);
  ASSERT_TRUE(training.ok()) << training.status().message();
  ExpectSameTable(dataset, training->train, "churn_" + data + "_train.csv.xz");
  ExpectSameTable(dataset, training->validation, "churn_" + data + "_validation.csv.xz");
  const auto golden = SklearnGolden();
  const app::ChurnModel& model = training->model;
  const double trees = model.trees_report.validation.roc_auc;
  const double logistic = model.logistic_report.validation.roc_auc;
  const double kept = model.report(model.kept).validation.roc_auc;
  EXPECT_EQ(kept, std::max(trees, logistic));
  // Issue 21.1: no worse than 0.01 below the best of HistGradientBoosting and LogisticRegression.
  EXPECT_GE(kept, GoldenNumber(golden, data + "_best_auc") - 0.01)
      << "trees " << trees << ", logistic " << logistic;
  EXPECT_GT(kept, floor);
  // The baseline is sklearn's LogisticRegression(C=1) on the same transform: same fit.
  const std::vector<double> coef = ParseDoubles(golden.at(data + "_logistic_coef"));
  ASSERT_EQ(coef.size(), model.logistic.coef.size());
  for (size_t col = 0; col < coef.size(); ++col)
    EXPECT_NEAR(model.logistic.coef[col], coef[col], 1e-4) << model.spec.Names()[col];
  EXPECT_NEAR(model.logistic.intercept, GoldenNumber(golden, data + "_logistic_intercept"), 1e-4);
  EXPECT_NEAR(logistic, GoldenNumber(golden, data + "_logistic_auc"), 1e-6);
}

// The generated usage log of make_churn_golden.py: growthlens generate --users 3000 --seed 7.
const Dataset& GeneratedUsage() {
  static const Dataset dataset = [] {
    synth::UsageGeneratorOptions options;
    options.users = 3000;
    options.seed = 7;
    synth::StringSink sink;
    EXPECT_TRUE(synth::GenerateUsageLog(options, sink).ok());
    return Ingested(sink.contents(), "usage.csv");
  }();
  return dataset;
}

// The generator's users churn (their lifetimes end): the model must find them. Floor 0.90
// (measured 0.944 for the trees, 0.939 for the baseline).

// A ClickHouse workspace's rollups (distinct days, events, breadth, per-feature events) fill the
// same row as the user's rows do, but for the signup day it does not store.
TEST(ChurnFeatures, RollupsFillTheRowsOfTheTable) {
  const Dataset dataset = Ingested(std::string(kSmallLog), "small.csv");
  const ml::ChurnFeatureSpec spec = ml::ChurnSpecFor(dataset);
  const Day cutoff = DaysFromCivil(2025, 3, 1);
  Result<ml::ChurnTable> table = ml::BuildChurnTable(dataset, spec, At(cutoff));
  ASSERT_TRUE(table.ok()) << table.status().message();
  ASSERT_EQ(dataset.users()[table->users[0]], "a");
  const std::vector<Day> days = {DaysFromCivil(2025, 2, 1), DaysFromCivil(2025, 2, 8),
                                 DaysFromCivil(2025, 2, 15), DaysFromCivil(2025, 2, 27)};
  const std::vector<int64_t> shares = {11, 3};  // Search, Export
  std::vector<double> row(table->names.size(), -1.0);
  ml::FillUsageChurnRow({days, 14, 2, shares}, cutoff, row);
  for (size_t col = 0; col < row.size(); ++col) {
    if (table->names[col] == "days_since_signup") {
      EXPECT_EQ(row[col], 28) << "no signup day: the tenure";
    } else {
      EXPECT_EQ(row[col], table->x(0, col)) << table->names[col];
    }
  }
  // One day, no gap: the gap columns stay 0 as in the table's row of b.
  const std::vector<Day> one = {DaysFromCivil(2025, 2, 20)};
  std::vector<double> single(table->names.size(), 0.0);
  ml::FillUsageChurnRow({one, 5, 1, std::vector<int64_t>{5, 0}}, cutoff, single);
  for (size_t col = 0; col < single.size(); ++col) {
    if (table->names[col] != "days_since_signup") {
      EXPECT_EQ(single[col], table->x(1, col)) << table->names[col];
    }
  }
}
TEST(ChurnGolden, GeneratedUsageAsGoodAsScikitLearn) {
  ExpectAsGoodAsScikitLearn(GeneratedUsage(), "usage", 0.90);
}

// Online Retail: churn is noisier (measured 0.727 for the baseline, sklearn's best).
TEST(ChurnGolden, OnlineRetailAsGoodAsScikitLearn) {
  const Dataset dataset =
      Ingested(testing::ReadXz(testing::PublicDataPath("online_retail.csv.xz")), "retail.csv");
  ExpectAsGoodAsScikitLearn(dataset, "retail", 0.70);
}

// ---------------------------------------------------------------------------------------------
// The model: deterministic, saved and read back whole, refused on other data; scores.

TEST(ChurnModel, DeterministicRoundTripAndScores) {
  const Dataset& dataset = GeneratedUsage();
  app::ChurnTrainOptions options;
  options.trees.rounds = 20;
  Result<app::ChurnTraining> first = app::TrainChurnModel(dataset, options, "usage.csv");
  Result<app::ChurnTraining> second = app::TrainChurnModel(dataset, options, "usage.csv");
  ASSERT_TRUE(first.ok() && second.ok());
  Result<std::string> text = app::ChurnModelText(first->model);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(*text, *app::ChurnModelText(second->model));

  Result<app::ChurnModel> read = app::ParseChurnModel(*text, "model.json");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->spec, first->model.spec);
  EXPECT_EQ(read->kept, first->model.kept);
  EXPECT_EQ(read->validation_cutoff, first->model.validation_cutoff);
  for (const app::ChurnModelType type :
       {app::ChurnModelType::kBoostedTrees, app::ChurnModelType::kLogistic}) {
    const auto before =
        app::PredictChurnProbability(first->model, type, first->validation.x).value();
    const auto after = app::PredictChurnProbability(*read, type, first->validation.x).value();
    ASSERT_EQ(before.size(), after.size());
    for (size_t i = 0; i < before.size(); ++i) EXPECT_NEAR(before[i], after[i], 1e-6);
  }
  EXPECT_EQ(*app::ChurnModelText(*read), *text);

  // Newer versions and other documents are refused.
  std::string newer = *text;
  newer.replace(newer.find("\"version\": 1"), 12, "\"version\": 2");
  Result<app::ChurnModel> refused = app::ParseChurnModel(newer, "model.json");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("version 2"), std::string::npos);
  EXPECT_FALSE(app::ParseChurnModel("{\"format\": \"x\"}", "model.json").ok());

  // Scores: every user active in the 90 days before the day after the data, with drivers that
  // raise their risk.
  Result<app::ChurnScores> scores = app::ScoreChurn(dataset, *read, std::nullopt, 0);
  ASSERT_TRUE(scores.ok()) << scores.status().message();
  EXPECT_FALSE(scores->table.labelled());
  ASSERT_EQ(scores->probability.size(), scores->table.users.size());
  Result<app::ChurnPredictions> kept = app::PredictChurn(*read, read->kept, scores->table.x);
  ASSERT_TRUE(kept.ok());
  const ml::FeatureMatrix* contributions = &kept->contributions;
  // The scores are the kept model's probabilities on the same table.
  EXPECT_EQ(scores->probability, kept->probability);
  for (size_t row = 0; row < scores->probability.size(); ++row) {
    EXPECT_GE(scores->probability[row], 0.0);
    EXPECT_LE(scores->probability[row], 1.0);
    const auto& drivers = scores->drivers[row];
    for (size_t i = 0; i < drivers.size(); ++i) {
      if (drivers[i] < 0) continue;
      EXPECT_GT((*contributions)(row, drivers[i]), 0.0);
      if (i > 0 && drivers[i - 1] >= 0) {
        EXPECT_GE((*contributions)(row, drivers[i - 1]), (*contributions)(row, drivers[i]));
      }
    }
  }
  EXPECT_STREQ(app::ChurnRiskBand(0.6), "high");
  EXPECT_STREQ(app::ChurnRiskBand(0.3), "medium");
  EXPECT_STREQ(app::ChurnRiskBand(0.29), "low");
}

// TreeSHAP contributions add up to the log-odds (less the bias, which XGBoost reports apart).
TEST(ChurnModel, ContributionsAddUpToTheLogOdds) {
  const Dataset& dataset = GeneratedUsage();
  app::ChurnTrainOptions options;
  options.trees.rounds = 20;
  Result<app::ChurnTraining> training = app::TrainChurnModel(dataset, options, "usage.csv");
  ASSERT_TRUE(training.ok());
  const ml::BoostedTrees& trees = *training->model.trees;
  const ml::FeatureMatrix& x = training->validation.x;
  const auto p = trees.Predict(x).value();
  const ml::FeatureMatrix shap = trees.Contributions(x).value();
  std::vector<double> residual;
  for (size_t row = 0; row < x.rows(); ++row) {
    double sum = 0;
    for (const double c : shap.row(row)) sum += c;
    residual.push_back(std::log(p[row] / (1 - p[row])) - sum);
  }
  // The bias is the same for every row.
  for (const double r : residual) EXPECT_NEAR(r, residual[0], 1e-4);
}

// Contributions computed once per distinct set of split decisions are XGBoost's pred_contribs on
// every row, to the bit: for a trained model, the same model read back from its JSON, and a deep
// model whose trees have more splits than a key holds (computed row by row).
TEST(ChurnModel, ContributionsByDecisionKeyEqualXgboostPerRow) {
  const Dataset& dataset = GeneratedUsage();
  for (const int depth : {4, 8}) {
    app::ChurnTrainOptions options;
    options.trees.rounds = 30;
    options.trees.max_depth = depth;
    Result<app::ChurnTraining> training = app::TrainChurnModel(dataset, options, "usage.csv");
    ASSERT_TRUE(training.ok()) << training.status().message();
    const ml::BoostedTrees& trees = *training->model.trees;
    Result<std::string> json = trees.ToJson();
    ASSERT_TRUE(json.ok());
    Result<ml::BoostedTrees> read = ml::BoostedTrees::FromJson(*json);
    ASSERT_TRUE(read.ok()) << read.status().message();
    for (const ml::FeatureMatrix* x : {&training->train.x, &training->validation.x}) {
      const ml::FeatureMatrix per_row = trees.ContributionsPerRow(*x).value();
      ASSERT_GT(per_row.rows(), 100u);
      EXPECT_EQ(trees.Contributions(*x).value(), per_row) << "depth " << depth;
      EXPECT_EQ(read->Contributions(*x).value(), per_row) << "depth " << depth;
    }
  }
}

// A model kept in a workspace reads back whole; an unknown name is refused naming the command
// that saves one.
class ChurnSavedModelTest : public testing::TempWorkspaceTest {};

TEST_F(ChurnSavedModelTest, SavedInTheWorkspace) {
  ASSERT_TRUE(store::Workspace::Open(workspace_, store::OpenMode::kCreate).ok());
  app::ChurnTrainOptions options;
  options.trees.rounds = 10;
  Result<app::ChurnTraining> training = app::TrainChurnModel(GeneratedUsage(), options, "usage");
  ASSERT_TRUE(training.ok());
  ASSERT_TRUE(app::SaveChurnModel(workspace_, "q4", training->model).ok());
  Result<app::ChurnModel> loaded = app::LoadChurnModel(workspace_, "q4");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(*app::ChurnModelText(*loaded), *app::ChurnModelText(training->model));
  Result<store::Workspace> workspace =
      store::Workspace::Open(workspace_, store::OpenMode::kExisting);
  ASSERT_TRUE(workspace.ok());
  Result<std::vector<app::ChurnModelSummary>> listed = app::ListChurnModels(*workspace);
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 1u);
  const app::ChurnModelSummary& summary = listed->front();
  const app::ChurnModel& model = training->model;
  EXPECT_EQ(summary.name, "q4");
  EXPECT_EQ(summary.kind, "usage");
  EXPECT_EQ(summary.kept, app::ChurnModelTypeName(model.kept));
  EXPECT_EQ(summary.train_cutoff, FormatDate(model.train_cutoff));
  EXPECT_EQ(summary.validation_cutoff, FormatDate(model.validation_cutoff));
  EXPECT_EQ(summary.train_users, model.train_users);
  EXPECT_EQ(summary.validation_roc_auc, model.report(model.kept).validation.roc_auc);
  EXPECT_EQ(app::ChurnModelSummaryJson(summary)["train_users"], model.train_users);
  // `workspace info` lists it, in words and in JSON.
  const testing::CommandResult info =
      testing::RunCommand("workspace info --workspace " + workspace_);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("1 churn model(s)"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("churn model 'q4'"), std::string::npos) << info.out;
  const testing::CommandResult json =
      testing::RunCommand("workspace info --format json --workspace " + workspace_);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json listed_json = nlohmann::json::parse(json.out)["saved"]["churn_models"];
  ASSERT_EQ(listed_json.size(), 1u) << json.out;
  EXPECT_EQ(listed_json[0]["name"], "q4");
  EXPECT_EQ(listed_json[0]["train_users"], model.train_users);
  EXPECT_EQ(listed_json[0]["validation_roc_auc"].get<double>(), summary.validation_roc_auc);
  Result<app::ChurnModel> missing = app::LoadChurnModel(workspace_, "q5");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("--save-model NAME"), std::string::npos);
  EXPECT_FALSE(app::SaveChurnModel(workspace_, "", training->model).ok());
}

TEST(ChurnCommand, TrainScoreAndRefuse) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("growthlens_churn_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string usage = (dir / "usage.csv").string(), model = (dir / "model.json").string();
  const std::string retail = (dir / "retail.csv").string();
  ASSERT_EQ(
      testing::RunCommand("generate --order user --users 600 --seed 3 --output " + usage).exit_code,
      0);
  const testing::CommandResult train = testing::RunCommand(
      "churn train " + usage + " --quiet --rounds 20 --model-out " + model + " --format json");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find("\"kept\""), std::string::npos);
  EXPECT_NE(train.out.find("\"roc_auc\""), std::string::npos);
  const testing::CommandResult score =
      testing::RunCommand("churn score " + usage + " --quiet --model " + model + " --format csv");
  ASSERT_EQ(score.exit_code, 0) << score.err;
  EXPECT_EQ(score.out.substr(0, score.out.find('\n')),
            "user_id,churn_probability,risk_band,driver_1,driver_2,driver_3");
  const testing::CommandResult evaluate = testing::RunCommand(
      "churn evaluate " + usage + " --quiet --model " + model + " --cutoff 2025-10-01");
  ASSERT_EQ(evaluate.exit_code, 0) << evaluate.err;
  EXPECT_NE(evaluate.out.find("cutoff 2025-10-01"), std::string::npos);
  // A usage model on transactions: its features do not match.
  ASSERT_EQ(
      testing::RunCommand("generate --kind transactions --users 200 --seed 3 --output " + retail)
          .exit_code,
      0);
  const testing::CommandResult refused =
      testing::RunCommand("churn score " + retail + " --quiet --model " + model);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("features do not match"), std::string::npos) << refused.err;
  std::filesystem::remove_all(dir);
}

TEST(ChurnRiskBands, CutsAtPointSixAndPointThreeAndNamesWhatItCounts) {
  EXPECT_EQ(app::ChurnRiskBandIndex(1.0), 0U);
  EXPECT_EQ(app::ChurnRiskBandIndex(0.6), 0U);
  EXPECT_EQ(app::ChurnRiskBandIndex(0.5999), 1U);
  EXPECT_EQ(app::ChurnRiskBandIndex(0.3), 1U);
  EXPECT_EQ(app::ChurnRiskBandIndex(0.2999), 2U);
  EXPECT_EQ(app::ChurnRiskBandIndex(0.0), 2U);
  EXPECT_STREQ(app::ChurnRiskBand(0.6), "high");
  EXPECT_STREQ(app::ChurnRiskBand(0.3), "medium");
  EXPECT_STREQ(app::ChurnRiskBand(0.2999), "low");
}

}  // namespace
}  // namespace growthlens
