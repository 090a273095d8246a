#include "prep/duplicate_finder.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

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
  if (ByKind(kind, true, false)) {
    // Two words, two mixes: cheap enough to compute twice instead of storing it.
    const uint64_t who_what = chunk.user[row] | (uint64_t{chunk.feature[row]} << 32);
    // Usage rows' signup by its staged code (equal for an equal day and signup); events stage
    // no signup, their time of day takes its place.
    const int32_t when_in_day =
        kind == DataKind::kEvents ? chunk.ms_of_day[row] : chunk.signup.CodeOf(row);
    const uint64_t when = static_cast<uint32_t>(chunk.day[row]) |
                          (uint64_t{static_cast<uint32_t>(when_in_day)} << 32);
    return MixBits(who_what ^
                   MixBits(when ^ (static_cast<uint32_t>(chunk.events[row]) * kHashMultiplier)));
  }
  // Eight columns in four words, mixed side by side rather than one after the other.
  const uint64_t order = chunk.invoice[row] | (uint64_t{chunk.user[row]} << 32);
  const uint64_t item = chunk.stock_code[row] | (uint64_t{chunk.description[row]} << 32);
  const uint64_t amount =
      static_cast<uint32_t>(chunk.quantity[row]) | (uint64_t{chunk.country[row]} << 32);
  const uint64_t first = MixBits(order ^ std::rotl(DoubleBits(chunk.price[row]), 17));
  const uint64_t second =
      MixBits(item ^ (static_cast<uint64_t>(chunk.time[row]) * kHashMultiplier));
  return MixBits(first ^ std::rotl(second, 29) ^ (amount * kHashMultiplier));
}

// Columns that tell most rows of a run apart come first.
bool RowsEqual(const StagedChunk& a, size_t a_row, const StagedChunk& b, size_t b_row,
               DataKind kind) {
  if (ByKind(kind, true, false))
    return a.feature[a_row] == b.feature[b_row] && a.day[a_row] == b.day[b_row] &&
           a.events[a_row] == b.events[b_row] &&
           a.signup.Of(a_row, a.day[a_row]) == b.signup.Of(b_row, b.day[b_row]) &&
           a.user[a_row] == b.user[b_row] &&
           (kind != DataKind::kEvents || a.ms_of_day[a_row] == b.ms_of_day[b_row]);
  return a.stock_code[a_row] == b.stock_code[b_row] && a.quantity[a_row] == b.quantity[b_row] &&
         DoubleBits(a.price[a_row]) == DoubleBits(b.price[b_row]) &&
         a.description[a_row] == b.description[b_row] && a.invoice[a_row] == b.invoice[b_row] &&
         a.time[a_row] == b.time[b_row] && a.user[a_row] == b.user[b_row] &&
         a.country[a_row] == b.country[b_row];
}

// One of 256 filter bits per row, equal for equal rows, from the columns that differ most
// within a run (a feature on a day, an item in an invoice): a bit not seen before in the run
// means a row not seen before.
unsigned FilterBit(const StagedChunk& chunk, size_t row, DataKind kind) {
  const uint32_t value =
      ByKind(kind, true, false)
          ? chunk.feature[row] + static_cast<uint32_t>(chunk.day[row]) * 11
          : chunk.stock_code[row] + static_cast<uint32_t>(chunk.quantity[row]) * 11;
  return value & 255;
}

// The column whose runs are checked locally: the user of a usage row, the invoice of a line.
uint32_t RunKey(const StagedChunk& chunk, size_t row, DataKind kind) {
  return ByKind(kind, true, false) ? chunk.user[row] : chunk.invoice[row];
}

size_t KeyCount(const StagedTable& table) {
  return ByKind(table.mapping.kind, true, false) ? table.dictionaries.users.size()
                                                 : table.dictionaries.invoices.size();
}

