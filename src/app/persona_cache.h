#pragma once
// The data's persona model, as `users` shows and filters it: the four tiers of all the data (as
// `segment` computes them by default) and every user's persona. It depends on the data alone, so
// the server computes it once per held file (HeldDataset::personas) instead of once per request;
// the CLI computes it for its one run.
//
// The server's load fits the same model as part of `analyze` (its four tiers with the k sweep as
// advice); Keep hands that fit over, so that neither the users list nor the persona pages fit it
// a second time.
//
//   PersonaCache cache;
//   Result<std::shared_ptr<const UserPersonas>> personas = cache.Get(dataset, stop);

#include <cstdint>
#include <memory>
#include <mutex>
#include <stop_token>
#include <vector>

#include "core/dataset.h"
#include "core/status.h"

namespace growthlens {
struct RfmTable;  // metrics/rfm.h, kept out of this header
}  // namespace growthlens

namespace growthlens::ml {
struct Segmentation;  // ml/segmentation.h, kept out of this header
}  // namespace growthlens::ml

namespace growthlens::app {

struct UserPersonas {
  /// Null when the data is too small for the model: users are listed without personas.
  std::shared_ptr<const ml::Segmentation> model;
  std::vector<int32_t> of_user;  // persona id by user code, -1 = none
};

/// The four-tier model of `dataset` (all of it) and each user's persona. Fails only when stopped.
Result<UserPersonas> ComputeUserPersonas(const Dataset& dataset, std::stop_token stop);
/// The same on `rfm`, the whole data's default RFM table when it is computed already (a
/// ClickHouse workspace's pushed-down one, whose stand-in rows would not give it).
Result<UserPersonas> ComputeUserPersonas(const Dataset& dataset, const RfmTable& rfm,
                                         std::stop_token stop);

/// The personas of a fit of the default model (SegmentUsers with SegmentationOptions{}, with or
/// without the sweep) of `rfm`, the whole data's default RFM: what ComputeUserPersonas returns,
/// without fitting.
UserPersonas PersonasOfFit(const ml::Segmentation& fitted, const RfmTable& rfm, size_t users);

/// ComputeUserPersonas of one dataset, computed on first use and kept; a stopped computation is
/// not kept. Safe to share between threads: the first caller computes, the others wait.
class PersonaCache {
 public:
  Result<std::shared_ptr<const UserPersonas>> Get(const Dataset& dataset, std::stop_token stop);

  /// Keeps `fitted`, the default model of the whole data with its k sweep (SegmentUsers of
  /// `rfm`, the default RFM of all `users`, with SegmentationOptions{}), as `analyze` fits it:
  /// Get and DefaultModel answer from it.
  void Keep(std::shared_ptr<const ml::Segmentation> fitted, const RfmTable& rfm, size_t users);
  /// The default model kept with its sweep (what `segment` shows without parameters); null
  /// when none was kept.
  std::shared_ptr<const ml::Segmentation> DefaultModel() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const UserPersonas> personas_;
  std::shared_ptr<const ml::Segmentation> default_model_;
};

}  // namespace growthlens::app
