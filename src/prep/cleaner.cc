#include "prep/cleaner.h"

#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

#include "core/parallel.h"
#include "core/stopwatch.h"
#include "prep/cancellation_netting.h"
#include "prep/dataset_builder.h"
#include "prep/duplicate_finder.h"

namespace growthlens {

namespace {

// Without branches (bitwise ors), so that the row rules vectorize.
bool DayOutOfRange(Day day, Day min_date, Day max_date) {
  return (day == kInvalidDay) | (day < min_date) | (day >= max_date);
}

// A row status that is neither kept nor a rule: an unparsable date with invalid_date off.
constexpr uint8_t kUnparsableDateStatus = 0xFE;

// Rows whose staged signups RowRules decodes at once (on the stack: 16 KB).
constexpr size_t kSignupBlockRows = 4096;

class RowRules {
 public:
  RowRules(const StagedTable& table, const CleaningOptions& options)
      : kind_(table.mapping.kind), options_(options) {
    const StringDictionary& invoices = table.dictionaries.invoices;
    cancelled_invoice_.resize(invoices.size());
    for (uint32_t code = 0; code < invoices.size(); ++code)
      cancelled_invoice_[code] = invoices[code].starts_with('C') || invoices[code].starts_with('c');
  }

  /// Sets status[row] for the rows [begin, end) of the chunk: the first rule (after
  /// duplicates) that rejects the row, or kKeepRow. Columns and options are held in locals:
  /// each status written is a byte store, which the compiler must assume changes anything in
  /// memory.
  void Evaluate(const StagedChunk& chunk, size_t begin, size_t end, uint8_t* status) const {
    const bool missing_id = On(CleaningRule::kMissingId);
    const bool invalid_date = On(CleaningRule::kInvalidDate);
    const Day min_date = options_.min_date;
    const Day max_date = options_.max_date;
    auto out_of_range = [=](Day day) { return DayOutOfRange(day, min_date, max_date); };
    const uint32_t* user = chunk.user.data();
    if (ByKind(kind_, true, false)) {
      const bool non_positive_events = On(CleaningRule::kNonPositiveEvents);
      const bool before_signup = On(CleaningRule::kEventBeforeSignup);
      const Day* days = chunk.day.data();
      // The staged signups decoded for this block (the cleaning pass hands blocks of at most
      // kBlockRows rows; longer ranges go in parts).
      std::array<Day, kSignupBlockRows> signup_block;
      const int32_t* events = chunk.events.data();
      // Without branches, so that the compiler evaluates many rows at once: each rule, from
      // the last to the first, overrides what the later ones said.
      auto evaluate = [&](size_t row, Day signup) {
        const Day day = days[row];
        const bool has_signup = (signup != kNoDay) & (signup != kInvalidDay);
        uint8_t verdict = kKeepRow;
        const bool day_out = out_of_range(day);
        const bool signup_out = out_of_range(signup);
        verdict = (before_signup & has_signup & (day < signup))
                      ? Code(CleaningRule::kEventBeforeSignup)
                      : verdict;
        verdict = (non_positive_events & (events[row] <= 0))
                      ? Code(CleaningRule::kNonPositiveEvents)
                      : verdict;
        verdict = day == kInvalidDay ? kUnparsableDateStatus : verdict;
        verdict =
            (invalid_date & (day_out | (signup == kInvalidDay) | ((signup != kNoDay) & signup_out)))
                ? Code(CleaningRule::kInvalidDate)
                : verdict;
        verdict =
            (missing_id & (user[row] == kNullCode)) ? Code(CleaningRule::kMissingId) : verdict;
        return verdict;
      };
      for (size_t part = begin; part < end; part += kSignupBlockRows) {
        const size_t part_end = std::min(end, part + kSignupBlockRows);
        chunk.signup.Decode(part, part_end, days, signup_block.data());
        for (size_t row = part; row < part_end; ++row)
          status[row] = evaluate(row, signup_block[row - part]);
      }
      return;
    }
    const bool cancelled = On(CleaningRule::kCancelled);
    const bool non_positive_quantity = On(CleaningRule::kNonPositiveQuantity);
    const bool non_positive_price = On(CleaningRule::kNonPositivePrice);
    const Timestamp* times = chunk.time.data();
    const uint32_t* invoices = chunk.invoice.data();
    const int32_t* quantities = chunk.quantity.data();
    const double* prices = chunk.price.data();
    const uint8_t* cancelled_invoice = cancelled_invoice_.data();
    auto evaluate = [&](size_t row) {
      if (missing_id && user[row] == kNullCode) return Code(CleaningRule::kMissingId);
      const Timestamp time = times[row];
      if (invalid_date && (time == kInvalidTime || out_of_range(DayOf(time))))
        return Code(CleaningRule::kInvalidDate);
      if (time == kInvalidTime) return kUnparsableDateStatus;
      if (cancelled && cancelled_invoice[invoices[row]]) return Code(CleaningRule::kCancelled);
      if (non_positive_quantity && quantities[row] <= 0)
        return Code(CleaningRule::kNonPositiveQuantity);
      if (non_positive_price && !(prices[row] > 0)) return Code(CleaningRule::kNonPositivePrice);
      return kKeepRow;
    };
    for (size_t row = begin; row < end; ++row) status[row] = evaluate(row);
  }