// Open addressing over row ids (kEmptySlot when free): true when a row `equal` says is the
// same is in the table already; otherwise `id` is added.
template <typename Equal>
bool FindOrInsert(std::vector<uint32_t>& slots, size_t slot_mask, uint64_t hash, uint32_t id,
                  Equal&& equal) {
  for (size_t slot = hash & slot_mask;; slot = (slot + 1) & slot_mask) {
    if (slots[slot] == kEmptySlot) {
      slots[slot] = id;
      return false;
    }
    if (equal(slots[slot])) return true;
  }
}

// Marks the rows of [begin, end) that repeat an earlier one of the range. Up to 64 rows, each
// row is compared only with the earlier rows of its filter bit (256 bits: few rows share one);
// beyond, in a table sized to the range.
void MarkDuplicatesInRange(const StagedChunk& chunk, DataKind kind, size_t begin, size_t end,
                           std::vector<uint32_t>& slots, std::vector<uint8_t>& status,
                           uint8_t duplicate) {
  constexpr size_t kFilteredRows = 64;
  if (end - begin < 2) return;
  if (end - begin <= kFilteredRows) {
    uint8_t bits[kFilteredRows];
    uint64_t seen[4] = {0, 0, 0, 0};
    for (size_t row = begin; row < end; ++row) {
      const unsigned bit = FilterBit(chunk, row, kind);
      bits[row - begin] = static_cast<uint8_t>(bit);
      uint64_t& word = seen[bit >> 6];
      const uint64_t mask = uint64_t{1} << (bit & 63);
      if (word & mask) {
        for (size_t earlier = begin; earlier < row; ++earlier)
          if (bits[earlier - begin] == bit && RowsEqual(chunk, earlier, chunk, row, kind)) {
            status[row] = duplicate;
            break;
          }
      }
      word |= mask;
    }
    return;
  }
  const size_t slot_mask = std::bit_ceil((end - begin) * 2) - 1;
  slots.assign(slot_mask + 1, kEmptySlot);
  for (size_t row = begin; row < end; ++row)
    if (FindOrInsert(slots, slot_mask, HashRow(chunk, row, kind), static_cast<uint32_t>(row),
                     [&](uint32_t seen) { return RowsEqual(chunk, seen, chunk, row, kind); }))
      status[row] = duplicate;
}

}  // namespace

DuplicateFinder::DuplicateFinder(const StagedTable& table, uint8_t duplicate,
                                 const DuplicateLayout& layout)
    : table_(table),
      duplicate_(duplicate),
      layout_(layout),
      runs_per_key_(table.chunks.size()),
      runs_(table.chunks.size()),
      listed_(table.chunks.size(), 0),
      day_runs_(table.chunks.size()),
      days_listed_(table.chunks.size(), 0) {}

DuplicateFinder::ChunkScan DuplicateFinder::ScanChunk(size_t chunk_idx,
                                                      std::vector<uint8_t>& status) {
  return ChunkScan(*this, chunk_idx, status);
}

DuplicateFinder::ChunkScan::ChunkScan(DuplicateFinder& finder, size_t chunk_idx,
                                      std::vector<uint8_t>& status)
    : chunk_(finder.table_.chunks[chunk_idx]),
      kind_(finder.table_.mapping.kind),
      duplicate_(finder.duplicate_),
      status_(status),
      runs_per_key_(finder.runs_per_key_[chunk_idx]),
      runs_(finder.runs_[chunk_idx]),
      listed_(finder.listed_[chunk_idx]),
      day_runs_(finder.day_runs_[chunk_idx]),
      days_listed_(finder.days_listed_[chunk_idx]),
      max_listed_runs_(chunk_.rows() / std::max<size_t>(1, finder.layout_.min_rows_per_listed_run)),
      active_(finder.layout_.local_runs && chunk_.rows() > 0) {
  if (!active_) return;
  runs_per_key_.assign(KeyCount(finder.table_), 0);
  runs_.clear();
  listed_ = 1;
  run_key_ = RunKey(chunk_, 0, kind_);
  if (ByKind(kind_, true, false)) {
    previous_day_ = chunk_.day[0];
    day_runs_.clear();
    days_listed_ = finder.layout_.day_runs ? 1 : 0;
    if (days_listed_) {
      day_run_day_ = chunk_.day[0];
      day_runs_.push_back({0, static_cast<uint32_t>(day_run_day_)});
    }
  }
}

