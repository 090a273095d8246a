#pragma once
// RowLines: the physical line each staged row starts on, stored sparsely. Almost every row is
// on the line after the previous row's, so only the rows where that is not so are kept (the
// first row, and rows after blank lines, multi-line quoted records or malformed records);
// a row's line is found from the last of those at or before it. A usage log of 9M one-line
// rows needs one entry instead of a 36 MB column.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace growthlens {

class RowLines {
 public:
  /// Notes that row `row` (the rows are added in order) starts on `line`.
  void Add(uint32_t row, uint64_t line) {
    if (line != next_line_ || jumps_.empty()) jumps_.push_back({row, line});
    next_line_ = line + 1;
  }
  /// The line row `row` starts on; `row` must have been added.
  uint64_t LineOf(uint32_t row) const;
  /// Moves every line by `lines` (a chunk's lines, counted from its start, made file lines).
  void Shift(uint64_t lines);
  /// Entries kept: 1 for a file of one-line records without blank or malformed lines.
  size_t jumps() const { return jumps_.size(); }

 private:
  struct Jump {
    uint32_t row;
    uint64_t line;
  };
  std::vector<Jump> jumps_;  // in row order
  uint64_t next_line_ = 0;   // the line the next row starts on if it follows the last one
};

}  // namespace growthlens
