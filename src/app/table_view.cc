#include "app/table_view.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <memory>

#include "app/json_text.h"
#include "core/parallel.h"
#include "core/terminal_text.h"
#include "io/dataset_csv_writer.h"

namespace growthlens::app {

std::string WithThousands(uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string grouped;
  for (size_t digit_idx = 0; digit_idx < digits.size(); ++digit_idx) {
    if (digit_idx > 0 && (digits.size() - digit_idx) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[digit_idx]);
  }
  return grouped;
}

Cell Cell::Text(std::string text) {
  Cell cell;
  cell.kind_ = Kind::kText;
  cell.text_ = std::move(text);
  return cell;
}

Cell Cell::Integer(int64_t value) {
  Cell cell;
  cell.kind_ = Kind::kInteger;
  cell.integer_ = value;
  return cell;
}

Cell Cell::Number(double value, int decimals) {
  Cell cell;
  cell.kind_ = Kind::kNumber;
  cell.number_ = value;
  cell.decimals_ = decimals;
  return cell;
}

Cell Cell::Percent(double share) {
  Cell cell;
  cell.kind_ = Kind::kPercent;
  cell.number_ = share;
  return cell;
}

Cell Cell::Flag(bool value) {
  Cell cell;
  cell.kind_ = Kind::kFlag;
  cell.integer_ = value ? 1 : 0;
  return cell;
}

Cell Cell::Empty() {
  return Cell();
}

std::string Cell::TableText() const {
  switch (kind_) {
    case Kind::kText:
      return text_;
    case Kind::kInteger:
      return integer_ < 0 ? "-" + WithThousands(~static_cast<uint64_t>(integer_) + 1)
                          : WithThousands(static_cast<uint64_t>(integer_));
    case Kind::kNumber:
      return GroupedNumber(number_, decimals_);
    case Kind::kPercent:
      return std::isfinite(number_) ? fmt::format("{:.1f}%", 100.0 * number_) : "-";
    case Kind::kFlag:
      return integer_ != 0 ? "yes" : "";
    case Kind::kEmpty:
      return "";
  }
  return "";
}

void AppendSpreadsheetSafeField(std::string_view text, std::string& out) {
  // A leading = + - @ (or tab, CR) makes spreadsheets run the cell as a formula: CSV
  // injection. A quote in front keeps it text (OWASP's advice); JSON keeps the text as is.
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    AppendCsvField("'" + std::string(text), out);
    return;
  }
  AppendCsvField(text, out);
}

void Cell::AppendCsv(std::string& out) const {
  switch (kind_) {
    case Kind::kText:
      AppendSpreadsheetSafeField(text_, out);
      return;
    case Kind::kInteger: {
      // Into a stack buffer, then appended: no temporary string per cell.
      char digits[24];
      out.append(digits, std::to_chars(digits, std::end(digits), integer_).ptr);
      return;
    }
    case Kind::kNumber:
    case Kind::kPercent:
      if (std::isfinite(number_)) {
        char digits[64];  // the shortest round-trip form is at most 24 characters
        out.append(digits, fmt::format_to_n(digits, sizeof(digits), "{}", number_).out);
      }
      return;
    case Kind::kFlag:
      out += integer_ != 0 ? "true" : "false";
      return;
    case Kind::kEmpty:
      return;
  }
}

nlohmann::ordered_json Cell::Json() const {
  switch (kind_) {
    case Kind::kText:
      return text_;
    case Kind::kInteger:
      return integer_;
    case Kind::kNumber:
    case Kind::kPercent:
      return std::isfinite(number_) ? nlohmann::ordered_json(number_) : nullptr;
    case Kind::kFlag:
      return integer_ != 0;
    case Kind::kEmpty:
      return nullptr;
  }
  return nullptr;
}

