#include "io/csv_cursor.h"

#include <array>
#include <cstring>

namespace growthlens {

uint64_t PlainBoundaryMaskOfTail(const char* text, size_t block, size_t end, CsvDialect dialect) {
  // The last partial block: copy into a zeroed buffer so no load reads past the input.
  char padded[kPlainBlockBytes] = {};
  const size_t valid = end - block;
  std::memcpy(padded, text + block, valid);
  return PlainMask(padded, dialect) & ((uint64_t{1} << valid) - 1);
}

void FieldBoundaryScanner::Load(size_t pos) {
  block_start_ = pos;
  // A quote equal to the delimiter adds no bits: delimiters and line breaks only.
  mask_ = PlainBoundaryMask(text_, pos, end_, {delimiter_, delimiter_});
}

CsvCursor::CsvCursor(std::string_view text, CsvDialect dialect, size_t begin, size_t end,
                     size_t max_quoted_bytes)
    : scanner_(text.data(), end, dialect.delimiter),
      text_(text.data()),
      pos_(begin),
      end_(end),
      dialect_(dialect),
      max_quoted_bytes_(max_quoted_bytes) {}

std::string_view CsvCursor::CutRecordAtLineEnd() {
  size_t line_end = record_start_;
  while (line_end < end_ && text_[line_end] != '\n' && text_[line_end] != '\r') ++line_end;
  const std::string_view line(text_ + record_start_, line_end - record_start_);
  pos_ = line_end;
  newlines_ = record_newlines_;
  if (pos_ < end_) {
    if (text_[pos_] == '\r' && pos_ + 1 < end_ && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++newlines_;
  }
  return line;
}

bool CsvCursor::Next(std::vector<std::string_view>& fields) {
  fields.clear();
  if (pos_ >= end_) return false;
  record_start_ = pos_;
  record_newlines_ = newlines_;
  unterminated_quote_ = false;
  quoted_line_breaks_ = 0;
  const char delimiter = dialect_.delimiter;
  const char quote = dialect_.quote;
  for (;;) {
    if (pos_ < end_ && text_[pos_] == quote) {
      fields.push_back(ReadQuotedField(fields.size()));
    } else {
      const size_t field_start = pos_;
      pos_ = scanner_.Next(pos_);  // hot path: most fields are short and unquoted
      fields.emplace_back(text_ + field_start, pos_ - field_start);
    }
    if (pos_ >= end_) break;
    const char c = text_[pos_];
    if (c == delimiter) {
      ++pos_;
      continue;
    }
    if (c == '\r') {
      ++pos_;
      if (pos_ < end_ && text_[pos_] == '\n') ++pos_;
      ++newlines_;
      break;
    }
    ++pos_;  // '\n'
    ++newlines_;
    break;
  }
  blank_line_ = fields.size() == 1 && fields[0].empty();
  return true;
}

std::string_view CsvCursor::ReadQuotedField(size_t field_idx) {
  const char quote = dialect_.quote;
  ++pos_;  // opening quote
  const size_t content_start = pos_;
  // Fast case: no doubled quotes and nothing after the closing quote, so the field is a view.
  bool needs_copy = false;
  size_t content_end = 0;
  // Where the search for the closing quote gives up: a quote left open must not run on through
  // the rest of the input.
  const size_t scan_end =
      end_ - content_start > max_quoted_bytes_ ? content_start + max_quoted_bytes_ : end_;
  const auto count_line_breaks = [&](size_t from, size_t to) {
    for (size_t scan = from; scan < to; ++scan) quoted_line_breaks_ += text_[scan] == '\n' ? 1 : 0;
  };
  const uint64_t breaks_before = quoted_line_breaks_;
  for (;;) {
    const void* found =
        pos_ < scan_end ? std::memchr(text_ + pos_, quote, scan_end - pos_) : nullptr;
    if (found == nullptr) {  // unterminated: the field ends where the search stopped
      const size_t stop = std::max(pos_, scan_end);
      count_line_breaks(pos_, stop);
      content_end = stop;
      pos_ = stop;
      unterminated_quote_ = true;
      break;
    }
    const size_t quote_pos = static_cast<size_t>(static_cast<const char*>(found) - text_);
    count_line_breaks(pos_, quote_pos);
    if (quote_pos + 1 < end_ && text_[quote_pos + 1] == quote) {
      needs_copy = true;
      pos_ = quote_pos + 2;
      continue;
    }
    content_end = quote_pos;
    pos_ = quote_pos + 1;
    break;
  }
  newlines_ += quoted_line_breaks_ - breaks_before;
  const char delimiter = dialect_.delimiter;
  const size_t trailing_start = pos_;
  while (pos_ < end_ && text_[pos_] != delimiter && text_[pos_] != '\n' && text_[pos_] != '\r')
    ++pos_;
  if (!needs_copy && pos_ == trailing_start)
    return {text_ + content_start, content_end - content_start};

  if (unescaped_.size() <= field_idx) unescaped_.resize(field_idx + 1);
  std::string& out = unescaped_[field_idx];
  out.clear();
  for (size_t scan = content_start; scan < content_end; ++scan) {
    out.push_back(text_[scan]);
    if (text_[scan] == quote && scan + 1 < content_end && text_[scan + 1] == quote) ++scan;
  }
  out.append(text_ + trailing_start, pos_ - trailing_start);
  return out;
}

char DetectDelimiter(std::string_view text) {
  constexpr std::array<char, 4> kCandidates = {',', ';', '\t', '|'};
  constexpr size_t kSampleLines = 20;
  std::array<int, 4> consistent_lines{};
  std::array<size_t, 4> first_line_fields{};
  for (size_t candidate_idx = 0; candidate_idx < kCandidates.size(); ++candidate_idx) {
    CsvCursor cursor(text, {kCandidates[candidate_idx], '"'}, 0, text.size());
    std::vector<std::string_view> fields;
    size_t lines = 0;
    while (lines < kSampleLines && cursor.Next(fields)) {
      if (cursor.blank_line()) continue;
      if (lines == 0) first_line_fields[candidate_idx] = fields.size();
      if (fields.size() > 1 && fields.size() == first_line_fields[candidate_idx])
        ++consistent_lines[candidate_idx];
      ++lines;
    }
  }
  size_t best = 0;
  for (size_t candidate_idx = 1; candidate_idx < kCandidates.size(); ++candidate_idx) {
    const bool more_consistent = consistent_lines[candidate_idx] > consistent_lines[best];
    const bool tie_with_more_fields = consistent_lines[candidate_idx] == consistent_lines[best] &&
                                      first_line_fields[candidate_idx] > first_line_fields[best];
    if (more_consistent || tie_with_more_fields) best = candidate_idx;
  }
  return consistent_lines[best] > 0 ? kCandidates[best] : ',';
}

}  // namespace growthlens
