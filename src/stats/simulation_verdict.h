#pragma once
// Is a simulated campaign worth running on its segment? The answer rests on the power
// achieved (simulation.h), the share of simulated experiments that found the assumed effect:
//   worth running      power achieved >= the target power (0.8 by default);
//   underpowered       below it: the reason gives the users per arm the planner needs and the
//                      smallest effect these users can detect;
//   no effect assumed  the assumed effect is 0 (an A/A test: the rejections estimate alpha);
//   cannot tell        no test was possible (the outcome is the same for every user) or a
//                      relative effect on a baseline of 0, which changes nothing.
// The guardrail is reported apart and does not change the decision.
//
//   CampaignVerdict verdict = JudgeCampaign(simulation->goal, options);

#include <string>

#include "stats/simulation.h"

namespace growthlens::stats {

enum class CampaignDecision { kWorthRunning, kUnderpowered, kNoEffect, kCannotTell };

/// "worth running", "underpowered", "no effect assumed", "cannot tell"
const char* CampaignDecisionName(CampaignDecision decision);

struct CampaignVerdict {
  CampaignDecision decision = CampaignDecision::kCannotTell;
  std::string reason;  ///< one sentence with the numbers it rests on
};

CampaignVerdict JudgeCampaign(const GoalSimulation& goal, size_t users,
                              const SimulationOptions& options);

/// The assumed effect as given: "+10.0%" (relative), "+2.00 points (+14.3%)" (absolute, a
/// rate) or "+0.25 (+3.1%)" (absolute, a mean).
std::string EffectText(const GoalSimulation& goal);

}  // namespace growthlens::stats
