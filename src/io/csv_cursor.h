#pragma once
// CsvCursor: splits RFC 4180 text into records and fields, one record at a time, without
// copying unquoted fields. Quoted fields may hold delimiters, doubled quotes and line breaks;
// lines end in LF or CRLF. Lenient where pandas is: text after a closing quote is kept, and a
// quote inside an unquoted field is an ordinary character.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace growthlens {

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';
};

/// Finds the next delimiter or line-break byte from a position, 64 bytes at a time: a bitmask
/// of those bytes is built per block (SSE2 where available) and walked with count-trailing-
/// zeros, so the hot loop does one bit operation per field instead of one compare per byte.
class FieldBoundaryScanner {
 public:
  FieldBoundaryScanner(const char* text, size_t end, char delimiter)
      : text_(text), end_(end), delimiter_(delimiter) {}

  /// Offset of the first delimiter, '\n' or '\r' at or after `pos`, or the end.
  size_t Next(size_t pos) {
    for (;;) {
      if (pos - block_start_ >= kBlockBytes) {  // also true when pos < block_start_
        if (pos >= end_) return end_;
        Load(pos);
      }
      const uint64_t bits = mask_ >> (pos - block_start_);
      if (bits != 0) return pos + static_cast<size_t>(__builtin_ctzll(bits));
      pos = block_start_ + kBlockBytes;
      if (pos >= end_) return end_;
      Load(pos);
    }
  }

 private:
  static constexpr size_t kBlockBytes = 64;
  void Load(size_t pos);

  const char* text_;
  size_t end_;
  char delimiter_;
  size_t block_start_ = SIZE_MAX / 2;
  uint64_t mask_ = 0;
};

class CsvCursor {
 public:
  /// Reads text[begin, end); records start at `begin`.
  CsvCursor(std::string_view text, CsvDialect dialect, size_t begin, size_t end);

  /// Reads the next record into `fields` (views valid until the next call). Returns false at
  /// the end of the range. A blank line yields one empty field and blank_line() is true.
  bool Next(std::vector<std::string_view>& fields);

  /// Offset where the next record starts.
  size_t position() const { return pos_; }
  /// Line breaks consumed so far (including those inside quoted fields).
  uint64_t newlines() const { return newlines_; }
  /// Offset where the last record started, and how many line breaks preceded it.
  size_t record_start() const { return record_start_; }
  uint64_t record_newlines() const { return record_newlines_; }
  bool blank_line() const { return blank_line_; }
  /// True when the last record ended inside an unterminated quoted field.
  bool unterminated_quote() const { return unterminated_quote_; }

 private:
  std::string_view ReadQuotedField(size_t field_idx);

  FieldBoundaryScanner scanner_;
  const char* text_;
  size_t pos_;
  size_t end_;
  CsvDialect dialect_;
  uint64_t newlines_ = 0;
  size_t record_start_ = 0;
  uint64_t record_newlines_ = 0;
  bool blank_line_ = false;
  bool unterminated_quote_ = false;
  std::vector<std::string> unescaped_;  // storage for quoted fields, one per field index
};

/// Picks the delimiter among comma, semicolon, tab and pipe from the first lines: the one
/// that splits them into the same number (> 1) of fields most often; comma when none does.
char DetectDelimiter(std::string_view text);

}  // namespace growthlens
