#pragma once
// The behavioural model behind the synthetic event log, on top of the usage model
// (usage_model.h: personas, feature adoption, weekday seasonality, churn, signup growth),
// which decides on which days a user is active and which features they use. This file adds
// what an event log has and a usage log lacks: the onboarding funnel every new user goes
// through, the platform, and the clock: sessions at realistic times of day with events
// seconds to minutes apart.

#include <array>
#include <string_view>

namespace growthlens::synth {

/// One step of onboarding and the share of new users who ever reach it.
struct OnboardingStep {
  std::string_view event;
  double reached_share;  // of users who signed up in the period; non-increasing along the list
};

/// The onboarding funnel: 100% > 70% > 40% > 30% of signups, a typical B2B SaaS activation
/// funnel (most drop-off at inviting a teammate). Steps are taken in this order.
inline constexpr std::array<OnboardingStep, 4> kOnboardingSteps = {{
    {"sign_up", 1.00},
    {"create_project", 0.70},
    {"invite_teammate", 0.40},
    {"first_report", 0.30},
}};

/// Chance that a reached step follows the previous one in the same session; otherwise the
/// user comes back to it 1 + floor(Exponential(kOnboardingMeanDelayDays)) days later (never
/// after the user's last active day or the period's end).
inline constexpr double kOnboardingSameSessionShare = 0.65;
inline constexpr double kOnboardingMeanDelayDays = 3.0;

/// Platform, fixed per user, and the share of users on each.
struct PlatformShare {
  std::string_view name;
  double share;
};
inline constexpr std::array<PlatformShare, 3> kPlatforms = {{
    {"web", 0.62},
    {"ios", 0.21},
    {"android", 0.17},
}};

/// Relative chance that a session starts in each hour of the day (UTC, the product's users
/// sharing one region): quiet at night, a morning peak at 10:00, a lunch dip, an afternoon
/// peak at 14:00-15:00, a tail into the evening.
inline constexpr std::array<double, 24> kSessionStartByHour = {
    0.6, 0.4, 0.3, 0.3, 0.3, 0.5, 1.2, 2.6, 5.0, 7.5, 8.6, 8.0,
    6.0, 7.0, 8.2, 7.9, 6.6, 5.0, 3.4, 2.6, 2.2, 1.8, 1.3, 0.9};

/// A feature used n times on a day (the usage log's events_count) shows up as
/// 1 + floor(log4 n) events, at most this many: a visit, and repeat visits on heavy days.
inline constexpr int kMaxEventRowsPerFeatureDay = 4;
/// Sessions on an active day: 1 + Poisson((events that day - 1) / this), at most
/// kMaxSessionsPerDay; sessions are at least kSessionGapMinutes apart (the usual 30-minute
/// sessionisation rule finds them again).
inline constexpr double kEventsPerExtraSession = 4.0;
inline constexpr int kMaxSessionsPerDay = 4;
inline constexpr int kSessionGapMinutes = 30;
/// Seconds between consecutive events of a session: kMinEventGapSeconds +
/// Exponential(kMeanEventGapSeconds).
inline constexpr double kMinEventGapSeconds = 2.0;
inline constexpr double kMeanEventGapSeconds = 45.0;

}  // namespace growthlens::synth
