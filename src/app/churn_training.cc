#include "app/churn_training.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/stopwatch.h"

namespace growthlens::app {

namespace {

ml::ChurnTableOptions TableOptions(const ChurnSettings& settings, Day cutoff, unsigned threads,
                                   std::optional<Day> last_day = std::nullopt) {
  return {.cutoff = cutoff,
          .horizon = settings.horizon,
          .active_within = settings.active_within,
          .active_feature = settings.active_feature,
          .threads = threads,
          .last_day = last_day};
}

// The data's last day, scanned once per command; an error when there is none.
Result<Day> LastDay(const ChurnTableSource& tables) {
  return tables.last_day();
}

// The latest cutoff whose label window the data covers: the day after the last day, minus the
// horizon.
Day LatestLabelledCutoff(Day last_day, int32_t horizon) {
  return last_day + 1 - horizon;
}

Result<ml::ChurnTable> LabelledTable(const ChurnTableSource& tables,
                                     const ml::ChurnFeatureSpec& spec,
                                     const ChurnSettings& settings, Day cutoff, unsigned threads,
                                     Day last_day, const char* which) {
  Result<ml::ChurnTable> table =
      tables.table(spec, TableOptions(settings, cutoff, threads, last_day));
  if (!table.ok()) return table.status().WithContext(which);
  if (!table->labelled())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} {}: the data ends before the {}-day horizon after it, so "
                              "churn cannot be observed (choose an earlier cutoff)",
                              which, FormatDate(cutoff), settings.horizon));
  const size_t churned = std::count(table->churned.begin(), table->churned.end(), 1);
  if (churned == 0 || churned == table->churned.size())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} {}: all {} users {}, so there is nothing to learn or measure",
                              which, FormatDate(cutoff), table->churned.size(),
                              churned == 0 ? "stayed" : "churned"));
  return table;
}

// Per column, the mean absolute contribution.
std::vector<double> MeanAbsolute(const ml::FeatureMatrix& contributions) {
  std::vector<double> means(contributions.cols(), 0.0);
  for (size_t row = 0; row < contributions.rows(); ++row)
    for (size_t col = 0; col < contributions.cols(); ++col)
      means[col] += std::abs(contributions(row, col));
  for (double& mean : means) mean /= static_cast<double>(std::max<size_t>(1, contributions.rows()));
  return means;
}

// Exact TreeSHAP costs about a third of a millisecond per user (100 trees of depth 4): importance
// is averaged over an even sample of at most this many users.
constexpr size_t kImportanceSample = 2'000;

Result<ChurnModelReport> Report(const ChurnModel& model, ChurnModelType type,
                                const ml::ChurnTable& table) {
  Result<std::vector<double>> probability = PredictChurnProbability(model, type, table.x);
  if (!probability.ok()) return probability.status();
  Result<ml::BinaryScores> scores = ml::ScoreBinary(*probability, table.churned);
  if (!scores.ok()) return scores.status();
  std::vector<size_t> sample;
  const size_t rows = table.x.rows(), taken = std::min(rows, kImportanceSample);
  for (size_t i = 0; i < taken; ++i) sample.push_back(i * rows / taken);
  Result<ChurnPredictions> sampled = PredictChurn(model, type, table.x.SelectRows(sample));
  if (!sampled.ok()) return sampled.status();
  return ChurnModelReport{*scores, ml::DecileTable(*probability, table.churned),
                          MeanAbsolute(sampled->contributions)};
}

}  // namespace

ChurnTableSource ChurnSourceOf(const Dataset& dataset) {
  ChurnTableSource tables;
  tables.last_day = [&dataset]() -> Result<Day> {
    const Day last_day = ml::LastActivityDay(dataset);
    if (last_day == kNoDay) return Status(ErrorCode::kInvalidArgument, "churn: the data is empty");
    return last_day;
  };
  tables.spec = [&dataset](size_t max_shares,
                           size_t max_countries) -> Result<ml::ChurnFeatureSpec> {
    return ml::ChurnSpecFor(dataset, max_shares, max_countries);
  };
  tables.table = [&dataset](const ml::ChurnFeatureSpec& spec,
                            const ml::ChurnTableOptions& options) {
    return ml::BuildChurnTable(dataset, spec, options);
  };
  return tables;
}