void DuplicateFinder::ChunkScan::ScanTo(size_t end) {
  if (!active_) return;
  end = std::min(end, chunk_.rows());
  if (end <= scanned_) return;
  if (ByKind(kind_, true, false))
    ScanUsage(end);
  else
    ScanLines(end);
  scanned_ = end;
}

// Usage rows are checked as they come. While a run's days ascend, the rows a row can repeat
// are those of its day just before it; a 64-bit filter of the features seen that day (cleared
// when the day or the user changes) picks the few worth comparing. A run whose days go back is
// checked again as a whole when it ends.
void DuplicateFinder::ChunkScan::ScanUsage(size_t end) {
  const uint32_t* user = chunk_.user.data();
  const Day* day = chunk_.day.data();
  const uint16_t* feature = chunk_.feature.data();
  uint64_t seen = features_seen_;
  Day previous = previous_day_;
  bool ascend = days_ascend_;
  bool list_days = days_listed_ != 0;
  Day run_day = day_run_day_;
  for (size_t row = scanned_; row < end; ++row) {
    const Day today = day[row];
    if (list_days && today != run_day) {
      // Predictable: in time order days change every few thousand rows, in other orders the
      // list is soon full and stops.
      if (day_runs_.size() >= max_listed_runs_) {
        list_days = false;
        std::vector<Run>().swap(day_runs_);
      } else {
        day_runs_.push_back({static_cast<uint32_t>(row), static_cast<uint32_t>(today)});
        run_day = today;
      }
    }
    if (user[row] != run_key_) {
      days_ascend_ = ascend;
      CloseRun(row);
      run_begin_ = row;
      run_key_ = user[row];
      ascend = true;
      seen = 0;
    } else {
      // Without branches: days change every few rows, too irregularly to predict.
      ascend = ascend & (previous <= today);
      seen &= uint64_t{0} - static_cast<uint64_t>(today == previous);
    }
    const unsigned bit = feature[row] & 63;
    if ((seen >> bit) & 1) {
      for (size_t earlier = row; earlier-- > run_begin_ && day[earlier] == today;)
        if (RowsEqual(chunk_, earlier, chunk_, row, kind_)) {
          status_[row] = duplicate_;
          break;
        }
    }
    seen |= uint64_t{1} << bit;
    previous = today;
  }
  features_seen_ = seen;
  days_listed_ = list_days ? 1 : 0;
  day_run_day_ = run_day;
  previous_day_ = previous;
  days_ascend_ = ascend;
}

void DuplicateFinder::ChunkScan::ScanLines(size_t end) {
  const uint32_t* invoice = chunk_.invoice.data();
  for (size_t row = scanned_; row < end; ++row) {
    if (invoice[row] == run_key_) continue;
    CloseRun(row);
    run_begin_ = row;
    run_key_ = invoice[row];
  }
}

void DuplicateFinder::ChunkScan::Finish() {
  if (!active_) return;
  ScanTo(chunk_.rows());
  CloseRun(chunk_.rows());
  active_ = false;
  std::vector<uint32_t>().swap(slots_);
}

// Counts the run [run_begin_, end) and checks it on its own, unless ScanUsage did.
void DuplicateFinder::ChunkScan::CloseRun(size_t end) {
  if (listed_) {
    if (runs_.size() == max_listed_runs_) {
      listed_ = 0;
      std::vector<Run>().swap(runs_);
    } else {
      runs_.push_back({static_cast<uint32_t>(run_begin_), run_key_});
    }
  }
  if (run_key_ == kNullCode) return;  // rows without a key are left to the partitions
  uint8_t& runs = runs_per_key_[run_key_];
  runs = static_cast<uint8_t>(runs + (runs < 2 ? 1 : 0));
  if (ByKind(kind_, true, false) && days_ascend_) return;
  MarkDuplicatesInRange(chunk_, kind_, run_begin_, end, slots_, status_, duplicate_);
}

