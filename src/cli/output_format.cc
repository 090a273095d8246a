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

}  // namespace growthlens::cli
