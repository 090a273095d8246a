#pragma once
// ZeroInSlices: zeroes a large fresh array in slices on several threads, so that its pages are
// first touched (faulted in and cleared by the kernel) on every core instead of one. Per-user
// tables of a 200k-user log are 10-14 MB each.
//
//   Column<uint64_t> bits(users * words);  // default-initialised: not touched yet
//   ZeroInSlices(bits.data(), bits.size(), threads);

#include <algorithm>
#include <cstddef>

#include "core/parallel.h"

namespace growthlens {

template <typename T>
void ZeroInSlices(T* values, size_t count, unsigned threads) {
  constexpr size_t kBytesPerSlice = size_t{1} << 20;
  const size_t per_slice = std::max<size_t>(1, kBytesPerSlice / sizeof(T));
  const size_t slices = (count + per_slice - 1) / per_slice;
  ParallelFor(slices, threads, [&](size_t slice) {
    std::fill(values + slice * per_slice, values + std::min(count, (slice + 1) * per_slice), T{});
  });
}

}  // namespace growthlens
