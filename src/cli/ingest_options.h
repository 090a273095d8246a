#pragma once
// The reading and cleaning options shared by every command that loads a CSV (ingest, and the
// analysis commands that follow): encoding, delimiter, dates, column mapping, rules, --strict,
// and the bounds on what an input may cost (gzip, quoted fields).

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "prep/ingest.h"

namespace growthlens::cli {

struct IngestFlags {
  std::string encoding = "auto";
  std::string delimiter;
  std::string kind;
  std::vector<std::string> skip_rules;
  std::vector<std::string> where;       // --where COLUMN=VALUE
  std::vector<std::string> properties;  // --property NAME (events)
  bool no_properties = false;           // --no-properties
  std::string min_date = "1970-01-01";
  std::string max_date = "2100-01-01";
  std::array<std::string, kRoleCount> columns;
  std::string unclosed_quotes = "error";
  double max_inflated_mb = static_cast<double>(GzipLimits::kDefaultMaxInflatedBytes >> 20);
  std::vector<std::string> non_product_codes;         // empty: the defaults; {"none"}: none
  std::vector<std::string> non_product_descriptions;  // likewise
  IngestOptions options;
};

/// Adds the options to `command`; they land in `flags`.
void AddIngestOptions(CLI::App& command, IngestFlags& flags);

/// Validates the text options and fills flags.options.
Status ResolveIngestOptions(IngestFlags& flags);

}  // namespace growthlens::cli
