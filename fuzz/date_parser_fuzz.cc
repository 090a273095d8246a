// The date parser: the first line is a spec ("auto", "iso", "mdy" or a strptime-like format),
// each following line a value parsed under it (to the second and, as event times are, to the
// millisecond), and every value also as ISO and month-first.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/date.h"
#include "fuzz_input.h"
#include "io/date_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace growthlens;
  std::string_view values;
  const std::string_view spec = fuzz::FirstLine(fuzz::AsText(data, size), values);
  Result<DateParser> parser = DateParser::FromSpec(spec);
  while (!values.empty()) {
    std::string_view rest;
    const std::string_view value = fuzz::FirstLine(values, rest);
    if (parser.ok()) {
      (void)parser->Parse(value);
      // Event times to the millisecond agree with the seconds wherever both parse.
      const std::optional<int64_t> millis = parser->ParseMillis(value);
      const std::optional<Timestamp> seconds = parser->Parse(value);
      if (millis && seconds && (*millis - (*millis % 1000 + 1000) % 1000) / 1000 != *seconds)
        std::abort();
    }
    (void)ParseIsoTimestamp(value);
    (void)ParseIsoMillis(value);
    (void)ParseMonthDayYear(value);
    if (const std::optional<Day> day = ParseIsoDate(value)) {
      // A date that parses formats back to a date that parses to the same day.
      const std::optional<Day> again = ParseIsoDate(FormatDate(*day));
      if (again != day) std::abort();
    }
    values = rest;
  }
  return 0;
}
