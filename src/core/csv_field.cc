#include "core/csv_field.h"

namespace growthlens {

void AppendCsvField(std::string_view field, std::string& out) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (const char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string QuoteCsvField(std::string_view field) {
  std::string quoted;
  AppendCsvField(field, quoted);
  return quoted;
}

}  // namespace growthlens