Result<ChurnTraining> TrainChurnModel(const Dataset& dataset, const ChurnTrainOptions& options,
                                      const std::string& source) {
  return TrainChurnModel(ChurnSourceOf(dataset), options, source);
}

Result<ChurnTraining> TrainChurnModel(const ChurnTableSource& dataset,
                                      const ChurnTrainOptions& options, const std::string& source) {
  Result<Day> last_day = LastDay(dataset);
  if (!last_day.ok()) return last_day.status();
  const Day validation_cutoff =
      options.validation_cutoff.value_or(LatestLabelledCutoff(*last_day, options.settings.horizon));
  const Day train_cutoff =
      options.train_cutoff.value_or(validation_cutoff - options.settings.horizon);
  if (train_cutoff >= validation_cutoff)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--train-cutoff {} must come before --validation-cutoff {}",
                              FormatDate(train_cutoff), FormatDate(validation_cutoff)));
  ChurnTraining training;
  ChurnModel& model = training.model;
  model.source = source;
  model.settings = options.settings;
  Result<ml::ChurnFeatureSpec> spec = dataset.spec(options.max_shares, options.max_countries);
  if (!spec.ok()) return spec.status();
  model.spec = std::move(spec).value();
  model.train_cutoff = train_cutoff;
  model.validation_cutoff = validation_cutoff;
  Stopwatch watch;
  Result<ml::ChurnTable> train = LabelledTable(dataset, model.spec, options.settings, train_cutoff,
                                               options.threads, *last_day, "training cutoff");
  if (!train.ok()) return train.status();
  Result<ml::ChurnTable> validation =
      LabelledTable(dataset, model.spec, options.settings, validation_cutoff, options.threads,
                    *last_day, "validation cutoff");
  if (!validation.ok()) return validation.status();
  training.train = std::move(train).value();
  training.validation = std::move(validation).value();
  training.seconds.tables = watch.Seconds();
  const ml::ChurnTable& fit = training.train;
  model.train_users = fit.users.size();
  model.train_churn_rate =
      static_cast<double>(std::count(fit.churned.begin(), fit.churned.end(), 1)) /
      static_cast<double>(fit.users.size());

  watch = Stopwatch();
  Result<ml::BoostedTrees> trees = ml::BoostedTrees::Train(fit.x, fit.churned, options.trees);
  if (!trees.ok()) return trees.status();
  model.trees.emplace(std::move(trees).value());
  training.seconds.trees = watch.Seconds();
  watch = Stopwatch();
  Result<ml::LogisticModel> logistic = ml::FitLogistic(fit.x, fit.churned, options.logistic);
  if (!logistic.ok()) return logistic.status();
  model.logistic = std::move(logistic).value();
  training.seconds.logistic = watch.Seconds();
  watch = Stopwatch();

  Result<ChurnModelReport> trees_report =
      Report(model, ChurnModelType::kBoostedTrees, training.validation);
  if (!trees_report.ok()) return trees_report.status();
  Result<ChurnModelReport> logistic_report =
      Report(model, ChurnModelType::kLogistic, training.validation);
  if (!logistic_report.ok()) return logistic_report.status();
  model.trees_report = std::move(trees_report).value();
  model.logistic_report = std::move(logistic_report).value();
  training.seconds.validation = watch.Seconds();
  // The better ranking on validation is kept; a tie keeps the simpler baseline.
  model.kept = model.trees_report.validation.roc_auc > model.logistic_report.validation.roc_auc
                   ? ChurnModelType::kBoostedTrees
                   : ChurnModelType::kLogistic;
  return training;
}

Result<ml::ChurnTable> ChurnTableFor(const Dataset& dataset, const ChurnModel& model, Day cutoff,
                                     unsigned threads) {
  return ml::BuildChurnTable(dataset, model.spec, TableOptions(model.settings, cutoff, threads));
}

Result<std::vector<double>> PredictChurnProbability(const ChurnModel& model, ChurnModelType type,
                                                    const ml::FeatureMatrix& x) {
  if (type == ChurnModelType::kLogistic) return ml::PredictLogistic(model.logistic, x);
  if (!model.trees) return Status(ErrorCode::kInternal, "churn model: no trees");
  return model.trees->Predict(x);
}

