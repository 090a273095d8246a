#pragma once
// UserRows: the rows of a Dataset grouped by user, built once and shared by the per-user
// analyses (feature usage, correlation, RFM). A per-user pass keeps a user's working state in a
// few cache lines and splits over cores by user with no shared writes. Logs written user by user
// (as `growthlens generate` and many exports write them) are grouped already and cost one check;
// others get a counting sort.
//
//   const UserRows by_user(dataset);
//   auto partials = ForEachUserChunk(by_user, threads, Counts{}, [&](Counts& counts,
//                                    size_t first, size_t end) {
//     for (size_t group = first; group < end; ++group)
//       by_user.ForEachRow(group, [&](uint32_t row) { counts.Add(by_user.user(group), row); });
//   });

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/dataset.h"
#include "core/parallel.h"

namespace growthlens {

class UserRows {
 public:
  /// Rows without a user (transactions without CustomerID) belong to no group. Rows that are
  /// not grouped yet are sorted on `threads` threads (0 = all cores), with a counter per user
  /// and thread.
  explicit UserRows(const Dataset& dataset, unsigned threads = 0);
  explicit UserRows(const UsageLog& log, unsigned threads = 0);
  explicit UserRows(const TransactionLog& log, unsigned threads = 0);

  /// Groups only: rows that are not grouped yet get no order here, but one band of groups at a
  /// time from OrderOfBand(), so that a 4-byte order of every row (180 MB at 45M rows) is never
  /// held at once. ForEachRow() and row_order() are then not available (UsageRollup walks the
  /// bands); grouped_in_place() says whether the bands are needed.
  struct ByBand {};
  UserRows(const UsageLog& log, unsigned threads, ByBand);

  /// Users with at least one row.
  size_t groups() const { return users_.size(); }
  /// The user code of a group.
  uint32_t user(size_t group) const { return users_[group]; }
  size_t RowCount(size_t group) const { return begin_[group + 1] - begin_[group]; }
  /// True when the Dataset's rows were already grouped by user (no row order is stored).
  bool grouped_in_place() const { return order_.empty() && !by_band_; }
  /// Built ByBand from rows that were not grouped: no row order is stored (see OrderOfBand).
  bool ordered_by_band() const { return by_band_; }

  template <typename Fn>
  void ForEachRow(size_t group, Fn&& fn) const {
    if (order_.empty()) {
      for (size_t row = begin_[group]; row < begin_[group + 1]; ++row)
        fn(static_cast<uint32_t>(row));
    } else {
      for (size_t idx = begin_[group]; idx < begin_[group + 1]; ++idx) fn(order_[idx]);
    }
  }

  /// Row numbers in group order when the rows were sorted (empty when grouped in place): group
  /// g's rows are row_order()[RowsBegin(g), RowsBegin(g + 1)). For loops that prefetch the
  /// rows a few groups ahead, which ForEachRow cannot.
  std::span<const uint32_t> row_order() const { return order_; }
  size_t RowsBegin(size_t group) const { return begin_[group]; }

  /// Group boundaries splitting the rows into `chunks` runs of about equal row count:
  /// chunk c holds groups [bounds[c], bounds[c + 1]).
  std::vector<size_t> ChunkBounds(size_t chunks) const { return ChunkBounds(chunks, 0, groups()); }
  /// The same over groups [first_group, end_group) only.
  std::vector<size_t> ChunkBounds(size_t chunks, size_t first_group, size_t end_group) const;

  /// Built ByBand: group boundaries of bands of about `rows_per_band` rows (at least one group
  /// each), band b holding groups [bounds[b], bounds[b + 1]).
  std::vector<size_t> BandBounds(size_t rows_per_band) const;
  /// Built ByBand: the row numbers of groups [first_group, end_group) in group order, rows in
  /// file order within a group; group g's rows are at [RowsBegin(g) - RowsBegin(first_group),
  /// RowsBegin(g + 1) - RowsBegin(first_group)). One pass over the user column on `threads`.
  Column<uint32_t> OrderOfBand(const UsageLog& log, size_t first_group, size_t end_group,
                               unsigned threads) const;

  size_t MemoryBytes() const;

 private:
  template <typename Log>
  void Group(const Log& log, unsigned threads, bool with_order);

  std::vector<uint32_t> users_;  // per group
  std::vector<size_t> begin_;    // per group + 1: into the rows (grouped) or into order_
  std::vector<uint32_t> order_;  // row numbers grouped by user; empty when grouped in place
  // ByBand, rows not grouped: each sort part's first slot per user code (see counting_sort.h).
  std::vector<uint32_t> band_slots_;
  size_t sort_parts_ = 0;
  bool by_band_ = false;
};

/// Runs task(state, first_group, end_group) over chunks of about equal row count on `threads`
/// threads (0 = all cores); each thread owns one copy of `initial` and the copies are returned
/// for the caller to merge. Chunks go to whichever thread is free, so merge only what does not
/// depend on grouping (integer counts, per-user results). Over groups [first_group, end_group)
/// (a band, see UserRows::ByBand); the overload below takes every group.
template <typename State, typename Task>
std::vector<State> ForEachUserChunk(const UserRows& by_user, size_t first_group, size_t end_group,
                                    unsigned threads, const State& initial, Task&& task) {
  constexpr size_t kChunks = 64;  // enough for balance, few enough to be cheap
  const std::vector<size_t> bounds = by_user.ChunkBounds(kChunks, first_group, end_group);
  const size_t chunks = bounds.size() - 1;
  if (threads == 0) threads = HardwareThreads();
  const size_t workers = std::max<size_t>(1, std::min<size_t>(threads, chunks));
  std::vector<State> states(workers, initial);
  std::atomic<size_t> next{0};
  ParallelFor(workers, static_cast<unsigned>(workers), [&](size_t worker) {
    for (size_t chunk = next++; chunk < chunks; chunk = next++)
      task(states[worker], bounds[chunk], bounds[chunk + 1]);
  });
  return states;
}

template <typename State, typename Task>
std::vector<State> ForEachUserChunk(const UserRows& by_user, unsigned threads, const State& initial,
                                    Task&& task) {
  return ForEachUserChunk(by_user, 0, by_user.groups(), threads, initial, std::forward<Task>(task));
}

}  // namespace growthlens
