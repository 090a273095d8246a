#include "app/predictions_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "app/clv_model.h"
#include "app/persona_cache.h"
#include "core/data_kind.h"
#include "core/stopwatch.h"
#include "metrics/rfm.h"
#include "ml/segmentation.h"
#include "store/workspace.h"

namespace growthlens::app {

namespace {

Status Stopped() {
  return Status(ErrorCode::kInternal, "predictions: stopped");
}

/// A data kind in the page's words.
const char* KindWords(DataKind kind) {
  switch (kind) {
    case DataKind::kUsage:
      return "a usage log";
    case DataKind::kEvents:
      return "an event log";
    case DataKind::kTransactions:
      return "purchases";
  }
  return "other data";
}

/// The newest saved churn model of `workspace` whose features the data can give, with its name;
/// the newer ones passed over go into `not_used` with the reason in plain words (the page shows
/// it; the detailed error would name files and options).
std::optional<std::pair<std::string, ChurnModel>> FittingSavedModel(
    const Dataset& dataset, const std::string& workspace, unsigned threads,
    std::vector<std::pair<std::string, std::string>>& not_used) {
  if (workspace.empty()) return std::nullopt;
  Result<store::Workspace> opened = store::Workspace::Open(workspace, store::OpenMode::kExisting);
  if (!opened.ok()) return std::nullopt;
  Result<std::vector<store::SavedItem>> items = opened->ListSaved(store::SavedKind::kChurnModel);
  if (!items.ok()) return std::nullopt;
  for (const store::SavedItem& item : *items) {  // newest first
    Result<ChurnModel> model = LoadChurnModel(workspace, item.name);
    if (!model.ok()) {
      not_used.emplace_back(item.name, "it could not be read (saved by another version?)");
      continue;
    }
    if (model->spec.kind != dataset.kind()) {
      not_used.emplace_back(item.name,
                            fmt::format("it was trained on {}, and this data is {}",
                                        KindWords(model->spec.kind), KindWords(dataset.kind())));
      continue;
    }
    // The features must come out of this data: the table of the day after its last day.
    if (!ChurnTableFor(dataset, *model, ml::LastActivityDay(dataset) + 1, threads).ok()) {
      not_used.emplace_back(item.name, "this data cannot give the signals it was trained on");
      continue;
    }
    return std::pair{item.name, std::move(model).value()};
  }
  return std::nullopt;
}

/// Both models' scores, deciles and ROC on a labelled table.
Status MeasureQuality(const ChurnModel& model, const ml::ChurnTable& table,
                      Predictions& predictions) {
  for (const ChurnModelType type : {ChurnModelType::kBoostedTrees, ChurnModelType::kLogistic}) {
    ModelQuality& quality = predictions.quality[type == ChurnModelType::kBoostedTrees ? 0 : 1];
    quality.type = type;
    if (type == ChurnModelType::kBoostedTrees && !model.trees) continue;
    Result<std::vector<double>> probability = PredictChurnProbability(model, type, table.x);
    if (!probability.ok()) return probability.status();
    Result<ml::BinaryScores> scores = ml::ScoreBinary(*probability, table.churned);
    if (!scores.ok()) return scores.status();
    quality.scores = *scores;
    quality.deciles = ml::DecileTable(*probability, table.churned);
    quality.roc = RocCurve(*probability, table.churned);
  }
  return Status::Ok();
}

/// RFM segment and persona per scored row.
Status JoinSegments(const Dataset& dataset, const PredictionInputs& inputs,
                    Predictions& predictions) {
  const std::vector<uint32_t>& users = predictions.scores.table.users;
  std::vector<int32_t> segment_of(dataset.users().size(), -1);
  const RfmTable rfm = ComputeRfm(dataset, RfmOptions());
  for (size_t row = 0; row < rfm.size(); ++row)
    segment_of[rfm.user[row]] = static_cast<int32_t>(rfm.segment[row]);
  std::shared_ptr<PersonaCache> cache =
      inputs.personas ? inputs.personas : std::make_shared<PersonaCache>();
  Result<std::shared_ptr<const UserPersonas>> personas = cache->Get(dataset, inputs.stop);
  if (!personas.ok()) return personas.status();
  if ((*personas)->model)
    for (const ml::Persona& persona : (*personas)->model->personas)
      predictions.persona_names.push_back(persona.name);
  predictions.segment.reserve(users.size());
  predictions.persona.reserve(users.size());
  for (const uint32_t user : users) {
    predictions.user_ids.emplace_back(dataset.users()[user]);
    predictions.segment.push_back(segment_of[user]);
    predictions.persona.push_back((*personas)->of_user[user]);
  }
  return Status::Ok();
}

/// Transactions: each scored customer's CLV and last order's country.
void JoinClv(const TransactionLog& log, Predictions& predictions) {
  const std::vector<uint32_t>& users = predictions.scores.table.users;
  std::vector<Timestamp> last_time(log.users.size(), std::numeric_limits<Timestamp>::min());
  std::vector<int32_t> country_of(log.users.size(), -1);
  for (uint32_t order = 0; order < log.orders.size(); ++order) {
    const uint32_t customer = log.orders.customer[order];
    if (customer >= log.users.size() || log.orders.time[order] < last_time[customer]) continue;
    last_time[customer] = log.orders.time[order];
    country_of[customer] = log.orders.country[order];
  }
  for (size_t code = 0; code < log.countries.size(); ++code)
    predictions.country_names.emplace_back(log.countries[static_cast<uint32_t>(code)]);
  predictions.country.reserve(users.size());
  for (const uint32_t user : users) predictions.country.push_back(country_of[user]);

  Result<ClvResult> clv = ComputeClv(log, ClvOptions{}, Naming::kApi);
  predictions.clv.assign(users.size(), std::numeric_limits<double>::quiet_NaN());
  if (!clv.ok()) {
    predictions.clv_note = clv.status().message();
    return;
  }
  predictions.has_clv = true;
  predictions.clv_horizon_months = clv->options.horizon_months;
  std::vector<double> clv_of(log.users.size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t row = 0; row < clv->history.size(); ++row)
    clv_of[clv->history.user[row]] = clv->clv[row];
  std::vector<uint8_t> scored(log.users.size(), 0);
  for (size_t row = 0; row < users.size(); ++row) {
    predictions.clv[row] = clv_of[users[row]];
    scored[users[row]] = 1;
  }
  for (const uint32_t user : clv->history.user)
    predictions.clv_customers_not_scored += !scored[user];
}

}  // namespace

std::vector<RocPoint> RocCurve(std::span<const double> probability, std::span<const uint8_t> label,
                               size_t max_points) {
  std::vector<size_t> order(probability.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return probability[a] > probability[b]; });
  const double positives = static_cast<double>(std::count(label.begin(), label.end(), 1));
  const double negatives = static_cast<double>(label.size()) - positives;
  std::vector<RocPoint> points = {{0, 0}};
  double tp = 0, fp = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    (label[order[i]] ? tp : fp) += 1;
    // One point per distinct threshold: ties move diagonally.
    if (i + 1 < order.size() && probability[order[i + 1]] == probability[order[i]]) continue;
    points.push_back({negatives > 0 ? fp / negatives : 0, positives > 0 ? tp / positives : 0});
  }
  if (points.size() <= max_points || max_points < 2) return points;
  std::vector<RocPoint> thinned;
  const double step = static_cast<double>(points.size() - 1) / static_cast<double>(max_points - 1);
  for (size_t i = 0; i < max_points; ++i)
    thinned.push_back(points[static_cast<size_t>(std::llround(step * static_cast<double>(i)))]);
  return thinned;
}

