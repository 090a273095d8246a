#pragma once
// One block of a stored table: a few named, typed columns of the same row count, each coded as
// suits it (integers as LEB128 varints of their zigzagged values or of the zigzagged differences
// between neighbours, whichever is shorter; doubles as their 8 bytes; strings as lengths and
// bytes), the whole then compressed with zstd. A column of timestamps can instead be written as
// delta planes: the zigzagged differences, divided by their common factor (1000 for times to
// the second), as varints whose first bytes come first, then their second bytes, and so on:
// zstd then sees the noisy low bytes apart from the nearly constant high ones (event times to
// the millisecond: 0.3 byte an event less than plain delta varints). Columns are found by name, so
// a block written before a column existed still reads (the column is "absent" and its reader picks
// a default).
//
//   BlockWriter writer(rows);
//   writer.Integers("user", std::span(users));
//   Result<std::string> payload = writer.Compress(3);
//   Result<BlockReader> reader = BlockReader::Open(*payload, "block 7");
//   reader->Integers("user", out.data());

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/dictionary.h"
#include "core/status.h"

namespace growthlens::store {

// Stored in every column: add codings, never change one (blocks written before must read).
enum class ColumnCoding : uint8_t {
  kVarint = 0,
  kDeltaVarint = 1,
  kFloat64 = 2,
  kStrings = 3,
  kDeltaPlanes = 4,  // varint factor, then byte planes of zigzag((value - previous) / factor)
  kRuns = 5,         // varint run count, then per run zigzag(value - previous run's value),
                     // then per run its length - 1, all varints
};

namespace codec {

inline uint64_t Zigzag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
inline int64_t Unzigzag(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}
/// a - b and a + b wrapping around (two's complement) instead of overflowing: a difference of
/// two extreme values still round-trips, and a damaged block cannot cause undefined behaviour.
inline int64_t Difference(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
inline int64_t Sum(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline size_t VarintSize(uint64_t value) {
  size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}
inline void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}
/// Reads one varint at `pos`; false when the bytes end first or it is longer than 10 bytes.
inline bool GetVarint(std::string_view bytes, size_t& pos, uint64_t& value) {
  value = 0;
  for (unsigned shift = 0; shift < 70 && pos < bytes.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(bytes[pos++]);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

}  // namespace codec

class BlockWriter {
 public:
  explicit BlockWriter(uint32_t rows);

  template <typename T>
  void Integers(std::string_view name, std::span<const T> values) {
    static_assert(std::is_integral_v<T>);
    uint64_t plain = 0, delta = 0, runs = 0, run_bytes = 0;
    int64_t previous = 0, run_value = 0;
    for (size_t row = 0; row < values.size();) {
      const auto wide = static_cast<int64_t>(values[row]);
      size_t end = row + 1;
      while (end < values.size() && static_cast<int64_t>(values[end]) == wide) ++end;
      const uint64_t length = end - row;
      plain += codec::VarintSize(codec::Zigzag(wide)) * length;
      delta += codec::VarintSize(codec::Zigzag(codec::Difference(wide, previous))) + length - 1;
      ++runs;
      run_bytes += codec::VarintSize(codec::Zigzag(codec::Difference(wide, run_value))) +
                   codec::VarintSize(length - 1);
      previous = run_value = wide;
      row = end;
    }
    run_bytes += codec::VarintSize(runs);
    // Runs when they are shorter than both (a column of few long runs: users grouped by user).
    if (run_bytes < plain && run_bytes < delta) return WriteRuns(name, values, runs);
    const bool use_delta = delta < plain;
    const size_t start =
        BeginColumn(name, use_delta ? ColumnCoding::kDeltaVarint : ColumnCoding::kVarint);
    previous = 0;
    for (const T value : values) {
      const auto wide = static_cast<int64_t>(value);
      codec::PutVarint(raw_, codec::Zigzag(use_delta ? codec::Difference(wide, previous) : wide));
      previous = wide;
    }
    EndColumn(start);
  }
  template <typename T>
  void WriteRuns(std::string_view name, std::span<const T> values, uint64_t runs) {
    const size_t start = BeginColumn(name, ColumnCoding::kRuns);
    codec::PutVarint(raw_, runs);
    int64_t previous = 0;
    for (size_t row = 0; row < values.size(); ++row)
      if (row == 0 || values[row] != values[row - 1]) {
        const auto wide = static_cast<int64_t>(values[row]);
        codec::PutVarint(raw_, codec::Zigzag(codec::Difference(wide, previous)));
        previous = wide;
      }
    for (size_t row = 0; row < values.size();) {
      size_t end = row + 1;
      while (end < values.size() && values[end] == values[row]) ++end;
      codec::PutVarint(raw_, end - row - 1);
      row = end;
    }
    EndColumn(start);
  }
  /// Integers as delta planes (see above): for timestamps, whose differences are wide.
  void DeltaPlanes(std::string_view name, std::span<const int64_t> values);
  void Doubles(std::string_view name, std::span<const double> values);
  /// Strings [first, first + count) of `dictionary`.
  void Strings(std::string_view name, const StringDictionary& dictionary, uint32_t first,
               uint32_t count);
  /// `values` as they are (the same coding: lengths, then bytes).
  void Strings(std::string_view name, std::span<const std::string_view> values);

  /// The block as stored: zstd at `level` over the coded columns.
  Result<std::string> Compress(int level) const;

 private:
  size_t BeginColumn(std::string_view name, ColumnCoding coding);
  void EndColumn(size_t start);

  std::string raw_;
  uint32_t columns_ = 0;
};

class BlockReader {
 public:
  /// Decompresses and indexes a stored block; `what` names it in errors ("usage.rows block 3").
  static Result<BlockReader> Open(std::string_view payload, std::string what);
  /// Indexes a block already decompressed (Open's second half; the fuzz target's entry).
  static Result<BlockReader> Parse(std::string raw, std::string what);
  /// The column names, in block order.
  std::vector<std::string_view> Names() const;

  uint32_t rows() const { return rows_; }
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  std::optional<ColumnCoding> CodingOf(std::string_view name) const {
    const Entry* entry = Find(name);
    return entry != nullptr ? std::optional(entry->coding) : std::nullopt;
  }

  /// Decodes column `name` into out[0, rows()); an error when absent, malformed or out of T's
  /// range.
  template <typename T>
  Status Integers(std::string_view name, T* out) const {
    static_assert(std::is_integral_v<T>);
    const Entry* entry = Find(name);
    if (entry == nullptr) return Missing(name);
    if (entry->coding == ColumnCoding::kDeltaPlanes || entry->coding == ColumnCoding::kRuns) {
      std::vector<int64_t> values;
      GROWTHLENS_RETURN_IF_ERROR(entry->coding == ColumnCoding::kRuns
                                     ? DecodeRuns(*entry, values)
                                     : DecodeDeltaPlanes(*entry, values));
      for (uint32_t row = 0; row < rows_; ++row) {
        if (!FitsIn<T>(values[row])) return Malformed(name, "a value out of range");
        out[row] = static_cast<T>(values[row]);
      }
      return Status::Ok();
    }
    if (entry->coding != ColumnCoding::kVarint && entry->coding != ColumnCoding::kDeltaVarint)
      return Malformed(name, "not an integer column");
    const bool delta = entry->coding == ColumnCoding::kDeltaVarint;
    size_t pos = 0;
    int64_t previous = 0;
    for (uint32_t row = 0; row < rows_; ++row) {
      uint64_t coded;
      if (!codec::GetVarint(entry->bytes, pos, coded)) return Malformed(name, "values end early");
      const int64_t value =
          delta ? codec::Sum(previous, codec::Unzigzag(coded)) : codec::Unzigzag(coded);
      if (!FitsIn<T>(value)) return Malformed(name, "a value out of range");
      out[row] = static_cast<T>(value);
      previous = value;
    }
    if (pos != entry->bytes.size()) return Malformed(name, "bytes left over");
    return Status::Ok();
  }
  Status Doubles(std::string_view name, double* out) const;
  /// Appends the column's strings (views into this reader) to `out`.
  Status Strings(std::string_view name, std::vector<std::string_view>& out) const;

 private:
  struct Entry {
    std::string_view name;
    ColumnCoding coding;
    std::string_view bytes;
  };
  template <typename T>
  static bool FitsIn(int64_t value) {
    if constexpr (std::is_signed_v<T>)
      return value >= std::numeric_limits<T>::min() && value <= std::numeric_limits<T>::max();
    else
      return value >= 0 && static_cast<uint64_t>(value) <= std::numeric_limits<T>::max();
  }
  const Entry* Find(std::string_view name) const;
  Status DecodeDeltaPlanes(const Entry& entry, std::vector<int64_t>& values) const;
  Status DecodeRuns(const Entry& entry, std::vector<int64_t>& values) const;
  Status Missing(std::string_view name) const;
  Status Malformed(std::string_view name, std::string_view problem) const;

  std::string what_;
  std::unique_ptr<std::string> raw_;  // decompressed; entries point into it, so it stays put
  uint32_t rows_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace growthlens::store
