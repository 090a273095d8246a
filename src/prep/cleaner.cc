#include "prep/cleaner.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "core/parallel.h"
#include "prep/dataset_builder.h"
#include "prep/duplicate_finder.h"

namespace growthlens {

namespace {

// A row status that is neither kept nor a rule: an unparsable date with invalid_date off.
constexpr uint8_t kUnparsableDateStatus = 0xFE;

class RowRules {
 public:
  RowRules(const StagedTable& table, const CleaningOptions& options)
      : kind_(table.mapping.kind), options_(options) {
    const StringDictionary& invoices = table.dictionaries.invoices;
    cancelled_invoice_.resize(invoices.size());
    for (uint32_t code = 0; code < invoices.size(); ++code)
      cancelled_invoice_[code] = invoices[code].starts_with('C') || invoices[code].starts_with('c');
  }

  /// The first rule (after duplicates) that rejects the row, or kKeepRow.
  uint8_t Evaluate(const StagedChunk& chunk, size_t row) const {
    if (On(CleaningRule::kMissingId) && chunk.user[row] == kNullCode)
      return Code(CleaningRule::kMissingId);
    if (kind_ == DataKind::kUsage) {
      const Day day = chunk.day[row];
      const Day signup = chunk.signup[row];
      if (On(CleaningRule::kInvalidDate) &&
          (OutOfRange(day) || signup == kInvalidDay || (signup != kNoDay && OutOfRange(signup))))
        return Code(CleaningRule::kInvalidDate);
      if (day == kInvalidDay) return kUnparsableDateStatus;
      if (On(CleaningRule::kNonPositiveEvents) && chunk.events[row] <= 0)
        return Code(CleaningRule::kNonPositiveEvents);
      if (On(CleaningRule::kEventBeforeSignup) && signup != kNoDay && signup != kInvalidDay &&
          day < signup)
        return Code(CleaningRule::kEventBeforeSignup);
      return kKeepRow;
    }
    const Timestamp time = chunk.time[row];
    if (On(CleaningRule::kInvalidDate) && (time == kInvalidTime || OutOfRange(DayOf(time))))
      return Code(CleaningRule::kInvalidDate);
    if (time == kInvalidTime) return kUnparsableDateStatus;
    if (On(CleaningRule::kCancelled) && cancelled_invoice_[chunk.invoice[row]])
      return Code(CleaningRule::kCancelled);
    if (On(CleaningRule::kNonPositiveQuantity) && chunk.quantity[row] <= 0)
      return Code(CleaningRule::kNonPositiveQuantity);
    if (On(CleaningRule::kNonPositivePrice) && !(chunk.price[row] > 0))
      return Code(CleaningRule::kNonPositivePrice);
    return kKeepRow;
  }

  bool OutOfRange(Day day) const {
    return day == kInvalidDay || day < options_.min_date || day >= options_.max_date;
  }

 private:
  static uint8_t Code(CleaningRule rule) { return static_cast<uint8_t>(rule); }
  bool On(CleaningRule rule) const { return options_.IsEnabled(rule); }