double Predictions::ValueAtRisk(size_t row) const {
  if (!has_clv || std::isnan(clv[row])) return 0;
  return clv[row] * scores.probability[row];
}

Result<Predictions> ComputePredictions(const Dataset& dataset, const PredictionInputs& inputs) {
  PredictionSource source;
  source.tables = ChurnSourceOf(dataset);
  source.saved =
      FittingSavedModel(dataset, inputs.workspace, inputs.threads, source.saved_models_not_used);
  source.join = [&dataset, &inputs](Predictions& predictions) -> Status {
    GROWTHLENS_RETURN_IF_ERROR(JoinSegments(dataset, inputs, predictions));
    if (const TransactionLog* log = dataset.As<TransactionLog>()) JoinClv(*log, predictions);
    return Status::Ok();
  };
  return ComputePredictions(std::move(source), inputs);
}

Result<Predictions> ComputePredictions(PredictionSource source, const PredictionInputs& inputs) {
  const ChurnTableSource& dataset = source.tables;
  const Stopwatch stopwatch;
  Predictions predictions;
  predictions.saved_models_not_used = std::move(source.saved_models_not_used);
  std::optional<std::pair<std::string, ChurnModel>>& saved = source.saved;
  std::optional<ml::ChurnTable> labelled;
  if (saved) {
    predictions.saved_model = saved->first;
    predictions.model = std::make_shared<const ChurnModel>(std::move(saved->second));
    Result<ChurnEvaluation> evaluation =
        EvaluateChurnModel(dataset, *predictions.model, std::nullopt, inputs.threads);
    if (evaluation.ok()) {
      labelled = std::move(evaluation->table);
      predictions.importance = evaluation->report.importance;
    } else {
      predictions.importance = predictions.model->report(predictions.model->kept).importance;
    }
  } else {
    ChurnTrainOptions options;
    options.threads = inputs.threads;
    Result<ChurnTraining> training = TrainChurnModel(dataset, options, "held data");
    if (inputs.stop.stop_requested()) return Stopped();
    if (!training.ok()) {
      // Only the data's shortness is told as "not enough history"; anything else is an error.
      if (training.status().code() != ErrorCode::kInvalidArgument) return training.status();
      // The reason in the data's terms, without the command line's advice in brackets.
      std::string reason = training.status().message();
      if (const size_t advice = reason.rfind(" (");
          advice != std::string::npos && reason.ends_with(')'))
        reason.erase(advice);
      predictions.unavailable = fmt::format(
          "There is not enough history to predict churn: a model learns from who stopped being "
          "active in the {} days after one date and is checked on a later date, so the data "
          "needs several months of activity. ({})",
          options.settings.horizon, reason);
      predictions.seconds = stopwatch.Seconds();
      return predictions;
    }
    labelled = std::move(training->validation);
    predictions.model = std::make_shared<const ChurnModel>(std::move(training->model));
    predictions.importance = predictions.model->report(predictions.model->kept).importance;
  }
  if (inputs.stop.stop_requested()) return Stopped();
  if (labelled) {
    predictions.evaluation_cutoff = labelled->cutoff;
    if (Status measured = MeasureQuality(*predictions.model, *labelled, predictions);
        !measured.ok())
      return measured;
  }
  Result<ChurnScores> scores =
      ScoreChurn(dataset, *predictions.model, std::nullopt, inputs.threads);
  if (!scores.ok()) return scores.status();
  predictions.scores = std::move(scores).value();
  for (const double probability : predictions.scores.probability) {
    ++predictions.band_users[ChurnRiskBandIndex(probability)];
    const auto bin = static_cast<size_t>(probability * static_cast<double>(kRiskHistogramBins));
    ++predictions.histogram[std::min(bin, kRiskHistogramBins - 1)];
  }
  if (inputs.stop.stop_requested()) return Stopped();
  if (Status joined = source.join(predictions); !joined.ok()) return joined;
  predictions.seconds = stopwatch.Seconds();
  return predictions;
}

