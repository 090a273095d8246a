#pragma once
// The --format option shared by commands: a terminal table, JSON or CSV on stdout.

#include <CLI/CLI.hpp>

#include <string>

#include "app/analysis_registry.h"
#include "app/table_view.h"

namespace growthlens::cli {

using app::OutputFormat;

/// Adds --format to `command`, storing the choice in `format`.
void AddFormatOption(CLI::App& command, OutputFormat& format);

using app::WithThousands;

}  // namespace growthlens::cli
