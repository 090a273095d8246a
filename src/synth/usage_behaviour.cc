#include "synth/usage_behaviour.h"

namespace growthlens::synth {

UsageBehaviour::UsageBehaviour(Day start, Day end, std::span<const std::string> features,
                               uint64_t seed)
    : seed_(seed), start_(start), end_(end) {
  size_t rank = 0;
  for (const std::string& name : features) profiles_.push_back(ProfileForFeature(name, rank++));
  double cumulative = 0.0;
  for (const UsagePersona& persona : kUsagePersonas) {
    cumulative += persona.share;
    persona_thresholds_.push_back(cumulative);
  }
  persona_thresholds_.back() = 1.0;  // guard against the shares' rounding
}

const UsagePersona& UsageBehaviour::DrawPersona(Random& rng) const {
  const double draw = rng.Uniform();
  size_t persona_idx = 0;
  while (draw >= persona_thresholds_[persona_idx]) ++persona_idx;
  return kUsagePersonas[persona_idx];
}

/// Signups grow exponentially through the period (a product that gains traction); a share of
/// users predates it.
Day UsageBehaviour::DrawSignup(Random& rng) const {
  if (rng.Bernoulli(kPreStartSignupShare)) {
    return start_ - 1 - static_cast<Day>(rng.Below(kPreStartSignupWindowDays));
  }
  const double span = static_cast<double>(end_ - start_ + 1);
  const double position =
      std::log1p(rng.Uniform() * (kSignupGrowth - 1.0)) / std::log(kSignupGrowth);
  return start_ + std::min(static_cast<Day>(position * span), end_ - start_);
}

/// Draws which features this user adopts and how much they like each.
void UsageBehaviour::DrawPreferences(const UsagePersona& persona, double intensity, Random& rng,
                                     UserScratch& scratch) const {
  constexpr double kMaxAdoption = 0.99;
  constexpr double kMaxDailyUse = 0.95;
  scratch.adopted.clear();
  scratch.daily_use.clear();
  scratch.events_scale.clear();
  const double events_base = persona.mean_extra_events * (persona.events_tail - 1.0) * intensity;
  for (size_t feature_idx = 0; feature_idx < profiles_.size(); ++feature_idx) {
    const FeatureProfile& profile = profiles_[feature_idx];
    // The core feature is where everybody lands, whatever their persona.
    const double boost = feature_idx == 0 ? 1.0 : persona.adoption_boost;
    const bool adopted = rng.Bernoulli(std::min(kMaxAdoption, profile.adoption * boost));
    const double preference = rng.LogNormalFactor(kFeaturePreferenceSpread);
    if (!adopted) continue;
    scratch.adopted.push_back(static_cast<uint32_t>(feature_idx));
    scratch.daily_use.push_back(
        std::min(kMaxDailyUse, profile.daily_use * persona.feature_breadth * preference));
    scratch.events_scale.push_back(events_base * profile.events_scale);
  }
  if (scratch.adopted.empty()) {  // everybody who signs up sees the core feature
    scratch.adopted.push_back(0);
    scratch.daily_use.push_back(profiles_[0].daily_use);
    scratch.events_scale.push_back(events_base * profiles_[0].events_scale);
  }
}

UsageUser UsageBehaviour::DrawUser(Random& rng, UserScratch& scratch) const {
  UsageUser user;
  user.persona = &DrawPersona(rng);
  user.signup = DrawSignup(rng);
  user.activity = rng.LogNormalFactor(user.persona->active_rate_spread) * user.persona->active_rate;
  const double lifetime_days = rng.Exponential(user.persona->mean_lifetime_days);
  const double intensity = rng.LogNormalFactor(kUserIntensitySpread);
  DrawPreferences(*user.persona, intensity, rng, scratch);
  user.first_day = std::max(user.signup, start_);
  user.last_day = static_cast<Day>(
      std::min<double>(end_, static_cast<double>(user.signup) + std::floor(lifetime_days)));
  // A day with no feature drawn still shows the user something: the core feature (the
  // landing page) when adopted, else the user's favourite.
  user.fallback = scratch.adopted[0] == 0
                      ? 0
                      : static_cast<size_t>(
                            std::max_element(scratch.daily_use.begin(), scratch.daily_use.end()) -
                            scratch.daily_use.begin());
  return user;
}

}  // namespace growthlens::synth
