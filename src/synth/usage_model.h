#pragma once
// The behavioural model behind the synthetic usage log, in one place: who the users are
// (personas), how often they come back and for how long, which features they adopt, and how
// many events a feature-day holds. The numbers are tuned so that the default run (5,000
// users, one year, ten features) averages about 45 rows per user, and so that the analyses
// downstream find real structure: RFM quintiles separate the personas, cohorts decay, the
// core feature dominates, API and Integrations stay niche, weekends are quiet.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace growthlens::synth {

/// How one kind of user behaves. Activity on a day is a coin flip with probability
/// active_rate x weekday factor x decay^(days since signup), until the user's lifetime ends.
struct UsagePersona {
  std::string_view name;
  double share;               // of all users
  double active_rate;         // daily chance of activity on a weekday, before decay
  double active_rate_spread;  // sigma of a per-user log-normal multiplier on active_rate
  double mean_lifetime_days;  // exponential; no activity after signup + lifetime
  double half_life_days;      // activity halves every this many days; 0 = no decay
  double feature_breadth;     // multiplies each adopted feature's daily use probability
  double adoption_boost;      // multiplies each feature's adoption probability
  double mean_extra_events;   // mean events per feature-day, beyond the first
  double events_tail;         // Lomax shape of events per feature-day: smaller = heavier
};

// Power users are the engaged few who carry most of the volume; regulars come back a day or
// two a week; at-risk users start like regulars but fade (the churn a retention analysis
// should find); dormant users try the product and leave within weeks.
inline constexpr std::array<UsagePersona, 4> kUsagePersonas = {{
    {"power", 0.10, 0.62, 0.20, 3650.0, 0.0, 1.25, 1.6, 5.0, 2.4},
    {"regular", 0.35, 0.26, 0.35, 420.0, 0.0, 1.0, 1.0, 2.5, 2.6},
    {"at-risk", 0.25, 0.32, 0.35, 240.0, 35.0, 0.8, 0.8, 2.0, 2.8},
    {"dormant", 0.30, 0.35, 0.40, 10.0, 0.0, 0.6, 0.5, 1.0, 3.0},
}};

/// Share of users who signed up before the period; they appear only if still active in it.
inline constexpr double kPreStartSignupShare = 0.25;
/// How far before the period those signups go.
inline constexpr int kPreStartSignupWindowDays = 365;
/// Signups per day at the end of the period relative to its start (exponential growth).
inline constexpr double kSignupGrowth = 3.0;
/// Activity by weekday (Monday first): a B2B product, quiet at weekends.
inline constexpr std::array<double, 7> kWeekdayActivity = {1.0, 1.05, 1.05, 1.0, 0.85, 0.35, 0.3};
/// Below this daily chance an at-risk user is treated as churned and generation stops.
inline constexpr double kChurnedActivityRate = 0.002;
/// Sigma of the per-user log-normal noise on feature preferences (the "Dirichlet-ish" spread).
inline constexpr double kFeaturePreferenceSpread = 0.7;
/// Sigma of the per-user log-normal multiplier on events per feature-day.
inline constexpr double kUserIntensitySpread = 0.5;
/// Upper bound of events_count: keeps a freak Lomax draw from dominating every sum.
inline constexpr int kMaxEventsPerFeatureDay = 5000;

/// How one feature is used across the user base.
struct FeatureProfile {
  std::string_view name;
  double adoption;      // share of users who ever use it (before persona boosts)
  double daily_use;     // chance an adopter uses it on an active day
  double events_scale;  // relative events per feature-day (Search is clicky, Settings is not)
};

/// The default feature list; the first feature is the product's core.
inline constexpr std::array<FeatureProfile, 10> kDefaultFeatures = {{
    {"Dashboard", 0.97, 0.85, 1.2},
    {"Search", 0.78, 0.55, 1.6},
    {"Reports", 0.62, 0.35, 1.0},
    {"Export", 0.42, 0.18, 0.7},
    {"Sharing", 0.36, 0.16, 0.8},
    {"Notifications", 0.55, 0.30, 0.8},
    {"Settings", 0.45, 0.08, 0.5},
    {"Collaboration", 0.28, 0.25, 1.3},
    {"API", 0.045, 0.30, 3.0},
    {"Integrations", 0.06, 0.12, 0.6},
}};

/// The names of kDefaultFeatures, in order.
std::vector<std::string> DefaultFeatureNames();

/// The profile for a feature: a default feature's own profile when the name matches one
/// (ignoring case), otherwise a profile derived from its position in the list, decaying
/// from core-like (rank 0) to niche.
FeatureProfile ProfileForFeature(std::string_view name, size_t rank);

}  // namespace growthlens::synth
