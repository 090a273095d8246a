#include "cli/ingest_options.h"
#include "cli/option_bounds.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace growthlens::cli {

void AddIngestOptions(CLI::App& command, IngestFlags& flags) {
  command.add_option("--encoding", flags.encoding,
                     "auto (default: UTF-8 if valid, else Windows-1252; UTF-16 by its byte-order "
                     "mark), utf-8, latin-1, windows-1252, utf-16le, utf-16be");
  command.add_option("--delimiter", flags.delimiter,
                     "Field delimiter: ',', ';', 'tab' or '|' (default: detected)");
  command.add_option("--date-format", flags.options.read.date_format,
                     "auto (ISO or M/D/YYYY H:MM), iso, mdy, or a format such as '%d.%m.%Y %H:%M'");
  command.add_option("--kind", flags.kind,
                     "usage, events or transactions: how to read the file (default: from the "
                     "header); with --workspace, which of the stored kinds to analyse");
  const std::array<std::pair<Role, const char*>, kRoleCount> kColumnFlags = {{
      {Role::kUser, "--user-col"},
      {Role::kSignup, "--signup-col"},
      {Role::kTime, "--time-col"},
      {Role::kItem, "--item-col,--event-col"},
      {Role::kCount, "--count-col"},
      {Role::kPrice, "--price-col"},
      {Role::kAmount, "--amount-col"},
      {Role::kOrder, "--order-col"},
      {Role::kDescription, "--description-col"},
      {Role::kCountry, "--country-col"},
  }};
  for (const auto& [role, flag] : kColumnFlags)
    command
        .add_option(
            flag, flags.columns[static_cast<size_t>(role)],
            fmt::format("Column holding the {} (maps exports of other shapes)", RoleName(role)))
        ->group("Column mapping");
  command
      .add_option("--signup-event", flags.options.read.columns.signup_event,
                  "Event logs: the event whose first occurrence is a user's signup day (exact "
                  "name; default: sign_up or signup in any case)")
      ->group("Column mapping");
  command
      .add_option("--where", flags.where,
                  "Read only rows whose column holds this value, COLUMN=VALUE (repeatable, all "
                  "must hold; e.g. --where lifecycle:transition=COMPLETE); rows left out are "
                  "counted in the report")
      ->group("Column mapping");
  command
      .add_option("--property", flags.properties,
                  "Events: keep only this property (repeatable): a column beyond user, time, "
                  "event and count, or a key of a JSON 'properties' column or NDJSON "
                  "'properties' object; default: every one, up to 32")
      ->group("Column mapping");
  command
      .add_flag("--no-properties", flags.no_properties,
                "Events: keep no property columns (the least memory)")
      ->group("Column mapping");
  std::string rule_names;
  for (CleaningRule rule : kAllCleaningRules)
    rule_names += fmt::format("{}{}", rule_names.empty() ? "" : ", ", CleaningRuleName(rule));
  command
      .add_option("--skip-rule", flags.skip_rules,
                  "Switch a cleaning rule off (repeatable): " + rule_names)
      ->group("Cleaning");
  command.add_option("--min-date", flags.min_date, "Earliest valid date (default 1970-01-01)")
      ->group("Cleaning");
  command
      .add_option("--max-date", flags.max_date,
                  "Dates from this day on are invalid (default 2100-01-01)")
      ->group("Cleaning");
  const NonProductRules defaults = NonProductRules::Defaults();
  command
      .add_option("--non-product-codes", flags.non_product_codes,
                  fmt::format("Transactions: stock codes of lines that are not products (kept in "
                              "revenue, left out of product rankings), comma-separated, "
                              "case-insensitive, a trailing * matches a prefix; none for none "
                              "(default: {})",
                              fmt::join(defaults.codes, ",")))
      ->delimiter(',')
      ->group("Cleaning");
  command
      .add_option("--non-product-descriptions", flags.non_product_descriptions,
                  fmt::format("Transactions: descriptions of lines that are not products, as "
                              "--non-product-codes (default: {})",
                              fmt::join(defaults.descriptions, ",")))
      ->delimiter(',')
      ->group("Cleaning");
  command
      .add_flag("--strict", flags.options.strict,
                "Fail on the first malformed row instead of counting it")
      ->group("Cleaning");
  command
      .add_option("--unclosed-quotes", flags.unclosed_quotes,
                  "A quote left open (not closed by the end of the file or within "
                  "--max-quoted-bytes): 'error' (default) names its line; 'cut' ends the record "
                  "at its line end, drops it (counted as unterminated_quote) and reads on")
      ->group("Input limits");
  command
      .add_option(
          "--max-quoted-bytes", flags.options.read.max_quoted_bytes,
          fmt::format("Longest quoted field, in bytes (default {})", kDefaultMaxQuotedBytes))
      ->group("Input limits");
  command
      .add_option("--max-inflated-mb", flags.max_inflated_mb,
                  fmt::format("A .gz input may inflate to at most this many MiB (default {})",
                              GzipLimits::kDefaultMaxInflatedBytes >> 20))
      ->group("Input limits");
  command
      .add_option("--max-gzip-ratio", flags.options.gzip.max_ratio,
                  fmt::format("A .gz input may expand at most this many times (default {:g}; "
                              "CSV compresses 5-20x, a gzip bomb about 1000x)",
                              GzipLimits::kDefaultMaxRatio))
      ->group("Input limits");
  command
      .add_option("--threads", flags.options.read.threads, "Threads to use (default: all cores)")
      ->check(WholeNumberIn(0, kMaxThreads));
  command
      .add_option("--examples", flags.options.read.max_examples,
                  "Examples kept per reason in the report (default 5)")
      ->check(WholeNumberIn(0, kMaxExamples));
}

