#include "ml/segmentation.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <tuple>
#include <utility>

#include "core/number_format.h"
#include "ml/kmeans.h"
#include "ml/persona_stats.h"
#include "ml/rfm_features.h"
#include "ml/silhouette.h"

namespace growthlens::ml {

namespace {

constexpr size_t kTiers = kTierCount;
constexpr size_t kTopFeatures = 3;

constexpr std::array<const char*, kTiers> kUsageTiers = {"Power Users", "Regular Users",
                                                         "At-Risk Users", "Dormant Users"};
constexpr std::array<const char*, kTiers> kTransactionTiers = {
    "High-Value Loyalists", "Frequent Bargain Seekers", "Low-Frequency Explorers",
    "Dormant / Churn-Risk"};

/// The tier of the cluster ranked `rank` (0 = most valuable) of k: with four or fewer clusters
/// the tiers are spread so the first is the top tier and the last the bottom one; with more,
/// consecutive clusters share a tier.
size_t TierOf(size_t rank, size_t k) {
  if (k <= 1) return 0;
  if (k <= kTiers)
    return static_cast<size_t>(
        std::lround(static_cast<double>(rank) * (kTiers - 1) / static_cast<double>(k - 1)));
  return rank * kTiers / k;
}

std::string Action(size_t tier, const Persona& persona, bool usage) {
  const std::string share = PercentText(persona.monetary_share);
  switch (tier) {
    case 0:
      return usage ? fmt::format(
                         "Keep them close: early access, a customer advisory board and "
                         "referral incentives; they generate {} of all events.",
                         share)
                   : fmt::format(
                         "Reward and retain: loyalty perks, early access and referral "
                         "offers; they bring {} of revenue.",
                         share);
    case 1:
      return usage ? "Deepen use: in-app guides to the features they have not adopted yet and "
                     "team invitations."
                   : fmt::format(
                         "Lift order value: bundles, volume discounts and cross-sell on "
                         "their frequent orders (median {} orders).",
                         GroupedNumber(persona.median_frequency, 0));
    case 2:
      return fmt::format(
          "Re-engage before they lapse: a reminder or {} within a few weeks (median {} days "
          "since last activity).",
          usage ? "onboarding nudge" : "second-purchase incentive",
          GroupedNumber(persona.median_recency, 0));
    default:
      return fmt::format(
          "Win back or let go: a low-cost reactivation campaign{}, run as an experiment against "
          "a holdout (median {} days inactive).",
          usage ? "" : " with a time-limited offer", GroupedNumber(persona.median_recency, 0));
  }
}

std::string Description(const Persona& persona, bool usage) {
  std::string text = fmt::format(
      "{} {} ({}): last active {} days ago (median), {} {} and {} {} on average; {} of all {}.",
      GroupedNumber(static_cast<double>(persona.users), 0), usage ? "users" : "customers",
      PercentText(persona.share), GroupedNumber(persona.median_recency, 0),
      GroupedNumber(persona.mean_frequency, 1), usage ? "active days" : "orders",
      GroupedNumber(persona.mean_monetary, usage ? 0 : 2), usage ? "events" : "revenue",
      PercentText(persona.monetary_share), usage ? "events" : "revenue");
  if (persona.small)
    text += fmt::format(
        " Under {} of the {}: too few to run a campaign on by themselves; handle them with the "
        "neighbouring tier.",
        PercentText(kSmallPersonaShare, 0), usage ? "users" : "customers");
  return text;
}

const KSweepRow* SweepRow(const KSweepResult& sweep, size_t k) {
  for (const KSweepRow& row : sweep.rows)
    if (row.k == k) return &row;
  return nullptr;
}

/// What the sweep says about the k in use, in words.
std::string Advice(const KSweepResult& sweep, size_t k, KChoice choice, bool usage) {
  const KSweepRow* best = SweepRow(sweep, sweep.best_k);
  if (best == nullptr) return "";
  const std::string range = fmt::format("k = {}..{}", sweep.rows.front().k, sweep.rows.back().k);
  if (sweep.best_k == k)
    return fmt::format("k = {} is also the best separated of {} (silhouette {:.3f}).", k, range,
                       best->silhouette);
  const KSweepRow* used = SweepRow(sweep, k);
  std::string against;
  if (used != nullptr) {
    // Davies-Bouldin (lower is better) does not always side with the silhouette: say which.
    const bool agrees = best->davies_bouldin < used->davies_bouldin;
    against = fmt::format(
        " against {:.3f} for k = {}; Davies-Bouldin, lower is better, {}: {:.2f} against {:.2f}",
        used->silhouette, k, agrees ? "agrees" : fmt::format("prefers k = {}", k),
        agrees ? best->davies_bouldin : used->davies_bouldin,
        agrees ? used->davies_bouldin : best->davies_bouldin);
  }
  if (choice == KChoice::kFourTiers)
    return fmt::format(
        "k = {} separates the {} more cleanly (silhouette {:.3f}{}); the default keeps the four "
        "actionable tiers.",
        sweep.best_k, usage ? "users" : "customers", best->silhouette, against);
  return fmt::format("k = {} has the best silhouette of {} ({:.3f}).", sweep.best_k, range,
                     best->silhouette);
}

}  // namespace

std::span<const char* const, kTierCount> PersonaTierNames(DataKind kind) {
  return *ByKind(kind, &kUsageTiers, &kTransactionTiers);  // the arrays, not copies
}

const char* KChoiceName(KChoice choice) {
  switch (choice) {
    case KChoice::kFourTiers:
      return "four tiers";
    case KChoice::kBestSilhouette:
      return "best silhouette";
    case KChoice::kGiven:
      return "given";
  }
  return "";
}

Result<FeatureMatrix> SegmentationFeatures(const Dataset& dataset, const RfmTable& rfm,
                                           SegmentFeatures features,
                                           std::vector<std::string>* names) {
  std::vector<std::string> columns = {"recency", "frequency", "monetary"};
  if (features == SegmentFeatures::kRfm) {
    if (names != nullptr) *names = columns;
    return RfmFeatures(rfm);
  }
  const UsageLog* usage = dataset.As<UsageLog>();
  if (usage == nullptr)
    return Status(ErrorCode::kInvalidArgument,
                  "feature-usage shares need a usage log; transactions segment on RFM only");
  const UsageLog& log = *usage;
  const size_t feature_count = log.features.size();
  std::vector<uint32_t> row_of_user(log.users.size(), UINT32_MAX);
  for (size_t idx = 0; idx < rfm.size(); ++idx)
    row_of_user[rfm.user[idx]] = static_cast<uint32_t>(idx);
  FeatureMatrix x(rfm.size(), kRfmFeatureCount + feature_count);
  const FeatureMatrix base = RfmFeatures(rfm);
  for (size_t idx = 0; idx < rfm.size(); ++idx)
    for (size_t col = 0; col < kRfmFeatureCount; ++col) x(idx, col) = base(idx, col);
  const RowCounts counts(log.usage);
  for (size_t row = 0; row < log.rows(); ++row) {
    const uint32_t idx = row_of_user[log.usage.user[row]];
    if (idx != UINT32_MAX)
      x(idx, kRfmFeatureCount + log.usage.feature[row]) += static_cast<double>(counts[row]);
  }
  for (size_t idx = 0; idx < rfm.size(); ++idx) {
    const double total = rfm.monetary[idx];  // the user's events
    for (size_t feature = 0; feature < feature_count; ++feature)
      x(idx, kRfmFeatureCount + feature) =
          total > 0 ? x(idx, kRfmFeatureCount + feature) / total : 0.0;
  }
  for (size_t feature = 0; feature < feature_count; ++feature)
    columns.push_back(fmt::format("share_{}", log.features[static_cast<uint32_t>(feature)]));
  if (names != nullptr) *names = std::move(columns);
  return x;
}

Result<FeatureMatrix> FeaturesForModel(const Dataset& dataset, const RfmTable& rfm,
                                       std::span<const std::string> names) {
  const bool wants_shares = std::any_of(names.begin(), names.end(), [](const std::string& name) {
    return name.starts_with("share_");
  });
  if (wants_shares && dataset.As<UsageLog>() == nullptr)
    return Status(ErrorCode::kInvalidArgument,
                  "the model uses feature-usage shares and needs a usage log");
  std::vector<std::string> have;
  Result<FeatureMatrix> all = SegmentationFeatures(
      dataset, rfm, wants_shares ? SegmentFeatures::kRfmAndUsageShares : SegmentFeatures::kRfm,
      &have);
  if (!all.ok()) return all.status();
  // Shares are of each user's events: a feature of this data the model has no column for would
  // leave every user's shares short of what the centres were fitted on, so the data is refused.
  std::vector<std::string> unknown;
  for (const std::string& name : have)
    if (name.starts_with("share_") && std::find(names.begin(), names.end(), name) == names.end())
      unknown.push_back(name.substr(6));
  if (!unknown.empty())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("the model's features do not match this data: it uses feature(s) "
                              "{} the model was not fitted on (its features: {}); fit a model on "
                              "data with them",
                              fmt::join(unknown, ", "), fmt::join(names, ", ")));
  FeatureMatrix x(rfm.size(), names.size());
  for (size_t col = 0; col < names.size(); ++col) {
    const auto found = std::find(have.begin(), have.end(), names[col]);
    if (found == have.end()) {
      if (!names[col].starts_with("share_"))
        return Status(ErrorCode::kInvalidArgument,
                      fmt::format("model feature '{}': expected recency, frequency, monetary or "
                                  "share_<feature>",
                                  names[col]));
      continue;  // a feature this data never uses: share 0
    }
    const auto from = static_cast<size_t>(found - have.begin());
    for (size_t row = 0; row < rfm.size(); ++row) x(row, col) = (*all)(row, from);
  }
  return x;
}

