#include "app/persona_cache.h"

#include "metrics/rfm.h"
#include "ml/segmentation.h"

namespace growthlens::app {

Result<UserPersonas> ComputeUserPersonas(const Dataset& dataset, std::stop_token stop) {
  const RfmTable rfm = ComputeRfm(dataset, RfmOptions());
  ml::SegmentationOptions options;  // the default model: the four tiers
  options.advise = false;           // the labels only; the sweep is advice
  options.stop = stop;
  Result<ml::Segmentation> segmentation = ml::SegmentUsers(dataset, rfm, options);
  UserPersonas personas;
  personas.of_user.assign(dataset.users().size(), -1);
  if (!segmentation.ok()) {
    if (stop.stop_requested()) return segmentation.status();
    return personas;  // too little data for the model
  }
  for (size_t row = 0; row < rfm.size(); ++row)
    personas.of_user[rfm.user[row]] = segmentation->labels[row];
  personas.model = std::make_shared<const ml::Segmentation>(std::move(segmentation).value());
  return personas;
}

Result<std::shared_ptr<const UserPersonas>> PersonaCache::Get(const Dataset& dataset,
                                                              std::stop_token stop) {
  std::lock_guard lock(mutex_);
  if (personas_) return personas_;
  Result<UserPersonas> computed = ComputeUserPersonas(dataset, std::move(stop));
  if (!computed.ok()) return computed.status();
  personas_ = std::make_shared<const UserPersonas>(std::move(computed).value());
  return personas_;
}

}  // namespace growthlens::app
