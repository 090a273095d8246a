#pragma once
// The parameters of the persona model (`growthlens segment` and `train`, GET /api/v1/segment):
// how many personas and how k is chosen, the KMeans effort, the features, the silhouette's
// sample and what the CLI writes. Every parameter that scales the work has an upper bound, so
// that no request asks for minutes of clustering.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/analysis_params.h"
#include "app/persona_count.h"
#include "core/status.h"

namespace growthlens::ml {
struct SegmentationOptions;  // ml/segmentation.h, kept out of this header
}  // namespace growthlens::ml

namespace growthlens::app {

inline constexpr int64_t kMaxSweptPersonas = 50;                    // k-min, k-max: a fit per k
inline constexpr int64_t kMaxInitialisations = 100;                 // n-init
inline constexpr int64_t kMaxStabilitySeeds = 20;                   // stability-seeds
inline constexpr int64_t kMaxSilhouetteRows = 50'000;               // exact silhouette, its sample
inline constexpr int64_t kMaxSampledUsers = 1'000'000;              // sample
inline constexpr int64_t kMaxSegmentSeed = (int64_t{1} << 53) - 1;  // seed: exact in JSON

struct SegmentParams {
  std::string k;  // "": the four tiers; "auto": the best silhouette; a number
  int64_t k_min = 2;
  int64_t k_max = 10;
  int64_t n_init = 10;
  int64_t seed = 0;
  std::string features;
  std::string model;       // "": data/models/<stem>_segments.json
  std::string save_model;  // the CLI, data from a workspace: save the model there by this name
  std::string output_dir;
  bool no_write = false;
  std::optional<Day> reference_date;
  int64_t exact_silhouette_max = 20'000;
  int64_t silhouette_sample = 10'000;
  std::string view;  // "": per format
  int64_t sample = 0;
  int64_t stability_seeds = 0;
};

/// The parameters of `segment`, or of `train` (`train`: no output-dir, which only segment
/// writes to).
std::vector<Param<SegmentParams>> SegmentParamList(bool train);

/// What the values alone can tell: k auto or a number in 2..kMaxPersonas, k-min <= k-max.
Status CheckSegmentParams(const SegmentParams& params, Naming naming);

/// The model's options from the parameters (checked).
Result<ml::SegmentationOptions> SegmentationOptionsOf(const SegmentParams& params, Naming naming);

}  // namespace growthlens::app
