#pragma once
// Rows are processed in chunks of a FIXED size (never "one chunk per thread"): every chunk
// writes its own partial result and the partials are merged in chunk order, so sums come out
// bit-identical on 1 thread or 64.
//
//   const RowChunks chunks(x.rows());
//   std::vector<double> partial(chunks.count());
//   ParallelFor(chunks.count(), threads, [&](size_t chunk_idx) {
//     const RowRange range = chunks[chunk_idx];
//     for (size_t row = range.begin; row < range.end; ++row) partial[chunk_idx] += Cost(row);
//   });
//   double total = 0;
//   for (double value : partial) total += value;  // chunk order

#include <algorithm>
#include <cstddef>

namespace growthlens::ml {

/// Small enough that a chunk stays in cache between its passes (32 KB for 8 features), large
/// enough that per-chunk partials are few (about 2,000 for a million rows).
inline constexpr size_t kRowsPerChunk = 512;

struct RowRange {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
};

class RowChunks {
 public:
  explicit RowChunks(size_t rows, size_t rows_per_chunk = kRowsPerChunk)
      : rows_(rows), rows_per_chunk_(rows_per_chunk) {}

  size_t count() const { return (rows_ + rows_per_chunk_ - 1) / rows_per_chunk_; }
  RowRange operator[](size_t chunk_idx) const {
    const size_t begin = chunk_idx * rows_per_chunk_;
    return {begin, std::min(rows_, begin + rows_per_chunk_)};
  }

 private:
  size_t rows_;
  size_t rows_per_chunk_;
};

}  // namespace growthlens::ml
