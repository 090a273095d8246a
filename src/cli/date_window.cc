#include "cli/date_window.h"

#include <algorithm>
#include <climits>

#include <fmt/format.h>

namespace growthlens::cli {

namespace {

Result<std::optional<Day>> ParseDay(std::string_view option, const std::string& text) {
  if (text.empty()) return std::optional<Day>();
  const std::optional<Day> day = ParseIsoDate(text);
  if (!day)
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("{} '{}': expected YYYY-MM-DD (a valid calendar date)", option, text));
  return day;
}

}  // namespace

void AddDateWindowOptions(CLI::App& command, DateWindowArgs& args) {
  command
      .add_option("--from", args.from,
                  "First day included, YYYY-MM-DD (default: the first day in the data)")
      ->option_text("YYYY-MM-DD");
  command
      .add_option("--to", args.to,
                  "Last day included, YYYY-MM-DD (default: the last day in the data)")
      ->option_text("YYYY-MM-DD");
}

Result<DateWindow> ParseDateWindow(const DateWindowArgs& args) {
  Result<std::optional<Day>> from = ParseDay("--from", args.from);
  if (!from.ok()) return from.status();
  Result<std::optional<Day>> to = ParseDay("--to", args.to);
  if (!to.ok()) return to.status();
  if (*from && *to && **from > **to)
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("--from {} is after --to {}: the window would be empty", args.from, args.to));
  return DateWindow{*from, *to};
}

}  // namespace growthlens::cli
