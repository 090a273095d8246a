#pragma once
// A stable counting sort by a small integer key, on several threads: the items split into
// `parts` contiguous parts (in item order); each part counts its keys, then scatters its items
// after every earlier part's items of the same key, so items keep their order within a key
// whatever the number of parts. One implementation for the rows grouped by user
// (metrics/user_rows.h) and the generator's row orders (synth/row_order.h).
//
//   CountingSortSlots<uint32_t> slots = PlanCountingSort<uint32_t>(
//       parts, keys, threads, [&](size_t part, std::span<uint32_t> counts) {
//         for (size_t item : ItemsOf(part)) ++counts[KeyOf(item)];
//       });
//   ParallelFor(parts, threads, [&](size_t part) {
//     std::span<uint32_t> cursor = slots.cursor(part);
//     for (size_t item : ItemsOf(part)) sorted[cursor[KeyOf(item)]++] = item;
//   });
//   // key k's items are sorted[slots.key_begin[k], slots.key_begin[k + 1])
//
// Memory: parts x keys counters, so callers keep parts at the thread count they were given.

#include <cstddef>
#include <span>
#include <vector>

#include "core/parallel.h"

namespace growthlens {

template <typename Index>
class CountingSortSlots {
 public:
  CountingSortSlots(size_t parts, size_t keys) : keys_(keys), cursors_(parts * keys, 0) {}

  /// Part `part`'s next slot per key: a count before Plan, where its next item goes after.
  std::span<Index> cursor(size_t part) { return {cursors_.data() + part * keys_, keys_}; }
  size_t parts() const { return keys_ == 0 ? 0 : cursors_.size() / keys_; }

  /// Turns the counts into slots: key by key, part by part. Fills key_begin.
  void Plan() {
    const size_t parts_count = parts();
    key_begin.assign(keys_ + 1, 0);
    Index next = 0;
    for (size_t key = 0; key < keys_; ++key) {
      key_begin[key] = next;
      for (size_t part = 0; part < parts_count; ++part) {
        Index& slot = cursors_[part * keys_ + key];
        const Index count = slot;
        slot = next;
        next += count;
      }
    }
    key_begin[keys_] = next;
  }

  /// Where each key's items start in the sorted order, and (last) the number of items sorted.
  std::vector<Index> key_begin;

 private:
  size_t keys_;
  std::vector<Index> cursors_;  // parts x keys
};

/// Runs count_part(part, counts) for every part on up to `threads` threads (0 = all cores),
/// each adding one to counts[key] per item of its part, and returns the slots to scatter to.
template <typename Index, typename CountPart>
CountingSortSlots<Index> PlanCountingSort(size_t parts, size_t keys, unsigned threads,
                                          CountPart&& count_part) {
  CountingSortSlots<Index> slots(parts, keys);
  ParallelFor(parts, threads, [&](size_t part) { count_part(part, slots.cursor(part)); });
  slots.Plan();
  return slots;
}

}  // namespace growthlens
