#include "prep/duplicate_finder.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "core/column.h"
#include "core/hash.h"
#include "core/parallel.h"

namespace growthlens {

namespace {

// Few partitions keep the scatter to a few dozen write streams; each partition's table (a few
// MB) still fits in cache. Measured on 9M rows: 16k rows per partition 0.17 s, 256k 0.13 s.
constexpr size_t kTargetRowsPerPartition = 256 * 1024;
constexpr uint32_t kEmptySlot = UINT32_MAX;

// 8 bytes per row keeps the scatter pass light; the full row is compared only on a tag match.
struct RowRef {
  uint32_t tag;  // low 32 bits of the row hash (the partition comes from the top bits)
  uint32_t row;  // global row index: chunk offset + row within the chunk
};

uint64_t DoubleBits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

uint64_t HashRow(const StagedChunk& chunk, size_t row, DataKind kind) {
  if (kind == DataKind::kUsage) {
    // Two words, two mixes: cheap enough to compute twice instead of storing it.
    const uint64_t who_what = chunk.user[row] | (uint64_t{chunk.feature[row]} << 32);
    const uint64_t when = static_cast<uint32_t>(chunk.day[row]) |
                          (uint64_t{static_cast<uint32_t>(chunk.signup[row])} << 32);
    return MixBits(who_what ^
                   MixBits(when ^ (static_cast<uint32_t>(chunk.events[row]) * kHashMultiplier)));
  }
  uint64_t hash = 0;
  hash = HashCombine(hash, chunk.invoice[row]);
  hash = HashCombine(hash, chunk.stock_code[row]);
  hash = HashCombine(hash, chunk.description[row]);
  hash = HashCombine(hash, static_cast<uint32_t>(chunk.quantity[row]));
  hash = HashCombine(hash, static_cast<uint64_t>(chunk.time[row]));
  hash = HashCombine(hash, DoubleBits(chunk.price[row]));
  hash = HashCombine(hash, chunk.user[row]);
  return HashCombine(hash, chunk.country[row]);
}

bool RowsEqual(const StagedChunk& a, size_t a_row, const StagedChunk& b, size_t b_row,
               DataKind kind) {
  if (kind == DataKind::kUsage)
    return a.user[a_row] == b.user[b_row] && a.signup[a_row] == b.signup[b_row] &&
           a.day[a_row] == b.day[b_row] && a.feature[a_row] == b.feature[b_row] &&
           a.events[a_row] == b.events[b_row];
  return a.invoice[a_row] == b.invoice[b_row] && a.stock_code[a_row] == b.stock_code[b_row] &&
         a.description[a_row] == b.description[b_row] && a.quantity[a_row] == b.quantity[b_row] &&
         a.time[a_row] == b.time[b_row] &&
         DoubleBits(a.price[a_row]) == DoubleBits(b.price[b_row]) &&
         a.user[a_row] == b.user[b_row] && a.country[a_row] == b.country[b_row];
}

}  // namespace

std::vector<std::vector<uint8_t>> FindDuplicateRows(const StagedTable& table, unsigned threads) {
  const DataKind kind = table.mapping.kind;
  const size_t chunk_count = table.chunks.size();
  std::vector<std::vector<uint8_t>> duplicate(chunk_count);
  const size_t total_rows = table.rows();
  if (total_rows == 0) return duplicate;
  std::vector<size_t> chunk_offset(chunk_count + 1, 0);
  for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx)
    chunk_offset[chunk_idx + 1] = chunk_offset[chunk_idx] + table.chunks[chunk_idx].rows();
  auto locate = [&](uint32_t global_row) {
    const size_t chunk_idx =
        static_cast<size_t>(std::upper_bound(chunk_offset.begin(), chunk_offset.end(), global_row) -
                            chunk_offset.begin() - 1);
    return std::pair<size_t, size_t>(chunk_idx, global_row - chunk_offset[chunk_idx]);
  };

  const unsigned partition_bits = static_cast<unsigned>(
      std::bit_width(std::max<size_t>(1, total_rows / kTargetRowsPerPartition)) - 1);
  const size_t partitions = size_t{1} << partition_bits;
  auto partition_of = [&](uint64_t hash) {
    return partition_bits == 0 ? size_t{0} : static_cast<size_t>(hash >> (64 - partition_bits));
  };

  // Pass 1: count rows per (chunk, partition).
  std::vector<std::vector<size_t>> counts(chunk_count, std::vector<size_t>(partitions, 0));
  ParallelFor(chunk_count, threads, [&](size_t chunk_idx) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    duplicate[chunk_idx].assign(chunk.rows(), 0);
    for (size_t row = 0; row < chunk.rows(); ++row)
      ++counts[chunk_idx][partition_of(HashRow(chunk, row, kind))];
  });

  // Pass 2: scatter into partitions, each in file order (chunks in order, rows in order).
  std::vector<size_t> partition_begin(partitions + 1, 0);
  std::vector<std::vector<size_t>> write_at(chunk_count, std::vector<size_t>(partitions));
  size_t offset = 0;
  for (size_t partition = 0; partition < partitions; ++partition) {
    partition_begin[partition] = offset;
    for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx) {
      write_at[chunk_idx][partition] = offset;
      offset += counts[chunk_idx][partition];
    }
  }
  partition_begin[partitions] = offset;
  Column<RowRef> refs(total_rows);  // filled by the scatter, not zeroed first
  ParallelFor(chunk_count, threads, [&](size_t chunk_idx) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    std::vector<size_t>& cursor = write_at[chunk_idx];
    for (size_t row = 0; row < chunk.rows(); ++row) {
      const uint64_t hash = HashRow(chunk, row, kind);
      refs[cursor[partition_of(hash)]++] = {static_cast<uint32_t>(hash),
                                            static_cast<uint32_t>(chunk_offset[chunk_idx] + row)};
    }
  });

  // Pass 3: per partition, an open-addressing table of the first row seen per distinct row.
  ParallelFor(partitions, threads, [&](size_t partition) {
    const size_t begin = partition_begin[partition];
    const size_t end = partition_begin[partition + 1];
    if (end - begin < 2) return;
    const size_t slot_count = std::bit_ceil((end - begin) * 2);
    const size_t slot_mask = slot_count - 1;
    std::vector<uint32_t> slots(slot_count, kEmptySlot);
    for (size_t ref_idx = begin; ref_idx < end; ++ref_idx) {
      const RowRef& ref = refs[ref_idx];
      for (size_t slot = ref.tag & slot_mask;; slot = (slot + 1) & slot_mask) {
        if (slots[slot] == kEmptySlot) {
          slots[slot] = static_cast<uint32_t>(ref_idx - begin);
          break;
        }
        const RowRef& seen = refs[begin + slots[slot]];
        if (seen.tag != ref.tag) continue;
        const auto [seen_chunk, seen_row] = locate(seen.row);
        const auto [ref_chunk, ref_row] = locate(ref.row);
        if (RowsEqual(table.chunks[seen_chunk], seen_row, table.chunks[ref_chunk], ref_row, kind)) {
          duplicate[ref_chunk][ref_row] = 1;
          break;
        }
      }
    }
  });
  return duplicate;
}

}  // namespace growthlens
