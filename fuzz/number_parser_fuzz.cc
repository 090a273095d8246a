// The number parsers of the readers: ParseDouble (with and without a decimal comma),
// ParseInt32, and the unit table's ParseUnitValue with its fast decimal path, which must give
// the same double as the general one. Each line is one value.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_input.h"
#include "io/number_parser.h"
#include "io/unit_table_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace growthlens;
  std::string_view values = fuzz::AsText(data, size);
  while (!values.empty()) {
    std::string_view rest;
    const std::string_view value = fuzz::FirstLine(values, rest);
    (void)ParseDouble(value, false);
    (void)ParseDouble(value, true);
    if (const std::optional<int32_t> whole = ParseInt32(value)) {
      // An int32 read from text is that text's number.
      const std::optional<double> as_double = ParseDouble(value, false);
      if (as_double && *as_double != static_cast<double>(*whole)) std::abort();
    }
    for (const bool decimal_comma : {false, true}) {
      const std::optional<double> unit = ParseUnitValue(value, decimal_comma);
      if (unit && !std::isfinite(*unit)) std::abort();
      double reference = 0;
      const auto [end, error] =
          std::from_chars(value.data(), value.data() + value.size(), reference);
      if (unit && error == std::errc() && end == value.data() + value.size() &&
          std::isfinite(reference) && *unit != reference)
        std::abort();
    }
    values = rest;
  }
  return 0;
}
