#pragma once
// Text fields as CSV writes them (RFC 4180): unchanged, or in double quotes with inner quotes
// doubled when they hold a comma, a quote or a line break. The one quoting rule of every CSV
// the engine writes: cleaned datasets (io), generated data (synth) and the commands' tables.

#include <string>
#include <string_view>

namespace growthlens {

/// Appends `field` to `out`, quoted when it must be.
void AppendCsvField(std::string_view field, std::string& out);

/// `field` as a CSV field (the generators quote their few strings once, up front).
std::string QuoteCsvField(std::string_view field);

}  // namespace growthlens
