#pragma once
// The cleaning report: what was read, what was dropped and why (with the first examples by line
// number), and what was kept. Nothing disappears without being counted here.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "io/csv_table_reader.h"
#include "io/staged_table.h"
#include "prep/cancellation_netting.h"
#include "prep/cleaning_rules.h"

namespace growthlens {

struct RuleOutcome {
  CleaningRule rule = CleaningRule::kDuplicate;
  bool enabled = true;
  bool applies = true;  // false when the rule cannot fire on this kind of data
  uint64_t dropped = 0;
  std::vector<RowExample> examples;
};

struct CleaningReport {
  CsvSourceInfo source;
  DataKind kind = DataKind::kUsage;
  SchemaName schema = SchemaName::kCustom;
  std::vector<std::pair<std::string, std::string>> columns;  // role -> header name, mapped only

  uint64_t records = 0;       // data records read (header and blank lines excluded)
  uint64_t blank_lines = 0;   // skipped, not rows
  uint64_t filtered_out = 0;  // records a --where filter left out (counted in records)
  std::vector<RowExample> filtered_examples;
  std::vector<std::string> where;           // the filters, "COLUMN=VALUE"
  std::vector<std::string> properties;      // events: the property columns kept
  std::vector<std::string> property_notes;  // properties left out, and why
  std::array<uint64_t, kParseIssueCount> malformed{};
  std::array<std::vector<RowExample>, kParseIssueCount> malformed_examples;
  std::array<RuleOutcome, kCleaningRuleCount> rules;
  uint64_t rows_kept = 0;
  uint64_t signup_conflicts = 0;
  NettingReport netting;  // transactions with net_cancellations on  // users whose rows disagree on
                          // signup_date (earliest kept)

  double read_seconds = 0;
  double clean_seconds = 0;

  uint64_t MalformedTotal() const;
  uint64_t DroppedByRules() const;
  /// The first malformed row's message, for --strict ("file line 12, column X: ...").
  std::string FirstMalformedMessage() const;
};

}  // namespace growthlens
