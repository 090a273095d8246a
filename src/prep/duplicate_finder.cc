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

// The column whose runs are checked locally: the user of a usage row, the invoice of a line.
uint32_t RunKey(const StagedChunk& chunk, size_t row, DataKind kind) {
  return kind == DataKind::kUsage ? chunk.user[row] : chunk.invoice[row];
}

// Per key (user or invoice code): 1 when all its rows form one contiguous run in file order.
// Duplicates of such rows can only lie in that run, so they are found there, in a table the
// size of the run. Exports grouped by user, and invoices whose lines are written together,
// make nearly every key such; a log sorted by time makes almost none, and costs one pass.
std::vector<uint8_t> SingleRunKeys(const StagedTable& table, DataKind kind, unsigned threads) {
  const size_t key_count = kind == DataKind::kUsage ? table.dictionaries.users.size()
                                                    : table.dictionaries.invoices.size();
  const size_t chunk_count = table.chunks.size();
  std::vector<std::vector<uint8_t>> runs(chunk_count);  // per chunk, saturating at 2
  ParallelFor(chunk_count, threads, [&](size_t chunk_idx) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    std::vector<uint8_t>& chunk_runs = runs[chunk_idx];
    chunk_runs.assign(key_count, 0);
    uint32_t previous = kNullCode;
    for (size_t row = 0; row < chunk.rows(); ++row) {
      const uint32_t key = RunKey(chunk, row, kind);
      if (key == previous) continue;
      previous = key;  // a run of rows without a key ends the run before it too
      if (key == kNullCode) continue;
      chunk_runs[key] = static_cast<uint8_t>(std::min(2, chunk_runs[key] + 1));
    }
  });
  std::vector<uint8_t> single(key_count, 0);
  for (size_t key = 0; key < key_count; ++key) {
    unsigned total = 0;
    for (const std::vector<uint8_t>& chunk_runs : runs) total += chunk_runs[key];
    single[key] = total == 1 ? 1 : 0;
  }
  // A run cut by a chunk boundary is two runs to the chunks: leave its key to the hash path.
  const StagedChunk* previous_chunk = nullptr;
  for (const StagedChunk& chunk : table.chunks) {
    if (chunk.rows() == 0) continue;
    if (previous_chunk != nullptr) {
      const uint32_t last = RunKey(*previous_chunk, previous_chunk->rows() - 1, kind);
      const uint32_t first = RunKey(chunk, 0, kind);
      if (last == first && first != kNullCode) single[first] = 0;
    }
    previous_chunk = &chunk;
  }
  return single;
}

// Marks the rows of [begin, end) that repeat an earlier one of the range, in a table sized to it.
void MarkDuplicatesInRange(const StagedChunk& chunk, DataKind kind, size_t begin, size_t end,
                           std::vector<uint32_t>& slots, std::vector<uint8_t>& status,
                           uint8_t duplicate) {
  if (end - begin < 2) return;
  constexpr size_t kPairwiseRows = 8;  // up to 28 comparisons beat hashing
  if (end - begin <= kPairwiseRows) {
    for (size_t row = begin + 1; row < end; ++row)
      for (size_t earlier = begin; earlier < row; ++earlier)
        if (RowsEqual(chunk, earlier, chunk, row, kind)) {
          status[row] = duplicate;
          break;
        }
    return;
  }
  const size_t slot_mask = std::bit_ceil((end - begin) * 2) - 1;
  slots.assign(slot_mask + 1, kEmptySlot);
  for (size_t row = begin; row < end; ++row) {
    for (size_t slot = HashRow(chunk, row, kind) & slot_mask;; slot = (slot + 1) & slot_mask) {
      if (slots[slot] == kEmptySlot) {
        slots[slot] = static_cast<uint32_t>(row);
        break;
      }
      if (RowsEqual(chunk, slots[slot], chunk, row, kind)) {
        status[row] = duplicate;
        break;
      }
    }
  }
}

// Marks the duplicates inside the runs of single-run keys; returns the rows left to the
// partitioned hash path. A usage run whose days never go back (logs written user by user,
// day by day) can only repeat a row on the same day, so each day's few rows are compared.
size_t MarkDuplicatesInRuns(const StagedChunk& chunk, DataKind kind,
                            const std::vector<uint8_t>& single, std::vector<uint8_t>& status,
                            uint8_t duplicate) {
  std::vector<uint32_t> slots;
  size_t left = 0;
  size_t begin = 0;
  while (begin < chunk.rows()) {
    const uint32_t key = RunKey(chunk, begin, kind);
    size_t end = begin + 1;
    bool days_ascend = kind == DataKind::kUsage;
    while (end < chunk.rows() && RunKey(chunk, end, kind) == key) {
      if (kind == DataKind::kUsage) days_ascend &= chunk.day[end - 1] <= chunk.day[end];
      ++end;
    }
    if (key == kNullCode || single[key] == 0) {
      left += end - begin;
    } else if (days_ascend) {
      for (size_t day_begin = begin; day_begin < end;) {
        size_t day_end = day_begin + 1;
        while (day_end < end && chunk.day[day_end] == chunk.day[day_begin]) ++day_end;
        MarkDuplicatesInRange(chunk, kind, day_begin, day_end, slots, status, duplicate);
        day_begin = day_end;
      }
    } else {
      MarkDuplicatesInRange(chunk, kind, begin, end, slots, status, duplicate);
    }
    begin = end;
  }
  return left;
}

}  // namespace

void MarkDuplicateRows(const StagedTable& table, std::vector<std::vector<uint8_t>>& status,
                       uint8_t duplicate, unsigned threads, const DuplicateLayout& layout) {
  const DataKind kind = table.mapping.kind;
  const size_t chunk_count = table.chunks.size();
  if (table.rows() == 0) return;
  // Keys whose rows form one run are settled locally; only the other rows are partitioned.
  std::vector<uint8_t> single;
  if (layout.local_runs) single = SingleRunKeys(table, kind, threads);
  std::vector<size_t> left(chunk_count, 0);
  ParallelFor(chunk_count, threads, [&](size_t chunk_idx) {
    left[chunk_idx] = layout.local_runs ? MarkDuplicatesInRuns(table.chunks[chunk_idx], kind,
                                                               single, status[chunk_idx], duplicate)
                                        : table.chunks[chunk_idx].rows();
  });
  size_t total_rows = 0;
  for (size_t rows : left) total_rows += rows;
  if (total_rows == 0) return;
  auto settled = [&](const StagedChunk& chunk, size_t row) {
    if (!layout.local_runs) return false;
    const uint32_t key = RunKey(chunk, row, kind);
    return key != kNullCode && single[key] != 0;
  };
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
      if (!settled(chunk, row))
        ++counts[chunk_idx][wave_of(chunk, row) * sub_partitions +
                            sub_partition_of(HashRow(chunk, row, kind))];
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
        if (wave_of(chunk, row) != wave || settled(chunk, row)) continue;
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