Result<ChurnPredictions> PredictChurn(const ChurnModel& model, ChurnModelType type,
                                      const ml::FeatureMatrix& x) {
  if (type == ChurnModelType::kLogistic)
    return ChurnPredictions{ml::PredictLogistic(model.logistic, x),
                            ml::LogisticContributions(model.logistic, x)};
  if (!model.trees) return Status(ErrorCode::kInternal, "churn model: no trees");
  Result<std::vector<double>> probability = model.trees->Predict(x);
  if (!probability.ok()) return probability.status();
  Result<ml::FeatureMatrix> contributions = model.trees->Contributions(x);
  if (!contributions.ok()) return contributions.status();
  return ChurnPredictions{std::move(probability).value(), std::move(contributions).value()};
}

Result<ChurnEvaluation> EvaluateChurnModel(const Dataset& dataset, const ChurnModel& model,
                                           std::optional<Day> cutoff, unsigned threads) {
  return EvaluateChurnModel(ChurnSourceOf(dataset), model, cutoff, threads);
}

Result<ChurnEvaluation> EvaluateChurnModel(const ChurnTableSource& dataset, const ChurnModel& model,
                                           std::optional<Day> cutoff, unsigned threads) {
  Result<Day> last_day = LastDay(dataset);
  if (!last_day.ok()) return last_day.status();
  if (!cutoff) cutoff = LatestLabelledCutoff(*last_day, model.settings.horizon);
  Result<ml::ChurnTable> table =
      LabelledTable(dataset, model.spec, model.settings, *cutoff, threads, *last_day, "cutoff");
  if (!table.ok()) return table.status();
  Result<ChurnModelReport> report = Report(model, model.kept, *table);
  if (!report.ok()) return report.status();
  return ChurnEvaluation{std::move(table).value(), std::move(report).value()};
}

Result<ChurnScores> ScoreChurn(const Dataset& dataset, const ChurnModel& model,
                               std::optional<Day> cutoff, unsigned threads) {
  return ScoreChurn(ChurnSourceOf(dataset), model, cutoff, threads);
}

Result<ChurnScores> ScoreChurn(const ChurnTableSource& dataset, const ChurnModel& model,
                               std::optional<Day> cutoff, unsigned threads) {
  Result<Day> last_day = LastDay(dataset);
  if (!last_day.ok()) return last_day.status();
  if (!cutoff) cutoff = *last_day + 1;
  Result<ml::ChurnTable> table =
      dataset.table(model.spec, TableOptions(model.settings, *cutoff, threads, *last_day));
  if (!table.ok()) return table.status();
  Result<ChurnPredictions> predictions = PredictChurn(model, model.kept, table->x);
  if (!predictions.ok()) return predictions.status();
  ChurnScores scores;
  scores.probability = std::move(predictions->probability);
  const ml::FeatureMatrix& contributions = predictions->contributions;
  scores.drivers.resize(contributions.rows());
  std::vector<int> columns(contributions.cols());
  for (size_t row = 0; row < contributions.rows(); ++row) {
    std::iota(columns.begin(), columns.end(), 0);
    const size_t top = std::min(kChurnDrivers, columns.size());
    std::partial_sort(columns.begin(), columns.begin() + static_cast<std::ptrdiff_t>(top),
                      columns.end(), [&](int a, int b) {
                        const double ca = contributions(row, a), cb = contributions(row, b);
                        return ca != cb ? ca > cb : a < b;
                      });
    std::array<int, kChurnDrivers>& drivers = scores.drivers[row];
    drivers.fill(-1);
    for (size_t i = 0; i < top; ++i)
      if (contributions(row, columns[i]) > 0) drivers[i] = columns[i];
  }
  scores.table = std::move(table).value();
  return scores;
}

size_t ChurnRiskBandIndex(double probability) {
  return probability >= kHighRiskFrom ? 0 : probability >= kMediumRiskFrom ? 1 : 2;
}

const char* ChurnRiskBand(double probability) {
  static constexpr const char* kBands[] = {"high", "medium", "low"};
  return kBands[ChurnRiskBandIndex(probability)];
}

}  // namespace growthlens::app
