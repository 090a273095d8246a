#pragma once
// The --format option shared by commands: a terminal table, JSON or CSV on stdout.

#include <CLI/CLI.hpp>

#include <string>

namespace growthlens::cli {

enum class OutputFormat { kTable, kJson, kCsv };

/// Adds --format to `command`, storing the choice in `format`.
void AddFormatOption(CLI::App& command, OutputFormat& format);

/// "1,234,567": thousands separators for counts in tables.
std::string WithThousands(uint64_t value);

}  // namespace growthlens::cli
