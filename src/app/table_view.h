#pragma once
// One table of an analysis result, rendered for each front end: an aligned terminal table, CSV
// (spreadsheet-safe) or JSON rows. Every analysis renderer (src/app/*_analysis.cc) builds its
// tables as Views, so the CLI and the API print the same numbers.
//
//   View view;
//   view.columns = {{"month", "Month", Align::kLeft}, {"revenue", "Revenue"}};
//   view.rows = months.size();
//   view.row = [&](size_t row, std::vector<Cell>& cells) {
//     cells = {Cell::Text(FormatMonth(months[row].month)), Cell::Money(months[row].revenue)};
//   };
//   fmt::print("{}", RenderTable(view));

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/number_format.h"

namespace growthlens::app {

/// "1,234,567": thousands separators for counts in tables.
std::string WithThousands(uint64_t value);

/// Decimals of ratios such as events per user in tables.
inline constexpr int kRatioDecimals = 2;

/// part / whole, or 0 when whole is 0 (shares and averages over nothing).
inline double Ratio(double part, double whole) {
  return whole == 0 ? 0.0 : part / whole;
}

/// Appends `text` as one CSV field that spreadsheets show as text: a leading = + - @ (or tab,
/// CR), which would make them run it as a formula, gets a quote in front.
void AppendSpreadsheetSafeField(std::string_view text, std::string& out);

/// One value of a View, shown per format: tables get thousands separators and fixed decimals,
/// CSV and JSON the full value (shares as fractions 0-1, money unrounded). In CSV, text that a
/// spreadsheet would run as a formula (leading = + - @) gets a leading quote.
class Cell {
 public:
  static Cell Text(std::string text);
  static Cell Integer(int64_t value);
  /// Tables show `decimals` decimals with thousands separators.
  static Cell Number(double value, int decimals);
  static Cell Money(double value) { return Number(value, 2); }
  /// A share 0-1; tables show it as "12.3%".
  static Cell Percent(double share);
  /// A flag: "yes" or blank in tables, true/false in CSV and JSON.
  static Cell Flag(bool value);
  /// No value: blank in tables and CSV, null in JSON.
  static Cell Empty();

  std::string TableText() const;
  void AppendCsv(std::string& out) const;
  nlohmann::ordered_json Json() const;

 private:
  enum class Kind : uint8_t { kText, kInteger, kNumber, kPercent, kFlag, kEmpty };
  Kind kind_ = Kind::kEmpty;
  int decimals_ = 0;
  int64_t integer_ = 0;
  double number_ = 0;
  std::string text_;
};

enum class Align : uint8_t { kLeft, kRight };

struct ViewColumn {
  std::string key;    // CSV header and JSON key
  std::string title;  // table header
  Align align = Align::kRight;
};

/// A table whose rows are produced on demand, so that a view of a million users is never held
/// as cells. `row` fills one cell per column.
struct View {
  std::vector<ViewColumn> columns;
  size_t rows = 0;
  std::function<void(size_t row, std::vector<Cell>& cells)> row;
};

/// The columns of `view` named by `keys`, in that order: terminal tables narrower than the CSV.
View SelectColumns(const View& view, std::span<const std::string_view> keys);
inline View SelectColumns(const View& view, std::initializer_list<std::string_view> keys) {
  return SelectColumns(view, std::span<const std::string_view>(keys.begin(), keys.size()));
}

/// Header, rule and the first `max_rows` rows, columns aligned.
std::string RenderTable(const View& view, size_t max_rows = std::numeric_limits<size_t>::max());
/// Header line of the column keys, then every row; views of many rows render in blocks on
/// `threads` threads (0 = all cores).
std::string RenderCsv(const View& view, unsigned threads = 0);

/// A JSON object whose scalar fields print on one line each and whose lists print one compact
/// item per line:
///   {
///     "view": "segments",
///     "segments": [
///       {"segment":"Champions","users":2},
///       ...
///     ]
///   }
class JsonDocument {
 public:
  void Set(std::string_view key, const nlohmann::ordered_json& value);
  /// Every row of `view` as an object keyed by the column keys.
  void SetRows(std::string_view key, const View& view);
  void SetList(std::string_view key, const std::vector<nlohmann::ordered_json>& items);
  /// `json_text`: a value already rendered as JSON (JsonText).
  void SetJsonText(std::string_view key, std::string json_text);
  /// Ends with a newline.
  std::string Render() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;  // key, rendered value
};

/// Every row of `view` as a JSON object keyed by the column keys, in an array.
nlohmann::ordered_json ViewRowsJson(const View& view);

}  // namespace growthlens::app
