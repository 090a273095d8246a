#include "prep/duplicate_finder.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "core/column.h"
#include "core/hash.h"
#include "core/parallel.h"

namespace growthlens {

namespace {

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

void MarkDuplicateRows(const StagedTable& table, std::vector<std::vector<uint8_t>>& status,
                       uint8_t duplicate, unsigned threads, const DuplicateLayout& layout) {
  const DataKind kind = table.mapping.kind;
  const size_t chunk_count = table.chunks.size();
  const size_t total_rows = table.rows();
  if (total_rows == 0) return;
  std::vector<size_t> chunk_offset(chunk_count + 1, 0);
  for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx)
    chunk_offset[chunk_idx + 1] = chunk_offset[chunk_idx] + table.chunks[chunk_idx].rows();
  auto locate = [&](uint32_t global_row) {
    const size_t chunk_idx =
        static_cast<size_t>(std::upper_bound(chunk_offset.begin(), chunk_offset.end(), global_row) -
                            chunk_offset.begin() - 1);
    return std::pair<size_t, size_t>(chunk_idx, global_row - chunk_offset[chunk_idx]);
  };

  // Rows go to a wave by one column (the user, or the invoice), which copies share and which
  // is cheap to read: a wave's scatter skips the other rows without hashing them, and logs
  // sorted by user skip them in long runs. Within a wave, partitions go by the row's hash.
  const size_t waves = std::max<size_t>(
      1, (total_rows + layout.rows_per_wave - 1) / std::max<size_t>(1, layout.rows_per_wave));
  const unsigned sub_bits = static_cast<unsigned>(
      std::bit_width(std::max<size_t>(
          1, total_rows / waves / std::max<size_t>(1, layout.rows_per_partition))) -
      1);
  const size_t sub_partitions = size_t{1} << sub_bits;
  const size_t partitions = waves * sub_partitions;
  auto wave_of = [&](const StagedChunk& chunk, size_t row) {
    if (waves == 1) return size_t{0};
    const uint64_t key = kind == DataKind::kUsage ? chunk.user[row] : chunk.invoice[row];
    return static_cast<size_t>(((MixBits(key) >> 32) * waves) >> 32);
  };
  auto sub_partition_of = [&](uint64_t hash) {
    return sub_bits == 0 ? size_t{0} : static_cast<size_t>(hash >> (64 - sub_bits));
  };

  // Pass 1: count rows per (chunk, partition).
  std::vector<std::vector<size_t>> counts(chunk_count, std::vector<size_t>(partitions, 0));
  ParallelFor(chunk_count, threads, [&](size_t chunk_idx) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    for (size_t row = 0; row < chunk.rows(); ++row)
      ++counts[chunk_idx]
              [wave_of(chunk, row) * sub_partitions + sub_partition_of(HashRow(chunk, row, kind))];
  });

  std::vector<size_t> wave_begin(waves + 1);
  size_t max_wave_rows = 0;
  for (size_t wave = 0; wave <= waves; ++wave) wave_begin[wave] = wave * sub_partitions;
  for (size_t wave = 0; wave < waves; ++wave) {
    size_t rows = 0;
    for (size_t partition = wave_begin[wave]; partition < wave_begin[wave + 1]; ++partition)
      for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx)
        rows += counts[chunk_idx][partition];
    max_wave_rows = std::max(max_wave_rows, rows);
  }
  Column<RowRef> refs(max_wave_rows);  // filled by each scatter, not zeroed first

  for (size_t wave = 0; wave < waves; ++wave) {
    const size_t first_partition = wave_begin[wave];
    const size_t end_partition = wave_begin[wave + 1];
    // Pass 2: scatter the wave's rows into its partitions, each in file order.
    std::vector<size_t> partition_begin(partitions + 1, 0);
    std::vector<std::vector<size_t>> write_at(chunk_count, std::vector<size_t>(partitions));
    size_t offset = 0;
    for (size_t partition = first_partition; partition < end_partition; ++partition) {
      partition_begin[partition] = offset;
      for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx) {
        write_at[chunk_idx][partition] = offset;
        offset += counts[chunk_idx][partition];
      }
    }
    partition_begin[end_partition] = offset;
    ParallelFor(chunk_count, threads, [&](size_t chunk_idx) {
      const StagedChunk& chunk = table.chunks[chunk_idx];
      std::vector<size_t>& cursor = write_at[chunk_idx];
      for (size_t row = 0; row < chunk.rows(); ++row) {
        if (wave_of(chunk, row) != wave) continue;
        const uint64_t hash = HashRow(chunk, row, kind);
        const size_t partition = first_partition + sub_partition_of(hash);
        refs[cursor[partition]++] = {static_cast<uint32_t>(hash),
                                     static_cast<uint32_t>(chunk_offset[chunk_idx] + row)};
      }
    });

    // Pass 3: per partition, an open-addressing table of the first row seen per distinct row.
    ParallelFor(end_partition - first_partition, threads, [&](size_t wave_partition) {
      const size_t partition = first_partition + wave_partition;
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
          if (RowsEqual(table.chunks[seen_chunk], seen_row, table.chunks[ref_chunk], ref_row,
                        kind)) {
            status[ref_chunk][ref_row] = duplicate;  // one byte per row: no two tasks share it
            break;
          }
        }
      }
    });
  }
}

}  // namespace growthlens