bool SameFit(const SegmentationOptions& a, const SegmentationOptions& b) {
  const auto fitted = [](const SegmentationOptions& o) {
    return std::tie(o.features, o.k_choice, o.k, o.advise, o.k_min, o.k_max, o.n_init, o.seed,
                    o.exact_silhouette_max_rows, o.silhouette_sample_size, o.stability_seeds);
  };
  return fitted(a) == fitted(b);
}

Result<Segmentation> SegmentUsers(const Dataset& dataset, const RfmTable& rfm,
                                  const SegmentationOptions& options,
                                  const UserFeatureEvents* user_features) {
  Segmentation segmentation;
  segmentation.kind = dataset.kind();
  // Two clusters and a silhouette need at least three users.
  constexpr size_t kMinUsers = 3;
  if (rfm.size() < kMinUsers)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("segmentation needs at least {} users with activity, found {}",
                              kMinUsers, rfm.size()));
  if (options.k && *options.k > rfm.size())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--k {}: more segments than the {} users with activity", *options.k,
                              rfm.size()));
  Result<FeatureMatrix> x =
      SegmentationFeatures(dataset, rfm, options.features, &segmentation.feature_names);
  if (!x.ok()) return x.status();
  Result<FeatureMatrix> scaled =
      FeatureTransform::FitApply(*x, segmentation.transform, options.threads);
  if (!scaled.ok()) return scaled.status();
  *x = FeatureMatrix();  // unscaled features: not needed any more

  KMeansOptions kmeans;
  kmeans.n_init = options.n_init;
  kmeans.seed = options.seed;
  kmeans.threads = options.threads;
  kmeans.stop = options.stop;
  const KChoice choice = options.k ? KChoice::kGiven : options.k_choice;
  segmentation.k_choice = choice;
  segmentation.k_from_silhouette = choice == KChoice::kBestSilhouette;
  // The four tiers, or as many as three users allow.
  const size_t tiers_k = std::min(kTiers, scaled->rows() - 1);
  const size_t wanted_k = options.k.value_or(tiers_k);
  KMeansResult fit;
  bool fitted_here = true;
  if (choice == KChoice::kBestSilhouette || (choice == KChoice::kFourTiers && options.advise)) {
    KSweepOptions sweep;
    sweep.k_min = options.k_min;
    sweep.k_max = std::min(options.k_max, std::max<size_t>(scaled->rows(), 2) - 1);
    sweep.kmeans = kmeans;
    sweep.exact_silhouette_max_rows = options.exact_silhouette_max_rows;
    sweep.silhouette_sample_size = options.silhouette_sample_size;
    sweep.silhouette_seed = options.seed;
    sweep.stability_seeds = options.stability_seeds;
    sweep.stop = options.stop;
    if (choice == KChoice::kFourTiers) sweep.keep_k = tiers_k;
    Result<KSweepResult> swept = SweepK(*scaled, sweep);
    if (!swept.ok()) return swept.status();
    segmentation.sweep = std::move(swept).value();
    const size_t used_k = choice == KChoice::kBestSilhouette ? segmentation.sweep.best_k : tiers_k;
    segmentation.advice =
        Advice(segmentation.sweep, used_k, choice, ByKind(dataset.kind(), true, false));
    if (choice == KChoice::kBestSilhouette || segmentation.sweep.kept_fit) {
      fit = choice == KChoice::kBestSilhouette ? segmentation.sweep.best_fit
                                               : *std::exchange(segmentation.sweep.kept_fit, {});
      const KSweepRow* row = SweepRow(segmentation.sweep, used_k);
      segmentation.silhouette = row->silhouette;
      segmentation.silhouette_rows = row->silhouette_rows;
      fitted_here = false;
    }
  }
  if (fitted_here) {
    kmeans.k = wanted_k;
    Result<KMeansResult> fitted = FitKMeans(*scaled, kmeans);
    if (!fitted.ok()) return fitted.status();
    fit = std::move(fitted).value();
    if (fit.centres.rows() >= 2) {
      const size_t sample = scaled->rows() <= options.exact_silhouette_max_rows
                                ? scaled->rows()
                                : options.silhouette_sample_size;
      Result<SampledSilhouette> silhouette =
          SampledSilhouetteScore(*scaled, fit.labels, sample, options.seed, options.threads);
      if (!silhouette.ok()) return silhouette.status();
      segmentation.silhouette = silhouette->score;
      segmentation.silhouette_rows = silhouette->sample_size;
    }
  }
  segmentation.k = fit.centres.rows();
  segmentation.inertia = fit.inertia;
  segmentation.centres = std::move(fit.centres);
  segmentation.labels = std::move(fit.labels);
  NamePersonas(dataset, rfm, segmentation, options.threads, user_features);
  return segmentation;
}

