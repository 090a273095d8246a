#pragma once
// The campaigns `growthlens experiment simulate` knows, after the second origin document:
// reactivation discounts, push notifications, homepage personalisation and recommendation
// banners. Each names the outcome it is meant to move (per data kind), the effect a team would
// plausibly assume before testing (absolute or relative), and for transactions the change of
// the average order value (the guardrail) that comes with it. The numbers are assumptions to start
// a plan from, stated in docs/ANALYTICS.md ("Campaign simulation"); every one can be overridden.
//
//   const CampaignPreset* preset = FindCampaign("Push notification");
//   OutcomeMetric metric = preset->MetricFor(dataset.kind());

#include <optional>
#include <span>
#include <string_view>

#include "core/dataset.h"
#include "metrics/window_outcomes.h"

namespace growthlens {

struct CampaignPreset {
  std::string_view name;       ///< "reactivation-discount"
  std::string_view alias;      ///< another accepted spelling, or empty
  std::string_view treatment;  ///< what the treatment arm gets, for the hypothesis sentence
  OutcomeMetric usage_metric;
  OutcomeMetric transactions_metric;
  double effect = 0.0;      ///< assumed effect on the metric
  bool relative = true;     ///< effect is a fraction of the baseline, else in the metric's unit
  double aov_effect = 0.0;  ///< assumed relative change of the average order value
  std::string_view label;   ///< what the dashboard shows: "Reactivation discount"

  OutcomeMetric MetricFor(DataKind kind) const {
    return ByKind(kind, usage_metric, transactions_metric);
  }
};

/// All presets, in the order of the origin document.
std::span<const CampaignPreset> CampaignPresets();

/// The preset whose name (or alias) has the NameKey of `name`.
const CampaignPreset* FindCampaign(std::string_view name);

}  // namespace growthlens
