#pragma once
// Segmentation: users grouped into behavioural personas a team can act on. Features are the RFM
// values (optionally plus each user's share of events per feature, for usage logs), log1p then
// standard-scaled; KMeans with k = 4 by default (the four named tiers: Power, Regular, At-Risk,
// Dormant), the silhouette / Davies-Bouldin sweep over a range reported beside it as advice; k
// chosen by the best silhouette instead on request, or given. The clusters are ordered by value
// (most valuable first), named by the rules of docs/ANALYTICS.md ("Segmentation") and described
// (size, share, mean and median R/F/M, value share, top features, what to do); a persona under
// 2% of the users is flagged as too small to act on alone.
//
//   Result<Segmentation> segments = SegmentUsers(dataset, rfm, SegmentationOptions{});
//   for (const Persona& persona : segments->personas) Show(persona.name, persona.users);

#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/status.h"
#include "metrics/feature_usage.h"
#include "metrics/rfm.h"
#include "ml/feature_matrix.h"
#include "ml/feature_transform.h"
#include "ml/kmeans_sweep.h"

namespace growthlens::ml {

enum class SegmentFeatures {
  kRfm,                // recency, frequency, monetary
  kRfmAndUsageShares,  // usage logs: plus the user's share of events in each feature
};

/// How the number of personas is chosen.
enum class KChoice {
  kFourTiers,       // default: k = 4, the sweep over k_min..k_max reported as advice
  kBestSilhouette,  // --k auto: the best silhouette over k_min..k_max
  kGiven,           // --k N: no sweep
};
/// "four tiers", "best silhouette", "given".
const char* KChoiceName(KChoice choice);

inline constexpr size_t kTierCount = 4;
/// The names of the persona tiers for a kind of data, most valuable first: "Power Users",
/// "Regular Users", "At-Risk Users", "Dormant Users" for usage logs. A persona is named after
/// its tier, numbered ("Power Users 2") when several clusters share one.
std::span<const char* const, kTierCount> PersonaTierNames(DataKind kind);
/// Personas holding less than this share of the users are flagged (Persona::small).
inline constexpr double kSmallPersonaShare = 0.02;

struct SegmentationOptions {
  SegmentFeatures features = SegmentFeatures::kRfm;
  KChoice k_choice = KChoice::kFourTiers;
  std::optional<size_t> k;  // with kGiven; setting it implies kGiven
  bool advise = true;       // four tiers: run the sweep for the advice (off: the fit only)
  size_t k_min = 2;
  size_t k_max = 10;
  size_t n_init = 10;
  uint64_t seed = 0;
  size_t exact_silhouette_max_rows = 20'000;  // exact at or below, sampled above
  size_t silhouette_sample_size = 10'000;
  size_t stability_seeds = 0;  // extra fits with other seeds, for the adjusted Rand index
  unsigned threads = 0;
  std::stop_token stop;  // requested: the k sweep ends before its next k
};

/// Whether `a` and `b` fit the same model: every option but threads and stop (which change how
/// long the fit takes, not what it finds: KMeans gives the same result on any number of threads).
bool SameFit(const SegmentationOptions& a, const SegmentationOptions& b);

struct FeatureUse {
  uint16_t feature = 0;  // code into Dataset::features
  double share = 0;      // of the persona's events
};

struct Persona {
  size_t id = 0;            // 0 = most valuable; the order of the centres
  std::string name;         // e.g. "Power Users", "High-Value Loyalists"
  std::string description;  // the numbers behind the name, in words
  std::string action;       // what to do with them
  uint64_t users = 0;
  double share = 0;        // of users
  double value_score = 0;  // (frequency + monetary - recency) / 3 of the scaled centre
  double mean_recency = 0, mean_frequency = 0, mean_monetary = 0;
  double median_recency = 0, median_frequency = 0, median_monetary = 0;
  double monetary_share = 0;             // of revenue (events for usage logs)
  std::vector<FeatureUse> top_features;  // usage logs: up to 3, most used first
  bool small = false;                    // share < kSmallPersonaShare: too few to act on alone
};

struct Segmentation {
  DataKind kind = DataKind::kUsage;
  std::vector<std::string> feature_names;  // columns of the model
  FeatureTransform transform;
  FeatureMatrix centres;        // scaled space, one row per persona, in persona order
  std::vector<int32_t> labels;  // persona id per RfmTable row
  std::vector<Persona> personas;
  KSweepResult sweep;  // rows empty when k was given (or four tiers without advice)
  KChoice k_choice = KChoice::kFourTiers;
  bool k_from_silhouette = false;  // k_choice == kBestSilhouette
  size_t k = 0;
  /// The sweep's view of k, in words ("k = 2 separates the users more cleanly (silhouette ...);
  /// the default keeps the four actionable tiers."); empty without a sweep.
  std::string advice;
  double inertia = 0;
  double silhouette = 0;
  size_t silhouette_rows = 0;
};

/// The model's input columns for the users of `rfm`, in its row order.
Result<FeatureMatrix> SegmentationFeatures(const Dataset& dataset, const RfmTable& rfm,
                                           SegmentFeatures features,
                                           std::vector<std::string>* names = nullptr);

/// The columns a stored model was trained on (its feature names, e.g. "recency",
/// "share_Search"), for the users of `rfm`: a feature the data lacks is a share of 0, one the
/// model lacks is ignored. Errors: a name that is neither RFM nor a share.
Result<FeatureMatrix> FeaturesForModel(const Dataset& dataset, const RfmTable& rfm,
                                       std::span<const std::string> names);

/// `user_features`: the usage log's events per (user, feature) when already counted
/// (Analysis::user_features), which spares NamePersonas a pass over the rows; null or empty:
/// counted from the rows.
Result<Segmentation> SegmentUsers(const Dataset& dataset, const RfmTable& rfm,
                                  const SegmentationOptions& options,
                                  const UserFeatureEvents* user_features = nullptr);

/// Names and describes clusters already fitted (labels 0..k-1 per RfmTable row, centres in
/// scaled space with recency, frequency, monetary as the first three columns), reordering them
/// by value. Used by SegmentUsers and when a stored model predicts new users.
/// The events per persona and feature of a usage log come from `user_features` when given and
/// not empty, else from the rows on `threads` threads (0 = all cores).
void NamePersonas(const Dataset& dataset, const RfmTable& rfm, Segmentation& segmentation,
                  unsigned threads = 0, const UserFeatureEvents* user_features = nullptr);

}  // namespace growthlens::ml
