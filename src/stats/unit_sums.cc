#include "stats/unit_sums.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/compensated_sum.h"
#include "core/parallel.h"

namespace growthlens::stats {
namespace {

constexpr std::size_t kBlockRows = std::size_t{1} << 15;
constexpr std::size_t kShiftSample = 1024;

/// A reference value near the column's centre: the mean of its first rows, rounded to an
/// integer so that integer data (counts, 0/1) keep exact sums.
double ShiftOf(std::span<const double> values) {
  const std::size_t count = std::min(values.size(), kShiftSample);
  if (count == 0) return 0.0;
  double sum = 0.0;
  for (std::size_t idx = 0; idx < count; ++idx) sum += values[idx];
  return std::round(sum / static_cast<double>(count));
}

struct PlainSums {
  double n = 0, y = 0, yy = 0, x = 0, xx = 0, xy = 0;
};

struct CompensatedArm {
  CompensatedSum n, y, yy, x, xx, xy;
  void Add(const PlainSums& block) {
    n.Add(block.n);
    y.Add(block.y);
    yy.Add(block.yy);
    x.Add(block.x);
    xx.Add(block.xx);
    xy.Add(block.xy);
  }
};

}  // namespace

Result<UnitSums> SumByArm(std::span<const std::uint32_t> arm, std::size_t arm_count,
                          std::span<const double> y, std::span<const double> x, unsigned threads) {
  if (arm.size() != y.size() || (!x.empty() && x.size() != y.size())) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("columns: {} arm codes, {} values, {} covariate values differ",
                              arm.size(), y.size(), x.size()));
  }
  if (arm_count == 0) return Status(ErrorCode::kInvalidArgument, "arm_count: zero arms");
  UnitSums out;
  out.shift_y = ShiftOf(y);
  out.shift_x = ShiftOf(x);
  const bool with_x = !x.empty();
  const std::size_t blocks = (y.size() + kBlockRows - 1) / kBlockRows;
  std::vector<PlainSums> partial(blocks * arm_count);
  std::vector<std::uint8_t> bad_arm(blocks, 0);
  ParallelFor(blocks, threads, [&](std::size_t block) {
    PlainSums* sums = &partial[block * arm_count];
    const std::size_t end = std::min(y.size(), (block + 1) * kBlockRows);
    const double shift_y = out.shift_y;
    const double shift_x = out.shift_x;
    for (std::size_t row = block * kBlockRows; row < end; ++row) {
      const std::uint32_t code = arm[row];
      if (code >= arm_count) {
        bad_arm[block] = 1;
        return;
      }
      PlainSums& s = sums[code];
      const double dy = y[row] - shift_y;
      s.n += 1.0;
      s.y += dy;
      s.yy += dy * dy;
      if (with_x) {
        const double dx = x[row] - shift_x;
        s.x += dx;
        s.xx += dx * dx;
        s.xy += dx * dy;
      }
    }
  });
  if (std::find(bad_arm.begin(), bad_arm.end(), 1) != bad_arm.end()) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("arm: a code is not below arm_count = {}", arm_count));
  }
  std::vector<CompensatedArm> merged(arm_count);
  for (std::size_t block = 0; block < blocks; ++block)
    for (std::size_t code = 0; code < arm_count; ++code)
      merged[code].Add(partial[block * arm_count + code]);
  for (const CompensatedArm& m : merged) {
    out.arms.push_back(
        {m.n.Value(), m.y.Value(), m.yy.Value(), m.x.Value(), m.xx.Value(), m.xy.Value()});
  }
  return out;
}

}  // namespace growthlens::stats
