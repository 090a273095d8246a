#include "synth/usage_generator.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "core/csv_field.h"
#include "core/stopwatch.h"
#include "synth/block_pipeline.h"
#include "synth/random.h"
#include "synth/row_buffer.h"

namespace growthlens::synth {
namespace {

/// About 45 rows and 1.8 MB of CSV per block of this many users: large enough to amortise a
/// gzip member and a hand-over between threads, small enough to keep both cores busy.
constexpr int64_t kUsersPerBlock = 1024;
constexpr size_t kDateWidth = 10;  // YYYY-MM-DD

/// A feature as the writer needs it: its CSV field (quoted when necessary) and its profile.
struct PreparedFeature {
  std::string csv_field;
  FeatureProfile profile;
};

/// Per-user working memory, reused across the users of a block to avoid allocations.
struct UserScratch {
  std::vector<uint32_t> adopted;     // indices of the features this user ever uses
  std::vector<double> daily_use;     // per adopted feature: chance of use on an active day
  std::vector<double> events_scale;  // per adopted feature: Lomax multiplier for events
};

/// Everything the generator reads, prepared once and shared read-only by the threads.
class UsageModel {
 public:
  explicit UsageModel(const UsageGeneratorOptions& options)
      : seed_(options.seed),
        start_(options.start),
        end_(options.end),
        first_table_day_(options.start - kPreStartSignupWindowDays) {
    size_t rank = 0;
    for (const std::string& name : options.features) {
      features_.push_back({QuoteCsvField(name), ProfileForFeature(name, rank++)});
      max_feature_width_ = std::max(max_feature_width_, features_.back().csv_field.size());
    }
    double cumulative = 0.0;
    for (const UsagePersona& persona : kUsagePersonas) {
      cumulative += persona.share;
      persona_thresholds_.push_back(cumulative);
    }
    persona_thresholds_.back() = 1.0;  // guard against the shares' rounding
    const auto table_days = static_cast<size_t>(end_ - first_table_day_ + 1);
    dates_.resize(table_days * kDateWidth);
    for (size_t day_idx = 0; day_idx < table_days; ++day_idx) {
      WriteDate(first_table_day_ + static_cast<Day>(day_idx), dates_.data() + day_idx * kDateWidth);
    }
  }

  /// Formats the rows of users [first_user, end_user) into `out`; returns the row count.
  int64_t WriteUsers(int64_t first_user, int64_t end_user, RowBuffer& out) const {
    UserScratch scratch;
    int64_t rows = 0;
    for (int64_t user_idx = first_user; user_idx < end_user; ++user_idx) {
      rows += WriteUser(user_idx, scratch, out);
    }
    return rows;
  }

 private:
  const char* DateText(Day day) const {
    return dates_.data() + static_cast<size_t>(day - first_table_day_) * kDateWidth;
  }

  const UsagePersona& DrawPersona(Random& rng) const {
    const double draw = rng.Uniform();
    size_t persona_idx = 0;
    while (draw >= persona_thresholds_[persona_idx]) ++persona_idx;
    return kUsagePersonas[persona_idx];
  }

  /// Signups grow exponentially through the period (a product that gains traction); a share
  /// of users predates it.
  Day DrawSignup(Random& rng) const {
    if (rng.Bernoulli(kPreStartSignupShare)) {
      return start_ - 1 - static_cast<Day>(rng.Below(kPreStartSignupWindowDays));
    }
    const double span = static_cast<double>(end_ - start_ + 1);
    const double position =
        std::log1p(rng.Uniform() * (kSignupGrowth - 1.0)) / std::log(kSignupGrowth);
    return start_ + std::min(static_cast<Day>(position * span), end_ - start_);
  }

  /// Draws which features this user adopts and how much they like each.
  void DrawPreferences(const UsagePersona& persona, double intensity, Random& rng,
                       UserScratch& scratch) const {
    constexpr double kMaxAdoption = 0.99;
    constexpr double kMaxDailyUse = 0.95;
    scratch.adopted.clear();
    scratch.daily_use.clear();
    scratch.events_scale.clear();
    const double events_base = persona.mean_extra_events * (persona.events_tail - 1.0) * intensity;
    for (size_t feature_idx = 0; feature_idx < features_.size(); ++feature_idx) {
      const FeatureProfile& profile = features_[feature_idx].profile;
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
      scratch.daily_use.push_back(features_[0].profile.daily_use);
      scratch.events_scale.push_back(events_base * features_[0].profile.events_scale);
    }
  }

