#include "core/event_properties.h"

#include <algorithm>

namespace growthlens {

unsigned PropertyColumn::WidthFor(uint32_t largest_code) {
  if (largest_code <= UINT8_MAX) return 1;
  if (largest_code <= UINT16_MAX) return 2;
  return 4;
}

void PropertyColumn::Widen(unsigned width) {
  const size_t row_count = rows();
  Column<uint8_t> wider(row_count * width);
  for (size_t row = 0; row < row_count; ++row) {
    const uint32_t code = (*this)[row];
    for (unsigned byte = 0; byte < width; ++byte)
      wider[row * width + byte] = static_cast<uint8_t>(code >> (8 * byte));
  }
  bytes_ = std::move(wider);
  width_ = width;
}

void PropertyColumn::Append(uint32_t code) {
  const unsigned needed = WidthFor(code);
  if (needed > width_) [[unlikely]]
    Widen(needed);
  for (unsigned byte = 0; byte < width_; ++byte)
    bytes_.push_back(static_cast<uint8_t>(code >> (8 * byte)));
}

void PropertyColumn::Assign(const std::vector<uint32_t>& codes) {
  uint32_t largest = 0;
  for (const uint32_t code : codes) largest = std::max(largest, code);
  width_ = WidthFor(largest);
  bytes_.resize(codes.size() * width_);
  uint8_t* out = bytes_.data();
  for (const uint32_t code : codes)
    for (unsigned byte = 0; byte < width_; ++byte)
      *out++ = static_cast<uint8_t>(code >> (8 * byte));
}

void PropertyColumn::KeepRows(const std::vector<uint8_t>& keep) {
  size_t out = 0;
  for (size_t row = 0; row < keep.size() && row < rows(); ++row) {
    if (!keep[row]) continue;
    std::copy_n(bytes_.begin() + static_cast<ptrdiff_t>(row * width_), width_,
                bytes_.begin() + static_cast<ptrdiff_t>(out * width_));
    ++out;
  }
  bytes_.resize(out * width_);
}

std::vector<uint32_t> PropertyColumn::Codes() const {
  std::vector<uint32_t> codes(rows());
  for (size_t row = 0; row < codes.size(); ++row) codes[row] = (*this)[row];
  return codes;
}

const PropertyColumn* EventProperties::Find(std::string_view name) const {
  for (const PropertyColumn& column : columns)
    if (column.name() == name) return &column;
  return nullptr;
}

PropertyColumn* EventProperties::Find(std::string_view name) {
  for (PropertyColumn& column : columns)
    if (column.name() == name) return &column;
  return nullptr;
}

PropertyColumn& EventProperties::Add(std::string name, size_t rows) {
  PropertyColumn& column = columns.emplace_back(std::move(name));
  const uint32_t unset = column.values.Intern("");
  column.Reserve(rows);
  for (size_t row = 0; row < rows; ++row) column.Append(unset);
  return column;
}

void EventProperties::KeepRows(const std::vector<uint8_t>& keep) {
  for (PropertyColumn& column : columns) column.KeepRows(keep);
}

std::string EventProperties::Names() const {
  std::string names;
  for (const PropertyColumn& column : columns) {
    if (!names.empty()) names += ", ";
    names += column.name();
  }
  return names;
}

size_t EventProperties::RowBytes() const {
  size_t bytes = 0;
  for (const PropertyColumn& column : columns) bytes += column.rows() * column.width();
  return bytes;
}

size_t EventProperties::DictionaryBytes() const {
  size_t bytes = 0;
  for (const PropertyColumn& column : columns) bytes += column.values.MemoryBytes();
  return bytes;
}

}  // namespace growthlens