void NamePersonas(const Dataset& dataset, const RfmTable& rfm, Segmentation& segmentation,
                  unsigned threads, const UserFeatureEvents* user_features) {
  const size_t k = segmentation.centres.rows();
  const UsageLog* usage = dataset.As<UsageLog>();
  // Order by value: frequent, big and recent first (recency is "days since": lower is better).
  std::vector<double> value(k);
  for (size_t cluster = 0; cluster < k; ++cluster) {
    const auto centre = segmentation.centres.row(cluster);
    value[cluster] = (centre[1] + centre[2] - centre[0]) / 3;
  }
  std::vector<size_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return value[a] > value[b]; });
  std::vector<int32_t> rank_of(k);
  FeatureMatrix centres(k, segmentation.centres.cols());
  for (size_t rank = 0; rank < k; ++rank) {
    rank_of[order[rank]] = static_cast<int32_t>(rank);
    const auto from = segmentation.centres.row(order[rank]);
    std::copy(from.begin(), from.end(), centres.row(rank).begin());
  }
  segmentation.centres = std::move(centres);
  for (int32_t& label : segmentation.labels) label = rank_of[static_cast<size_t>(label)];

  // Statistics per persona.
  const PersonaTable numbers = PersonaNumbersOf(rfm, segmentation.labels, k);
  std::vector<std::vector<int64_t>> feature_events;
  if (usage != nullptr)
    feature_events =
        EventsByPersonaAndFeature(*usage, rfm, segmentation.labels, k, threads, user_features);
  // Names: the tier of each rank; tiers shared by several clusters are numbered in rank order.
  std::vector<size_t> tier_size(kTiers, 0), tier_seen(kTiers, 0);
  for (size_t rank = 0; rank < k; ++rank) ++tier_size[TierOf(rank, k)];
  segmentation.personas.clear();
  for (size_t rank = 0; rank < k; ++rank) {
    Persona persona;
    persona.id = rank;
    persona.value_score = value[order[rank]];
    const PersonaNumbers& stats = numbers.personas[rank];
    persona.users = stats.users;
    persona.share =
        rfm.size() == 0 ? 0 : static_cast<double>(persona.users) / static_cast<double>(rfm.size());
    persona.mean_recency = stats.mean_recency;
    persona.mean_frequency = stats.mean_frequency;
    persona.mean_monetary = stats.mean_monetary;
    persona.monetary_share = numbers.monetary == 0 ? 0 : stats.monetary / numbers.monetary;
    persona.median_recency = stats.median_recency;
    persona.median_frequency = stats.median_frequency;
    persona.median_monetary = stats.median_monetary;
    if (usage != nullptr) {
      const std::vector<int64_t>& events = feature_events[rank];
      const double total =
          static_cast<double>(std::accumulate(events.begin(), events.end(), int64_t{0}));
      std::vector<uint16_t> features(events.size());
      std::iota(features.begin(), features.end(), uint16_t{0});
      std::stable_sort(features.begin(), features.end(),
                       [&](uint16_t a, uint16_t b) { return events[a] > events[b]; });
      for (size_t idx = 0; idx < features.size() && idx < kTopFeatures; ++idx)
        if (events[features[idx]] > 0)
          persona.top_features.push_back(
              {features[idx], total == 0 ? 0 : static_cast<double>(events[features[idx]]) / total});
    }
    const size_t tier = TierOf(rank, k);
    const char* base = PersonaTierNames(dataset.kind())[tier];
    persona.name = tier_size[tier] > 1 ? fmt::format("{} {}", base, ++tier_seen[tier]) : base;
    persona.small = persona.share < kSmallPersonaShare;
    persona.description = Description(persona, usage != nullptr);
    persona.action = Action(tier, persona, usage != nullptr);
    segmentation.personas.push_back(std::move(persona));
  }
}

}  // namespace growthlens::ml
