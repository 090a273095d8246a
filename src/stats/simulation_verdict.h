#pragma once
// Is a simulated campaign worth running on its segment? The answer rests on the power
// achieved (simulation.h), the share of simulated experiments that found the assumed effect:
//   worth running      power achieved >= the target power (0.8 by default);
//   underpowered       below it: the reason gives the users per arm the planner needs and the
//                      smallest effect these users can detect;
//   no effect assumed  the assumed effect is 0 (an A/A test: the rejections estimate alpha);
//   cannot tell        no test was possible (the outcome is the same for every user) or a
//                      relative effect on a baseline of 0, which changes nothing.
// The guardrail is reported apart and does not change the decision. AdviseCampaign turns the
// verdict into what to do, with the smallest lift the segment can detect and how many times
// its users a test would need, so that a matrix with nothing powered still ranks what is
// closest.
//
//   CampaignVerdict verdict = JudgeCampaign(simulation->goal, options);

#include <optional>
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

/// What to do with a campaign on a segment, useful when it is not powered too:
///   run now           power achieved >= the target;
///   within reach      the planner needs at most kWithinReach times the segment's users: pool
///                     it with similar users or run it on a longer window;
///   big lifts only    it needs more than that: worth running only if the lift expected is at
///                     least the smallest one these users detect (the MDE at the segment size);
///   not testable      cannot tell, or no effect assumed.
enum class CampaignAction { kRunNow, kWithinReach, kBigLiftsOnly, kNotTestable };
inline constexpr double kWithinReach = 4.0;

/// "run now", "within reach", "big lifts only", "not testable"
const char* CampaignActionName(CampaignAction action);

struct CampaignAdvice {
  CampaignAction action = CampaignAction::kNotTestable;
  /// Users the planner needs in all over the segment's users (> 1: more than there are).
  std::optional<double> needed_multiple;
  std::string text;  ///< one sentence with the numbers it rests on
};

CampaignAdvice AdviseCampaign(const GoalSimulation& goal, size_t users,
                              const SimulationOptions& options, const CampaignVerdict& verdict);

/// The assumed effect as given: "+10.0%" (relative), "+2.00 points (+14.3%)" (absolute, a
/// rate) or "+0.25 (+3.1%)" (absolute, a mean).
std::string EffectText(const GoalSimulation& goal);

}  // namespace growthlens::stats