  bool OutOfRange(Day day) const {
    return DayOutOfRange(day, options_.min_date, options_.max_date);
  }

 private:
  static uint8_t Code(CleaningRule rule) { return static_cast<uint8_t>(rule); }
  bool On(CleaningRule rule) const { return options_.IsEnabled(rule); }

  DataKind kind_;
  const CleaningOptions& options_;
  std::vector<uint8_t> cancelled_invoice_;
};

// Cancellation lines without a purchase to net listed in the report; the rest are counted.
constexpr size_t kListedUnmatchedCancellations = 100;

// Rows the cleaning pass reads at once, so that the rules, the kept codes and the duplicate
// scan each go over a block while it is in cache (18 bytes per usage row: 150 KB).
constexpr size_t kBlockRows = 8192;

// One chunk's part of the report: rows per status, and the first rows of each status.
struct StatusTally {
  std::array<uint64_t, 256> rows{};
  std::array<std::vector<uint32_t>, 256> first;  // empty for kKeepRow
};

StatusTally TallyChunk(const std::vector<uint8_t>& status, size_t kept, size_t max_examples) {
  StatusTally tally;
  tally.rows[kKeepRow] = kept;
  if (kept == status.size()) return tally;
  for (size_t row = 0; row < status.size(); ++row) {
    const uint8_t row_status = status[row];
    if (row_status == kKeepRow) continue;
    ++tally.rows[row_status];
    if (tally.first[row_status].size() < max_examples)
      tally.first[row_status].push_back(static_cast<uint32_t>(row));
  }
  return tally;
}

// What to show for a row a rule dropped: the column and value that made it fail.
RowExample DescribeDrop(const StagedTable& table, size_t chunk_idx, size_t row, CleaningRule rule,
                        const RowRules& rules, const NettingReport& netting) {
  const StagedChunk& chunk = table.chunks[chunk_idx];
  const ColumnMapping& mapping = table.mapping;
  const StagedDictionaries& dictionaries = table.dictionaries;
  const bool usage = ByKind(mapping.kind, true, false);
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
        example.value = FormatDate(chunk.signup.Of(row, chunk.day[row]));
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
    case CleaningRule::kNetCancellations: {
      example.column = mapping.NameOf(Role::kOrder);
      example.value = std::string(dictionaries.invoices[chunk.invoice[row]]);
      const uint32_t by = netting.RemovedBy(chunk_idx, row);
      if (by != kNullCode)
        example.message =
            fmt::format("{} units of {} cancelled by {}", chunk.quantity[row],
                        dictionaries.stock_codes[chunk.stock_code[row]], dictionaries.invoices[by]);
      break;
    }
    case CleaningRule::kNonPositiveEvents:
      example.column = mapping.NameOf(Role::kCount);
      example.value = std::to_string(chunk.events[row]);
      break;
    case CleaningRule::kEventBeforeSignup:
      example.column = mapping.NameOf(Role::kTime);
      example.value = fmt::format("{} (signup {})", FormatDate(chunk.day[row]),
                                  FormatDate(chunk.signup.Of(row, chunk.day[row])));
      break;
  }
  return example;
}

}  // namespace