Status ResolveIngestOptions(IngestFlags& flags) {
  IngestOptions& options = flags.options;
  const std::optional<Encoding> encoding = ParseEncodingName(flags.encoding);
  if (!encoding)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--encoding '{}': expected auto, utf-8, latin-1 or windows-1252",
                              flags.encoding));
  options.encoding = *encoding;
  if (flags.unclosed_quotes != "error" && flags.unclosed_quotes != "cut")
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("--unclosed-quotes '{}': expected error or cut", flags.unclosed_quotes));
  options.read.cut_unclosed_quotes = flags.unclosed_quotes == "cut";
  if (options.read.max_quoted_bytes == 0)
    return Status(ErrorCode::kInvalidArgument, "--max-quoted-bytes 0: expected at least 1");
  // Up to 1 TiB: a bound that still fits size_t and mremap.
  if (!(flags.max_inflated_mb >= 1 && flags.max_inflated_mb <= 1 << 20))
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("--max-inflated-mb {}: expected 1 to 1048576", flags.max_inflated_mb));
  options.gzip.max_inflated_bytes = static_cast<size_t>(flags.max_inflated_mb * (1 << 20));
  if (!(options.gzip.max_ratio >= 1 && options.gzip.max_ratio <= 1e6))
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("--max-gzip-ratio {}: expected 1 to 1000000", options.gzip.max_ratio));
  if (!flags.delimiter.empty()) {
    if (flags.delimiter == "tab" || flags.delimiter == "\\t")
      options.read.delimiter = '\t';
    else if (flags.delimiter.size() == 1 && flags.delimiter != "\"")
      options.read.delimiter = flags.delimiter[0];
    else
      return Status(
          ErrorCode::kInvalidArgument,
          fmt::format("--delimiter '{}': expected one character or 'tab'", flags.delimiter));
  }
  if (!flags.kind.empty()) {
    options.read.columns.kind = DataKindFromName(flags.kind);
    if (!options.read.columns.kind)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--kind '{}': expected usage, events or transactions", flags.kind));
  }
  options.read.columns.name = flags.columns;
  for (const std::string& filter : flags.where) {
    const size_t equals = filter.find('=');
    if (equals == std::string::npos || equals == 0)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--where '{}': expected COLUMN=VALUE", filter));
    options.read.columns.where.emplace_back(filter.substr(0, equals), filter.substr(equals + 1));
  }
  if (flags.no_properties && !flags.properties.empty())
    return Status(ErrorCode::kInvalidArgument,
                  "--property and --no-properties contradict each other: give one");
  options.read.columns.properties.none = flags.no_properties;
  options.read.columns.properties.names = flags.properties;
  for (const std::string& name : flags.skip_rules) {
    const std::optional<CleaningRule> rule = ParseCleaningRuleName(name);
    if (!rule)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--skip-rule '{}': no such rule", name));
    options.cleaning.Set(*rule, false);
  }
  const std::optional<Day> min_date = ParseIsoDate(flags.min_date);
  const std::optional<Day> max_date = ParseIsoDate(flags.max_date);
  if (!min_date || !max_date || *min_date >= *max_date)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--min-date '{}' / --max-date '{}': expected two dates YYYY-MM-DD, "
                              "the first earlier",
                              flags.min_date, flags.max_date));
  // Given lists replace the defaults; "none" empties one.
  const auto list = [](const std::vector<std::string>& given, std::vector<std::string>& rules) {
    if (given.empty()) return;
    rules.clear();
    for (const std::string& entry : given)
      if (!entry.empty() && entry != "none") rules.push_back(entry);
  };
  list(flags.non_product_codes, options.cleaning.non_products.codes);
  list(flags.non_product_descriptions, options.cleaning.non_products.descriptions);
  options.cleaning.min_date = *min_date;
  options.cleaning.max_date = *max_date;
  return Status::Ok();
}

}  // namespace growthlens::cli
