#pragma once
// CsvCursor: splits RFC 4180 text into records and fields, one record at a time, without
// copying unquoted fields. Quoted fields may hold delimiters, doubled quotes and line breaks;
// lines end in LF or CRLF. Lenient where pandas is: text after a closing quote is kept, and a
// quote inside an unquoted field is an ordinary character. A quoted field that is not closed
// within max_quoted_bytes (or before the end) is flagged, never read on to the end of the
// input: the reader reports it, or cuts its record at the line end and goes on.

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace growthlens {

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';
};

/// A quoted field longer than this is taken for a quote left open (see CsvCursor).
inline constexpr size_t kDefaultMaxQuotedBytes = 64 * 1024;

inline constexpr size_t kPlainBlockBytes = 64;

/// Bit i set where block[i] (i < 64) is the delimiter, the quote, LF or CR.
inline uint64_t PlainMask(const char* block, CsvDialect dialect) {
#ifdef __SSE2__
  const __m128i delimiter_bytes = _mm_set1_epi8(dialect.delimiter);
  const __m128i quote_bytes = _mm_set1_epi8(dialect.quote);
  const __m128i newline_bytes = _mm_set1_epi8('\n');
  const __m128i return_bytes = _mm_set1_epi8('\r');
  uint64_t mask = 0;
  for (int lane = 0; lane < 4; ++lane) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + lane * 16));
    const __m128i hits = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(bytes, delimiter_bytes), _mm_cmpeq_epi8(bytes, quote_bytes)),
        _mm_or_si128(_mm_cmpeq_epi8(bytes, newline_bytes), _mm_cmpeq_epi8(bytes, return_bytes)));
    mask |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(hits))) << (lane * 16);
  }
  return mask;
#else
  uint64_t mask = 0;
  for (size_t byte_idx = 0; byte_idx < kPlainBlockBytes; ++byte_idx) {
    const char c = block[byte_idx];
    if (c == dialect.delimiter || c == dialect.quote || c == '\n' || c == '\r')
      mask |= uint64_t{1} << byte_idx;
  }
  return mask;
#endif
}

/// PlainMask of the last, partial block [block, end): bytes past `end` count as none.
uint64_t PlainBoundaryMaskOfTail(const char* text, size_t block, size_t end, CsvDialect dialect);

/// PlainMask of text[block, block + 64), reading nothing at or past `end`.
inline uint64_t PlainBoundaryMask(const char* text, size_t block, size_t end, CsvDialect dialect) {
  if (block + kPlainBlockBytes <= end) [[likely]]
    return PlainMask(text + block, dialect);
  return PlainBoundaryMaskOfTail(text, block, end, dialect);
}

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
  static constexpr size_t kBlockBytes = kPlainBlockBytes;
  void Load(size_t pos);

  const char* text_;
  size_t end_;
  char delimiter_;
  size_t block_start_ = SIZE_MAX / 2;
  uint64_t mask_ = 0;
};

class CsvCursor {
 public:
  /// Reads text[begin, end); records start at `begin`. A quoted field that does not close
  /// within `max_quoted_bytes` ends there, flagged by unterminated_quote().
  CsvCursor(std::string_view text, CsvDialect dialect, size_t begin, size_t end,
            size_t max_quoted_bytes = kDefaultMaxQuotedBytes);

  /// Reads the next record into `fields` (views valid until the next call). Returns false at
  /// the end of the range. A blank line yields one empty field and blank_line() is true.
  bool Next(std::vector<std::string_view>& fields);

  /// The hot path for the common record: reads records of exactly fields.size() (>= 2) fields
  /// without quotes, each ending in LF or CRLF, while the next one starts before
  /// `stop_before`, and calls on_record(fields) for each (views valid during the call;
  /// record_start() and record_newlines() describe it). Stops, consuming nothing of it, at
  /// the first other record (quotes, another field count, a lone CR, no line end before the
  /// end of the range): Next() must read that one. The field boundaries of each 64-byte
  /// block are found at once and walked in registers, one bit per field.
  template <typename OnRecord>
  void ReadPlainRecords(std::span<std::string_view> fields, size_t stop_before,
                        OnRecord&& on_record);

