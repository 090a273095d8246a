#include "io/row_lines.h"

#include <algorithm>

namespace growthlens {

uint64_t RowLines::LineOf(uint32_t row) const {
  // The last jump at or before `row`; rows after it follow one line each.
  const auto after =
      std::upper_bound(jumps_.begin(), jumps_.end(), row,
                       [](uint32_t wanted, const Jump& jump) { return wanted < jump.row; });
  if (after == jumps_.begin()) return 0;  // not added: no line to give
  const Jump& jump = *(after - 1);
  return jump.line + (row - jump.row);
}

void RowLines::Shift(uint64_t lines) {
  for (Jump& jump : jumps_) jump.line += lines;
  next_line_ += lines;
}

}  // namespace growthlens
