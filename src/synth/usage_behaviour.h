#pragma once
// The usage model of usage_model.h turned into draws, shared by the two generators that
// describe a SaaS product's users: the usage log (one row per feature-day) and the event log
// (one row per event). Both walk a user's active days through this class with the user's own
// random stream, so for the same seed the event log's users are active on exactly the days,
// and use exactly the features, that the usage log shows.
//
//   UsageBehaviour behaviour(start, end, features, seed);
//   Random rng = behaviour.StreamOf(user_idx);
//   UserScratch scratch;
//   const UsageUser user = behaviour.DrawUser(rng, scratch);
//   behaviour.ForEachFeatureDay(user, rng, scratch, [&](Day day, size_t feature, int64_t n) {
//   });

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/date.h"
#include "synth/random.h"
#include "synth/usage_model.h"

namespace growthlens::synth {

/// Per-user working memory, reused across the users of a block to avoid allocations.
struct UserScratch {
  std::vector<uint32_t> adopted;     // indices of the features this user ever uses
  std::vector<double> daily_use;     // per adopted feature: chance of use on an active day
  std::vector<double> events_scale;  // per adopted feature: Lomax multiplier for events
};

/// One user as drawn: who they are and the days they can be active on.
struct UsageUser {
  const UsagePersona* persona = nullptr;
  Day signup = 0;
  Day first_day = 0;    // first day in the period the user can be active: max(signup, start)
  Day last_day = 0;     // last such day (lifetime end or period end); < first_day = no rows
  double activity = 0;  // daily chance of activity on a weekday, before decay
  size_t fallback = 0;  // index into scratch.adopted of what a day with no feature drawn shows

  bool active_in_period() const { return first_day <= last_day; }
};

class UsageBehaviour {
 public:
  /// `features` are the feature names in order (the core feature first).
  UsageBehaviour(Day start, Day end, std::span<const std::string> features, uint64_t seed);

  Day start() const { return start_; }
  Day end() const { return end_; }
  /// The earliest signup any user can have.
  Day earliest_signup() const { return start_ - kPreStartSignupWindowDays; }
  size_t feature_count() const { return profiles_.size(); }

  /// User `user_idx`'s random stream: the same in every generator built on this model.
  Random StreamOf(int64_t user_idx) const {
    return Random::ForStream(seed_, StreamPurpose::kUsageUser, static_cast<uint64_t>(user_idx));
  }

  /// Draws a user's persona, signup, activity, lifetime and feature preferences (into
  /// `scratch`), in the stream order the usage log has always used.
  UsageUser DrawUser(Random& rng, UserScratch& scratch) const;

  /// Calls `visit(day, feature_idx, events_count)` for every feature the user uses on every
  /// active day, days ascending and features in list order within a day. The signup day is
  /// always active and every active day has at least one feature.
  template <typename Visit>
  void ForEachFeatureDay(const UsageUser& user, Random& rng, const UserScratch& scratch,
                         Visit&& visit) const {
    if (!user.active_in_period()) return;
    const UsagePersona& persona = *user.persona;
    const double daily_decay =
        persona.half_life_days > 0.0 ? std::exp(-std::log(2.0) / persona.half_life_days) : 1.0;
    double rate = user.activity * std::pow(daily_decay, user.first_day - user.signup);
    int weekday = WeekdayOf(user.first_day);
    auto use = [&](Day day, size_t adopted_idx) {
      const double extra = scratch.events_scale[adopted_idx] * rng.Lomax(persona.events_tail);
      const int64_t events =
          1 + static_cast<int64_t>(std::min(extra, double{kMaxEventsPerFeatureDay - 1}));
      visit(day, static_cast<size_t>(scratch.adopted[adopted_idx]), events);
    };
    for (Day day = user.first_day; day <= user.last_day; ++day) {
      // The signup day is always active: that is when a new user looks around.
      const bool active = day == user.signup || rng.Uniform() < rate * kWeekdayActivity[weekday];
      if (active) {
        bool any = false;
        for (size_t adopted_idx = 0; adopted_idx < scratch.adopted.size(); ++adopted_idx) {
          if (rng.Uniform() < scratch.daily_use[adopted_idx]) {
            use(day, adopted_idx);
            any = true;
          }
        }
        if (!any) use(day, user.fallback);
      }
      rate *= daily_decay;
      if (daily_decay < 1.0 && rate < kChurnedActivityRate) break;
      weekday = weekday == 6 ? 0 : weekday + 1;
    }
  }

 private:
  const UsagePersona& DrawPersona(Random& rng) const;
  Day DrawSignup(Random& rng) const;
  void DrawPreferences(const UsagePersona& persona, double intensity, Random& rng,
                       UserScratch& scratch) const;

  uint64_t seed_;
  Day start_;
  Day end_;
  std::vector<FeatureProfile> profiles_;
  std::vector<double> persona_thresholds_;  // cumulative persona shares
};

}  // namespace growthlens::synth