void DuplicateFinder::MarkAcrossRuns(std::vector<std::vector<uint8_t>>& status, unsigned threads) {
  const StagedTable& table = table_;
  const DataKind kind = table.mapping.kind;
  const size_t chunk_count = table.chunks.size();
  if (table.rows() == 0) return;
  // A key whose rows form one run was settled by step 1.
  std::vector<uint8_t> single;
  if (layout_.local_runs) {
    single.assign(KeyCount(table), 0);
    for (size_t key = 0; key < single.size(); ++key) {
      unsigned total = 0;
      for (const std::vector<uint8_t>& chunk_runs : runs_per_key_)
        total += chunk_runs.empty() ? 0 : chunk_runs[key];  // empty: a chunk without rows
      single[key] = total == 1 ? 1 : 0;
    }
    runs_per_key_.clear();
  }
  if (ByKind(kind, true, false) && layout_.day_runs && MarkWithinDayRuns(status, single, threads))
    return;
  auto settled = [&](const StagedChunk& chunk, size_t row) {
    if (single.empty()) return false;
    const uint32_t key = RunKey(chunk, row, kind);
    return key != kNullCode && single[key] != 0;
  };
  // The row ranges to visit: the runs of unsettled keys where the chunk's runs are listed, the
  // whole chunk (row by row) elsewhere.
  std::vector<std::vector<std::pair<size_t, size_t>>> ranges(chunk_count);
  std::vector<size_t> visited(chunk_count, 0);  // rows in the ranges
  for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    std::vector<std::pair<size_t, size_t>>& chunk_ranges = ranges[chunk_idx];
    if (single.empty() || listed_[chunk_idx] == 0) {
      if (chunk.rows() > 0) chunk_ranges.emplace_back(0, chunk.rows());
    } else {
      const std::vector<Run>& runs = runs_[chunk_idx];
      for (size_t run = 0; run < runs.size(); ++run) {
        const uint32_t key = runs[run].key;
        if (key != kNullCode && single[key] != 0) continue;
        const size_t begin = runs[run].begin;
        const size_t end = run + 1 < runs.size() ? runs[run + 1].begin : chunk.rows();
        if (!chunk_ranges.empty() && chunk_ranges.back().second == begin)
          chunk_ranges.back().second = end;
        else
          chunk_ranges.emplace_back(begin, end);
      }
    }
    for (const auto& [begin, end] : chunk_ranges) visited[chunk_idx] += end - begin;
  }
  runs_.clear();
  size_t visited_rows = 0;  // at least the rows left to this step
  for (size_t rows : visited) visited_rows += rows;
  if (visited_rows == 0) return;
  if (visited_rows < layout_.min_rows_for_threads) threads = 1;
  auto for_each_row = [&](size_t chunk_idx, auto&& visit) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    for (const auto& [begin, end] : ranges[chunk_idx])
      for (size_t row = begin; row < end; ++row)
        if (!settled(chunk, row)) visit(chunk, row);
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
  // is cheap to read: a wave's scatter skips the other rows without hashing them. Within a
  // wave, partitions go by the row's hash.
  const size_t waves = std::max<size_t>(
      1, (visited_rows + layout_.rows_per_wave - 1) / std::max<size_t>(1, layout_.rows_per_wave));
  const unsigned sub_bits = static_cast<unsigned>(
      std::bit_width(std::max<size_t>(
          1, visited_rows / waves / std::max<size_t>(1, layout_.rows_per_partition))) -
      1);
  const size_t sub_partitions = size_t{1} << sub_bits;
  const size_t partitions = waves * sub_partitions;
  auto wave_of = [&](const StagedChunk& chunk, size_t row) {
    if (waves == 1) return size_t{0};
    const uint64_t key = RunKey(chunk, row, kind);
    return static_cast<size_t>(((MixBits(key) >> 32) * waves) >> 32);
  };
  auto sub_partition_of = [&](uint64_t hash) {
    return sub_bits == 0 ? size_t{0} : static_cast<size_t>(hash >> (64 - sub_bits));
  };

  // Pass 1: count rows per (chunk, partition).
  std::vector<std::vector<size_t>> counts(chunk_count, std::vector<size_t>(partitions, 0));
  ParallelFor(chunk_count, threads, [&](size_t chunk_idx) {
    std::vector<size_t>& chunk_counts = counts[chunk_idx];
    for_each_row(chunk_idx, [&](const StagedChunk& chunk, size_t row) {
      ++chunk_counts[wave_of(chunk, row) * sub_partitions +
                     sub_partition_of(HashRow(chunk, row, kind))];
    });
  });
  size_t max_wave_rows = 0;
  for (size_t wave = 0; wave < waves; ++wave) {
    size_t rows = 0;
    for (size_t partition = wave * sub_partitions; partition < (wave + 1) * sub_partitions;
         ++partition)
      for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx)
        rows += counts[chunk_idx][partition];
    max_wave_rows = std::max(max_wave_rows, rows);
  }
  Column<RowRef> refs(max_wave_rows);  // filled by each scatter, not zeroed first

  for (size_t wave = 0; wave < waves; ++wave) {
    const size_t first_partition = wave * sub_partitions;
    // Pass 2: scatter the wave's rows into its partitions, each in file order.
    std::vector<size_t> partition_begin(sub_partitions + 1, 0);
    std::vector<std::vector<size_t>> write_at(chunk_count, std::vector<size_t>(sub_partitions));
    size_t offset = 0;
    for (size_t sub = 0; sub < sub_partitions; ++sub) {
      partition_begin[sub] = offset;
      for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx) {
        write_at[chunk_idx][sub] = offset;
        offset += counts[chunk_idx][first_partition + sub];
      }
    }
    partition_begin[sub_partitions] = offset;
    ParallelFor(chunk_count, threads, [&](size_t chunk_idx) {
      std::vector<size_t>& cursor = write_at[chunk_idx];
      for_each_row(chunk_idx, [&](const StagedChunk& chunk, size_t row) {
        if (wave_of(chunk, row) != wave) return;
        const uint64_t hash = HashRow(chunk, row, kind);
        refs[cursor[sub_partition_of(hash)]++] = {
            static_cast<uint32_t>(hash), static_cast<uint32_t>(chunk_offset[chunk_idx] + row)};
      });
    });

    // Pass 3: per partition, an open-addressing table of the first row seen per distinct row.
    ParallelFor(sub_partitions, threads, [&](size_t sub) {
      const size_t begin = partition_begin[sub];
      const size_t end = partition_begin[sub + 1];
      if (end - begin < 2) return;
      const size_t slot_mask = std::bit_ceil((end - begin) * 2) - 1;
      std::vector<uint32_t> slots(slot_mask + 1, kEmptySlot);
      for (size_t ref_idx = begin; ref_idx < end; ++ref_idx) {
        const RowRef& ref = refs[ref_idx];
        const auto located = locate(ref.row);
        // Named copies, not a structured binding: clang before 16 cannot capture those.
        const auto ref_chunk = located.first;
        const auto ref_row = located.second;
        auto same_row = [&](uint32_t seen_idx) {
          const RowRef& seen = refs[begin + seen_idx];
          if (seen.tag != ref.tag) return false;
          const auto [seen_chunk, seen_row] = locate(seen.row);
          return RowsEqual(table.chunks[seen_chunk], seen_row, table.chunks[ref_chunk], ref_row,
                           kind);
        };
        if (FindOrInsert(slots, slot_mask, ref.tag, static_cast<uint32_t>(ref_idx - begin),
                         same_row))
          status[ref_chunk][ref_row] = duplicate_;  // one byte per row: no two tasks share it
      }
    });
  }
}

