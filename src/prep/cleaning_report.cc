#include "prep/cleaning_report.h"

#include <fmt/format.h>

namespace growthlens {

uint64_t CleaningReport::MalformedTotal() const {
  uint64_t total = 0;
  for (uint64_t count : malformed) total += count;
  return total;
}

uint64_t CleaningReport::DroppedByRules() const {
  uint64_t total = 0;
  for (const RuleOutcome& outcome : rules) total += outcome.dropped;
  return total;
}

std::string CleaningReport::FirstMalformedMessage() const {
  const RowExample* first = nullptr;
  const char* issue_name = "";
  for (size_t issue_idx = 0; issue_idx < kParseIssueCount; ++issue_idx) {
    for (const RowExample& example : malformed_examples[issue_idx]) {
      if (first == nullptr || example.line < first->line) {
        first = &example;
        issue_name = ParseIssueName(static_cast<ParseIssue>(issue_idx));
      }
    }
  }
  if (first == nullptr) return "";
  const std::string column = first->column.empty() ? "" : fmt::format(", column {}", first->column);
  return fmt::format("{} line {}{}: {} ({}), got '{}'", source.name, first->line, column,
                     first->message, issue_name, first->value);
}

}  // namespace growthlens
