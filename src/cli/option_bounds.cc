#include "cli/option_bounds.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>

namespace growthlens::cli {

CLI::Validator WholeNumberIn(uint64_t min, uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        const bool digits = !text.empty() && text.size() <= 20 &&
                            text.find_first_not_of("0123456789") == std::string::npos;
        errno = 0;
        const uint64_t value = digits ? std::strtoull(text.c_str(), nullptr, 10) : 0;
        if (!digits || errno == ERANGE || value < min || value > max)
          return fmt::format("'{}' is not a whole number in {}..{}", text, min, max);
        return "";
      },
      fmt::format("{}..{}", min, max));
}

CLI::Validator WholeNumber() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const bool digits = !text.empty() && text.size() <= 20 &&
                            text.find_first_not_of("0123456789") == std::string::npos;
        return digits ? "" : fmt::format("'{}' is not a whole number (0 or more)", text);
      },
      "0..");
}

CLI::Validator PersonaCount() {
  const CLI::Validator number = WholeNumberIn(2, kMaxClusters);
  return CLI::Validator(
      [number](std::string& text) -> std::string {
        if (text == "auto") return "";
        std::string copy = text;
        const std::string error = number(copy);
        return error.empty() ? ""
                             : fmt::format("'{}' is neither auto nor a whole number in 2..{}", text,
                                           kMaxClusters);
      },
      fmt::format("auto|2..{}", kMaxClusters));
}

}  // namespace growthlens::cli
