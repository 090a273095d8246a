#include "app/cleaning_report_view.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "app/table_view.h"
#include "core/terminal_text.h"
#include "io/dataset_csv_writer.h"
#include "metrics/dataset_summary.h"

namespace growthlens::app {

namespace {

nlohmann::json ExamplesJson(const std::vector<RowExample>& examples) {
  nlohmann::json list = nlohmann::json::array();
  for (const RowExample& example : examples)
    list.push_back({{"line", example.line},
                    {"column", example.column},
                    {"value", example.value},
                    {"message", example.message}});
  return list;
}

double Share(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string DelimiterName(char delimiter) {
  switch (delimiter) {
    case ',':
      return "comma";
    case ';':
      return "semicolon";
    case '\t':
      return "tab";
    case '|':
      return "pipe";
    default:
      return std::string(1, delimiter);
  }
}

std::string DescribeExample(const RowExample& example) {
  std::string text = fmt::format("line {}", example.line);
  if (!example.column.empty())
    text += fmt::format(" {}='{}'", example.column, example.value);
  else if (!example.value.empty())
    text += fmt::format(" '{}'", example.value);
  return text;
}

std::string Megabytes(size_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

nlohmann::json NettingJson(const NettingReport& netting) {
  nlohmann::json unmatched = nlohmann::json::array();
  for (const UnmatchedCancellation& entry : netting.unmatched)
    unmatched.push_back({{"line", entry.line},
                         {"invoice", entry.invoice},
                         {"customer", entry.customer},
                         {"stock_code", entry.stock_code},
                         {"units", entry.units},
                         {"unmatched_units", entry.unmatched}});
  return {{"enabled", netting.enabled},
          {"cancellation_lines", netting.cancellation_lines},
          {"matched_lines", netting.matched_lines},
          {"partly_matched_lines", netting.partly_matched_lines},
          {"unmatched_lines", netting.unmatched_lines},
          {"units_cancelled", netting.units_cancelled},
          {"units_netted", netting.units_netted},
          {"units_unmatched", netting.UnitsUnmatched()},
          {"purchase_lines_removed", netting.purchase_lines_removed},
          {"purchase_lines_reduced", netting.purchase_lines_reduced},
          {"unmatched", std::move(unmatched)}};
}

/// What netting did, in two lines under the rules (transactions).
std::string NettingText(const NettingReport& netting) {
  if (!netting.enabled)
    return "Netting  off: cancellations are dropped, the purchases they cancel are kept\n";
  std::string out = fmt::format(
      "Netting  {} cancellation lines ({} units): {} matched in full, {} in part, {} without an "
      "earlier purchase in the data ({} units); {} purchase lines removed, {} reduced\n",
      WithThousands(netting.cancellation_lines),
      WithThousands(static_cast<uint64_t>(netting.units_cancelled)),
      WithThousands(netting.matched_lines), WithThousands(netting.partly_matched_lines),
      WithThousands(netting.unmatched_lines),
      WithThousands(static_cast<uint64_t>(netting.UnitsUnmatched())),
      WithThousands(netting.purchase_lines_removed), WithThousands(netting.purchase_lines_reduced));
  for (size_t idx = 0; idx < netting.unmatched.size() && idx < 3; ++idx) {
    const UnmatchedCancellation& entry = netting.unmatched[idx];
    out += fmt::format("         unmatched: line {} {} customer {} item {}, {} of {} units\n",
                       entry.line, entry.invoice, entry.customer, entry.stock_code, entry.unmatched,
                       entry.units);
  }
  return out;
}

/// The table's report part, not yet made safe for a terminal.
std::string TableWithoutData(const CleaningReport& report) {
  const CsvSourceInfo& source = report.source;
  std::string out;
  const double megabytes_per_second =
      report.read_seconds > 0 ? static_cast<double>(source.text_bytes) / 1e6 / report.read_seconds
                              : 0;
  out += fmt::format(
      "Source   {} ({}{}, {}{}, {}) read as {}\n", source.name, Megabytes(source.source_bytes),
      source.gzip ? " gzip" : "", EncodingName(source.encoding), source.bom ? " with BOM" : "",
      source.json_lines ? std::string("JSON lines")
                        : fmt::format("{}-separated", DelimiterName(source.delimiter)),
      SchemaDisplayName(report.schema));
  out += "Columns  ";
  for (size_t column_idx = 0; column_idx < report.columns.size(); ++column_idx)
    out += fmt::format("{}{}={}", column_idx == 0 ? "" : ", ", report.columns[column_idx].first,
                       report.columns[column_idx].second);
  if (!report.where.empty()) out += fmt::format("\nWhere    {}", fmt::join(report.where, ", "));
  if (!report.properties.empty())
    out += fmt::format("\nProperties {}", fmt::join(report.properties, ", "));
  for (const std::string& note : report.property_notes) out += fmt::format("\nNote     {}", note);
  out += fmt::format("\nTiming   read {:.3f} s ({:.0f} MB/s on {} thread{}), clean {:.3f} s\n\n",
                     report.read_seconds, megabytes_per_second, source.threads,
                     source.threads == 1 ? "" : "s", report.clean_seconds);

  out += fmt::format("{:<28} {:>12} {:>8}  {}\n", "Reason", "Rows", "Share", "First examples");
  out += fmt::format("{:<28} {:>12} {:>8}\n", "rows read", WithThousands(report.records), "100.0%");
  auto add_line = [&](const std::string& reason, uint64_t rows,
                      const std::vector<RowExample>& examples, const std::string& note) {
    std::string shown;
    for (size_t example_idx = 0; example_idx < std::min<size_t>(examples.size(), 2); ++example_idx)
      shown += (example_idx == 0 ? "" : "; ") + DescribeExample(examples[example_idx]);
    if (!note.empty()) shown = note;
    out += fmt::format("{:<28} {:>12} {:>7.2f}%  {}\n", reason, WithThousands(rows),
                       100.0 * Share(rows, report.records), shown);
  };
  if (!report.where.empty())
    add_line("left out by where", report.filtered_out, report.filtered_examples, "");
  for (size_t issue_idx = 0; issue_idx < kParseIssueCount; ++issue_idx)
    if (report.malformed[issue_idx] > 0)
      add_line(fmt::format("malformed: {}", ParseIssueName(static_cast<ParseIssue>(issue_idx))),
               report.malformed[issue_idx], report.malformed_examples[issue_idx], "");
  for (const RuleOutcome& outcome : report.rules) {
    if (!outcome.applies) continue;
    add_line(fmt::format("- {}", CleaningRuleName(outcome.rule)), outcome.dropped, outcome.examples,
             outcome.enabled ? "" : "(rule switched off)");
  }
  out += fmt::format("{:<28} {:>12} {:>7.2f}%\n", "= rows kept", WithThousands(report.rows_kept),
                     100.0 * Share(report.rows_kept, report.records));
  if (report.blank_lines > 0)
    out += fmt::format("({} blank lines skipped)\n", WithThousands(report.blank_lines));
  if (report.signup_conflicts > 0)
    out += fmt::format("({} users have rows with different signup dates; the earliest is used)\n",
                       WithThousands(report.signup_conflicts));
  // Appended in two steps: "\n" + text trips GCC 12's -Wrestrict false positive (bug 105329).
  if (ByKind(report.kind, false, true)) {
    out += '\n';
    out += NettingText(report.netting);
  }

  return out;
}

}  // namespace

nlohmann::json CleaningReportJson(const CleaningReport& report, const Dataset& dataset) {
  nlohmann::json json = CleaningReportJsonWithoutData(report);
  const DatasetMemory memory = dataset.Memory();
  json["dataset"] = {{"rows", dataset.rows()},
                     {"bytes_per_row", memory.BytesPerRow(dataset.rows())},
                     {"row_column_bytes", memory.row_columns},
                     {"side_table_bytes", memory.side_tables},
                     {"dictionary_bytes", memory.dictionaries}};
  return json;
}

nlohmann::json CleaningReportJsonWithoutData(const CleaningReport& report) {
  const CsvSourceInfo& source = report.source;
  nlohmann::json json;
  json["source"] = {
      {"name", source.name},
      {"bytes", source.source_bytes},
      {"text_bytes", source.text_bytes},
      {"encoding", EncodingName(source.encoding)},
      {"gzip", source.gzip},
      {"bom", source.bom},
      {"format", source.json_lines ? "ndjson" : "csv"},
      {"delimiter", source.json_lines ? std::string() : std::string(1, source.delimiter)},
      {"threads", source.threads}};
  json["kind"] = DataKindName(report.kind);
  json["schema"] = SchemaDisplayName(report.schema);
  json["columns"] = nlohmann::json::object();
  for (const auto& [role, column] : report.columns) json["columns"][role] = column;
  json["records"] = report.records;
  json["blank_lines"] = report.blank_lines;
  nlohmann::json malformed = nlohmann::json::array();
  for (size_t issue_idx = 0; issue_idx < kParseIssueCount; ++issue_idx)
    malformed.push_back({{"reason", ParseIssueName(static_cast<ParseIssue>(issue_idx))},
                         {"rows", report.malformed[issue_idx]},
                         {"examples", ExamplesJson(report.malformed_examples[issue_idx])}});
  json["malformed"] = malformed;
  if (report.kind == DataKind::kEvents)
    json["properties"] = {{"kept", report.properties}, {"notes", report.property_notes}};
  json["filtered"] = {{"where", report.where},
                      {"rows", report.filtered_out},
                      {"examples", ExamplesJson(report.filtered_examples)}};
  nlohmann::json rules = nlohmann::json::array();
  for (const RuleOutcome& outcome : report.rules)
    rules.push_back({{"rule", CleaningRuleName(outcome.rule)},
                     {"description", CleaningRuleDescription(outcome.rule, report.kind)},
                     {"enabled", outcome.enabled},
                     {"applies", outcome.applies},
                     {"rows", outcome.dropped},
                     {"share", Share(outcome.dropped, report.records)},
                     {"examples", ExamplesJson(outcome.examples)}});
  json["rules"] = rules;
  if (ByKind(report.kind, false, true)) json["netting"] = NettingJson(report.netting);
  json["rows_kept"] = report.rows_kept;
  json["rows_dropped"] = report.records - report.rows_kept;
  json["signup_conflicts"] = report.signup_conflicts;
  json["seconds"] = {{"read", report.read_seconds}, {"clean", report.clean_seconds}};
  return json;
}

std::string CleaningReportTable(const CleaningReport& report, const Dataset& dataset) {
  std::string out = TableWithoutData(report);
  const DatasetSummary summary = Summarize(dataset);
  out += fmt::format("\nDataset  {} {} rows, {} {}, {} .. {}\n", WithThousands(summary.rows),
                     DataKindName(summary.kind), WithThousands(summary.users),
                     ByKind(summary.kind, "users", "customers"),
                     summary.first_day == kNoDay ? "-" : FormatDate(summary.first_day),
                     summary.last_day == kNoDay ? "-" : FormatDate(summary.last_day));
  out += fmt::format(
      "Memory   {:.1f} bytes/row in row columns ({}), side tables {}, dictionaries {}\n",
      summary.memory.BytesPerRow(summary.rows), Megabytes(summary.memory.row_columns),
      Megabytes(summary.memory.side_tables), Megabytes(summary.memory.dictionaries));
  if (ByKind(summary.kind, true, false)) {
    out += fmt::format("\n{:<20} {:>14} {:>10} {:>9}\n", "Feature", "Events", "Users", "Adoption");
    for (const FeatureSummary& feature : summary.features)
      out += fmt::format("{:<20} {:>14} {:>10} {:>8.1f}%\n", feature.name,
                         WithThousands(feature.events), WithThousands(feature.users),
                         100.0 * feature.adoption);
  } else {
    out += fmt::format(
        "Totals   revenue {:.2f}, {} orders, {} products (and {} codes of postage, fees or "
        "adjustments), {} countries\n",
        summary.revenue, WithThousands(summary.orders), WithThousands(summary.products),
        WithThousands(summary.non_product_codes), WithThousands(summary.countries));
  }
  // Column names and example values come from the input.
  return TerminalSafe(out);
}

std::string CleaningReportTableWithoutData(const CleaningReport& report) {
  return TerminalSafe(TableWithoutData(report));
}

std::string CleaningReportCsv(const CleaningReport& report) {
  std::string out = "stage,reason,enabled,rows,share,first_line,column,value,message\n";
  auto add_row = [&](const char* stage, const std::string& reason, bool enabled, uint64_t rows,
                     const std::vector<RowExample>& examples) {
    const RowExample empty;
    const RowExample& first = examples.empty() ? empty : examples.front();
    out += fmt::format("{},{},{},{},{:.6f},", stage, reason, enabled ? "true" : "false", rows,
                       Share(rows, report.records));
    out += examples.empty() ? "" : std::to_string(first.line);
    out += ',';
    // Columns, values and messages come from the input: kept text in spreadsheets.
    AppendSpreadsheetSafeField(first.column, out);
    out += ',';
    AppendSpreadsheetSafeField(first.value, out);
    out += ',';
    AppendSpreadsheetSafeField(first.message, out);
    out += '\n';
  };
  for (size_t issue_idx = 0; issue_idx < kParseIssueCount; ++issue_idx)
    add_row("malformed", ParseIssueName(static_cast<ParseIssue>(issue_idx)), true,
            report.malformed[issue_idx], report.malformed_examples[issue_idx]);
  for (const RuleOutcome& outcome : report.rules)
    if (outcome.applies)
      add_row("rule", CleaningRuleName(outcome.rule), outcome.enabled, outcome.dropped,
              outcome.examples);
  add_row("result", "kept", true, report.rows_kept, {});
  return out;
}

}  // namespace growthlens::app
