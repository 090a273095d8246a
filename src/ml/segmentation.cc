#include "ml/segmentation.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "core/compensated_sum.h"
#include "core/number_format.h"
#include "core/parallel.h"
#include "ml/kmeans.h"
#include "ml/rfm_features.h"
#include "ml/silhouette.h"

namespace growthlens::ml {

namespace {

constexpr size_t kTiers = 4;
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

/// Reorders `values` (nth_element), so sums over them come first.
double Median(std::vector<double>& values) {
  if (values.empty()) return 0;
  const size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle),
                   values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
  return (lower + upper) / 2;
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
  return fmt::format(
      "{} {} ({}): last active {} days ago (median), {} {} and {} {} on average; {} of all {}.",
      GroupedNumber(static_cast<double>(persona.users), 0), usage ? "users" : "customers",
      PercentText(persona.share), GroupedNumber(persona.median_recency, 0),
      GroupedNumber(persona.mean_frequency, 1), usage ? "active days" : "orders",
      GroupedNumber(persona.mean_monetary, usage ? 0 : 2), usage ? "events" : "revenue",
      PercentText(persona.monetary_share), usage ? "events" : "revenue");
}

/// Events per (persona, feature) from the per-user counts: the same integer sums as from the
/// rows (each count is a whole number of events, exact in a double).
std::vector<std::vector<int64_t>> EventsFromUserFeatures(
    const UserFeatureEvents& user_features, const std::vector<int32_t>& persona_of_user,
    size_t personas, size_t features) {
  std::vector<std::vector<int64_t>> events(personas, std::vector<int64_t>(features, 0));
  const size_t users = user_features.users.size();
  std::vector<int32_t> persona_of_row(users);
  for (size_t row = 0; row < users; ++row)
    persona_of_row[row] = persona_of_user[user_features.users[row]];
  const auto columns = std::min(features, static_cast<size_t>(user_features.events.cols()));
  for (size_t feature = 0; feature < columns; ++feature) {
    const double* counts = user_features.events.col(static_cast<Eigen::Index>(feature)).data();
    for (size_t row = 0; row < users; ++row)
      if (persona_of_row[row] >= 0)
        events[static_cast<size_t>(persona_of_row[row])][feature] +=
            static_cast<int64_t>(counts[row]);
  }
  return events;
}

/// Events per (persona, feature), for the top features of each persona.
std::vector<std::vector<int64_t>> EventsByPersonaAndFeature(
    const Dataset& dataset, const RfmTable& rfm, std::span<const int32_t> labels, size_t personas,
    unsigned threads, const UserFeatureEvents* user_features) {
  std::vector<int32_t> persona_of_user(dataset.users.size(), -1);
  for (size_t idx = 0; idx < rfm.size(); ++idx) persona_of_user[rfm.user[idx]] = labels[idx];
  const size_t features = dataset.features.size();
  if (user_features != nullptr && !user_features->empty())
    return EventsFromUserFeatures(*user_features, persona_of_user, personas, features);
  // Slices of rows on every core, each into its own [persona][feature] counts: integer sums,
  // so the merge gives the same totals whatever the threads.
  constexpr size_t kRowsPerSlice = size_t{1} << 20;
  const size_t slices = (dataset.rows() + kRowsPerSlice - 1) / kRowsPerSlice;
  std::vector<std::vector<int64_t>> slice_events(slices);
  ParallelFor(slices, threads, [&](size_t slice) {
    std::vector<int64_t>& counts = slice_events[slice];
    counts.assign(personas * features, 0);
    const size_t end = std::min(dataset.rows(), (slice + 1) * kRowsPerSlice);
    for (size_t row = slice * kRowsPerSlice; row < end; ++row) {
      const int32_t persona = persona_of_user[dataset.usage.user[row]];
      if (persona >= 0)
        counts[static_cast<size_t>(persona) * features + dataset.usage.feature[row]] +=
            dataset.usage.events[row];
    }
  });
  std::vector<std::vector<int64_t>> events(personas, std::vector<int64_t>(features, 0));
  for (const std::vector<int64_t>& counts : slice_events)
    for (size_t persona = 0; persona < personas; ++persona)
      for (size_t feature = 0; feature < features; ++feature)
        events[persona][feature] += counts[persona * features + feature];
  return events;
}

}  // namespace

Result<FeatureMatrix> SegmentationFeatures(const Dataset& dataset, const RfmTable& rfm,
                                           SegmentFeatures features,
                                           std::vector<std::string>* names) {
  std::vector<std::string> columns = {"recency", "frequency", "monetary"};
  if (features == SegmentFeatures::kRfm) {
    if (names != nullptr) *names = columns;
    return RfmFeatures(rfm);
  }
  if (dataset.kind() != DataKind::kUsage)
    return Status(ErrorCode::kInvalidArgument,
                  "feature-usage shares need a usage log; transactions segment on RFM only");
  const size_t feature_count = dataset.features.size();
  std::vector<uint32_t> row_of_user(dataset.users.size(), UINT32_MAX);
  for (size_t idx = 0; idx < rfm.size(); ++idx)
    row_of_user[rfm.user[idx]] = static_cast<uint32_t>(idx);
  FeatureMatrix x(rfm.size(), kRfmFeatureCount + feature_count);
  const FeatureMatrix base = RfmFeatures(rfm);
  for (size_t idx = 0; idx < rfm.size(); ++idx)
    for (size_t col = 0; col < kRfmFeatureCount; ++col) x(idx, col) = base(idx, col);
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t idx = row_of_user[dataset.usage.user[row]];
    if (idx != UINT32_MAX)
      x(idx, kRfmFeatureCount + dataset.usage.feature[row]) +=
          static_cast<double>(dataset.usage.events[row]);
  }
  for (size_t idx = 0; idx < rfm.size(); ++idx) {
    const double total = rfm.monetary[idx];  // the user's events
    for (size_t feature = 0; feature < feature_count; ++feature)
      x(idx, kRfmFeatureCount + feature) =
          total > 0 ? x(idx, kRfmFeatureCount + feature) / total : 0.0;
  }
  for (size_t feature = 0; feature < feature_count; ++feature)
    columns.push_back(fmt::format("share_{}", dataset.features[static_cast<uint32_t>(feature)]));
  if (names != nullptr) *names = std::move(columns);
  return x;
}