  DataKind kind_;
  const CleaningOptions& options_;
  std::vector<uint8_t> cancelled_invoice_;
};

// What to show for a row a rule dropped: the column and value that made it fail.
RowExample DescribeDrop(const StagedTable& table, const StagedChunk& chunk, size_t row,
                        CleaningRule rule, const RowRules& rules) {
  const ColumnMapping& mapping = table.mapping;
  const StagedDictionaries& dictionaries = table.dictionaries;
  const bool usage = mapping.kind == DataKind::kUsage;
  RowExample example{chunk.lines.LineOf(static_cast<uint32_t>(row)), "", "",
                     CleaningRuleDescription(rule, mapping.kind)};
  switch (rule) {
    case CleaningRule::kDuplicate:
      break;
    case CleaningRule::kMissingId:
      example.column = mapping.NameOf(Role::kUser);
      break;
    case CleaningRule::kInvalidDate: {
      // An unparsable date shows its text; otherwise the date that is out of range.
      const auto unparsable =
          std::lower_bound(chunk.unparsable_dates.begin(), chunk.unparsable_dates.end(), row,
                           [](const StagedChunk::UnparsableDate& entry, size_t wanted) {
                             return entry.row < wanted;
                           });
      if (unparsable != chunk.unparsable_dates.end() && unparsable->row == row) {
        example.column = mapping.NameOf(unparsable->role);
        example.value = chunk.unparsable_date_texts[unparsable->text];
        example.message = "expected " + table.date_expectation;
        break;
      }
      const bool event_in_range =
          usage ? !rules.OutOfRange(chunk.day[row]) : !rules.OutOfRange(DayOf(chunk.time[row]));
      if (usage && event_in_range) {
        example.column = mapping.NameOf(Role::kSignup);
        example.value = FormatDate(chunk.signup[row]);
      } else {
        example.column = mapping.NameOf(Role::kTime);
        example.value = usage ? FormatDate(chunk.day[row]) : FormatTimestamp(chunk.time[row]);
      }
      example.message = "date outside the accepted range (--min-date, --max-date)";
      break;
    }
    case CleaningRule::kCancelled:
      example.column = mapping.NameOf(Role::kOrder);
      example.value = dictionaries.invoices[chunk.invoice[row]];
      break;
    case CleaningRule::kNonPositiveQuantity:
      example.column = mapping.NameOf(Role::kCount);
      example.value = std::to_string(chunk.quantity[row]);
      break;
    case CleaningRule::kNonPositivePrice:
      example.column = mapping.NameOf(mapping.Has(Role::kPrice) ? Role::kPrice : Role::kAmount);
      example.value = fmt::format("{}", chunk.price[row]);
      break;
    case CleaningRule::kNonPositiveEvents:
      example.column = mapping.NameOf(Role::kCount);
      example.value = std::to_string(chunk.events[row]);
      break;
    case CleaningRule::kEventBeforeSignup:
      example.column = mapping.NameOf(Role::kTime);
      example.value =
          fmt::format("{} (signup {})", FormatDate(chunk.day[row]), FormatDate(chunk.signup[row]));
      break;
  }
  return example;
}

}  // namespace

Result<CleanedData> CleanStagedTable(CsvReadResult&& read, const CleaningOptions& options,
                                     unsigned threads, bool strict, size_t max_examples) {
  const auto start = std::chrono::steady_clock::now();
  StagedTable& table = read.table;
  const DataKind kind = table.mapping.kind;

  std::vector<std::vector<uint8_t>> status(table.chunks.size());
  const RowRules rules(table, options);
  ParallelFor(table.chunks.size(), threads, [&](size_t chunk_idx) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    std::vector<uint8_t>& chunk_status = status[chunk_idx];
    chunk_status.resize(chunk.rows());
    for (size_t row = 0; row < chunk.rows(); ++row) chunk_status[row] = rules.Evaluate(chunk, row);
  });
  // Duplicates come first in the rule order, so they override what the other rules said.
  if (options.IsEnabled(CleaningRule::kDuplicate))
    MarkDuplicateRows(table, status, static_cast<uint8_t>(CleaningRule::kDuplicate), threads);

  CleanedData cleaned;
  CleaningReport& report = cleaned.report;
  report.source = read.source;
  report.kind = kind;
  report.schema = table.mapping.schema;
  for (size_t role_idx = 0; role_idx < kRoleCount; ++role_idx) {
    const auto role = static_cast<Role>(role_idx);
    if (table.mapping.Has(role))
      report.columns.emplace_back(RoleName(role), table.mapping.NameOf(role));
  }
  report.records = table.records;
  report.blank_lines = table.blank_lines;
  report.malformed = table.issue_counts;
  report.malformed_examples = table.issue_examples;
  for (CleaningRule rule : kAllCleaningRules) {
    RuleOutcome& outcome = report.rules[static_cast<size_t>(rule)];
    outcome.rule = rule;
    outcome.enabled = options.IsEnabled(rule);
    outcome.applies = RuleAppliesTo(rule, kind);
  }
  const auto unparsable_idx = static_cast<size_t>(ParseIssue::kUnparsableDate);
  for (size_t chunk_idx = 0; chunk_idx < status.size(); ++chunk_idx) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    for (size_t row = 0; row < status[chunk_idx].size(); ++row) {
      const uint8_t row_status = status[chunk_idx][row];
      if (row_status == kKeepRow) {
        ++report.rows_kept;
      } else if (row_status == kUnparsableDateStatus) {
        ++report.malformed[unparsable_idx];
        if (report.malformed_examples[unparsable_idx].size() < max_examples)
          report.malformed_examples[unparsable_idx].push_back(
              DescribeDrop(table, chunk, row, CleaningRule::kInvalidDate, rules));
      } else {
        RuleOutcome& outcome = report.rules[row_status];
        ++outcome.dropped;
        if (outcome.examples.size() < max_examples)
          outcome.examples.push_back(DescribeDrop(table, chunk, row, outcome.rule, rules));
      }
    }
  }
  if (strict && report.MalformedTotal() > 0)
    return Status(ErrorCode::kDataError,
                  fmt::format("--strict: {} malformed row(s); the first: {}",
                              report.MalformedTotal(), report.FirstMalformedMessage()));

  BuildOutcome built = BuildDataset(table, status, threads);
  cleaned.dataset = std::move(built.dataset);
  report.signup_conflicts = built.signup_conflicts;
  report.clean_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return cleaned;
}

}  // namespace growthlens
