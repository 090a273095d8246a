#pragma once
// Reads a CSV with one row per unit (user) into columns: one label column (the experiment arm)
// coded by first appearance, and numeric columns as doubles. Made for experiment files of ten
// million rows: the body is cut at line breaks into chunks parsed on every core with the
// RFC 4180 cursor (a file with quoted fields is parsed in one chunk, as a quoted line break
// could fall on a cut). Cells are numbers (as ParseDouble reads them) or true/false in any
// case (1/0, as pandas reads booleans). The first bad cell stops the read with
// "file:line:column: column 'name': expected a number, found 'text'".
//
//   CsvPreview preview = *PreviewCsv(buffer.text(), "users.csv");
//   UnitTableRequest request;
//   request.label_column = 1;            // the variant
//   request.columns = {{2, false}, {3, true}};  // revenue; orders, a count
//   UnitTable table = *ReadUnitTable(buffer.text(), "users.csv", preview, request);

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/column.h"
#include "core/status.h"

namespace growthlens {

struct CsvPreview {
  char delimiter = ',';
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> sample;  ///< the first data records
  std::size_t body_offset = 0;                   ///< where the first data record starts
};

/// The header and up to `sample_rows` records (blank lines skipped); fails on an empty file.
Result<CsvPreview> PreviewCsv(std::string_view text, const std::string& name,
                              std::size_t sample_rows = 1000);

/// A number cell: ParseDouble's decimals (a decimal comma when the delimiter is not a comma),
/// or true / false in any case as 1 / 0. nullopt otherwise (also for empty, nan and inf).
std::optional<double> ParseUnitValue(std::string_view text, bool decimal_comma);

struct UnitColumnRequest {
  std::size_t index = 0;      ///< header position
  bool non_negative = false;  ///< a count: a negative value is an error
};

struct UnitTableRequest {
  std::optional<std::size_t> label_column;  ///< none: every row gets label 0
  std::string label_meaning = "variant";    ///< for messages
  std::size_t max_labels = 100;             ///< more distinct labels is an error
  std::vector<UnitColumnRequest> columns;
  unsigned threads = 0;  ///< 0 = all cores
};

struct UnitTable {
  std::vector<std::string> labels;     ///< distinct labels, first-seen order
  Column<std::uint32_t> label;         ///< per row, index into labels
  std::vector<Column<double>> values;  ///< per requested column, per row
  std::vector<bool> binary;            ///< per requested column: every value is 0 or 1
  std::size_t rows() const { return label.size(); }
};

Result<UnitTable> ReadUnitTable(std::string_view text, const std::string& name,
                                const CsvPreview& preview, const UnitTableRequest& request);

}  // namespace growthlens
