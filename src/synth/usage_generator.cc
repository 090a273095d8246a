#include "synth/usage_generator.h"

#include <algorithm>
#include <functional>
#include <span>
#include <unordered_set>

#include "core/csv_field.h"
#include "core/parallel.h"
#include "core/stopwatch.h"
#include "synth/block_pipeline.h"
#include "synth/row_buffer.h"
#include "synth/usage_behaviour.h"

namespace growthlens::synth {
namespace {

/// About 45 rows and 1.8 MB of CSV per block of this many users: large enough to amortise a
/// gzip member and a hand-over between threads, small enough to keep both cores busy.
constexpr int64_t kUsersPerBlock = 1024;
constexpr size_t kDateWidth = 10;  // YYYY-MM-DD
/// Rows per output block when the rows are rearranged first: about 1.8 MB of CSV.
constexpr int64_t kRowsPerBlock = 45 * kUsersPerBlock;

/// Formats the feature-days that UsageBehaviour draws as usage-log rows.
class UsageLogWriter {
 public:
  explicit UsageLogWriter(const UsageGeneratorOptions& options)
      : behaviour_(options.start, options.end, options.features, options.seed),
        first_table_day_(behaviour_.earliest_signup()) {
    for (const std::string& name : options.features) {
      feature_fields_.push_back(QuoteCsvField(name));
      max_feature_width_ = std::max(max_feature_width_, feature_fields_.back().size());
    }
    const auto table_days = static_cast<size_t>(options.end - first_table_day_ + 1);
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

  /// Draws the rows of users [first_user, end_user) into `out` (in user order) and each
  /// active user's signup into `signups`, for rows to be rearranged before formatting.
  void DrawUsers(int64_t first_user, int64_t end_user, std::vector<FeatureDayRow>& out,
                 std::span<Day> signups) const {
    UserScratch scratch;
    for (int64_t user_idx = first_user; user_idx < end_user; ++user_idx) {
      Random rng = behaviour_.StreamOf(user_idx);
      const UsageUser user = behaviour_.DrawUser(rng, scratch);
      if (!user.active_in_period()) continue;
      signups[static_cast<size_t>(user_idx)] = user.signup;
      behaviour_.ForEachFeatureDay(
          user, rng, scratch, [&](Day day, size_t feature, int64_t events) {
            out.push_back({static_cast<uint32_t>(user_idx), day, static_cast<uint32_t>(feature),
                           static_cast<uint32_t>(events)});
          });
    }
  }

  /// Formats `rows` as CSV into `out`; returns their number. The same bytes per row as
  /// WriteUsers.
  int64_t FormatRows(std::span<const FeatureDayRow> rows, std::span<const Day> signups,
                     RowBuffer& out) const {
    const size_t max_row_width = 48 + kDateWidth + max_feature_width_ + 24;
    for (const FeatureDayRow& source : rows) {
      char* row = out.Reserve(max_row_width);
      row = WriteUnsigned(uint64_t{source.user} + 1, row);
      *row++ = ',';
      row = WriteText({DateText(signups[source.user]), kDateWidth}, row);
      *row++ = ',';
      row = WriteText({DateText(source.day), kDateWidth}, row);
      *row++ = ',';
      row = WriteText(feature_fields_[source.feature], row);
      *row++ = ',';
      row = WriteUnsigned(source.events, row);
      *row++ = '\n';
      out.Commit(row);
    }
    return static_cast<int64_t>(rows.size());
  }

 private:
  const char* DateText(Day day) const {
    return dates_.data() + static_cast<size_t>(day - first_table_day_) * kDateWidth;
  }

  int64_t WriteUser(int64_t user_idx, UserScratch& scratch, RowBuffer& out) const {
    Random rng = behaviour_.StreamOf(user_idx);
    const UsageUser user = behaviour_.DrawUser(rng, scratch);
    if (!user.active_in_period()) return 0;

    // "user_id,signup_date," is the same on every row of this user.
    char prefix[48];
    char* prefix_end = WriteUnsigned(static_cast<uint64_t>(user_idx + 1), prefix);
    *prefix_end++ = ',';
    prefix_end = WriteDate(user.signup, prefix_end);
    *prefix_end++ = ',';
    const auto prefix_width = static_cast<size_t>(prefix_end - prefix);
    const size_t max_row_width = prefix_width + kDateWidth + max_feature_width_ + 24;

    int64_t rows = 0;
    behaviour_.ForEachFeatureDay(user, rng, scratch, [&](Day day, size_t feature, int64_t events) {
      char* row = out.Reserve(max_row_width);
      row = WriteText({prefix, prefix_width}, row);
      row = WriteText({DateText(day), kDateWidth}, row);
      *row++ = ',';
      row = WriteText(feature_fields_[feature], row);
      *row++ = ',';
      row = WriteUnsigned(static_cast<uint64_t>(events), row);
      *row++ = '\n';
      out.Commit(row);
      ++rows;
    });
    return rows;
  }

  UsageBehaviour behaviour_;
  Day first_table_day_;  // the earliest date a row can print (the earliest signup)
  std::vector<std::string> feature_fields_;  // CSV fields, quoted when necessary
  size_t max_feature_width_ = 0;
  std::vector<char> dates_;  // "YYYY-MM-DD" for every day from first_table_day_
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

namespace {

/// The log in time or shuffled order: every block of users is drawn into compact rows on all
/// threads, the rows are rearranged (row_order.h), then formatted in blocks of rows. Holds
/// the rows twice at the peak (32 bytes a row) where the user order streams in fixed memory.
Result<GenerationSummary> GenerateArrangedLog(const UsageGeneratorOptions& options,
                                              const UsageLogWriter& writer, OutputSink& sink,
                                              const ProgressCallback& progress) {
  const Stopwatch stopwatch;
  const int threads = ResolveThreadCount(options.threads);
  const int64_t user_blocks = (options.users + kUsersPerBlock - 1) / kUsersPerBlock;
  std::vector<std::vector<FeatureDayRow>> runs(static_cast<size_t>(user_blocks));
  std::vector<Day> signups(static_cast<size_t>(options.users), options.start);
  ParallelFor(runs.size(), static_cast<unsigned>(threads), [&](size_t block) {
    const auto first_user = static_cast<int64_t>(block) * kUsersPerBlock;
    writer.DrawUsers(first_user, std::min(options.users, first_user + kUsersPerBlock), runs[block],
                     signups);
  });
  const std::vector<FeatureDayRow> rows =
      ArrangeRows(runs, options.order, options.start, options.end, options.seed, threads);

  const auto row_count = static_cast<int64_t>(rows.size());
  // Progress is in users, as for the user order: the share of rows written, scaled.
  const ProgressCallback user_progress = [&](const GenerationProgress& step) {
    if (!progress) return;
    GenerationProgress scaled = step;
    scaled.entities_total = options.users;
    scaled.entities_done = row_count == 0
                               ? options.users
                               : static_cast<int64_t>(static_cast<double>(options.users) *
                                                      static_cast<double>(step.entities_done) /
                                                      static_cast<double>(row_count));
    progress(scaled);
  };
  // At least one block, so that the header is written even when no user was active.
  const BlockLayout layout{std::max<int64_t>(row_count, 1), kRowsPerBlock, threads};
  Result<GenerationSummary> summary = RunEntityBlocks(
      layout, kUsageLogHeader,
      [&](int64_t first_row, int64_t end_row, RowBuffer& out) {
        end_row = std::min(end_row, row_count);
        if (first_row >= end_row) return int64_t{0};
        return writer.FormatRows(std::span(rows).subspan(static_cast<size_t>(first_row),
                                                         static_cast<size_t>(end_row - first_row)),
                                 signups, out);
      },
      sink, user_progress);
  if (!summary.ok()) return summary.status();
  summary->entities = options.users;
  summary->seconds = stopwatch.Seconds();
  return summary;
}

}  // namespace

Result<GenerationSummary> GenerateUsageLog(const UsageGeneratorOptions& options, OutputSink& sink,
                                           const ProgressCallback& progress) {
  GROWTHLENS_RETURN_IF_ERROR(ValidateUsageOptions(options));
  const UsageLogWriter writer(options);
  if (options.order != RowOrder::kUser) {
    return GenerateArrangedLog(options, writer, sink, progress);
  }
  return RunEntityBlocks({options.users, kUsersPerBlock, ResolveThreadCount(options.threads)},
                         kUsageLogHeader, std::bind_front(&UsageLogWriter::WriteUsers, &writer),
                         sink, progress);
}

}  // namespace growthlens::synth
