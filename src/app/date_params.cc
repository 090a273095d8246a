#include "app/date_params.h"

#include <fmt/format.h>

namespace growthlens::app {

ParamSpec FromParamSpec() {
  return DateParam("from", "First day included, YYYY-MM-DD (default: the first day in the data)");
}

ParamSpec ToParamSpec() {
  return DateParam("to", "Last day included, YYYY-MM-DD (default: the last day in the data)");
}

Result<DateWindow> CheckedWindow(std::optional<Day> from, std::optional<Day> to, Naming naming) {
  if (from && to && *from > *to) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} {} is after {} {}: the window would be empty",
                              ShownName(FromParamSpec(), naming), FormatDate(*from),
                              ShownName(ToParamSpec(), naming), FormatDate(*to)));
  }
  return DateWindow{from, to};
}

}  // namespace growthlens::app
