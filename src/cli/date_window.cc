#include "cli/date_window.h"

#include <algorithm>
#include <climits>

#include <fmt/format.h>

#include "metrics/rows_before.h"

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

std::shared_ptr<const Dataset> RowsOfWindow(const Dataset& dataset, const DateWindow& window) {
  if (!window.from && !window.to) return nullptr;
  return std::make_shared<const Dataset>(
      RowsInWindow(dataset, window.from.value_or(INT32_MIN), window.to.value_or(INT32_MAX)));
}

std::optional<DayRange> DaysWithRows(const Dataset& dataset) {
  if (dataset.rows() == 0) return std::nullopt;
  DayRange range{dataset.DayOfRow(0), dataset.DayOfRow(0)};
  for (size_t row = 1; row < dataset.rows(); ++row) {
    const Day day = dataset.DayOfRow(row);
    range.first = std::min(range.first, day);
    range.last = std::max(range.last, day);
  }
  return range;
}

nlohmann::ordered_json WindowJson(const std::optional<DayRange>& data, const DateWindow& asked) {
  if (!data) return {{"from", nullptr}, {"to", nullptr}, {"all_time", true}};
  const Day from = std::max(asked.from.value_or(data->first), data->first);
  const Day to = std::min(asked.to.value_or(data->last), data->last);
  return {{"from", FormatDate(from)},
          {"to", FormatDate(to)},
          {"all_time", from <= data->first && to >= data->last}};
}

nlohmann::ordered_json AllTimeJson(const Dataset& dataset) {
  return WindowJson(DaysWithRows(dataset), DateWindow{});
}

}  // namespace growthlens::cli