Result<FeatureMatrix> FeaturesForModel(const Dataset& dataset, const RfmTable& rfm,
                                       std::span<const std::string> names) {
  const bool wants_shares = std::any_of(names.begin(), names.end(), [](const std::string& name) {
    return name.starts_with("share_");
  });
  if (wants_shares && dataset.kind() != DataKind::kUsage)
    return Status(ErrorCode::kInvalidArgument,
                  "the model uses feature-usage shares and needs a usage log");
  std::vector<std::string> have;
  Result<FeatureMatrix> all = SegmentationFeatures(
      dataset, rfm, wants_shares ? SegmentFeatures::kRfmAndUsageShares : SegmentFeatures::kRfm,
      &have);
  if (!all.ok()) return all.status();
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

  KMeansOptions kmeans;
  kmeans.n_init = options.n_init;
  kmeans.seed = options.seed;
  kmeans.threads = options.threads;
  KMeansResult fit;
  if (options.k) {
    kmeans.k = *options.k;
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
  } else {
    KSweepOptions sweep;
    sweep.k_min = options.k_min;
    sweep.k_max = std::min(options.k_max, std::max<size_t>(scaled->rows(), 2) - 1);
    sweep.kmeans = kmeans;
    sweep.exact_silhouette_max_rows = options.exact_silhouette_max_rows;
    sweep.silhouette_sample_size = options.silhouette_sample_size;
    sweep.silhouette_seed = options.seed;
    sweep.stability_seeds = options.stability_seeds;
    Result<KSweepResult> swept = SweepK(*scaled, sweep);
    if (!swept.ok()) return swept.status();
    segmentation.sweep = std::move(swept).value();
    segmentation.k_from_silhouette = true;
    fit = segmentation.sweep.best_fit;
    for (const KSweepRow& row : segmentation.sweep.rows)
      if (row.k == segmentation.sweep.best_k) {
        segmentation.silhouette = row.silhouette;
        segmentation.silhouette_rows = row.silhouette_rows;
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
  const bool usage = dataset.kind() == DataKind::kUsage;
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
  std::vector<size_t> sizes(k, 0);
  for (const int32_t label : segmentation.labels) ++sizes[static_cast<size_t>(label)];
  std::vector<std::vector<double>> recency(k), frequency(k), monetary(k);
  for (size_t persona = 0; persona < k; ++persona) {
    recency[persona].reserve(sizes[persona]);
    frequency[persona].reserve(sizes[persona]);
    monetary[persona].reserve(sizes[persona]);
  }
  CompensatedSum all_monetary;
  for (size_t idx = 0; idx < rfm.size(); ++idx) {
    const auto persona = static_cast<size_t>(segmentation.labels[idx]);
    recency[persona].push_back(rfm.recency[idx]);
    frequency[persona].push_back(static_cast<double>(rfm.frequency[idx]));
    monetary[persona].push_back(rfm.monetary[idx]);
    all_monetary.Add(rfm.monetary[idx]);
  }
  std::vector<std::vector<int64_t>> feature_events;
  if (usage)
    feature_events =
        EventsByPersonaAndFeature(dataset, rfm, segmentation.labels, k, threads, user_features);
  auto mean = [](const std::vector<double>& values) {
    CompensatedSum sum;
    for (double v : values) sum.Add(v);
    return values.empty() ? 0.0 : sum.Value() / static_cast<double>(values.size());
  };
  // Names: the tier of each rank; tiers shared by several clusters are numbered in rank order.
  std::vector<size_t> tier_size(kTiers, 0), tier_seen(kTiers, 0);
  for (size_t rank = 0; rank < k; ++rank) ++tier_size[TierOf(rank, k)];
  segmentation.personas.clear();
  for (size_t rank = 0; rank < k; ++rank) {
    Persona persona;
    persona.id = rank;
    persona.value_score = value[order[rank]];
    persona.users = recency[rank].size();
    persona.share =
        rfm.size() == 0 ? 0 : static_cast<double>(persona.users) / static_cast<double>(rfm.size());
    persona.mean_recency = mean(recency[rank]);
    persona.mean_frequency = mean(frequency[rank]);
    persona.mean_monetary = mean(monetary[rank]);
    CompensatedSum persona_monetary;
    for (double v : monetary[rank]) persona_monetary.Add(v);
    persona.monetary_share =
        all_monetary.Value() == 0 ? 0 : persona_monetary.Value() / all_monetary.Value();
    persona.median_recency = Median(recency[rank]);
    persona.median_frequency = Median(frequency[rank]);
    persona.median_monetary = Median(monetary[rank]);
    if (usage) {
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
    const char* base = usage ? kUsageTiers[tier] : kTransactionTiers[tier];
    persona.name = tier_size[tier] > 1 ? fmt::format("{} {}", base, ++tier_seen[tier]) : base;
    persona.description = Description(persona, usage);
    persona.action = Action(tier, persona, usage);
    segmentation.personas.push_back(std::move(persona));
  }
}

}  // namespace growthlens::ml
