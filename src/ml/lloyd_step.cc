#include "ml/lloyd_step.h"

#include <algorithm>
#include <array>

namespace growthlens::ml {

size_t LloydStep::AssignRows(RowRange rows, std::span<int32_t> labels) {
  // Previous labels are kept per block to count changes (the strict-convergence test).
  constexpr size_t kBlock = 256;
  std::array<int32_t, kBlock> fresh{};
  size_t changed = 0;
  for (size_t begin = rows.begin; begin < rows.end; begin += kBlock) {
    const size_t count = std::min(kBlock, rows.end - begin);
    table_->NearestRows(x_->row(begin).data(), count, fresh.data());
    for (size_t offset = 0; offset < count; ++offset) {
      changed += fresh[offset] != labels[begin + offset];
      labels[begin + offset] = fresh[offset];
    }
  }
  return changed;
}

}  // namespace growthlens::ml
