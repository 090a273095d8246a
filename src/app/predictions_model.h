#pragma once
// The predictions of one dataset, as the dashboard's Predictions page shows them: a churn model
// (the workspace's saved one when it fits the data, else one trained on it), both models' quality
// on a labelled later cutoff (scores, ROC curve, deciles), every current user's churn probability,
// band and drivers, joined per user with the RFM segment, the persona and, for transactions, the
// customer lifetime value and last country. They depend on the data alone, so the server computes
// them once per held file (PredictionsCache) instead of once per request.
//
//   PredictionsCache cache(workspace);
//   Result<std::shared_ptr<const Predictions>> predictions = cache.Get(dataset, inputs);

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "app/churn_model.h"
#include "app/churn_training.h"
#include "core/dataset.h"
#include "core/status.h"

namespace growthlens::app {

class PersonaCache;

/// One point of a ROC curve: false and true positive rates at a threshold.
struct RocPoint {
  double false_positive_rate = 0;
  double true_positive_rate = 0;
};

/// The ROC curve of `probability` against `label`, from (0,0) to (1,1), at most `max_points`
/// points (evenly thinned, the ends kept); ties move diagonally.
std::vector<RocPoint> RocCurve(std::span<const double> probability, std::span<const uint8_t> label,
                               size_t max_points = 201);

/// One model's quality on the labelled validation table.
struct ModelQuality {
  ChurnModelType type = ChurnModelType::kBoostedTrees;
  ml::BinaryScores scores;
  std::vector<ml::DecileRow> deciles;
  std::vector<RocPoint> roc;
};

/// One group of users (an RFM segment, a persona, a country): counts and sums over its scored
/// users.
struct PredictionGroup {
  std::string name;
  size_t users = 0;
  size_t high_risk = 0;
  double mean_probability = 0;
  double clv = 0;            // transactions: the group's predicted value
  double value_at_risk = 0;  // sum of CLV x probability
};

inline constexpr size_t kRiskHistogramBins = 20;

struct Predictions {
  /// Empty when a model was found or trained; else why there are no predictions, in plain words.
  std::string unavailable;
  std::string saved_model;  // the saved model's name, "" when trained here
  /// Saved churn models of the workspace passed over, newest first: (name, why not used).
  std::vector<std::pair<std::string, std::string>> saved_models_not_used;
  std::shared_ptr<const ChurnModel> model;
  Day evaluation_cutoff = kNoDay;       // the labelled cutoff the quality is measured at
  std::array<ModelQuality, 2> quality;  // boosted trees, logistic
  std::vector<double> importance;       // the kept model's, per feature column
  ChurnScores scores;                   // every current user, by user code
  std::array<size_t, 3> band_users{};   // high, medium, low (ChurnRiskBandIndex)
  std::array<size_t, kRiskHistogramBins> histogram{};  // probability in [i/20, (i+1)/20)
  // Per scored row (row for row with scores.table.users):
  std::vector<std::string> user_ids;
  std::vector<int32_t> segment;  // RfmSegment, -1 none
  std::vector<int32_t> persona;  // persona id, -1 none
  std::vector<std::string> persona_names;
  bool has_clv = false;
  std::string clv_note;  // why there is no CLV (transactions whose fit failed), else ""
  int clv_horizon_months = 12;
  std::vector<double> clv;       // NaN: the customer has no CLV (first purchase on the last day)
  std::vector<int32_t> country;  // code into TransactionLog::countries, -1 none
  std::vector<std::string> country_names;
  size_t clv_customers_not_scored = 0;  // customers with a CLV but no recent activity
  double seconds = 0;                   // to compute all this
  const ChurnModel& kept() const { return *model; }
  double ValueAtRisk(size_t row) const;  // clv x probability, 0 without CLV
};

struct PredictionInputs {
  std::string workspace;                   // where saved churn models are looked for; "" none
  std::shared_ptr<PersonaCache> personas;  // null: computed
  unsigned threads = 0;
  std::stop_token stop;
};

/// The predictions of `dataset`. Fails when stopped or on an internal error; data with too
/// little history gives Predictions::unavailable instead.
Result<Predictions> ComputePredictions(const Dataset& dataset, const PredictionInputs& inputs);

/// What the predictions are made of, wherever the data lives: the churn feature tables, a saved
/// model that fits (else one is trained), and the per-user joins once the users are scored
/// (`join` fills user_ids, segment, persona and persona_names, and for transactions the CLV).
struct PredictionSource {
  ChurnTableSource tables;
  std::optional<std::pair<std::string, ChurnModel>> saved;
  std::vector<std::pair<std::string, std::string>> saved_models_not_used;
  std::function<Status(Predictions&)> join;
};
Result<Predictions> ComputePredictions(PredictionSource source, const PredictionInputs& inputs);

/// The groups of `predictions` by segment, persona or country, largest value at risk (or, without
/// CLV, most users) first.
enum class GroupBy { kSegment, kPersona, kCountry };
std::vector<PredictionGroup> GroupPredictions(const Predictions& predictions, GroupBy by);

/// ComputePredictions of one dataset, computed on first use and kept; a stopped computation is
/// not kept. Safe to share between threads: the first caller computes, the others wait.
class PredictionsCache {
 public:
  explicit PredictionsCache(std::string workspace = "") : workspace_(std::move(workspace)) {}
  Result<std::shared_ptr<const Predictions>> Get(const Dataset& dataset, PredictionInputs inputs);
  /// The kept predictions, else those `compute` gives (kept when it succeeds).
  Result<std::shared_ptr<const Predictions>> GetOr(
      const std::function<Result<Predictions>()>& compute);

 private:
  std::string workspace_;
  std::mutex mutex_;
  std::shared_ptr<const Predictions> predictions_;
};

}  // namespace growthlens::app