  int64_t WriteUser(int64_t user_idx, UserScratch& scratch, RowBuffer& out) const {
    Random rng =
        Random::ForStream(seed_, StreamPurpose::kUsageUser, static_cast<uint64_t>(user_idx));
    const UsagePersona& persona = DrawPersona(rng);
    const Day signup = DrawSignup(rng);
    const double activity = rng.LogNormalFactor(persona.active_rate_spread) * persona.active_rate;
    const double lifetime_days = rng.Exponential(persona.mean_lifetime_days);
    const double intensity = rng.LogNormalFactor(kUserIntensitySpread);
    DrawPreferences(persona, intensity, rng, scratch);

    const Day first_day = std::max(signup, start_);
    const Day last_day = static_cast<Day>(
        std::min<double>(end_, static_cast<double>(signup) + std::floor(lifetime_days)));
    if (first_day > last_day) return 0;

    // A day with no feature drawn still shows the user something: the core feature (the
    // landing page) when adopted, else the user's favourite.
    const size_t fallback = scratch.adopted[0] == 0
                                ? 0
                                : static_cast<size_t>(std::max_element(scratch.daily_use.begin(),
                                                                       scratch.daily_use.end()) -
                                                      scratch.daily_use.begin());

    // "user_id,signup_date," is the same on every row of this user.
    char prefix[48];
    char* prefix_end = WriteUnsigned(static_cast<uint64_t>(user_idx + 1), prefix);
    *prefix_end++ = ',';
    prefix_end = WriteDate(signup, prefix_end);
    *prefix_end++ = ',';
    const auto prefix_width = static_cast<size_t>(prefix_end - prefix);
    const size_t max_row_width = prefix_width + kDateWidth + max_feature_width_ + 24;

    const double daily_decay =
        persona.half_life_days > 0.0 ? std::exp(-std::log(2.0) / persona.half_life_days) : 1.0;
    double rate = activity * std::pow(daily_decay, first_day - signup);
    int weekday = WeekdayOf(first_day);
    int64_t rows = 0;

    auto write_row = [&](Day day, size_t adopted_idx) {
      const double extra = scratch.events_scale[adopted_idx] * rng.Lomax(persona.events_tail);
      const int64_t events =
          1 + static_cast<int64_t>(std::min(extra, double{kMaxEventsPerFeatureDay - 1}));
      char* row = out.Reserve(max_row_width);
      row = WriteText({prefix, prefix_width}, row);
      row = WriteText({DateText(day), kDateWidth}, row);
      *row++ = ',';
      row = WriteText(features_[scratch.adopted[adopted_idx]].csv_field, row);
      *row++ = ',';
      row = WriteUnsigned(static_cast<uint64_t>(events), row);
      *row++ = '\n';
      out.Commit(row);
      ++rows;
    };

    for (Day day = first_day; day <= last_day; ++day) {
      // The signup day is always active: that is when a new user looks around.
      const bool active = day == signup || rng.Uniform() < rate * kWeekdayActivity[weekday];
      if (active) {
        const int64_t rows_before = rows;
        for (size_t adopted_idx = 0; adopted_idx < scratch.adopted.size(); ++adopted_idx) {
          if (rng.Uniform() < scratch.daily_use[adopted_idx]) write_row(day, adopted_idx);
        }
        if (rows == rows_before) write_row(day, fallback);
      }
      rate *= daily_decay;
      if (daily_decay < 1.0 && rate < kChurnedActivityRate) break;
      weekday = weekday == 6 ? 0 : weekday + 1;
    }
    return rows;
  }

  uint64_t seed_;
  Day start_;
  Day end_;
  Day first_table_day_;  // the earliest date a row can print (the earliest signup)
  std::vector<PreparedFeature> features_;
  size_t max_feature_width_ = 0;
  std::vector<double> persona_thresholds_;  // cumulative persona shares
  std::vector<char> dates_;                 // "YYYY-MM-DD" for every day from first_table_day_
};

}  // namespace

Status ValidateUsageOptions(const UsageGeneratorOptions& options) {
  GROWTHLENS_RETURN_IF_ERROR(ValidateEntityCount(options.users, "users"));
  GROWTHLENS_RETURN_IF_ERROR(ValidateDateRange(options.start, options.end));
  if (options.features.empty()) {
    return Status(ErrorCode::kInvalidArgument, "at least one feature name is needed");
  }
  std::unordered_set<std::string> seen;
  for (const std::string& name : options.features) {
    if (name.empty()) return Status(ErrorCode::kInvalidArgument, "a feature name is empty");
    if (std::any_of(name.begin(), name.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
      return Status(ErrorCode::kInvalidArgument,
                    "feature name '" + name + "' contains a control character");
    }
    if (!seen.insert(name).second) {
      return Status(ErrorCode::kInvalidArgument, "feature '" + name + "' is listed twice");
    }
  }
  if (options.threads < 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "the thread count must be 0 (automatic) or positive, got " +
                      std::to_string(options.threads));
  }
  return Status::Ok();
}

Result<GenerationSummary> GenerateUsageLog(const UsageGeneratorOptions& options, OutputSink& sink,
                                           const ProgressCallback& progress) {
  const Stopwatch stopwatch;
  GROWTHLENS_RETURN_IF_ERROR(ValidateUsageOptions(options));
  const UsageModel model(options);
  const BlockLayout layout{options.users, kUsersPerBlock, ResolveThreadCount(options.threads)};
  const BlockProducer produce = [&](int64_t block_idx, RowBuffer& out) {
    if (block_idx == 0) out.Append(kUsageLogHeader);
    const int64_t first_user = block_idx * kUsersPerBlock;
    return model.WriteUsers(first_user, std::min(options.users, first_user + kUsersPerBlock), out);
  };
  Result<GenerationSummary> summary = RunBlockPipeline(layout, produce, sink, progress);
  if (!summary.ok()) return summary.status();
  summary->seconds = stopwatch.Seconds();
  return summary;
}

}  // namespace growthlens::synth
