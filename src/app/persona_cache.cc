#include "app/persona_cache.h"

#include "metrics/rfm.h"
#include "ml/segmentation.h"

namespace growthlens::app {

namespace {

UserPersonas PersonasOf(std::shared_ptr<const ml::Segmentation> model, const RfmTable& rfm,
                        size_t users) {
  UserPersonas personas;
  personas.of_user.assign(users, -1);
  for (size_t row = 0; row < rfm.size(); ++row)
    personas.of_user[rfm.user[row]] = model->labels[row];
  personas.model = std::move(model);
  return personas;
}

}  // namespace

Result<UserPersonas> ComputeUserPersonas(const Dataset& dataset, std::stop_token stop) {
  return ComputeUserPersonas(dataset, ComputeRfm(dataset, RfmOptions()), std::move(stop));
}

Result<UserPersonas> ComputeUserPersonas(const Dataset& dataset, const RfmTable& rfm,
                                         std::stop_token stop) {
  ml::SegmentationOptions options;  // the default model: the four tiers
  options.advise = false;           // the labels only; the sweep is advice
  options.stop = stop;
  Result<ml::Segmentation> segmentation = ml::SegmentUsers(dataset, rfm, options);
  if (!segmentation.ok()) {
    if (stop.stop_requested()) return segmentation.status();
    UserPersonas none;  // too little data for the model
    none.of_user.assign(dataset.users().size(), -1);
    return none;
  }
  return PersonasOf(std::make_shared<const ml::Segmentation>(std::move(segmentation).value()), rfm,
                    dataset.users().size());
}

UserPersonas PersonasOfFit(const ml::Segmentation& fitted, const RfmTable& rfm, size_t users) {
  // The same fit without the advice (the sweep is fitted for it alone), as advise = false
  // leaves it.
  auto model = std::make_shared<ml::Segmentation>(fitted);
  model->sweep = ml::KSweepResult();
  model->advice.clear();
  return PersonasOf(std::move(model), rfm, users);
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

void PersonaCache::Keep(std::shared_ptr<const ml::Segmentation> fitted, const RfmTable& rfm,
                        size_t users) {
  auto personas = std::make_shared<const UserPersonas>(PersonasOfFit(*fitted, rfm, users));
  std::lock_guard lock(mutex_);
  personas_ = std::move(personas);
  default_model_ = std::move(fitted);
}

std::shared_ptr<const ml::Segmentation> PersonaCache::DefaultModel() const {
  std::lock_guard lock(mutex_);
  return default_model_;
}

}  // namespace growthlens::app
