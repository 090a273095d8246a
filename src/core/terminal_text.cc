#include "core/terminal_text.h"

#include <fmt/format.h>

namespace growthlens {

namespace {

std::string Escape(std::string_view text, bool keep_line_breaks) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte == '\n' || byte == '\t') {
      if (keep_line_breaks)
        out.push_back(static_cast<char>(byte));
      else
        out += byte == '\n' ? "\\n" : "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\x{:02X}", byte);
    } else if (byte == 0xC2 && pos + 1 < text.size() &&
               static_cast<unsigned char>(text[pos + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[pos + 1]) <= 0x9F) {
      out += fmt::format("\\u00{:02X}", static_cast<unsigned char>(text[pos + 1]));
      ++pos;
    } else {
      out.push_back(static_cast<char>(byte));
    }
  }
  return out;
}

}  // namespace

std::string TerminalSafe(std::string_view text) {
  return Escape(text, /*keep_line_breaks=*/true);
}

std::string TerminalSafeCell(std::string_view text) {
  return Escape(text, /*keep_line_breaks=*/false);
}

}  // namespace growthlens
