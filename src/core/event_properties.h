#pragma once
// An event log's property columns (the "platform", "plan" or "country" an event carries):
// one dictionary-coded column per property name. A column's codes take 1 byte while its
// dictionary holds at most 256 values, and widen to 2 and then 4 bytes as values arrive, so a
// realistic property costs 1-2 bytes per event. Rows line up with the UsageLog's rows.
//
//   PropertyColumn& platform = properties.Add("platform");
//   platform.Append(platform.values.Intern("ios"));
//   std::string_view value = platform.ValueOf(row);

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/column.h"
#include "core/dictionary.h"

namespace growthlens {

/// Bounds on what properties may cost: a source with more columns keeps the first ones, and a
/// property with more distinct values is dropped; both are reported, never silent.
inline constexpr size_t kMaxEventProperties = 32;
inline constexpr uint32_t kMaxPropertyValues = 1u << 20;

class PropertyColumn {
 public:
  PropertyColumn() = default;
  explicit PropertyColumn(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  /// Bytes per row: 1, 2 or 4.
  unsigned width() const { return width_; }
  size_t rows() const { return bytes_.size() / width_; }

  uint32_t operator[](size_t row) const {
    const uint8_t* at = bytes_.data() + row * width_;
    switch (width_) {
      case 1:
        return at[0];
      case 2:
        return static_cast<uint32_t>(at[0]) | static_cast<uint32_t>(at[1]) << 8;
      default:
        return static_cast<uint32_t>(at[0]) | static_cast<uint32_t>(at[1]) << 8 |
               static_cast<uint32_t>(at[2]) << 16 | static_cast<uint32_t>(at[3]) << 24;
    }
  }
  std::string_view ValueOf(size_t row) const { return values[(*this)[row]]; }

  /// Adds a row holding `code` (a code of `values`), widening the column when it needs to.
  void Append(uint32_t code);
  /// Room for `rows` rows at the current width.
  void Reserve(size_t rows) { bytes_.reserve(rows * width_); }
  /// Codes of every row (`codes` into `values`), at the narrowest width that holds them.
  void Assign(const std::vector<uint32_t>& codes);
  /// Keeps the rows whose `keep` is set, in order.
  void KeepRows(const std::vector<uint8_t>& keep);
  /// Every row's code, widened to 32 bits.
  std::vector<uint32_t> Codes() const;
  size_t MemoryBytes() const { return bytes_.size() + values.MemoryBytes(); }

  StringDictionary values;  // "" stands for "not set"

 private:
  static unsigned WidthFor(uint32_t largest_code);
  void Widen(unsigned width);

  std::string name_;
  unsigned width_ = 1;
  Column<uint8_t> bytes_;
};

struct EventProperties {
  std::vector<PropertyColumn> columns;

  bool empty() const { return columns.empty(); }
  /// The column named `name`, or nullptr.
  const PropertyColumn* Find(std::string_view name) const;
  PropertyColumn* Find(std::string_view name);
  /// A new column, with `rows` rows of "" (not set).
  PropertyColumn& Add(std::string name, size_t rows = 0);
  /// Keeps the rows whose `keep` is set in every column.
  void KeepRows(const std::vector<uint8_t>& keep);
  /// The names, in column order, joined by ", " (for messages).
  std::string Names() const;
  size_t RowBytes() const;
  size_t DictionaryBytes() const;
};

}  // namespace growthlens