  /// Offset where the next record starts.
  size_t position() const { return pos_; }
  /// Line breaks consumed so far (including those inside quoted fields).
  uint64_t newlines() const { return newlines_; }
  /// Offset where the last record started, and how many line breaks preceded it.
  size_t record_start() const { return record_start_; }
  uint64_t record_newlines() const { return record_newlines_; }
  bool blank_line() const { return blank_line_; }
  /// True when the last record ended inside an unterminated quoted field: one not closed
  /// before the end of the range or within max_quoted_bytes.
  bool unterminated_quote() const { return unterminated_quote_; }
  /// Line breaks inside the quoted fields of the last record.
  uint64_t quoted_line_breaks() const { return quoted_line_breaks_; }
  /// Ends the last record at the end of its first line (a quote left open there swallowed the
  /// lines after it): the next record starts on the following line. Returns that first line.
  std::string_view CutRecordAtLineEnd();

 private:
  std::string_view ReadQuotedField(size_t field_idx);

  FieldBoundaryScanner scanner_;
  const char* text_;
  size_t pos_;
  size_t end_;
  CsvDialect dialect_;
  size_t max_quoted_bytes_;
  uint64_t newlines_ = 0;
  size_t record_start_ = 0;
  uint64_t record_newlines_ = 0;
  bool blank_line_ = false;
  bool unterminated_quote_ = false;
  uint64_t quoted_line_breaks_ = 0;
  // Storage for the quoted fields that need unescaping, one per field index. A deque, whose
  // elements never move when it grows: a vector would move the earlier fields' strings (and
  // the bytes of short ones, kept inline) and leave their views dangling.
  std::deque<std::string> unescaped_;
};

template <typename OnRecord>
void CsvCursor::ReadPlainRecords(std::span<std::string_view> fields, size_t stop_before,
                                 OnRecord&& on_record) {
  constexpr size_t kBlockBytes = kPlainBlockBytes;
  const size_t last_field = fields.size() - 1;
  const char delimiter = dialect_.delimiter;
  size_t pos = pos_;
  if (pos >= stop_before) return;
  size_t block = pos;
  uint64_t mask = PlainBoundaryMask(text_, block, end_, dialect_);
  // Invariant between records: `mask` holds the boundaries of [pos, block + 64).
  while (pos < stop_before) {
    size_t field_start = pos;
    size_t field_idx = 0;
    size_t next;  // where the following record starts
    for (;;) {
      while (mask == 0) {
        block += kBlockBytes;
        if (block >= end_) return;  // no line end before the end of the range
        mask = PlainBoundaryMask(text_, block, end_, dialect_);
      }
      const size_t boundary = block + static_cast<size_t>(__builtin_ctzll(mask));
      mask &= mask - 1;
      fields[field_idx] = {text_ + field_start, boundary - field_start};
      const char c = text_[boundary];
      if (c == delimiter) {
        if (field_idx == last_field) return;  // too many fields
        ++field_idx;
        field_start = boundary + 1;
        continue;
      }
      if (field_idx != last_field) return;  // quote, or too few fields
      if (c == '\n') {
        next = boundary + 1;
        break;
      }
      if (c != '\r' || boundary + 1 >= end_ || text_[boundary + 1] != '\n') return;
      next = boundary + 2;
      // Drop the LF's bit, in this block or at the start of the next.
      if (boundary + 1 - block < kBlockBytes) {
        mask &= mask - 1;
      } else {
        block += kBlockBytes;
        mask = PlainBoundaryMask(text_, block, end_, dialect_) & ~uint64_t{1};
      }
      break;
    }
    record_start_ = pos;
    record_newlines_ = newlines_;
    ++newlines_;
    pos_ = pos = next;
    on_record(std::span<const std::string_view>(fields.data(), fields.size()));
  }
  blank_line_ = false;
  unterminated_quote_ = false;
  quoted_line_breaks_ = 0;
}

/// Picks the delimiter among comma, semicolon, tab and pipe from the first lines: the one
/// that splits them into the same number (> 1) of fields most often; comma when none does.
char DetectDelimiter(std::string_view text);

}  // namespace growthlens
