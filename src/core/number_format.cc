#include "core/number_format.h"

#include <fmt/format.h>

#include <cmath>

namespace growthlens {

std::string GroupedNumber(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  std::string text = fmt::format("{:.{}f}", std::abs(value), decimals);
  if (text.find_first_not_of("0.") == std::string::npos) value = 0;  // no "-0.00"
  const size_t point = text.find('.');
  const size_t integer_digits = point == std::string::npos ? text.size() : point;
  std::string grouped = value < 0 ? "-" : "";
  for (size_t idx = 0; idx < text.size(); ++idx) {
    if (idx > 0 && idx < integer_digits && (integer_digits - idx) % 3 == 0) grouped += ',';
    grouped += text[idx];
  }
  return grouped;
}

std::string PercentText(double share, int decimals) {
  if (!std::isfinite(share)) return "-";
  return fmt::format("{:.{}f}%", 100.0 * share, decimals);
}

}  // namespace growthlens