Result<CleanedData> CleanStagedTable(CsvReadResult&& read, const CleaningOptions& options,
                                     unsigned threads, bool strict, size_t max_examples) {
  const Stopwatch stopwatch;
  StagedTable& table = read.table;
  const DataKind kind = table.mapping.kind;

  // One pass over each chunk: the rules, the codes kept rows use, and the duplicates within
  // runs (which override the rules: they come first in the rule order).
  std::vector<std::vector<uint8_t>> status(table.chunks.size());
  const RowRules rules(table, options);
  const bool find_duplicates = options.IsEnabled(CleaningRule::kDuplicate);
  DuplicateFinder duplicates(table, static_cast<uint8_t>(CleaningRule::kDuplicate));
  KeptRows kept_rows(table);
  ParallelFor(table.chunks.size(), threads, [&](size_t chunk_idx) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    std::vector<uint8_t>& chunk_status = status[chunk_idx];
    chunk_status.resize(chunk.rows());
    kept_rows.StartChunk(chunk_idx);
    std::optional<DuplicateFinder::ChunkScan> scan;
    if (find_duplicates) scan.emplace(duplicates.ScanChunk(chunk_idx, chunk_status));
    for (size_t begin = 0; begin < chunk.rows(); begin += kBlockRows) {
      const size_t end = std::min(chunk.rows(), begin + kBlockRows);
      rules.Evaluate(chunk, begin, end, chunk_status.data());
      kept_rows.AddCodes(chunk_idx, chunk_status, begin, end);
      if (scan) scan->ScanTo(end);
    }
    if (scan) scan->Finish();
  });
  if (find_duplicates) duplicates.MarkAcrossRuns(status, threads);

  CleanedData cleaned;
  CleaningReport& report = cleaned.report;
  if (ByKind(kind, false, true) && options.IsEnabled(CleaningRule::kNetCancellations))
    NetCancellations(table, status, static_cast<uint8_t>(CleaningRule::kCancelled),
                     static_cast<uint8_t>(CleaningRule::kNonPositiveQuantity),
                     static_cast<uint8_t>(CleaningRule::kNetCancellations), threads,
                     kListedUnmatchedCancellations, report.netting);

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
  report.filtered_out = table.filtered_out;
  report.filtered_examples = std::move(table.filtered_examples);
  for (const RowFilter& filter : table.mapping.where)
    report.where.push_back(filter.name + "=" + filter.value);
  for (const StagedProperty& property : table.properties)
    report.properties.push_back(property.name);
  report.property_notes = table.property_notes;
  report.malformed = table.issue_counts;
  report.malformed_examples = table.issue_examples;
  for (CleaningRule rule : kAllCleaningRules) {
    RuleOutcome& outcome = report.rules[static_cast<size_t>(rule)];
    outcome.rule = rule;
    outcome.enabled = options.IsEnabled(rule);
    outcome.applies = RuleAppliesTo(rule, kind);
  }
  std::vector<StatusTally> tallies(table.chunks.size());
  ParallelFor(table.chunks.size(), threads, [&](size_t chunk_idx) {
    kept_rows.Count(chunk_idx, status[chunk_idx]);
    tallies[chunk_idx] = TallyChunk(status[chunk_idx], kept_rows.InChunk(chunk_idx), max_examples);
  });
  // Chunks in file order, so the examples are the first rows of each reason.
  const auto unparsable_idx = static_cast<size_t>(ParseIssue::kUnparsableDate);
  for (size_t chunk_idx = 0; chunk_idx < tallies.size(); ++chunk_idx) {
    const StatusTally& tally = tallies[chunk_idx];
    report.rows_kept += tally.rows[kKeepRow];
    report.malformed[unparsable_idx] += tally.rows[kUnparsableDateStatus];
    for (uint32_t row : tally.first[kUnparsableDateStatus])
      if (report.malformed_examples[unparsable_idx].size() < max_examples)
        report.malformed_examples[unparsable_idx].push_back(
            DescribeDrop(table, chunk_idx, row, CleaningRule::kInvalidDate, rules, report.netting));
    for (RuleOutcome& outcome : report.rules) {
      const auto rule_status = static_cast<size_t>(outcome.rule);
      outcome.dropped += tally.rows[rule_status];
      for (uint32_t row : tally.first[rule_status])
        if (outcome.examples.size() < max_examples)
          outcome.examples.push_back(
              DescribeDrop(table, chunk_idx, row, outcome.rule, rules, report.netting));
    }
  }
  if (strict && report.MalformedTotal() > 0)
    return Status(ErrorCode::kDataError,
                  fmt::format("--strict: {} malformed row(s); the first: {}",
                              report.MalformedTotal(), report.FirstMalformedMessage()));

  BuildOutcome built = BuildDataset(table, status, kept_rows, threads);
  cleaned.dataset = std::move(built.dataset);
  if (TransactionLog* transactions = cleaned.dataset.As<TransactionLog>())
    MarkNonProducts(*transactions, options.non_products);
  report.signup_conflicts = built.signup_conflicts;
  report.clean_seconds = stopwatch.Seconds();
  return cleaned;
}

}  // namespace growthlens
