#pragma once
// Text from input files (headers, cells, names) shown on a terminal: its control bytes are made
// visible instead of being sent, so a file cannot move the cursor, recolour or retitle the
// terminal, or hide text, through an error message or a printed table.

#include <string>
#include <string_view>

namespace growthlens {

/// `text` with every C0 control byte but line feed and tab, DEL, and every C1 control (U+0080 to
/// U+009F, as UTF-8) written as "\xHH" or "\u00HH". Other bytes, UTF-8 included, are kept.
std::string TerminalSafe(std::string_view text);

/// As TerminalSafe, and line feeds and tabs too become "\n" and "\t": for one table cell.
std::string TerminalSafeCell(std::string_view text);

}  // namespace growthlens
