#pragma once
// Helpers for tests that read the real public datasets in tests/data (xz-compressed, committed,
// described in tests/data/SOURCES.md; decompressed at test time with the xz tool) and golden files
// under tests/golden.

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

namespace growthlens::testing {

inline constexpr std::string_view kRetailHeader =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
inline constexpr std::string_view kUsageHeader =
    "user_id,signup_date,event_date,feature_name,events_count\n";

inline std::string PublicDataPath(const std::string& file) {
  return std::string(GROWTHLENS_PUBLIC_DATA_DIR) + "/" + file;
}

inline std::string GoldenPath(const std::string& file) {
  return std::string(GROWTHLENS_TEST_DIR) + "/golden/" + file;
}

/// The decompressed text of an .xz file, or "" when it cannot be read.
inline std::string ReadXz(const std::string& path) {
  std::string text;
  std::FILE* pipe = popen(("xz -dc '" + path + "'").c_str(), "r");
  if (pipe == nullptr) return text;
  char buffer[1 << 16];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) text.append(buffer, read);
  return pclose(pipe) == 0 ? text : std::string();
}

/// "key value" lines; '#' starts a comment line.
inline std::map<std::string, std::string> ReadGolden(const std::string& path) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    values[line.substr(0, space)] = line.substr(space + 1);
  }
  return values;
}

}  // namespace growthlens::testing