std::string RenderTable(const View& view, size_t max_rows) {
  const size_t shown = std::min(view.rows, max_rows);
  std::vector<std::vector<std::string>> texts(shown);
  // Titles and texts can come from the data: their control bytes are shown, never sent.
  std::vector<std::string> titles;
  std::vector<size_t> widths;
  for (const ViewColumn& column : view.columns) {
    titles.push_back(TerminalSafeCell(column.title));
    widths.push_back(titles.back().size());
  }
  std::vector<Cell> cells;
  for (size_t row = 0; row < shown; ++row) {
    cells.clear();
    view.row(row, cells);
    for (size_t column_idx = 0; column_idx < view.columns.size(); ++column_idx) {
      texts[row].push_back(
          column_idx < cells.size() ? TerminalSafeCell(cells[column_idx].TableText()) : "");
      widths[column_idx] = std::max(widths[column_idx], texts[row].back().size());
    }
  }
  std::string out;
  auto add_line = [&](auto text_of) {
    std::string line;
    for (size_t column_idx = 0; column_idx < view.columns.size(); ++column_idx) {
      if (column_idx > 0) line += "  ";
      const std::string text = text_of(column_idx);
      const std::string padding(widths[column_idx] - std::min(widths[column_idx], text.size()),
                                ' ');
      line += view.columns[column_idx].align == Align::kLeft ? text + padding : padding + text;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  add_line([&](size_t column_idx) { return titles[column_idx]; });
  add_line([&](size_t column_idx) { return std::string(widths[column_idx], '-'); });
  for (size_t row = 0; row < shown; ++row)
    add_line([&](size_t column_idx) { return texts[row][column_idx]; });
  return out;
}

namespace {

// Views of more rows than this (per-user tables) render in blocks side by side.
constexpr size_t kRowsPerCsvBlock = size_t{1} << 14;

/// Rows [begin, end) of `view` as CSV lines, appended to `out`.
void AppendCsvRows(const View& view, size_t begin, size_t end, std::string& out) {
  std::vector<Cell> cells;
  for (size_t row = begin; row < end; ++row) {
    cells.clear();
    view.row(row, cells);
    for (size_t column_idx = 0; column_idx < view.columns.size(); ++column_idx) {
      if (column_idx > 0) out += ',';
      if (column_idx < cells.size()) cells[column_idx].AppendCsv(out);
    }
    out += '\n';
  }
}

}  // namespace

std::string RenderCsv(const View& view, unsigned threads) {
  std::string out;
  for (size_t column_idx = 0; column_idx < view.columns.size(); ++column_idx) {
    if (column_idx > 0) out += ',';
    // Keys can come from the data too (a feature's name heads its correlation column).
    AppendSpreadsheetSafeField(view.columns[column_idx].key, out);
  }
  out += '\n';
  if (view.rows <= kRowsPerCsvBlock) {
    AppendCsvRows(view, 0, view.rows, out);
    return out;
  }
  // Blocks of rows rendered side by side (a view's rows are independent), joined in order.
  const size_t blocks = (view.rows + kRowsPerCsvBlock - 1) / kRowsPerCsvBlock;
  std::vector<std::string> texts(blocks);
  ParallelFor(blocks, threads, [&](size_t block) {
    AppendCsvRows(view, block * kRowsPerCsvBlock,
                  std::min(view.rows, (block + 1) * kRowsPerCsvBlock), texts[block]);
  });
  size_t size = out.size();
  for (const std::string& text : texts) size += text.size();
  out.reserve(size);
  for (const std::string& text : texts) out += text;
  return out;
}

namespace {

std::string RenderList(size_t count, const std::function<std::string(size_t)>& item) {
  if (count == 0) return "[]";
  std::string out = "[\n";
  for (size_t idx = 0; idx < count; ++idx) {
    out += "    ";
    out += item(idx);
    out += idx + 1 < count ? ",\n" : "\n";
  }
  out += "  ]";
  return out;
}

}  // namespace

void JsonDocument::Set(std::string_view key, const nlohmann::ordered_json& value) {
  fields_.emplace_back(std::string(key), JsonText(value));
}

void JsonDocument::SetRows(std::string_view key, const View& view) {
  std::vector<Cell> cells;
  fields_.emplace_back(std::string(key), RenderList(view.rows, [&](size_t row) {
                         cells.clear();
                         view.row(row, cells);
                         nlohmann::ordered_json object = nlohmann::ordered_json::object();
                         for (size_t column_idx = 0; column_idx < view.columns.size(); ++column_idx)
                           object[view.columns[column_idx].key] =
                               column_idx < cells.size() ? cells[column_idx].Json() : nullptr;
                         return JsonText(object);
                       }));
}

void JsonDocument::SetList(std::string_view key, const std::vector<nlohmann::ordered_json>& items) {
  fields_.emplace_back(std::string(key),
                       RenderList(items.size(), [&](size_t idx) { return JsonText(items[idx]); }));
}

void JsonDocument::SetJsonText(std::string_view key, std::string json_text) {
  fields_.emplace_back(std::string(key), std::move(json_text));
}

std::string JsonDocument::Render() const {
  std::string out = "{\n";
  for (size_t field_idx = 0; field_idx < fields_.size(); ++field_idx) {
    out += "  ";
    out += JsonText(nlohmann::ordered_json(fields_[field_idx].first));
    out += ": ";
    out += fields_[field_idx].second;
    out += field_idx + 1 < fields_.size() ? ",\n" : "\n";
  }
  out += "}\n";
  return out;
}

View SelectColumns(const View& view, std::span<const std::string_view> keys) {
  auto indices = std::make_shared<std::vector<size_t>>();
  View narrow;
  for (std::string_view key : keys)
    for (size_t idx = 0; idx < view.columns.size(); ++idx)
      if (view.columns[idx].key == key) {
        indices->push_back(idx);
        narrow.columns.push_back(view.columns[idx]);
      }
  narrow.rows = view.rows;
  narrow.row = [indices, inner = view.row](size_t row, std::vector<Cell>& cells) {
    std::vector<Cell> all;
    inner(row, all);
    cells.clear();
    for (size_t idx : *indices) cells.push_back(all[idx]);
  };
  return narrow;
}

nlohmann::ordered_json ViewRowsJson(const View& view) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  std::vector<Cell> cells;
  for (size_t row = 0; row < view.rows; ++row) {
    cells.clear();
    view.row(row, cells);
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (size_t column_idx = 0; column_idx < view.columns.size(); ++column_idx)
      object[view.columns[column_idx].key] =
          column_idx < cells.size() ? cells[column_idx].Json() : nullptr;
    rows.push_back(std::move(object));
  }
  return rows;
}

}  // namespace growthlens::app