bool DuplicateFinder::MarkWithinDayRuns(std::vector<std::vector<uint8_t>>& status,
                                        const std::vector<uint8_t>& single, unsigned threads) {
  const StagedTable& table = table_;
  const DataKind kind = table.mapping.kind;
  struct Piece {
    size_t chunk, begin, end;
  };
  // The file's day runs in order: a day run that ends a chunk goes on in the next chunk when
  // that one starts with the same day.
  std::vector<Piece> pieces;
  std::vector<size_t> run_first_piece;  // per run, then the piece count
  std::vector<Day> run_days;
  for (size_t chunk_idx = 0; chunk_idx < table.chunks.size(); ++chunk_idx) {
    const size_t rows = table.chunks[chunk_idx].rows();
    if (rows == 0) continue;
    if (days_listed_[chunk_idx] == 0) return false;
    const std::vector<Run>& runs = day_runs_[chunk_idx];
    for (size_t run = 0; run < runs.size(); ++run) {
      const Day day = static_cast<Day>(runs[run].key);
      const size_t end = run + 1 < runs.size() ? runs[run + 1].begin : rows;
      if (run > 0 || run_days.empty() || run_days.back() != day) {
        run_first_piece.push_back(pieces.size());
        run_days.push_back(day);
      }
      pieces.push_back({chunk_idx, runs[run].begin, end});
    }
  }
  run_first_piece.push_back(pieces.size());
  std::vector<Day> days = run_days;
  std::sort(days.begin(), days.end());
  if (std::adjacent_find(days.begin(), days.end()) != days.end()) return false;
  day_runs_.clear();
  runs_.clear();

  std::vector<size_t> chunk_offset(table.chunks.size() + 1, 0);
  for (size_t chunk_idx = 0; chunk_idx < table.chunks.size(); ++chunk_idx)
    chunk_offset[chunk_idx + 1] = chunk_offset[chunk_idx] + table.chunks[chunk_idx].rows();
  // A slot: the row hash's top 32 bits over the row's global index; all ones when free.
  constexpr uint64_t kFree = UINT64_MAX;
  ParallelFor(run_days.size(), threads, [&](size_t run) {
    size_t rows = 0;
    for (size_t piece = run_first_piece[run]; piece < run_first_piece[run + 1]; ++piece)
      rows += pieces[piece].end - pieces[piece].begin;
    if (rows < 2) return;
    const size_t slot_mask = std::bit_ceil(rows * 2) - 1;
    std::vector<uint64_t> slots(slot_mask + 1, kFree);
    for (size_t piece = run_first_piece[run]; piece < run_first_piece[run + 1]; ++piece) {
      const size_t chunk_idx = pieces[piece].chunk;
      const StagedChunk& chunk = table.chunks[chunk_idx];
      for (size_t row = pieces[piece].begin; row < pieces[piece].end; ++row) {
        const uint32_t key = RunKey(chunk, row, kind);
        if (!single.empty() && key != kNullCode && single[key] != 0) continue;
        const uint64_t hash = HashRow(chunk, row, kind);
        const uint64_t tag = hash >> 32;
        for (size_t slot = hash & slot_mask;; slot = (slot + 1) & slot_mask) {
          const uint64_t seen = slots[slot];
          if (seen == kFree) {
            slots[slot] = (tag << 32) | (chunk_offset[chunk_idx] + row);
            break;
          }
          if ((seen >> 32) != tag) continue;
          const size_t seen_row = seen & UINT32_MAX;
          const size_t seen_chunk = static_cast<size_t>(
              std::upper_bound(chunk_offset.begin(), chunk_offset.end(), seen_row) -
              chunk_offset.begin() - 1);
          if (RowsEqual(table.chunks[seen_chunk], seen_row - chunk_offset[seen_chunk], chunk, row,
                        kind)) {
            status[chunk_idx][row] = duplicate_;  // one byte per row: no two tasks share it
            break;
          }
        }
      }
    }
  });
  return true;
}

void MarkDuplicateRows(const StagedTable& table, std::vector<std::vector<uint8_t>>& status,
                       uint8_t duplicate, unsigned threads, const DuplicateLayout& layout) {
  DuplicateFinder finder(table, duplicate, layout);
  ParallelFor(table.chunks.size(), threads,
              [&](size_t chunk_idx) { finder.ScanChunk(chunk_idx, status[chunk_idx]).Finish(); });
  finder.MarkAcrossRuns(status, threads);
}

}  // namespace growthlens