std::vector<PredictionGroup> GroupPredictions(const Predictions& predictions, GroupBy by) {
  const std::vector<int32_t>& of_row = by == GroupBy::kSegment   ? predictions.segment
                                       : by == GroupBy::kPersona ? predictions.persona
                                                                 : predictions.country;
  std::vector<PredictionGroup> groups;
  const size_t count = by == GroupBy::kSegment   ? kRfmSegmentCount
                       : by == GroupBy::kPersona ? predictions.persona_names.size()
                                                 : predictions.country_names.size();
  for (size_t id = 0; id < count; ++id) {
    PredictionGroup group;
    group.name =
        by == GroupBy::kSegment
            ? std::string(RfmSegmentName(static_cast<RfmSegment>(id)))
            : (by == GroupBy::kPersona ? predictions.persona_names : predictions.country_names)[id];
    groups.push_back(std::move(group));
  }
  for (size_t row = 0; row < of_row.size(); ++row) {
    if (of_row[row] < 0 || static_cast<size_t>(of_row[row]) >= groups.size()) continue;
    PredictionGroup& group = groups[static_cast<size_t>(of_row[row])];
    const double probability = predictions.scores.probability[row];
    ++group.users;
    group.high_risk += ChurnRiskBandIndex(probability) == 0;
    group.mean_probability += probability;
    if (predictions.has_clv && !std::isnan(predictions.clv[row])) {
      group.clv += predictions.clv[row];
      group.value_at_risk += predictions.clv[row] * probability;
    }
  }
  std::erase_if(groups, [](const PredictionGroup& group) { return group.users == 0; });
  for (PredictionGroup& group : groups) group.mean_probability /= static_cast<double>(group.users);
  std::stable_sort(
      groups.begin(), groups.end(), [&](const PredictionGroup& a, const PredictionGroup& b) {
        return predictions.has_clv ? a.value_at_risk > b.value_at_risk : a.users > b.users;
      });
  return groups;
}

Result<std::shared_ptr<const Predictions>> PredictionsCache::Get(const Dataset& dataset,
                                                                 PredictionInputs inputs) {
  if (inputs.workspace.empty()) inputs.workspace = workspace_;
  // Computed for every later request, not for this one: the first client leaving or its time
  // limit passing must not throw away a training that runs to its end anyway (it takes no stop).
  inputs.stop = std::stop_token();
  return GetOr([&] { return ComputePredictions(dataset, inputs); });
}

Result<std::shared_ptr<const Predictions>> PredictionsCache::GetOr(
    const std::function<Result<Predictions>()>& compute) {
  std::lock_guard lock(mutex_);
  if (predictions_) return predictions_;
  Result<Predictions> computed = compute();
  if (!computed.ok()) return computed.status();
  predictions_ = std::make_shared<const Predictions>(std::move(computed).value());
  return predictions_;
}

}  // namespace growthlens::app
