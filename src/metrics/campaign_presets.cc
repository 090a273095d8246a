#include "metrics/campaign_presets.h"

#include <array>
#include <string>

#include "core/name_key.h"

namespace growthlens {

namespace {

// Defaults. A win-back offer is judged by how many users it brings back: +2 percentage points
// of the segment returning (usage) or ordering again (transactions), absolute, because a
// relative lift of a lapsed segment's rate near 0 would bring back nobody; its 10% discount
// comes off every order (AOV -10%). Reminders and on-site changes scale what users already do:
// relative lifts of 3-5% (the origin document reports 8-15% on repeat purchases for whole
// engagement campaigns). Change them with --effect, --relative and --guardrail-effect.
constexpr std::array<CampaignPreset, 4> kPresets = {{
    {"reactivation-discount", "", "a win-back discount (10% off the next order)",
     OutcomeMetric::kActive, OutcomeMetric::kRepeatPurchase, 0.02, false, -0.10,
     "Reactivation discount"},
    {"push-notification", "", "personalised push notifications", OutcomeMetric::kActiveDays,
     OutcomeMetric::kOrders, 0.05, true, 0.0, "Personalised push notification"},
    {"homepage-personalisation", "homepage-personalization", "a personalised homepage",
     OutcomeMetric::kEvents, OutcomeMetric::kRepeatPurchase, 0.03, true, 0.0,
     "Homepage personalisation"},
    {"recommendation-banner", "", "a recommendation banner", OutcomeMetric::kEvents,
     OutcomeMetric::kRevenue, 0.05, true, 0.0, "Recommendation banner"},
}};

}  // namespace

std::span<const CampaignPreset> CampaignPresets() {
  return kPresets;
}

const CampaignPreset* FindCampaign(std::string_view name) {
  const std::string key = NameKey(name);
  for (const CampaignPreset& preset : kPresets)
    if (NameKey(preset.name) == key || (!preset.alias.empty() && NameKey(preset.alias) == key))
      return &preset;
  return nullptr;
}

}  // namespace growthlens
