#include "cli/output_format.h"

#include <map>

namespace growthlens::cli {

void AddFormatOption(CLI::App& command, OutputFormat& format) {
  const std::map<std::string, OutputFormat> kChoices = {
      {"table", OutputFormat::kTable}, {"json", OutputFormat::kJson}, {"csv", OutputFormat::kCsv}};
  command.add_option("--format", format, "Output on stdout: table (default), json or csv")
      ->option_text("table|json|csv")
      ->transform(CLI::CheckedTransformer(kChoices, CLI::ignore_case));
}

std::string WithThousands(uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string grouped;
  for (size_t digit_idx = 0; digit_idx < digits.size(); ++digit_idx) {
    if (digit_idx > 0 && (digits.size() - digit_idx) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[digit_idx]);
  }
  return grouped;
}

}  // namespace growthlens::cli
