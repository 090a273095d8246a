#pragma once
// Finds exact duplicate rows of a StagedTable (every column equal, as parsed), keeping the
// first occurrence, as pandas' DataFrame.drop_duplicates() does. Two steps:
//  1. Runs. Rows of one user (usage logs) or invoice (transactions) that follow each other form
//     a run, checked on its own: usage rows as they are read, against the earlier rows of their
//     day while the run's days ascend (logs written user by user, day by day); other runs when
//     they end, through a 64-bit filter (up to 64 rows) or a table the size of the run. For a
//     key whose rows all form one run, as in exports grouped by user, that is the whole check.
//     This step reads each chunk once, in order, fed a block of rows at a time, so that the
//     cleaner's rules share the read.
//  2. Across runs. Usage rows whose days come in runs, each day in one run of the file (logs in
//     time order, as exports write them), are checked day run by day run: a duplicate shares
//     its day, so it lies in the same run, whose table fits in cache. Otherwise
//     the rows of keys with several runs (or none) are hashed in parallel,
//     radix-partitioned by hash so each partition's table fits in cache, and candidates with
//     equal hashes are confirmed column by column, so a hash collision never drops a row. The
//     partitions are taken in a few waves (rows split by user or invoice), each scattering only
//     its own rows, so that the 8-byte references of all rows are never held at once.
// A row that repeats one of its own run repeats an earlier row of the file, so step 1 may mark
// the runs of every key before knowing which have several; step 2 finds those marks again.
//
//   DuplicateFinder finder(table, duplicate);
//   // per chunk, on any thread:
//   DuplicateFinder::ChunkScan scan = finder.ScanChunk(chunk_idx, status[chunk_idx]);
//   scan.ScanTo(block_end);  // for growing ends
//   scan.Finish();
//   // then, once:
//   finder.MarkAcrossRuns(status, threads);

#include <cstdint>
#include <vector>

#include "io/staged_table.h"

namespace growthlens {

/// How the rows are split; the defaults suit millions of rows, tests use small ones.
struct DuplicateLayout {
  // Few partitions keep the scatter to a few dozen write streams; each partition's table (a
  // few MB) still fits in cache. Measured on 9M rows: 16k rows per partition 0.17 s, 256k
  // 0.13 s.
  size_t rows_per_partition = 256 * 1024;
  // References held at once: the rows are split into this many rows per wave on average
  // (by user or invoice, so not exactly). Each wave reads one column of the rows it visits
  // again, cheap next to the memory saved (72 MB of references at 9M rows).
  size_t rows_per_wave = 3 * 1024 * 1024;
  // Rows of a user (invoice) whose rows are all in one contiguous run are checked within the
  // run; off, every row takes the partitioned path (tests compare the two).
  bool local_runs = true;
  // Step 1 lists a chunk's runs while they average at least this many rows, so that step 2
  // visits only the runs of keys with several; a chunk of shorter runs (a log sorted by time)
  // is visited row by row instead. 1 lists every chunk's runs, SIZE_MAX none (for tests).
  size_t min_rows_per_listed_run = 16;
  // Step 2 runs on one thread below this many rows: starting a thread costs about as much as
  // hashing 100k rows (2 ms when the other core had gone idle, measured), and files grouped by
  // user leave few rows to it. 0 always uses the threads (for tests).
  size_t min_rows_for_threads = 64 * 1024;
  // Step 1 also lists each chunk's runs of a day (up to the same count as the key runs); when
  // every day is one run of the file, step 2 checks the rows day run by day run. Off, the
  // partitions check them (tests compare the two).
  bool day_runs = true;
};

class DuplicateFinder {
  struct Run {
    uint32_t begin;  // first row in the chunk
    uint32_t key;
  };

 public:
  /// Marks duplicates as `duplicate` in the status vectors (one entry per row of each chunk).
  DuplicateFinder(const StagedTable& table, uint8_t duplicate, const DuplicateLayout& layout = {});

  /// Step 1 for one chunk, fed rows in order: ScanTo(end) checks the runs that end before
  /// `end`; Finish() the last one. Chunks may be scanned in parallel, one thread each.
  class ChunkScan {
   public:
    void ScanTo(size_t end);
    void Finish();

   private:
    friend class DuplicateFinder;
    ChunkScan(DuplicateFinder& finder, size_t chunk_idx, std::vector<uint8_t>& status);
    void ScanUsage(size_t end);
    void ScanLines(size_t end);
    void CloseRun(size_t end);

    const StagedChunk& chunk_;
    DataKind kind_;
    uint8_t duplicate_;
    std::vector<uint8_t>& status_;
    std::vector<uint8_t>& runs_per_key_;  // saturating at 2
    std::vector<Run>& runs_;              // every run while listed
    uint8_t& listed_;
    std::vector<Run>& day_runs_;  // every run of a day while listed (key: the day)
    uint8_t& days_listed_;
    size_t max_listed_runs_;
    std::vector<uint32_t> slots_;  // scratch table for long runs
    bool active_;
    size_t scanned_ = 0;  // rows read so far
    size_t run_begin_ = 0;
    uint32_t run_key_ = 0;
    bool days_ascend_ = true;
    Day previous_day_ = 0;
    uint64_t features_seen_ = 0;  // on the current day of the run, by feature code mod 64
    Day day_run_day_ = 0;         // the day of the last listed day run
  };
  ChunkScan ScanChunk(size_t chunk_idx, std::vector<uint8_t>& status);

  /// Step 2, once every chunk's scan is finished.
  void MarkAcrossRuns(std::vector<std::vector<uint8_t>>& status, unsigned threads);

 private:
  /// Step 2 by day runs; false (nothing marked) when some day has rows in two runs of the file.
  /// `single`: per key, 1 when step 1 settled it (empty: none).
  bool MarkWithinDayRuns(std::vector<std::vector<uint8_t>>& status,
                         const std::vector<uint8_t>& single, unsigned threads);

  const StagedTable& table_;
  uint8_t duplicate_;
  DuplicateLayout layout_;
  // Per chunk, filled by its scan.
  std::vector<std::vector<uint8_t>> runs_per_key_;
  std::vector<std::vector<Run>> runs_;
  std::vector<uint8_t> listed_;
  std::vector<std::vector<Run>> day_runs_;
  std::vector<uint8_t> days_listed_;
};

/// Both steps, for callers with nothing to share the read with.
void MarkDuplicateRows(const StagedTable& table, std::vector<std::vector<uint8_t>>& status,
                       uint8_t duplicate, unsigned threads, const DuplicateLayout& layout = {});

}  // namespace growthlens
