#include "app/event_names.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace growthlens::app {

Result<uint16_t> EventCodeOf(const UsageLog& log, std::string_view param, std::string_view name,
                             Naming naming, std::string_view source) {
  if (const std::optional<uint32_t> code = log.features.Find(name))
    return static_cast<uint16_t>(*code);
  constexpr uint32_t kNamesShown = 8;
  std::string known;
  for (uint32_t code = 0; code < std::min(log.features.size(), kNamesShown); ++code)
    known += fmt::format("{}'{}'", code == 0 ? "" : ", ", log.features[code]);
  return BadValue(param, naming, name,
                  fmt::format("no event of that name in {} ({} event names, such as {})", source,
                              log.features.size(), known));
}

}  // namespace growthlens::app
