#include "synth/usage_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace growthlens::synth {
namespace {

bool EqualsIgnoringCase(std::string_view left, std::string_view right) {
  return std::equal(left.begin(), left.end(), right.begin(), right.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

}  // namespace

std::vector<std::string> DefaultFeatureNames() {
  std::vector<std::string> names;
  names.reserve(kDefaultFeatures.size());
  for (const FeatureProfile& feature : kDefaultFeatures) names.emplace_back(feature.name);
  return names;
}

FeatureProfile ProfileForFeature(std::string_view name, size_t rank) {
  for (const FeatureProfile& feature : kDefaultFeatures) {
    if (EqualsIgnoringCase(feature.name, name))
      return {name, feature.adoption, feature.daily_use, feature.events_scale};
  }
  // An unknown feature: popularity falls geometrically with its place in the list, the way
  // the default list does, with floors so the last of a long list still shows up.
  constexpr double kCoreAdoption = 0.95;
  constexpr double kAdoptionDecay = 0.8;
  constexpr double kMinAdoption = 0.04;
  constexpr double kCoreDailyUse = 0.85;
  constexpr double kDailyUseDecay = 0.78;
  constexpr double kMinDailyUse = 0.08;
  const double position = static_cast<double>(rank);
  return {name, std::max(kMinAdoption, kCoreAdoption * std::pow(kAdoptionDecay, position)),
          std::max(kMinDailyUse, kCoreDailyUse * std::pow(kDailyUseDecay, position)),
          /*events_scale=*/1.0};
}

}  // namespace growthlens::synth
